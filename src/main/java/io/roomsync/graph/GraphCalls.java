package io.roomsync.graph;

import com.microsoft.graph.serviceclient.GraphServiceClient;
import io.roomsync.graph.GraphFailure.Kind;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way Roomsync calls Graph for a mailbox: every call goes through {@link #call}, which is where the
 * per-mailbox limits, the timing and outcome counters and the translation of failures into {@link GraphFailure}
 * live. A throttled call is never waited out here: the failure (with Retry-After) goes back to the caller, which
 * reschedules its work instead of holding a thread.
 *
 * <p>Limits are kept per app registration (client id) and mailbox, as Outlook counts them: at most 4 requests in
 * flight and 10,000 requests per 10 minutes by default. A call that may not start at once is refused with a
 * THROTTLED failure of status 0 (Roomsync's own limiter, nothing was sent); after Graph answers 429, 503 or 504
 * with Retry-After, calls to that mailbox are refused the same way until that time has passed.
 *
 * <p>One {@code call} should be one Graph request (a page loop calls once per page), so that the counts match
 * what Graph counts.
 */
public final class GraphCalls {
    private static final Logger log = LoggerFactory.getLogger(GraphCalls.class);

    /** Outlook's limits per app and mailbox (graph-facts §4.2). */
    public static final int OUTLOOK_CONCURRENCY = 4;
    public static final int OUTLOOK_BUDGET = 10_000;
    public static final Duration OUTLOOK_WINDOW = Duration.ofMinutes(10);
    /** When 4 calls are in flight, the next is worth trying again after about as long as a Graph call takes. */
    public static final Duration CONCURRENCY_RETRY = Duration.ofMillis(200);

    private final MailboxLimiter limiter;
    private final ConcurrentHashMap<CounterKey, Counter> counters = new ConcurrentHashMap<>();

    /** Outlook's limits: 4 concurrent requests and 10,000 requests per 10 minutes per app and mailbox. */
    public GraphCalls() {
        this(OUTLOOK_CONCURRENCY, OUTLOOK_BUDGET, OUTLOOK_WINDOW, Clock.systemUTC());
    }

    public GraphCalls(int maxConcurrentPerMailbox, int budgetPerWindow, Duration window, Clock clock) {
        this.limiter = new MailboxLimiter(maxConcurrentPerMailbox, budgetPerWindow, window, CONCURRENCY_RETRY, clock);
    }

    /**
     * Runs one call against {@code mailbox} (the user or room whose data it touches) as {@code app}.
     * @param operation a short stable name for counters and logs, e.g. "events.create"
     * @throws GraphFailure for every failure, with Graph's request-id when there was a response; THROTTLED with
     *         status 0 when Roomsync's limiter did not let the call start
     */
    public <T> T call(GraphClientFactory.GraphApp app, String mailbox, String operation, Function<GraphServiceClient, T> call) {
        String key = MailboxLimiter.key(app.clientId(), mailbox);
        MailboxLimiter.Grant grant = limiter.tryTake(key, 1);
        if (grant.refused()) {
            GraphFailure refused = refusal(grant, mailbox);
            count(operation, Kind.THROTTLED, false, 0);
            log.debug("Graph call {} for {} not started: {}", operation, mailbox, refused.getMessage());
            throw refused;
        }
        long t0 = System.nanoTime();
        try {
            T result = call.apply(app.client());
            count(operation, null, true, System.nanoTime() - t0);
            return result;
        } catch (RuntimeException e) {
            GraphFailure failure = GraphErrors.translate(e);
            count(operation, failure.kind(), true, System.nanoTime() - t0);
            answered(key, failure.status(), failure.retryAfter());
            log.debug("Graph call {} for {} failed: {} {} {} (request-id {})", operation, mailbox, failure.kind(),
                    failure.status(), failure.code(), failure.requestId());
            throw failure;
        } finally {
            limiter.release(grant);
        }
    }

    /** Graph's answer for a mailbox: 429/503/504 with Retry-After keeps every call to it back until then. */
    void answered(String key, int status, Duration retryAfter) {
        if ((status == 429 || status == 503 || status == 504) && retryAfter != null) limiter.blockFor(key, retryAfter);
    }

    MailboxLimiter limiter() {
        return limiter;
    }

    static GraphFailure refusal(MailboxLimiter.Grant grant, String mailbox) {
        String why = switch (grant.refusal()) {
            case CONCURRENCY -> "the mailbox already has the most requests in flight that Outlook allows";
            case BUDGET -> "the mailbox's request budget for this window is spent";
            case RETRY_AFTER -> "Graph asked to wait (Retry-After) before calling this mailbox again";
        };
        String code = switch (grant.refusal()) {
            case CONCURRENCY -> "RoomsyncMailboxConcurrency";
            case BUDGET -> "RoomsyncMailboxBudget";
            case RETRY_AFTER -> "RoomsyncRetryAfter";
        };
        return new GraphFailure(Kind.THROTTLED, 0, code, "Roomsync's own limiter did not send the call to " + mailbox
                + ": " + why + "; retry after " + grant.retryAfter().toMillis() + " ms", null, null, grant.retryAfter(), null);
    }

    // ---- counters -----------------------------------------------------------------------------------------------

    /**
     * Calls of one operation with one outcome since start: {@code outcome} is "OK" or a {@link GraphFailure.Kind}
     * name; {@code sent} is false for calls Roomsync's limiter refused (THROTTLED, never sent to Graph).
     */
    public record CallCount(String operation, String outcome, boolean sent, long count, Duration total, Duration max) {
        public Duration average() {
            return count == 0 ? Duration.ZERO : total.dividedBy(count);
        }
    }

    /** Every counter now, by operation, then outcome. */
    public List<CallCount> counts() {
        List<CallCount> out = new ArrayList<>();
        counters.forEach((k, c) -> out.add(new CallCount(k.operation, k.outcome, k.sent, c.count.get(),
                Duration.ofNanos(c.totalNanos.get()), Duration.ofNanos(c.maxNanos.get()))));
        out.sort(Comparator.comparing(CallCount::operation).thenComparing(CallCount::outcome).thenComparing(CallCount::sent));
        return out;
    }

    /** The sum of the counters matching an operation (null: any) and outcome ("OK", a kind name; null: any). */
    public long count(String operation, String outcome, Boolean sent) {
        long n = 0;
        for (CallCount c : counts()) {
            if ((operation == null || c.operation().equals(operation)) && (outcome == null || c.outcome().equals(outcome))
                    && (sent == null || c.sent() == sent)) n += c.count();
        }
        return n;
    }

    void count(String operation, Kind failure, boolean sent, long nanos) {
        Counter c = counters.computeIfAbsent(new CounterKey(operation, failure == null ? "OK" : failure.name(), sent), k -> new Counter());
        c.count.incrementAndGet();
        c.totalNanos.addAndGet(nanos);
        c.maxNanos.accumulateAndGet(nanos, Math::max);
    }

    private record CounterKey(String operation, String outcome, boolean sent) {}

    private static final class Counter {
        final AtomicLong count = new AtomicLong();
        final AtomicLong totalNanos = new AtomicLong();
        final AtomicLong maxNanos = new AtomicLong();
    }
}
