package io.roomsync.web;

import java.util.List;
import java.util.Map;

/** An RFC 9457 problem document, with one entry per invalid field. */
public record Problem(String type, String title, int status, String detail, String instance, List<FieldError> errors) {
    public record FieldError(String field, String message) {}

    public static final String CONTENT_TYPE = "application/problem+json";

    public static Problem of(int status, String title, String detail, String instance) {
        return new Problem("about:blank", title, status, detail, instance, List.of());
    }

    public static Problem validation(Map<String, String> fieldErrors, String instance) {
        List<FieldError> errors = fieldErrors.entrySet().stream().map(e -> new FieldError(e.getKey(), e.getValue())).toList();
        return new Problem("https://roomsync.io/problems/validation", "The request has invalid fields", 422,
                String.join("; ", fieldErrors.values()), instance, errors);
    }
}
