package io.roomsync.jobs;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Date;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobExecutionContext;
import org.quartz.JobKey;
import org.quartz.ObjectAlreadyExistsException;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.SimpleTrigger;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.quartz.impl.SchedulerRepository;
import org.quartz.impl.StdSchedulerFactory;
import org.quartz.utils.ConnectionProvider;
import org.quartz.utils.DBConnectionManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Background work of the application on Quartz with its clustered JDBC job store in the app database (tables from
 * Flyway): each job is a feature service method that runs periodically on one node of the cluster at a time and
 * can be woken at once when new work arrives. A wake while the job runs makes it run once more right after (the
 * job is never run concurrently, cluster-wide), so no work waits for the next period. Every job must still be
 * safe to run on several nodes (work is claimed in the database); {@link io.roomsync.App} lists every job.
 */
public final class Jobs implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Jobs.class);
    /** All nodes of one installation share this scheduler name (and so the job store rows). */
    static final String SCHEDULER_NAME = "roomsync";
    private static final String GROUP = "roomsync";
    /** Two wake triggers per job: one may be firing (its job running) while the other waits to run after it. */
    private static final String[] WAKE_TRIGGERS = {"wake-a", "wake-b"};

    private record Registered(String name, Duration every, Runnable work, AtomicBoolean waking, AtomicBoolean wakeAgain) {}

    /** One finished run of a job on this node: which trigger fired it (periodic ones are "every-" + job) and when. */
    public record Run(String job, String trigger, java.time.Instant scheduledFor, long startedNanos, long endedNanos) {
        public boolean periodic() {
            return trigger.equals("every-" + job);
        }
    }

    private final Map<String, Registered> jobs = new ConcurrentHashMap<>();
    private final java.util.List<java.util.function.Consumer<Run>> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final DataSource dataSource;
    private final int threads;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Scheduler scheduler;
    private final java.util.concurrent.ExecutorService waker = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "job-waker");
        t.setDaemon(true);
        return t;
    });

    public Jobs(DataSource dataSource, int threads) {
        this.dataSource = dataSource;
        this.threads = threads;
    }

    /** Registers a job; it first runs one period after {@link #start()}. */
    public void register(String name, Duration every, Runnable work) {
        if (started.get()) throw new IllegalStateException("Register jobs before start()");
        if (jobs.putIfAbsent(name, new Registered(name, every, work, new AtomicBoolean(), new AtomicBoolean())) != null) {
            throw new IllegalArgumentException("Job " + name + " exists");
        }
    }

    public boolean isRegistered(String name) {
        return jobs.containsKey(name);
    }

    public void start() {
        if (!started.compareAndSet(false, true)) return;
        try {
            scheduler = createScheduler();
            for (Registered job : jobs.values()) {
                JobDetail detail = JobBuilder.newJob(RunJob.class).withIdentity(job.name, GROUP).storeDurably().build();
                // The period restarts from this node's start; a node that was down does not fire its missed periods
                // in a burst: the next firing simply comes one period later.
                Trigger periodic = TriggerBuilder.newTrigger().withIdentity("every-" + job.name, GROUP).forJob(detail)
                        .startAt(new Date(System.currentTimeMillis() + job.every.toMillis()))
                        .withSchedule(SimpleScheduleBuilder.simpleSchedule().withIntervalInMilliseconds(job.every.toMillis())
                                .repeatForever().withMisfireHandlingInstructionNextWithRemainingCount())
                        .build();
                // Another node (or this node's previous life) may have scheduled it already: keep its timing then,
                // so that starting a node does not move the cluster's firings.
                if (scheduler.getTrigger(periodic.getKey()) instanceof SimpleTrigger existing
                        && existing.getRepeatInterval() == job.every.toMillis() && scheduler.checkExists(detail.getKey())) {
                    continue;
                }
                scheduler.scheduleJob(detail, Set.of(periodic), true);
            }
            scheduler.start();
        } catch (SchedulerException e) {
            throw new IllegalStateException("Cannot start the job scheduler: " + e.getMessage(), e);
        }
    }

    private Scheduler createScheduler() throws SchedulerException {
        // Quartz finds connection providers by name in a JVM-wide registry: a unique name per Jobs instance keeps
        // two apps in one JVM (tests) apart while both use the same tables.
        String dsName = "roomsync-" + UUID.randomUUID();
        DBConnectionManager.getInstance().addConnectionProvider(dsName, new ConnectionProvider() {
            @Override
            public Connection getConnection() throws SQLException {
                return dataSource.getConnection();
            }

            @Override
            public void shutdown() {
                // the pool belongs to the application's Database
            }

            @Override
            public void initialize() {
            }
        });
        Properties p = new Properties();
        p.setProperty("org.quartz.scheduler.instanceName", SCHEDULER_NAME);
        p.setProperty("org.quartz.scheduler.instanceId", "AUTO");
        p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        // Woken work is picked up at once on this node (scheduling signals the scheduler thread); other nodes look
        // for due triggers every second.
        p.setProperty("org.quartz.scheduler.idleWaitTime", "1000");
        p.setProperty("org.quartz.threadPool.threadCount", String.valueOf(threads));
        p.setProperty("org.quartz.threadPool.makeThreadsDaemons", "true");
        p.setProperty("org.quartz.scheduler.makeSchedulerThreadDaemon", "true");
        p.setProperty("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
        p.setProperty("org.quartz.jobStore.driverDelegateClass", "org.quartz.impl.jdbcjobstore.StdJDBCDelegate");
        p.setProperty("org.quartz.jobStore.dataSource", dsName);
        p.setProperty("org.quartz.jobStore.tablePrefix", "QRTZ_");
        p.setProperty("org.quartz.jobStore.isClustered", "true");
        p.setProperty("org.quartz.jobStore.clusterCheckinInterval", "5000");
        p.setProperty("org.quartz.jobStore.misfireThreshold", "5000");
        p.setProperty("org.quartz.jobStore.acquireTriggersWithinLock", "true");
        StdSchedulerFactory factory = new StdSchedulerFactory(p);
        Scheduler created = factory.getScheduler();
        // The JVM-wide scheduler repository would hand this scheduler to the next factory of the same name; each
        // Jobs instance (a node) owns its own.
        SchedulerRepository.getInstance().remove(SCHEDULER_NAME);
        created.setJobFactory((bundle, s) -> new RunJob(jobs.get(bundle.getJobDetail().getKey().getName()), listeners));
        return created;
    }

    /**
     * Runs the job as soon as a thread is free, on any node (call after the transaction that created the work
     * committed). Wakes that come while one is pending are folded into it.
     */
    public void wake(String name) {
        Registered job = jobs.get(name);
        if (job == null) throw new IllegalArgumentException("No job " + name);
        if (!started.get() || closed.get()) return;
        job.wakeAgain.set(true);
        startWaking(job);
    }

    /**
     * Scheduling a wake is a write to the job store under its cluster lock, so it runs on one background thread
     * (callers such as the webhook return at once) and wakes that arrive meanwhile are folded into one.
     */
    private void startWaking(Registered job) {
        if (!job.waking.compareAndSet(false, true)) return;
        try {
            waker.execute(() -> {
                try {
                    while (job.wakeAgain.getAndSet(false) && !closed.get()) schedule(job);
                } finally {
                    job.waking.set(false);
                }
                if (job.wakeAgain.get() && !closed.get()) startWaking(job);
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            job.waking.set(false);
        }
    }

    private void schedule(Registered job) {
        Scheduler s = scheduler;
        try {
            for (String wake : WAKE_TRIGGERS) {
                TriggerKey key = TriggerKey.triggerKey(wake + "-" + job.name, GROUP);
                try {
                    s.scheduleJob(TriggerBuilder.newTrigger().withIdentity(key).forJob(job.name, GROUP).startNow()
                            .withSchedule(SimpleScheduleBuilder.simpleSchedule().withMisfireHandlingInstructionFireNow()).build());
                    return;
                } catch (ObjectAlreadyExistsException exists) {
                    // Still waiting to fire (or blocked behind the running job): it will run after our work committed.
                    Trigger.TriggerState state = s.getTriggerState(key);
                    if (state == Trigger.TriggerState.NORMAL || state == Trigger.TriggerState.BLOCKED
                            || state == Trigger.TriggerState.PAUSED) {
                        return;
                    }
                }
            }
            // Both wake triggers are firing: a one-off trigger runs the job once more after them.
            s.scheduleJob(TriggerBuilder.newTrigger().withIdentity("wake-" + UUID.randomUUID(), GROUP).forJob(job.name, GROUP)
                    .startNow().build());
        } catch (SchedulerException e) {
            if (!closed.get()) log.warn("Could not wake job {}: {}", job.name, e.getMessage());
        }
    }

    /** Tells the listener about every run of a job on this node once it finished (tests, monitoring). */
    public void onRun(java.util.function.Consumer<Run> listener) {
        listeners.add(listener);
    }

    /** Runs the job on the calling thread and returns when it is done (tests, and admin "run now" actions). */
    public void runNow(String name) {
        Registered job = jobs.get(name);
        if (job == null) throw new IllegalArgumentException("No job " + name);
        job.work.run();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        waker.shutdownNow();
        Scheduler s = scheduler;
        if (s == null) return;
        try {
            s.shutdown(true);
        } catch (SchedulerException e) {
            log.warn("Job scheduler did not shut down cleanly: {}", e.getMessage());
        }
    }

    /**
     * Stops this node's scheduler the way a crash would, without waiting for running jobs (they run on until they
     * fail against the closed database) and without cleaning up: the cluster recovers their firings once this
     * node's check-ins stop. For tests of crashes and restarts.
     */
    public void halt() {
        if (!closed.compareAndSet(false, true)) return;
        waker.shutdownNow();
        Scheduler s = scheduler;
        if (s == null) return;
        try {
            s.shutdown(false);
        } catch (SchedulerException e) {
            log.warn("Job scheduler did not halt cleanly: {}", e.getMessage());
        }
    }

    /** The Quartz job: never runs concurrently with itself in the cluster. */
    @DisallowConcurrentExecution
    public static final class RunJob implements Job {
        private final Registered job;
        private final java.util.List<java.util.function.Consumer<Run>> listeners;

        RunJob(Registered job, java.util.List<java.util.function.Consumer<Run>> listeners) {
            this.job = job;
            this.listeners = listeners;
        }

        @Override
        public void execute(JobExecutionContext context) {
            if (job == null) {
                log.warn("Job {} is not registered on this node; skipped", context.getJobDetail().getKey().getName());
                return;
            }
            long started = System.nanoTime();
            try {
                job.work.run();
            } catch (RuntimeException | Error e) {
                log.error("Job {} failed", job.name, e);
            }
            Run run = new Run(job.name, context.getTrigger().getKey().getName(), context.getScheduledFireTime().toInstant(),
                    started, System.nanoTime());
            for (var listener : listeners) listener.accept(run);
        }
    }

    /** For tests: the job's key in the store. */
    static JobKey key(String name) {
        return JobKey.jobKey(name, GROUP);
    }
}
