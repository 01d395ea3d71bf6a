package io.roomsync.sandbox;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers change and lifecycle notifications the way Graph does: POST {"value":[...]} to the subscriber's URL,
 * several items batched into one POST, sometimes the same item twice, a 3 s timeout, and retries with back-off when
 * the receiver does not answer 2xx (for up to 4 hours by default).
 */
final class Notifier {
    private static final Logger LOG = LoggerFactory.getLogger(Notifier.class);

    private final SandboxClock clock;
    private final Outbound outbound;
    private final Background background;
    private final Map<String, List<ObjectNode>> buffers = new LinkedHashMap<>();
    private final Deque<Delivery> log = new ArrayDeque<>();
    private Random random = new Random();
    private boolean paused;

    volatile Duration batchWindow = Duration.ofMillis(50);
    volatile int maxBatch = 50;
    volatile double duplicateProbability = 0.05;
    volatile Duration timeout = Duration.ofSeconds(3);
    volatile List<Duration> retryDelays = List.of(Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofMinutes(2),
            Duration.ofMinutes(10));
    volatile Duration maxRetryAge = Duration.ofHours(4);

    Notifier(SandboxClock clock, Outbound outbound, Background background) {
        this.clock = clock;
        this.outbound = outbound;
        this.background = background;
    }

    /** One attempt to deliver one POST, kept for the sandbox page and tests. */
    static final class Delivery {
        final Instant at;
        final String url;
        final int items;
        final int attempt;
        final int status;
        final String failure;

        Delivery(Instant at, String url, int items, int attempt, int status, String failure) {
            this.at = at;
            this.url = url;
            this.items = items;
            this.attempt = attempt;
            this.status = status;
            this.failure = failure;
        }
    }

    synchronized void seed(long seed) {
        random = new Random(seed);
    }

    /** Queues one item for the URL; it goes out with whatever else is queued for that URL within the batch window. */
    void enqueue(String url, ObjectNode item, Function<ObjectNode, Boolean> stillWanted) {
        boolean duplicate;
        synchronized (this) {
            duplicate = duplicateProbability > 0 && random.nextDouble() < duplicateProbability;
        }
        add(url, item, stillWanted);
        if (duplicate) {
            // Graph delivers at least once: the same item again, in a later POST.
            background.schedule(batchWindow.multipliedBy(3), () -> add(url, item.deepCopy(), stillWanted));
        }
    }

    private final Map<String, Function<ObjectNode, Boolean>> filters = new LinkedHashMap<>();

    private void add(String url, ObjectNode item, Function<ObjectNode, Boolean> stillWanted) {
        boolean first;
        synchronized (this) {
            List<ObjectNode> buffer = buffers.computeIfAbsent(url, k -> new ArrayList<>());
            first = buffer.isEmpty() && !paused;
            buffer.add(item);
            filters.put(url, stillWanted);
        }
        if (first) background.schedule(batchWindow, () -> flush(url, stillWanted));
    }

    /** Holds deliveries back (they gather per URL) until {@link #resume()}, which sends each URL's items as one POST. */
    synchronized void pause() {
        paused = true;
    }

    void resume() {
        Map<String, Function<ObjectNode, Boolean>> due = new LinkedHashMap<>();
        synchronized (this) {
            paused = false;
            for (String url : buffers.keySet()) if (!buffers.get(url).isEmpty()) due.put(url, filters.get(url));
        }
        due.forEach((url, filter) -> background.schedule(Duration.ZERO, () -> flush(url, filter)));
    }

    private void flush(String url, Function<ObjectNode, Boolean> stillWanted) {
        List<ObjectNode> items;
        synchronized (this) {
            List<ObjectNode> buffer = buffers.remove(url);
            if (buffer == null || buffer.isEmpty()) return;
            items = buffer;
        }
        for (int i = 0; i < items.size(); i += maxBatch) {
            List<ObjectNode> batch = new ArrayList<>(items.subList(i, Math.min(items.size(), i + maxBatch)));
            deliver(url, batch, 1, clock.instant(), stillWanted);
        }
    }

    private void deliver(String url, List<ObjectNode> items, int attempt, Instant firstTry, Function<ObjectNode, Boolean> stillWanted) {
        List<ObjectNode> wanted = new ArrayList<>();
        for (ObjectNode i : items) if (stillWanted.apply(i)) wanted.add(i);
        if (wanted.isEmpty()) return;
        ObjectNode payload = Json.object();
        ArrayNode value = payload.putArray("value");
        wanted.forEach(value::add);
        Outbound.Result r = outbound.post(url, "application/json; charset=utf-8", Json.bytes(payload), timeout);
        record(new Delivery(clock.instant(), url, wanted.size(), attempt, r.status, r.failure));
        if (r.ok2xx()) return;
        LOG.info("Exchange sandbox: notification POST to {} failed (attempt {}): {}", url, attempt,
                r.failure != null ? r.failure : "HTTP " + r.status);
        List<Duration> delays = retryDelays;
        Duration delay = delays.get(Math.min(attempt - 1, delays.size() - 1));
        if (clock.instant().plus(delay).isAfter(firstTry.plus(maxRetryAge))) {
            LOG.info("Exchange sandbox: dropping {} notification(s) for {} after {} attempts", wanted.size(), url, attempt);
            return;
        }
        background.schedule(delay, () -> deliver(url, wanted, attempt + 1, firstTry, stillWanted));
    }

    private synchronized void record(Delivery d) {
        log.addFirst(d);
        while (log.size() > 200) log.removeLast();
    }

    synchronized List<Delivery> recentDeliveries() {
        return new ArrayList<>(log);
    }
}
