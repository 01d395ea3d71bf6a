package io.roomsync.graph;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.microsoft.graph.models.odataerrors.ODataError;
import com.microsoft.kiota.HttpMethod;
import com.microsoft.kiota.RequestAdapter;
import com.microsoft.kiota.RequestInformation;
import com.microsoft.kiota.http.middleware.options.HeadersInspectionOption;
import com.microsoft.kiota.serialization.KiotaJsonSerialization;
import com.microsoft.kiota.serialization.Parsable;
import com.microsoft.kiota.serialization.ParsableFactory;
import io.roomsync.graph.GraphFailure.Kind;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bulk reads through JSON batching ({@code POST /$batch}): many GET requests, each for a mailbox, sent 20 to a
 * batch (Graph's limit) through the app's authenticated client, under the same per-mailbox limits as
 * {@link GraphCalls#call}. Items Graph answers 429/503/504 are sent again after their Retry-After, and items the
 * limiter holds back are sent when it allows; both by scheduling, never by sleeping: the caller gets a
 * {@link CompletableFuture} at once, and batches are sent from this class's own small pool. An item still throttled
 * after {@code maxAttempts}, or asked to wait longer than {@code longestWait}, completes as THROTTLED with its
 * Retry-After, for the caller to reschedule.
 */
public final class GraphBatch implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GraphBatch.class);
    /** Graph's limit of requests per batch (graph-facts §4.3). */
    public static final int MAX_PER_BATCH = 20;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** An inner 503/504 without Retry-After is tried again after this, doubling per attempt. */
    private static final Duration BACKOFF = Duration.ofSeconds(1);
    /** How often one item may be held back by the limiter (mostly for 200 ms while 4 calls are in flight). */
    private static final int MAX_HOLDS = 50;

    private final GraphCalls calls;
    private final int maxAttempts;
    private final Duration longestWait;
    private final ScheduledThreadPoolExecutor pool;

    /** Up to 5 attempts per item, waits of at most 30 s, four sending threads. */
    public GraphBatch(GraphCalls calls) {
        this(calls, 5, Duration.ofSeconds(30), 4);
    }

    public GraphBatch(GraphCalls calls, int maxAttempts, Duration longestWait, int threads) {
        this.calls = Objects.requireNonNull(calls);
        this.maxAttempts = maxAttempts;
        this.longestWait = longestWait;
        this.pool = new ScheduledThreadPoolExecutor(threads, r -> {
            Thread t = new Thread(r, "graph-batch");
            t.setDaemon(true);
            return t;
        });
        pool.setRemoveOnCancelPolicy(true);
    }

    /** One GET for a mailbox; {@code url} is relative to the Graph base, e.g. /users/{mailbox}/calendarView?... */
    public record Request(String mailbox, String url) {
        public Request {
            Objects.requireNonNull(mailbox, "mailbox");
            Objects.requireNonNull(url, "url");
            if (url.startsWith("http:") || url.startsWith("https:")) throw new IllegalArgumentException("Batch URLs are relative: " + url);
        }
    }

    public static Request get(String mailbox, String url) {
        return new Request(mailbox, url);
    }

    /**
     * One request's final answer: the HTTP status Graph gave the item (0 when it was never answered), its JSON
     * body, the request-id (the item's own, else the batch's), the Retry-After of a throttled item and how many
     * times it was sent. {@link #failure()} is null for 2xx.
     */
    public record Result(Request request, int status, String body, String requestId, Duration retryAfter, int attempts,
                         GraphFailure failure) {
        public boolean ok() {
            return failure == null;
        }

        /** The body as a Graph SDK model, e.g. {@code as(EventCollectionResponse::createFromDiscriminatorValue)}. */
        public <T extends Parsable> T as(ParsableFactory<T> factory) {
            if (failure != null) throw failure;
            try {
                return KiotaJsonSerialization.deserialize(body, factory);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Sends all requests (in batches of 20) and completes with one result per request, in the same order. */
    public CompletableFuture<List<Result>> getAll(GraphClientFactory.GraphApp app, String operation, List<Request> requests) {
        Job job = new Job(app, operation, List.copyOf(requests));
        if (requests.isEmpty()) {
            job.done.complete(List.of());
            return job.done;
        }
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) all.add(i);
        pool.execute(() -> round(job, all));
        return job.done;
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }

    private final class Job {
        final GraphClientFactory.GraphApp app;
        final String operation;
        final List<Request> requests;
        final AtomicReferenceArray<Result> results;
        final int[] attempts;
        final int[] holds;
        final AtomicInteger open;
        final CompletableFuture<List<Result>> done = new CompletableFuture<>();

        Job(GraphClientFactory.GraphApp app, String operation, List<Request> requests) {
            this.app = app;
            this.operation = operation;
            this.requests = requests;
            this.results = new AtomicReferenceArray<>(requests.size());
            this.attempts = new int[requests.size()];
            this.holds = new int[requests.size()];
            this.open = new AtomicInteger(requests.size());
        }

        String key(int item) {
            return MailboxLimiter.key(app.clientId(), requests.get(item).mailbox());
        }

        void finish(int item, Result r) {
            if (!results.compareAndSet(item, null, r)) return;
            if (open.decrementAndGet() == 0) {
                List<Result> out = new ArrayList<>(requests.size());
                for (int i = 0; i < requests.size(); i++) out.add(results.get(i));
                done.complete(out);
            }
        }
    }

    /** Items to send again, grouped by how long to wait; filled by the batches of one round side by side. */
    private final class Later {
        private final TreeMap<Long, List<Integer>> byDelay = new TreeMap<>();

        synchronized void add(long millis, int item) {
            byDelay.computeIfAbsent(millis, k -> new ArrayList<>()).add(item);
        }

        synchronized void schedule(Job job) {
            for (Map.Entry<Long, List<Integer>> e : byDelay.entrySet()) {
                List<Integer> again = e.getValue();
                pool.schedule(() -> round(job, again), e.getKey(), TimeUnit.MILLISECONDS);
            }
        }
    }

    /**
     * Sends what the limiter allows now, in batches of 20 sent side by side on the pool; once all are answered, frees
     * the mailboxes' permits and schedules the held-back and throttled items again.
     */
    private void round(Job job, List<Integer> items) {
        Later later = new Later();
        List<MailboxLimiter.Grant> grants = new ArrayList<>();
        List<List<Integer>> batches = new ArrayList<>();
        try {
            Map<String, List<Integer>> byMailbox = new LinkedHashMap<>();
            for (int item : items) byMailbox.computeIfAbsent(job.key(item), k -> new ArrayList<>()).add(item);
            List<Integer> send = new ArrayList<>();
            for (Map.Entry<String, List<Integer>> e : byMailbox.entrySet()) {
                List<Integer> mine = e.getValue();
                MailboxLimiter.Grant grant = calls.limiter().tryTake(e.getKey(), mine.size());
                grants.add(grant);
                send.addAll(mine.subList(0, grant.items()));
                for (int item : mine.subList(grant.items(), mine.size())) {
                    MailboxLimiter.Grant why = grant.refused() ? grant
                            : new MailboxLimiter.Grant(e.getKey(), 0, 0, MailboxLimiter.Reason.CONCURRENCY, GraphCalls.CONCURRENCY_RETRY);
                    heldBack(job, item, why, later);
                }
            }
            for (int from = 0; from < send.size(); from += MAX_PER_BATCH) {
                batches.add(List.copyOf(send.subList(from, Math.min(send.size(), from + MAX_PER_BATCH))));
            }
        } catch (RuntimeException e) {
            failAll(job, items, e);
            batches.clear();
        }
        AtomicInteger unanswered = new AtomicInteger(batches.size());
        Runnable afterwards = () -> {
            for (MailboxLimiter.Grant g : grants) calls.limiter().release(g);
            later.schedule(job);
        };
        if (batches.isEmpty()) {
            afterwards.run();
            return;
        }
        boolean sideBySide = !spansBatches(job, batches);
        for (int i = 0; i < batches.size(); i++) {
            List<Integer> batch = batches.get(i);
            Runnable sendIt = () -> {
                try {
                    sendBatch(job, batch, later);
                } catch (RuntimeException e) {
                    failAll(job, batch, e);
                } finally {
                    if (unanswered.decrementAndGet() == 0) afterwards.run();
                }
            };
            // The last batch goes from this thread, the others from the pool's other threads.
            if (!sideBySide || i == batches.size() - 1) sendIt.run(); else pool.execute(sendIt);
        }
    }

    /**
     * Whether a mailbox has items in more than one batch. Its permits cover one batch at a time (Graph runs up to 4
     * inner requests of a batch at once), so such batches go one after the other.
     */
    private static boolean spansBatches(Job job, List<List<Integer>> batches) {
        Map<String, Integer> batchOf = new HashMap<>();
        for (int b = 0; b < batches.size(); b++) {
            for (int item : batches.get(b)) {
                Integer seen = batchOf.putIfAbsent(job.key(item), b);
                if (seen != null && seen != b) return true;
            }
        }
        return false;
    }

    private static void failAll(Job job, List<Integer> items, RuntimeException e) {
        GraphFailure f = GraphErrors.translate(e);
        for (int item : items) {
            job.finish(item, new Result(job.requests.get(item), f.status(), null, f.requestId(), f.retryAfter(), job.attempts[item], f));
        }
    }

    /** The limiter would not let this item go now: try later, or give it back as THROTTLED. */
    private void heldBack(Job job, int item, MailboxLimiter.Grant grant, Later later) {
        calls.count(job.operation, Kind.THROTTLED, false, 0);
        if (++job.holds[item] <= MAX_HOLDS && grant.retryAfter().compareTo(longestWait) <= 0) {
            later.add(Math.max(1, grant.retryAfter().toMillis()), item);
            return;
        }
        GraphFailure f = GraphCalls.refusal(grant, job.requests.get(item).mailbox());
        job.finish(item, new Result(job.requests.get(item), 0, null, null, f.retryAfter(), job.attempts[item], f));
    }

    private void sendBatch(Job job, List<Integer> items, Later later) {
        ObjectNode payload = JSON.createObjectNode();
        ArrayNode requests = payload.putArray("requests");
        for (int item : items) {
            ObjectNode r = requests.addObject();
            r.put("id", Integer.toString(item));
            r.put("method", "GET");
            r.put("url", job.requests.get(item).url());
            r.putObject("headers").put("accept", "application/json");
        }
        long t0 = System.nanoTime();
        JsonNode answer;
        String batchRequestId;
        try {
            RequestAdapter adapter = job.app.client().getRequestAdapter();
            RequestInformation info = new RequestInformation(HttpMethod.POST, "{+baseurl}/$batch", new HashMap<>());
            info.pathParameters.put("baseurl", adapter.getBaseUrl());
            info.headers.add("Accept", "application/json");
            info.setStreamContent(new ByteArrayInputStream(JSON.writeValueAsBytes(payload)), "application/json");
            HeadersInspectionOption inspect = new HeadersInspectionOption(false, true);
            info.addRequestOptions(List.of(inspect));
            HashMap<String, ParsableFactory<? extends Parsable>> errors = new HashMap<>();
            errors.put("XXX", ODataError::createFromDiscriminatorValue);
            try (InputStream in = adapter.sendPrimitive(info, errors, InputStream.class)) {
                answer = JSON.readTree(in);
            }
            batchRequestId = GraphErrors.header(inspect.getResponseHeaders(), "request-id");
            calls.count("$batch", null, true, System.nanoTime() - t0);
        } catch (IOException | RuntimeException e) {
            GraphFailure f = GraphErrors.translate(e);
            calls.count("$batch", f.kind(), true, System.nanoTime() - t0);
            log.debug("Graph $batch of {} items for {} failed: {} {} (request-id {})", items.size(), job.operation, f.kind(), f.status(), f.requestId());
            for (int item : items) {
                job.attempts[item]++;
                retryOrFinish(job, item, f.status(), null, f.requestId(), f.retryAfter(), f, later);
            }
            return;
        }
        long nanos = System.nanoTime() - t0;
        JsonNode responses = answer == null ? null : answer.get("responses");
        Map<Integer, JsonNode> byItem = new HashMap<>();
        if (responses != null) {
            for (JsonNode r : responses) {
                try {
                    byItem.put(Integer.parseInt(r.path("id").asText()), r);
                } catch (NumberFormatException ignored) {
                    // not one of ours
                }
            }
        }
        for (int item : items) {
            job.attempts[item]++;
            JsonNode r = byItem.get(item);
            if (r == null) {
                GraphFailure f = new GraphFailure(Kind.TRANSIENT, 0, null, "The $batch answer had no response for this request",
                        batchRequestId, null, null, null);
                calls.count(job.operation, f.kind(), true, nanos);
                retryOrFinish(job, item, 0, null, batchRequestId, null, f, later);
                continue;
            }
            int status = r.path("status").asInt();
            JsonNode headers = r.path("headers");
            String requestId = headerOf(headers, "request-id");
            if (requestId == null) requestId = batchRequestId;
            Duration retryAfter = GraphErrors.retryAfter(headerOf(headers, "Retry-After"));
            JsonNode bodyNode = r.get("body");
            String body = bodyNode == null || bodyNode.isNull() ? null : bodyNode.isTextual() ? bodyNode.asText() : bodyNode.toString();
            GraphFailure f = null;
            if (status < 200 || status >= 300) {
                JsonNode error = bodyNode == null ? null : bodyNode.path("error");
                f = GraphErrors.fromItem(status, error == null ? null : text(error, "code"), error == null ? null : text(error, "message"),
                        requestId, retryAfter);
                calls.answered(job.key(item), status, retryAfter);
                log.debug("Graph $batch item {} for {} answered {} {} (request-id {})", job.operation,
                        job.requests.get(item).mailbox(), status, f.code(), requestId);
            }
            calls.count(job.operation, f == null ? null : f.kind(), true, nanos);
            retryOrFinish(job, item, status, body, requestId, retryAfter, f, later);
        }
    }

    private void retryOrFinish(Job job, int item, int status, String body, String requestId, Duration retryAfter,
                               GraphFailure failure, Later later) {
        boolean again = status == 429 || status == 503 || status == 504 || (failure != null && status == 0 && failure.retryable());
        if (again && job.attempts[item] < maxAttempts) {
            Duration wait = retryAfter != null ? retryAfter : BACKOFF.multipliedBy(1L << Math.min(5, job.attempts[item] - 1));
            if (wait.compareTo(longestWait) <= 0) {
                later.add(Math.max(1, wait.toMillis()), item);
                return;
            }
        }
        job.finish(item, new Result(job.requests.get(item), status, body, requestId, retryAfter, job.attempts[item], failure));
    }

    private static String headerOf(JsonNode headers, String name) {
        if (headers == null || !headers.isObject()) return null;
        for (Iterator<Map.Entry<String, JsonNode>> it = headers.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equalsIgnoreCase(name)) return e.getValue().asText();
        }
        return null;
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
