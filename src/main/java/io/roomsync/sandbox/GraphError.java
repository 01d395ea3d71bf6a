package io.roomsync.sandbox;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A failure answered in Graph's error shape: {"error":{"code","message","innerError":{"request-id","date"}}}.
 * Identity-endpoint failures use the OAuth shape instead (see {@link IdentityEndpoints}).
 */
final class GraphError extends RuntimeException {
    final int status;
    final String code;
    final Map<String, String> headers = new LinkedHashMap<>();

    GraphError(int status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    GraphError header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    static GraphError badRequest(String code, String message) {
        return new GraphError(400, code, message);
    }

    static GraphError invalidRequest(String message) {
        return new GraphError(400, "ErrorInvalidRequest", message);
    }

    static GraphError itemNotFound() {
        return new GraphError(404, "ErrorItemNotFound", "The specified object was not found in the store.");
    }

    static GraphError unknownSegment(String segment) {
        return new GraphError(400, "BadRequest", "Resource not found for the segment '" + segment + "'.");
    }
}
