package io.roomsync.sandbox;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Locale;

/**
 * Outlook's per (app, mailbox) limits: at most N requests in flight and M requests per window, answered with
 * 429 ApplicationThrottled + Retry-After; plus switches to inject 429/503/504 into the next calls and to hold
 * requests in flight (so tests can fill the concurrency limit deterministically).
 */
public final class Throttle {
    private final SandboxClock clock;
    private final Map<String, Counter> counters = new HashMap<>();
    private final Deque<Fault> faults = new ArrayDeque<>();
    private final Map<String, Integer> holds = new HashMap<>();
    /** Per mailbox: how many times its held calls were dropped (a held call compares before and after waiting). */
    private final Map<String, Integer> drops = new HashMap<>();
    private final Map<String, Integer> responseHolds = new HashMap<>();
    private long faultsServed;

    volatile int maxConcurrentPerMailbox = 4;
    volatile int maxRequestsPerWindow = 10_000;
    volatile Duration window = Duration.ofMinutes(10);
    volatile Duration retryAfter = Duration.ofSeconds(1);
    /** Every Graph call waits this long while holding its slot (demo realism; zero in tests). */
    volatile Duration latency = Duration.ZERO;

    Throttle(SandboxClock clock) {
        this.clock = clock;
    }

    private static final class Counter {
        int inFlight;
        Instant windowStart;
        int count;
    }

    /** An injected failure for the next {@code remaining} Graph calls (optionally only for one mailbox). */
    private static final class Fault {
        final int status;
        final Duration retryAfter;
        final String mailbox;
        int remaining;

        Fault(int status, int count, Duration retryAfter, String mailbox) {
            this.status = status;
            this.remaining = count;
            this.retryAfter = retryAfter;
            this.mailbox = mailbox == null ? null : mailbox.toLowerCase(Locale.ROOT);
        }
    }

    /** A held slot; closing it frees the slot. */
    final class Slot implements AutoCloseable {
        private final String key;
        private boolean closed;

        Slot(String key) {
            this.key = key;
        }

        @Override
        public void close() {
            synchronized (Throttle.this) {
                if (closed) return;
                closed = true;
                Counter c = counters.get(key);
                if (c != null) c.inFlight--;
                Throttle.this.notifyAll();
            }
        }
    }

    /** Makes the next {@code count} Graph calls (for {@code mailbox}, or any if null) fail with {@code status}. */
    public synchronized void injectFaults(int status, int count, Duration retryAfter, String mailbox) {
        if (status != 429 && status != 503 && status != 504) throw new IllegalArgumentException("Only 429, 503 and 504 can be injected");
        faults.add(new Fault(status, count, retryAfter, mailbox));
    }

    synchronized long faultsServed() {
        return faultsServed;
    }

    public synchronized void clearFaults() {
        faults.clear();
    }

    /** Throws an injected fault if one is due for this call. Called for every authenticated Graph call. */
    synchronized void checkFault(String mailboxIdOrAddress, String mailboxAddress) {
        for (Iterator<Fault> it = faults.iterator(); it.hasNext(); ) {
            Fault f = it.next();
            if (f.mailbox != null && (mailboxAddress == null || !f.mailbox.equals(mailboxAddress.toLowerCase(Locale.ROOT)))) continue;
            if (--f.remaining <= 0) it.remove();
            faultsServed++;
            throw faultError(f.status, f.retryAfter);
        }
    }

    static GraphError faultError(int status, Duration retryAfter) {
        GraphError e;
        if (status == 429) {
            e = new GraphError(429, "TooManyRequests", "Please retry again later.");
        } else if (status == 503) {
            e = new GraphError(503, "serviceNotAvailable", "The service is temporarily unavailable. Please retry later.");
        } else {
            e = new GraphError(504, "UnknownError", "The gateway timed out.");
        }
        if (retryAfter != null && status != 504) e.header("Retry-After", seconds(retryAfter));
        return e;
    }

    private static String seconds(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? Long.toString(ms / 1000) : String.format(Locale.ROOT, "%.3f", ms / 1000.0);
    }

    /** Takes a slot for (app, mailbox) or throws 429 ApplicationThrottled. */
    Slot acquire(String appId, String mailboxId) {
        String key = appId + "|" + mailboxId;
        synchronized (this) {
            Counter c = counters.computeIfAbsent(key, k -> new Counter());
            Instant now = clock.instant();
            if (c.windowStart == null || !now.isBefore(c.windowStart.plus(window))) {
                c.windowStart = now;
                c.count = 0;
            }
            if (c.inFlight >= maxConcurrentPerMailbox) {
                throw new GraphError(429, "ApplicationThrottled", "Application is over its MailboxConcurrency limit.")
                        .header("Retry-After", seconds(retryAfter));
            }
            if (c.count >= maxRequestsPerWindow) {
                Duration left = Duration.between(now, c.windowStart.plus(window));
                throw new GraphError(429, "ApplicationThrottled", "Application is over its MailboxRequestLimit limit.")
                        .header("Retry-After", Long.toString(Math.max(1, left.toSeconds())));
            }
            c.inFlight++;
            c.count++;
            notifyAll();
        }
        Slot slot = new Slot(key);
        try {
            waitWhileHeld(mailboxId);
            Duration l = latency;
            if (!l.isZero()) Thread.sleep(l.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (GraphError e) {
            slot.close();
            throw e;
        }
        return slot;
    }

    private synchronized void waitWhileHeld(String mailboxId) throws InterruptedException {
        int dropsBefore = drops.getOrDefault(mailboxId, 0);
        while (holds.getOrDefault(mailboxId, 0) > 0) wait();
        if (drops.getOrDefault(mailboxId, 0) != dropsBefore) {
            // As if the connection broke before the request reached Exchange: nothing was applied.
            throw new GraphError(504, "UnknownError", "The gateway timed out.");
        }
    }

    /** Releases the mailbox's held calls without applying them (the caller died before its request arrived). */
    synchronized void dropHeld(String mailboxId) {
        drops.merge(mailboxId, 1, Integer::sum);
        holds.remove(mailboxId);
        notifyAll();
    }

    /** Calls to this mailbox are applied, then their answers wait until {@link #releaseResponses}. */
    synchronized void holdResponses(String mailboxId) {
        responseHolds.merge(mailboxId, 1, Integer::sum);
    }

    synchronized void releaseResponses(String mailboxId) {
        responseHolds.computeIfPresent(mailboxId, (k, v) -> v <= 1 ? null : v - 1);
        notifyAll();
    }

    /** Called after a call to the mailbox was applied, before its answer goes out (still in flight). */
    synchronized void waitWhileResponsesHeld(String mailboxId) {
        try {
            while (responseHolds.getOrDefault(mailboxId, 0) > 0) wait();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Requests to this mailbox stay in flight (holding their slot) until {@link #release}. */
    synchronized void hold(String mailboxId) {
        holds.merge(mailboxId, 1, Integer::sum);
    }

    synchronized void release(String mailboxId) {
        holds.computeIfPresent(mailboxId, (k, v) -> v <= 1 ? null : v - 1);
        notifyAll();
    }

    /** Requests currently in flight for a mailbox, over all apps. */
    synchronized int inFlight(String mailboxId) {
        int n = 0;
        for (Map.Entry<String, Counter> e : counters.entrySet()) if (e.getKey().endsWith("|" + mailboxId)) n += e.getValue().inFlight;
        return n;
    }

    /** Waits until {@code count} requests are in flight for the mailbox (tests); false if that did not happen in time. */
    synchronized boolean awaitInFlight(String mailboxId, int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (inFlight(mailboxId) < count) {
            long left = deadline - System.nanoTime();
            if (left <= 0) return false;
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }
}
