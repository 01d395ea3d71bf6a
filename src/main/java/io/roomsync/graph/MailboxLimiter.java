package io.roomsync.graph;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Outlook's limits per app registration and mailbox, kept on our side so Roomsync stays under them instead of
 * learning about them from 429s: at most {@code maxConcurrent} requests in flight and {@code budget} requests per
 * {@code window}, plus the time Graph last told us to stay away (Retry-After). Nothing here ever waits: a request
 * that may not start now is refused with the time after which it may.
 *
 * <p>The window is a fixed one starting at the first request after the previous window ended; Graph does not say
 * how it counts its 10 minutes, and a fixed window never lets more than the budget through in any one window.
 */
final class MailboxLimiter {
    private final int maxConcurrent;
    private final int budget;
    private final Duration window;
    private final Duration concurrencyRetry;
    private final Clock clock;
    private final ConcurrentHashMap<String, State> mailboxes = new ConcurrentHashMap<>();
    private volatile Instant nextSweep;

    MailboxLimiter(int maxConcurrent, int budget, Duration window, Duration concurrencyRetry, Clock clock) {
        if (maxConcurrent < 1 || budget < 1) throw new IllegalArgumentException("Limits must be at least 1");
        if (window.isNegative() || window.isZero()) throw new IllegalArgumentException("The window must be positive");
        this.maxConcurrent = maxConcurrent;
        this.budget = budget;
        this.window = window;
        this.concurrencyRetry = concurrencyRetry;
        this.clock = clock;
        this.nextSweep = clock.instant().plus(window);
    }

    static String key(String clientId, String mailbox) {
        return clientId + "|" + mailbox.trim().toLowerCase(Locale.ROOT);
    }

    /** Why a request may not start now, and when it may. */
    enum Reason { CONCURRENCY, BUDGET, RETRY_AFTER }

    /**
     * What {@link #tryTake} granted: {@code items} requests may be sent, holding {@code permits} of the mailbox's
     * concurrency until {@link #release}. Refused when items is 0.
     */
    record Grant(String key, int items, int permits, Reason refusal, Duration retryAfter) {
        boolean refused() {
            return items == 0;
        }
    }

    /**
     * Asks to send {@code items} requests to one mailbox. One request needs one permit. Several requests in one
     * {@code $batch} need as many permits as Graph will run at once (it runs at most 4 inner requests of a batch
     * at a time for Outlook): all of them when the mailbox is idle, else only as many requests as there are free
     * permits; the rest wait for a later batch.
     */
    Grant tryTake(String key, int items) {
        sweepNowAndThen();
        Instant now = clock.instant();
        Grant[] out = new Grant[1];
        // compute() makes each mailbox's check-and-count atomic, also against the sweep removing idle mailboxes.
        mailboxes.compute(key, (k, state) -> {
            State s = state == null ? new State() : state;
            out[0] = take(s, key, items, now);
            return s;
        });
        return out[0];
    }

    private Grant take(State s, String key, int items, Instant now) {
        if (s.blockedUntil != null && now.isBefore(s.blockedUntil)) {
            return new Grant(key, 0, 0, Reason.RETRY_AFTER, Duration.between(now, s.blockedUntil));
        }
        if (s.windowStart == null || !now.isBefore(s.windowStart.plus(window))) {
            s.windowStart = now;
            s.count = 0;
        }
        int free = maxConcurrent - s.inFlight;
        if (free <= 0) return new Grant(key, 0, 0, Reason.CONCURRENCY, concurrencyRetry);
        int left = budget - s.count;
        if (left <= 0) return new Grant(key, 0, 0, Reason.BUDGET, Duration.between(now, s.windowStart.plus(window)));
        int permits = Math.min(items, free);
        int granted = Math.min(permits == maxConcurrent ? items : permits, left);
        permits = Math.min(permits, granted);
        s.inFlight += permits;
        s.count += granted;
        s.lastUse = now;
        return new Grant(key, granted, permits, null, null);
    }

    void release(Grant grant) {
        if (grant.permits() == 0) return;
        mailboxes.computeIfPresent(grant.key(), (k, s) -> {
            s.inFlight = Math.max(0, s.inFlight - grant.permits());
            return s;
        });
    }

    /** Graph answered 429/503/504 with Retry-After: no request to this mailbox starts before then. */
    void blockFor(String key, Duration retryAfter) {
        if (retryAfter == null || retryAfter.isNegative() || retryAfter.isZero()) return;
        Instant until = clock.instant().plus(retryAfter);
        mailboxes.compute(key, (k, state) -> {
            State s = state == null ? new State() : state;
            if (s.blockedUntil == null || until.isAfter(s.blockedUntil)) s.blockedUntil = until;
            return s;
        });
    }

    /** Requests in flight for a mailbox now (for tests and the health page). */
    int inFlight(String key) {
        State s = mailboxes.get(key);
        return s == null ? 0 : s.inFlight;
    }

    /** Forgets mailboxes that have been idle for a whole window, so the map holds only mailboxes in use. */
    private void sweepNowAndThen() {
        Instant now = clock.instant();
        if (now.isBefore(nextSweep)) return;
        nextSweep = now.plus(window);
        for (String key : mailboxes.keySet()) {
            mailboxes.computeIfPresent(key, (k, s) -> s.inFlight == 0
                    && (s.lastUse == null || !now.isBefore(s.lastUse.plus(window)))
                    && (s.blockedUntil == null || !now.isBefore(s.blockedUntil)) ? null : s);
        }
    }

    /** Changed only inside the map's compute functions. */
    private static final class State {
        volatile int inFlight;
        Instant windowStart;
        int count;
        Instant blockedUntil;
        Instant lastUse;
    }
}
