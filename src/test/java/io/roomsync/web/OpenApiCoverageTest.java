package io.roomsync.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.roomsync.App;
import io.roomsync.support.TestApp;
import io.roomsync.support.TestDatabases;
import io.roomsync.support.WebClient;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every API route is in /api/openapi.json, and the document is a well-formed OpenAPI 3.1 document. */
class OpenApiCoverageTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String DOCUMENT_ROUTE = "GET /api/openapi.json";
    static TestApp app;

    @BeforeAll
    static void start() {
        app = TestApp.start(TestDatabases.Kind.MARIADB);
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    static JsonNode document(String baseUrl) throws Exception {
        WebClient.Response r = new TestClient(baseUrl).get("/api/openapi.json");
        assertEquals(200, r.status());
        return JSON.readTree(r.body());
    }

    /** The "METHOD /path" routes that the document does not describe. */
    static List<String> undocumented(List<String> routes, JsonNode doc) {
        List<String> missing = new ArrayList<>();
        for (String route : routes) {
            if (route.equals(DOCUMENT_ROUTE)) continue;
            String[] parts = route.split(" ", 2);
            JsonNode operation = doc.path("paths").path(parts[1]).path(parts[0].toLowerCase(Locale.ROOT));
            if (operation.isMissingNode() || !operation.has("responses")) missing.add(route);
        }
        return missing;
    }

    @Test
    void every_api_route_is_in_the_openapi_document() throws Exception {
        List<String> routes = app.app.apiRoutes();
        assertTrue(routes.contains("GET /api/v1/me"), routes.toString());
        assertTrue(routes.contains("PUT /api/v1/users/{id}"), routes.toString());
        assertTrue(routes.contains(DOCUMENT_ROUTE), routes.toString());
        assertEquals(List.of(), undocumented(routes, document(app.baseUrl)));
    }

    @Test
    void an_api_route_registered_without_its_documentation_is_caught() throws Exception {
        Javalin rogue = WebServer.create(app.app.settings, app.app.signIn, app.app.pages, new OpenApi(), r -> {
            r.apiGet("/api/v1/documented", OpenApi.Operation.of("Test", "Documented"), ctx -> ctx.result("ok"));
            r.get("/api/v1/rogue", ctx -> ctx.result("not documented"));
            r.post("/api/v1/rogue/{id}", ctx -> ctx.result("not documented"));
        });
        rogue.start(0);
        try {
            List<String> routes = App.apiRoutesOf(rogue);
            assertEquals(List.of("GET /api/v1/rogue", "POST /api/v1/rogue/{id}"), undocumented(routes, document("http://localhost:" + rogue.port())));
        } finally {
            rogue.stop();
        }
    }

    @Test
    void the_document_is_openapi_3_1_and_every_reference_resolves() throws Exception {
        JsonNode doc = document(app.baseUrl);
        assertTrue(doc.path("openapi").asText().startsWith("3.1."), doc.path("openapi").asText());
        assertTrue(doc.path("info").has("title"));
        assertTrue(doc.path("info").has("version"));
        assertTrue(doc.path("paths").size() > 0);
        List<String> refs = new ArrayList<>();
        collectRefs(doc, refs);
        assertTrue(refs.contains("#/components/schemas/Problem"));
        assertTrue(refs.contains("#/components/schemas/UserView"));
        for (String ref : refs) {
            assertTrue(ref.startsWith("#/"), "only local references: " + ref);
            JsonNode target = doc.at(ref.substring(1));
            assertTrue(!target.isMissingNode() && target.isObject() && target.size() > 0, "unresolved $ref " + ref);
        }
        for (Iterator<Map.Entry<String, JsonNode>> paths = doc.path("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext(); ) {
                Map.Entry<String, JsonNode> op = ops.next();
                assertTrue(op.getValue().has("responses"), path.getKey() + " " + op.getKey());
                assertTrue(op.getValue().has("operationId"), path.getKey() + " " + op.getKey());
            }
        }
    }

    private static void collectRefs(JsonNode node, List<String> refs) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().equals("$ref")) refs.add(e.getValue().asText());
                else collectRefs(e.getValue(), refs);
            }
        } else if (node.isArray()) {
            node.forEach(n -> collectRefs(n, refs));
        }
    }

    /** A plain HTTP GET (WebClient's constructor is for TestApp). */
    private record TestClient(String baseUrl) {
        WebClient.Response get(String path) throws Exception {
            var http = java.net.http.HttpClient.newHttpClient();
            var r = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(baseUrl + path)).GET().build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            return new WebClient.Response(r.statusCode(), r.body(), r);
        }
    }
}
