package io.roomsync.web;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds the OpenAPI 3.1 document from the API routes as they are registered (see {@link Routes}), with schemas
 * derived from the request and response records, so the document cannot drift from the code.
 */
public final class OpenApi {
    /** What a route does, for the document. Request and response are record classes (or null). */
    public record Operation(String summary, String tag, Class<?> request, Class<?> response, boolean responseIsList,
                            int successStatus, Map<String, String> queryParams) {
        public static Operation of(String tag, String summary) {
            return new Operation(summary, tag, null, null, false, 200, Map.of());
        }

        public Operation accepts(Class<?> requestRecord) {
            return new Operation(summary, tag, requestRecord, response, responseIsList, successStatus, queryParams);
        }

        public Operation returns(Class<?> responseRecord) {
            return new Operation(summary, tag, request, responseRecord, false, successStatus, queryParams);
        }

        public Operation returnsList(Class<?> responseRecord) {
            return new Operation(summary, tag, request, responseRecord, true, successStatus, queryParams);
        }

        public Operation status(int status) {
            return new Operation(summary, tag, request, response, responseIsList, status, queryParams);
        }

        /** A query parameter and its meaning. */
        public Operation query(String name, String meaning) {
            Map<String, String> q = new LinkedHashMap<>(queryParams);
            q.put(name, meaning);
            return new Operation(summary, tag, request, response, responseIsList, successStatus, q);
        }
    }

    private static final Pattern PATH_PARAM = Pattern.compile("\\{([^}]+)}");
    private final Map<String, Map<String, Object>> paths = new TreeMap<>();
    private final Map<String, Object> schemas = new TreeMap<>();

    void add(String method, String path, Operation op, boolean publicRoute) {
        Map<String, Object> operation = new LinkedHashMap<>();
        operation.put("summary", op.summary());
        operation.put("tags", List.of(op.tag()));
        operation.put("operationId", method + path.replaceAll("[^A-Za-z0-9]+", "_"));
        List<Object> params = new ArrayList<>();
        Matcher m = PATH_PARAM.matcher(path);
        while (m.find()) {
            params.add(Map.of("name", m.group(1), "in", "path", "required", true, "schema", Map.of("type", "string")));
        }
        op.queryParams().forEach((name, meaning) ->
                params.add(Map.of("name", name, "in", "query", "required", false, "description", meaning, "schema", Map.of("type", "string"))));
        if (!params.isEmpty()) operation.put("parameters", params);
        if (op.request() != null) {
            operation.put("requestBody", Map.of("required", true,
                    "content", Map.of("application/json", Map.of("schema", ref(op.request())))));
        }
        Map<String, Object> responses = new LinkedHashMap<>();
        Map<String, Object> ok = new LinkedHashMap<>();
        ok.put("description", "Success");
        if (op.response() != null) {
            Object schema = op.responseIsList() ? Map.of("type", "array", "items", ref(op.response())) : ref(op.response());
            ok.put("content", Map.of("application/json", Map.of("schema", schema)));
        }
        responses.put(String.valueOf(op.successStatus()), ok);
        Map<String, Object> problem = Map.of("application/problem+json", Map.of("schema", Map.of("$ref", "#/components/schemas/Problem")));
        if (!publicRoute) responses.put("401", Map.of("description", "Missing or invalid API token", "content", problem));
        responses.put("404", Map.of("description", "Not found (also for records of another tenant)", "content", problem));
        if (op.request() != null) responses.put("422", Map.of("description", "Invalid fields", "content", problem));
        operation.put("responses", responses);
        if (!publicRoute) operation.put("security", List.of(Map.of("bearerToken", List.of())));
        paths.computeIfAbsent(path, p -> new TreeMap<>()).put(method, operation);
    }

    public boolean documents(String method, String path) {
        Map<String, Object> ops = paths.get(path);
        return ops != null && ops.containsKey(method);
    }

    public Map<String, Object> document(String serverUrl) {
        ref(Problem.class);
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("openapi", "3.1.0");
        doc.put("info", Map.of("title", "Roomsync API", "version", "1",
                "description", "Workplace reservations. Authenticate with a personal access token: Authorization: Bearer <token>. "
                        + "Errors are RFC 9457 problem documents."));
        doc.put("servers", List.of(Map.of("url", serverUrl)));
        doc.put("paths", paths);
        doc.put("components", Map.of("schemas", schemas,
                "securitySchemes", Map.of("bearerToken", Map.of("type", "http", "scheme", "bearer"))));
        return doc;
    }

    private Map<String, Object> ref(Class<?> type) {
        String name = type.getSimpleName();
        if (!schemas.containsKey(name)) {
            schemas.put(name, Map.of()); // placeholder against recursion
            schemas.put(name, objectSchema(type));
        }
        return Map.of("$ref", "#/components/schemas/" + name);
    }

    private Map<String, Object> objectSchema(Class<?> type) {
        Map<String, Object> props = new LinkedHashMap<>();
        List<String> required = new ArrayList<>();
        if (type.isRecord()) {
            for (RecordComponent c : type.getRecordComponents()) {
                props.put(c.getName(), schemaOf(c.getGenericType()));
                if (c.getType().isPrimitive()) required.add(c.getName());
            }
        }
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("type", "object");
        schema.put("properties", props);
        if (!required.isEmpty()) schema.put("required", required);
        return schema;
    }

    private Object schemaOf(Type t) {
        if (t instanceof ParameterizedType p) {
            Class<?> raw = (Class<?>) p.getRawType();
            if (Collection.class.isAssignableFrom(raw)) return Map.of("type", "array", "items", schemaOf(p.getActualTypeArguments()[0]));
            if (Map.class.isAssignableFrom(raw)) return Map.of("type", "object", "additionalProperties", schemaOf(p.getActualTypeArguments()[1]));
            return Map.of("type", "object");
        }
        Class<?> c = (Class<?>) t;
        if (c == String.class) return Map.of("type", "string");
        if (c == int.class || c == Integer.class || c == long.class || c == Long.class) return Map.of("type", "integer");
        if (c == double.class || c == Double.class) return Map.of("type", "number");
        if (c == boolean.class || c == Boolean.class) return Map.of("type", "boolean");
        if (c == Instant.class) return Map.of("type", "string", "format", "date-time");
        if (c == LocalDateTime.class) return Map.of("type", "string", "format", "date-time", "description", "local date-time, no offset");
        if (c == LocalDate.class) return Map.of("type", "string", "format", "date");
        if (c == LocalTime.class) return Map.of("type", "string", "format", "time");
        if (c.isEnum()) {
            List<String> values = new ArrayList<>();
            for (Object v : c.getEnumConstants()) values.add(((Enum<?>) v).name());
            return Map.of("type", "string", "enum", values);
        }
        if (c.isArray()) return Map.of("type", "array", "items", schemaOf(c.getComponentType()));
        if (c.isRecord()) return ref(c);
        return Map.of("type", "object");
    }
}
