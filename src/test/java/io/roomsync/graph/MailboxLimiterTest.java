package io.roomsync.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.roomsync.sandbox.SandboxClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** How many requests of a $batch the limiter lets go to one mailbox at once. */
class MailboxLimiterTest {
    final SandboxClock clock = GraphCallsTest.testClock();
    final MailboxLimiter limiter = new MailboxLimiter(4, 30, Duration.ofMinutes(10), Duration.ofMillis(200), clock);
    final String room = MailboxLimiter.key("app", "Aurora@Contoso.test");

    @Test
    void an_idle_mailbox_takes_a_whole_batch_on_all_four_permits_because_graph_runs_four_at_a_time() {
        MailboxLimiter.Grant grant = limiter.tryTake(room, 20);
        assertEquals(20, grant.items());
        assertEquals(4, grant.permits());
        assertTrue(limiter.tryTake(MailboxLimiter.key("app", "aurora@contoso.test"), 1).refused(), "the same mailbox, whatever its case");
        limiter.release(grant);
        assertEquals(0, limiter.inFlight(room));
    }

    @Test
    void a_busy_mailbox_sends_only_as_many_requests_as_it_has_free_permits() {
        MailboxLimiter.Grant one = limiter.tryTake(room, 1);
        MailboxLimiter.Grant rest = limiter.tryTake(room, 20);
        assertEquals(3, rest.items());
        assertEquals(3, rest.permits());
        assertEquals(MailboxLimiter.Reason.CONCURRENCY, limiter.tryTake(room, 1).refusal());
        limiter.release(one);
        limiter.release(rest);
    }

    @Test
    void the_budget_caps_a_batch_and_then_refuses_until_the_window_ends() {
        limiter.release(limiter.tryTake(room, 20));
        clock.advance(Duration.ofMinutes(4));
        MailboxLimiter.Grant last = limiter.tryTake(room, 20);
        assertEquals(10, last.items());
        limiter.release(last);
        MailboxLimiter.Grant spent = limiter.tryTake(room, 1);
        assertEquals(MailboxLimiter.Reason.BUDGET, spent.refusal());
        assertEquals(Duration.ofMinutes(6), spent.retryAfter());
        clock.advance(Duration.ofMinutes(6));
        assertEquals(1, limiter.tryTake(room, 1).items());
    }
}
