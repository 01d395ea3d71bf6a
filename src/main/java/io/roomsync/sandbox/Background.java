package io.roomsync.sandbox;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sandbox's own asynchronous work (booking assistant, notification delivery), counted so that tests and the demo
 * can wait until everything that was triggered has happened, instead of sleeping.
 */
final class Background {
    private static final Logger LOG = LoggerFactory.getLogger(Background.class);
    private final ScheduledExecutorService executor;
    private int pending;

    Background(String name, int threads) {
        this.executor = Executors.newScheduledThreadPool(threads, r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    void schedule(Duration delay, Runnable task) {
        synchronized (this) {
            pending++;
        }
        try {
            executor.schedule(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.warn("Exchange sandbox background task failed", e);
                } finally {
                    done();
                }
            }, Math.max(0, delay.toMillis()), TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            done();
            throw e;
        }
    }

    private synchronized void done() {
        pending--;
        notifyAll();
    }

    synchronized int pending() {
        return pending;
    }

    /** Waits until no task is pending or running; false if that did not happen within the timeout. */
    synchronized boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (pending > 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) return false;
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }

    void shutdown() {
        executor.shutdownNow();
    }
}
