package io.roomsync.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** One answer of the sandbox, detached from the HTTP server (see {@link SandboxRequest}). */
final class SandboxResponse {
    final int status;
    final Map<String, String> headers = new LinkedHashMap<>();
    final byte[] body;
    final JsonNode json;

    private SandboxResponse(int status, byte[] body, JsonNode json, String contentType) {
        this.status = status;
        this.body = body;
        this.json = json;
        if (contentType != null) headers.put("Content-Type", contentType);
    }

    static SandboxResponse json(int status, JsonNode json) {
        return new SandboxResponse(status, Json.bytes(json), json, "application/json; odata.metadata=minimal; odata.streaming=true; IEEE754Compatible=false; charset=utf-8");
    }

    static SandboxResponse empty(int status) {
        return new SandboxResponse(status, new byte[0], null, null);
    }

    static SandboxResponse text(int status, String contentType, String text) {
        return new SandboxResponse(status, text.getBytes(StandardCharsets.UTF_8), null, contentType);
    }

    SandboxResponse header(String name, String value) {
        headers.put(name, value);
        return this;
    }
}
