package io.roomsync.sandbox;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The HTTPS listener: turns exchanges into {@link SandboxRequest}s for the identity endpoint or the Graph side. */
final class SandboxServer {
    private static final Logger LOG = LoggerFactory.getLogger(SandboxServer.class);
    private final HttpsServer server;
    private final ExecutorService executor;
    private final IdentityEndpoints identity;
    private final GraphRouter graph;

    SandboxServer(SSLContext ssl, InetAddress bind, int port, IdentityEndpoints identity, GraphRouter graph) throws IOException {
        this.identity = identity;
        this.graph = graph;
        server = HttpsServer.create(new InetSocketAddress(bind, port), 64);
        server.setHttpsConfigurator(new HttpsConfigurator(ssl));
        executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "exchange-sandbox-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
    }

    void start() {
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    void stop() {
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        try {
            byte[] body;
            try (InputStream in = ex.getRequestBody()) {
                body = in.readAllBytes();
            }
            String encoding = ex.getRequestHeaders().getFirst("Content-Encoding");
            if (encoding != null && encoding.equalsIgnoreCase("gzip") && body.length > 0) {
                try (InputStream gz = new GZIPInputStream(new ByteArrayInputStream(body))) {
                    body = gz.readAllBytes();
                }
            }
            String host = ex.getRequestHeaders().getFirst("Host");
            String origin = "https://" + (host != null ? host : "localhost:" + port());
            SandboxRequest req = new SandboxRequest(ex.getRequestMethod(), ex.getRequestURI().getRawPath(),
                    ex.getRequestURI().getRawQuery(), ex.getRequestHeaders(), body, origin, Ids.guid());
            SandboxResponse resp = dispatch(req);
            if (LOG.isDebugEnabled()) LOG.debug("{} {} -> {}", req.method, ex.getRequestURI(), resp.status);
            write(ex, resp);
        } catch (RuntimeException e) {
            LOG.warn("Exchange sandbox could not answer {} {}", ex.getRequestMethod(), ex.getRequestURI(), e);
            write(ex, SandboxResponse.text(500, "text/plain; charset=utf-8", "Exchange sandbox error"));
        } finally {
            ex.close();
        }
    }

    private SandboxResponse dispatch(SandboxRequest req) {
        List<String> s = req.segments;
        if (!s.isEmpty() && s.get(0).equalsIgnoreCase("v1.0")) return graph.handle(req);
        if (IdentityEndpoints.isIdentityPath(s)) {
            SandboxResponse r = identity.handle(req);
            // The identity platform echoes the caller's correlation id; msal4j checks it.
            String correlation = req.header("client-request-id");
            if (correlation != null) r.header("client-request-id", correlation);
            return r;
        }
        if (s.isEmpty()) {
            return SandboxResponse.text(200, "text/plain; charset=utf-8",
                    "Roomsync Exchange sandbox: Microsoft Graph under /v1.0, identity platform under /{tenant}/v2.0/.\n");
        }
        return SandboxResponse.text(404, "text/plain; charset=utf-8", "Not found\n");
    }

    private static void write(HttpExchange ex, SandboxResponse resp) throws IOException {
        for (Map.Entry<String, String> h : resp.headers.entrySet()) ex.getResponseHeaders().set(h.getKey(), h.getValue());
        boolean noBody = resp.body.length == 0 || resp.status == 204 || ex.getRequestMethod().equalsIgnoreCase("HEAD");
        ex.sendResponseHeaders(resp.status, noBody ? -1 : resp.body.length);
        if (!noBody) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(resp.body);
            }
        }
    }
}
