package io.roomsync.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One request to the sandbox, detached from the HTTP server so that {@code $batch} can run inner requests through
 * the same code. Path segments are percent-decoded; query names are case-insensitive (Graph treats
 * {@code startdatetime} and {@code startDateTime} alike).
 */
final class SandboxRequest {
    final String method;
    final List<String> segments;
    final String rawPath;
    final String rawQuery;
    final Map<String, String> query;
    final Map<String, List<String>> headers;
    final byte[] body;
    /** The scheme://host:port the client used to reach the sandbox: absolute links point back at it. */
    final String origin;
    final String requestId;

    SandboxRequest(String method, String rawPath, String rawQuery, Map<String, List<String>> headers, byte[] body,
                   String origin, String requestId) {
        this.method = method.toUpperCase(Locale.ROOT);
        this.rawPath = rawPath;
        this.rawQuery = rawQuery;
        this.segments = splitPath(rawPath);
        this.query = parseQuery(rawQuery);
        TreeMap<String, List<String>> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        if (headers != null) h.putAll(headers);
        this.headers = Collections.unmodifiableMap(h);
        this.body = body == null ? new byte[0] : body;
        this.origin = origin;
        this.requestId = requestId;
    }

    String header(String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** All values of a header, comma-joined (Prefer may be repeated or comma-separated). */
    String headerJoined(String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? null : String.join(",", values);
    }

    String param(String name) {
        return query.get(name);
    }

    boolean hasBody() {
        return body.length > 0;
    }

    ObjectNode jsonObject() {
        if (!hasBody()) throw GraphError.badRequest("BadRequest", "Empty Payload, JSON content expected");
        JsonNode node;
        try {
            node = Json.parse(body);
        } catch (IOException e) {
            throw GraphError.badRequest("BadRequest", "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.");
        }
        if (!(node instanceof ObjectNode)) throw GraphError.badRequest("BadRequest", "A JSON object is expected in the request body.");
        return (ObjectNode) node;
    }

    /** The value of one Prefer preference (e.g. odata.maxpagesize, outlook.timezone), unquoted; null if absent. */
    String preference(String name) {
        String prefer = headerJoined("Prefer");
        if (prefer == null) return null;
        for (String part : prefer.split(",")) {
            String p = part.trim();
            int eq = p.indexOf('=');
            String key = eq < 0 ? p : p.substring(0, eq).trim();
            if (!key.equalsIgnoreCase(name)) continue;
            if (eq < 0) return "";
            String v = p.substring(eq + 1).trim();
            if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) v = v.substring(1, v.length() - 1);
            return v;
        }
        return null;
    }

    static List<String> splitPath(String rawPath) {
        List<String> out = new ArrayList<>();
        if (rawPath == null) return out;
        for (String s : rawPath.split("/")) {
            if (!s.isEmpty()) out.add(percentDecode(s));
        }
        return out;
    }

    static Map<String, String> parseQuery(String rawQuery) {
        Map<String, String> out = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        if (rawQuery == null || rawQuery.isEmpty()) return out;
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.putIfAbsent(k, v);
        }
        return out;
    }

    /** Percent-decoding for path segments: unlike form decoding, '+' stays '+'. */
    static String percentDecode(String s) {
        if (s.indexOf('%') < 0) return s;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length()) {
                int hi = Character.digit(s.charAt(i + 1), 16);
                int lo = Character.digit(s.charAt(i + 2), 16);
                if (hi >= 0 && lo >= 0) {
                    out.write(hi * 16 + lo);
                    i += 2;
                    continue;
                }
            }
            byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
            out.write(b, 0, b.length);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
