package io.roomsync.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON batching (POST /v1.0/$batch): at most 20 requests, relative URLs, ids echoed, {@code dependsOn} honoured
 * (a request whose dependency failed answers 424 Failed Dependency), each inner request evaluated on its own
 * (throttling included: an inner 429 carries Retry-After in its own headers).
 */
final class BatchApi {
    static final int MAX_REQUESTS = 20;
    private final GraphRouter router;

    BatchApi(GraphRouter router) {
        this.router = router;
    }

    private static final class Step {
        final String id;
        final ObjectNode request;
        final List<String> dependsOn = new ArrayList<>();

        Step(String id, ObjectNode request) {
            this.id = id;
            this.request = request;
        }
    }

    SandboxResponse handle(SandboxRequest req, Identity.Grant grant) {
        if (!req.method.equals("POST")) throw new GraphError(405, "Request_BadRequest", "The HTTP method is not allowed for this resource.");
        ObjectNode body = req.jsonObject();
        JsonNode requests = body.get("requests");
        if (requests == null || !requests.isArray() || requests.isEmpty()) {
            throw GraphError.badRequest("BadRequest", "Invalid batch payload format.");
        }
        if (requests.size() > MAX_REQUESTS) {
            // [UNCERTAIN] exact code/message; the limit and the 400 are documented.
            throw GraphError.badRequest("BadRequest", "The number of batch requests exceeds the limit of " + MAX_REQUESTS + ".");
        }
        Map<String, Step> steps = new LinkedHashMap<>();
        for (JsonNode r : requests) {
            if (!r.isObject()) throw GraphError.badRequest("BadRequest", "Invalid batch payload format.");
            String id = Json.text(r, "id");
            if (id == null || id.isBlank()) throw GraphError.badRequest("BadRequest", "Each batch request needs an id.");
            if (steps.containsKey(id)) throw GraphError.badRequest("BadRequest", "Batch request ids must be unique; '" + id + "' repeats.");
            if (Json.text(r, "method") == null || Json.text(r, "url") == null) {
                throw GraphError.badRequest("BadRequest", "Batch request '" + id + "' needs a method and a url.");
            }
            Step s = new Step(id, (ObjectNode) r);
            JsonNode deps = r.get("dependsOn");
            if (deps != null && deps.isArray()) for (JsonNode d : deps) s.dependsOn.add(d.asText());
            steps.put(id, s);
        }
        for (Step s : steps.values()) {
            for (String d : s.dependsOn) {
                if (!steps.containsKey(d) || d.equals(s.id)) {
                    throw GraphError.badRequest("BadRequest", "Batch request '" + s.id + "' depends on an unknown request '" + d + "'.");
                }
            }
        }
        Map<String, Integer> statuses = new LinkedHashMap<>();
        ArrayNode responses = Json.array();
        List<Step> pending = new ArrayList<>(steps.values());
        while (!pending.isEmpty()) {
            Step next = null;
            for (Step s : pending) {
                if (statuses.keySet().containsAll(s.dependsOn)) {
                    next = s;
                    break;
                }
            }
            if (next == null) throw GraphError.badRequest("BadRequest", "The dependsOn of the batch requests form a cycle.");
            pending.remove(next);
            boolean dependencyFailed = false;
            for (String d : next.dependsOn) {
                int st = statuses.get(d);
                dependencyFailed |= st < 200 || st >= 300;
            }
            ObjectNode out = dependencyFailed ? failedDependency(next) : run(next, req, grant);
            statuses.put(next.id, out.get("status").asInt());
            responses.add(out);
        }
        ObjectNode result = Json.object();
        result.set("responses", responses);
        return SandboxResponse.json(200, result);
    }

    private static ObjectNode failedDependency(Step step) {
        ObjectNode out = Json.object();
        out.put("id", step.id);
        out.put("status", 424);
        out.putObject("headers").put("Content-Type", "application/json");
        ObjectNode err = out.putObject("body").putObject("error");
        err.put("code", "FailedDependency");
        err.put("message", "The request could not be processed because a request it depends on failed.");
        return out;
    }

    private ObjectNode run(Step step, SandboxRequest outer, Identity.Grant grant) {
        String url = Json.text(step.request, "url");
        String method = Json.text(step.request, "method");
        ObjectNode out = Json.object();
        out.put("id", step.id);
        if (url.startsWith("http:") || url.startsWith("https:")) {
            return innerError(out, 400, "BadRequest", "Batch request urls must be relative.");
        }
        if (!url.startsWith("/")) url = "/" + url;
        if (!url.regionMatches(true, 0, "/v1.0/", 0, 6)) url = "/v1.0" + url;
        URI uri;
        try {
            uri = URI.create(url.replace(" ", "%20"));
        } catch (IllegalArgumentException e) {
            return innerError(out, 400, "BadRequest", "Invalid url '" + url + "'.");
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        JsonNode h = step.request.get("headers");
        if (h != null && h.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = h.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                headers.put(e.getKey(), List.of(e.getValue().asText()));
            }
        }
        JsonNode b = step.request.get("body");
        byte[] bytes = new byte[0];
        if (b != null && !b.isNull()) {
            boolean hasContentType = headers.keySet().stream().anyMatch(k -> k.equalsIgnoreCase("Content-Type"));
            if (!hasContentType) return innerError(out, 400, "BadRequest", "Write request id : " + step.id + " does not contain Content-Type header or body.");
            bytes = b.isTextual() ? b.asText().getBytes(StandardCharsets.UTF_8) : Json.bytes(b);
        }
        SandboxRequest inner = new SandboxRequest(method, uri.getRawPath(), uri.getRawQuery(), headers, bytes, outer.origin, Ids.guid());
        SandboxResponse r = router.dispatch(inner, grant, true);
        out.put("status", r.status);
        ObjectNode oh = out.putObject("headers");
        r.headers.forEach(oh::put);
        if (r.body.length > 0) {
            if (r.json != null) {
                out.set("body", r.json);
            } else {
                try {
                    out.set("body", Json.parse(r.body));
                } catch (IOException e) {
                    out.put("body", new String(r.body, StandardCharsets.UTF_8));
                }
            }
        }
        return out;
    }

    private static ObjectNode innerError(ObjectNode out, int status, String code, String message) {
        out.put("status", status);
        out.putObject("headers").put("Content-Type", "application/json");
        ObjectNode err = out.putObject("body").putObject("error");
        err.put("code", code);
        err.put("message", message);
        return out;
    }
}
