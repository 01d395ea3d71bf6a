package io.roomsync.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;

/**
 * A tiny HTTPS webhook for the tests, standing in for Roomsync's: answers validation handshakes (correctly or in a
 * chosen wrong way) and records notification POSTs. It presents the sandbox's own certificate, which the sandbox
 * trusts.
 */
final class WebhookReceiver implements AutoCloseable {
    enum Handshake { ECHO, ECHO_ENCODED, WRONG_CONTENT_TYPE }

    private final HttpsServer server;
    volatile Handshake handshake = Handshake.ECHO;
    private int failNext;
    final List<String> validationTokens = new ArrayList<>();
    final List<String> validationContentTypes = new ArrayList<>();
    final List<JsonNode> posts = new ArrayList<>();
    private int failedPosts;

    WebhookReceiver(SSLContext ssl) throws IOException {
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.setHttpsConfigurator(new HttpsConfigurator(ssl));
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "test-webhook");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", this::handle);
        server.start();
    }

    String url(String path) {
        return "https://localhost:" + server.getAddress().getPort() + path;
    }

    synchronized void failNextPosts(int n) {
        failNext = n;
    }

    synchronized int failedPosts() {
        return failedPosts;
    }

    /** Every notification item received, in order, flattened out of the POSTs. */
    synchronized List<JsonNode> items() {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode p : posts) p.get("value").forEach(out::add);
        return out;
    }

    synchronized List<JsonNode> postsView() {
        return new ArrayList<>(posts);
    }

    synchronized void clear() {
        posts.clear();
        validationTokens.clear();
        validationContentTypes.clear();
        failedPosts = 0;
    }

    private void handle(HttpExchange ex) throws IOException {
        byte[] body;
        try (InputStream in = ex.getRequestBody()) {
            body = in.readAllBytes();
        }
        String query = ex.getRequestURI().getRawQuery();
        String token = null;
        if (query != null) {
            for (String p : query.split("&")) {
                if (p.startsWith("validationToken=")) token = URLDecoder.decode(p.substring(16), StandardCharsets.UTF_8);
            }
        }
        if (token != null) {
            synchronized (this) {
                validationTokens.add(token);
                validationContentTypes.add(ex.getRequestHeaders().getFirst("Content-Type"));
            }
            switch (handshake) {
                case ECHO: reply(ex, 200, "text/plain; charset=utf-8", token); break;
                case ECHO_ENCODED: reply(ex, 200, "text/plain", URLEncoder.encode(token, StandardCharsets.UTF_8)); break;
                default: reply(ex, 200, "text/html", token); break;
            }
            return;
        }
        synchronized (this) {
            if (failNext > 0) {
                failNext--;
                failedPosts++;
                reply(ex, 500, "text/plain", "not now");
                return;
            }
            posts.add(Json.MAPPER.readTree(body));
        }
        reply(ex, 202, "text/plain", "");
    }

    private static void reply(HttpExchange ex, int status, String type, String text) throws IOException {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
        if (b.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(b);
            }
        }
        ex.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
