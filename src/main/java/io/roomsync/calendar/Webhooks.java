package io.roomsync.calendar;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.roomsync.jobs.Jobs;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The endpoints Graph calls: POST /webhooks/graph/notifications and /webhooks/graph/lifecycle. Public (Graph signs
 * nothing; the client state proves an item is ours), exempt from CSRF, and quick: parse, store, 202.
 */
public final class Webhooks {
    private static final Logger log = LoggerFactory.getLogger(Webhooks.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final WebhookIngest ingest;
    private final WebhookCounters counters;
    private final Jobs jobs;

    public Webhooks(WebhookIngest ingest, WebhookCounters counters, Jobs jobs) {
        this.ingest = ingest;
        this.counters = counters;
        this.jobs = jobs;
    }

    public void notifications(Context ctx) {
        receive(ctx, false);
    }

    public void lifecycle(Context ctx) {
        receive(ctx, true);
    }

    private void receive(Context ctx, boolean lifecycle) {
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Cache-Control", "no-store");
        String validationToken = ctx.queryParam("validationToken");
        if (validationToken != null) {
            // The validation handshake: the decoded token as plain text, nothing else (never as HTML).
            ctx.status(200).contentType("text/plain; charset=utf-8").result(validationToken);
            return;
        }
        List<WebhookIngest.Item> items = new ArrayList<>();
        int malformed = 0;
        JsonNode value;
        try {
            JsonNode root = JSON.readTree(ctx.bodyAsBytes());
            value = root == null ? null : root.get("value");
        } catch (IOException e) {
            value = null;
        }
        if (value == null || !value.isArray()) {
            counters.count(WebhookCounters.UNATTRIBUTED, WebhookCounters.Reason.MALFORMED, 1);
            ctx.status(400).contentType("text/plain; charset=utf-8").result("Expected a JSON object with a value array.");
            return;
        }
        for (JsonNode n : value) {
            if (!n.isObject()) {
                malformed++;
                continue;
            }
            JsonNode data = n.get("resourceData");
            String resourceId = data != null && data.hasNonNull("id") ? data.get("id").asText() : null;
            items.add(new WebhookIngest.Item(text(n, "subscriptionId"), text(n, "clientState"), text(n, "changeType"),
                    resourceId, text(n, "lifecycleEvent")));
        }
        WebhookIngest.Result result;
        try {
            result = ingest.ingest(items, lifecycle, malformed);
        } catch (RuntimeException e) {
            // Graph delivers again after a 5xx: only say so when nothing could be stored.
            log.error("Webhook items could not be stored", e);
            ctx.status(503).contentType("text/plain; charset=utf-8").result("Not stored; please retry.");
            return;
        }
        ctx.status(202);
        if (result.stored() > 0) {
            String job = lifecycle ? SubscriptionService.LIFECYCLE_JOB : SubscriptionService.INBOX_JOB;
            if (jobs.isRegistered(job)) jobs.wake(job);
        }
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
