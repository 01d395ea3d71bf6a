package io.roomsync.jobs;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Background work of the application: each job is a feature service method that runs periodically and can be
 * woken at once when new work arrives (a wake while the job runs makes it run once more right after, so no work
 * is left waiting for the next period). Every job must be safe to run on several nodes at once (work is
 * claimed in the database); {@link App} lists every job.
 */
public final class Jobs implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Jobs.class);

    private final class Job {
        final String name;
        final Duration every;
        final Runnable work;
        final AtomicBoolean running = new AtomicBoolean();
        final AtomicBoolean again = new AtomicBoolean();

        Job(String name, Duration every, Runnable work) {
            this.name = name;
            this.every = every;
            this.work = work;
        }

        void runNow() {
            if (!running.compareAndSet(false, true)) {
                again.set(true);
                return;
            }
            try {
                do {
                    again.set(false);
                    work.run();
                } while (again.get() && !closed.get());
            } catch (RuntimeException | Error e) {
                log.error("Job {} failed", name, e);
            } finally {
                running.set(false);
            }
            if (again.get() && !closed.get()) wake(name);
        }
    }

    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final ScheduledExecutorService executor;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();

    public Jobs(int threads) {
        this.executor = Executors.newScheduledThreadPool(threads, r -> {
            Thread t = new Thread(r, "job");
            t.setDaemon(true);
            return t;
        });
    }

    /** Registers a job; it first runs one period after {@link #start()}. */
    public void register(String name, Duration every, Runnable work) {
        if (jobs.putIfAbsent(name, new Job(name, every, work)) != null) throw new IllegalArgumentException("Job " + name + " exists");
    }

    public void start() {
        if (!started.compareAndSet(false, true)) return;
        for (Job job : jobs.values()) {
            long ms = job.every.toMillis();
            executor.scheduleWithFixedDelay(job::runNow, ms, ms, TimeUnit.MILLISECONDS);
        }
    }

    /** Runs the job as soon as a thread is free (call after the transaction that created the work committed). */
    public void wake(String name) {
        Job job = jobs.get(name);
        if (job == null) throw new IllegalArgumentException("No job " + name);
        if (started.get() && !closed.get()) executor.execute(job::runNow);
    }

    /** Runs the job on the calling thread and returns when it is done (tests, and admin "run now" actions). */
    public void runNow(String name) {
        Job job = jobs.get(name);
        if (job == null) throw new IllegalArgumentException("No job " + name);
        job.work.run();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        executor.shutdownNow();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
