package io.roomsync.sandbox;

import com.microsoft.graph.serviceclient.GraphServiceClient;
import io.roomsync.graph.GraphClientFactory;
import io.roomsync.graph.GraphConnection;
import io.roomsync.graph.GraphEndpoints;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

/**
 * A fresh sandbox on a random port with one tenant ("contoso.test"), the Roomsync app, two people and three rooms,
 * and a real Graph SDK client built by {@link GraphClientFactory} that trusts the sandbox through its PEM.
 */
final class SandboxFixture implements AutoCloseable {
    static final String SECRET = "s3cret-for-tests";
    final ExchangeSandbox sandbox;
    final Directory.Tenant tenant;
    final Directory.App app;
    final Directory.Mailbox ann;
    final Directory.Mailbox bob;
    final Directory.Mailbox aurora;
    final Directory.Mailbox borealis;
    final Directory.Mailbox cirrus;
    final GraphClientFactory.GraphApp graphApp;
    final GraphServiceClient graph;

    SandboxFixture() {
        sandbox = ExchangeSandbox.builder().build().start();
        sandbox.setDuplicateNotifications(0, 1);
        tenant = sandbox.addTenant("contoso.test", "Contoso");
        app = sandbox.addApp(tenant, null, "Roomsync", SECRET);
        ann = sandbox.addUser(tenant, "ann@contoso.test", "Ann Archer");
        bob = sandbox.addUser(tenant, "bob@contoso.test", "Bob Baker");
        aurora = sandbox.addRoom(tenant, "aurora@contoso.test", "Aurora", r -> r.capacity = 8);
        borealis = sandbox.addRoom(tenant, "borealis@contoso.test", "Borealis", r -> r.capacity = 4);
        cirrus = sandbox.addRoom(tenant, "cirrus@contoso.test", "Cirrus", null);
        graphApp = new GraphClientFactory().appClient(connection(app.clientId, SECRET));
        graph = graphApp.client();
    }

    GraphConnection connection(String clientId, String secret) {
        return new GraphConnection(GraphEndpoints.custom(sandbox.authorityHost(), sandbox.graphBaseUrl()),
                tenant.id, clientId, secret, sandbox.certificatePem(), null);
    }

    /** A plain HTTPS client that trusts the sandbox, for what the SDK cannot show (raw status, headers, bodies). */
    HttpClient rawClient() {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {SandboxCertificate.trustManagerFor(sandbox.certificatePem())}, null);
            return HttpClient.newBuilder().sslContext(ctx).connectTimeout(Duration.ofSeconds(5)).build();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    HttpResponse<String> raw(String method, String pathAndQuery, String bearer, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(sandbox.origin() + pathAndQuery)).timeout(Duration.ofSeconds(20));
        if (bearer != null) b.header("Authorization", "Bearer " + bearer);
        if (body != null) b.header("Content-Type", "application/json");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return rawClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** An app token straight from the sandbox's token endpoint. */
    String appToken() throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(sandbox.origin() + "/" + tenant.id + "/oauth2/v2.0/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&client_id=" + app.clientId
                        + "&client_secret=" + SECRET + "&scope=https%3A%2F%2Flocalhost%2F.default"))
                .build();
        String json = rawClient().send(req, HttpResponse.BodyHandlers.ofString()).body();
        return Json.MAPPER.readTree(json).get("access_token").asText();
    }

    void awaitIdle() throws InterruptedException {
        if (!sandbox.awaitIdle(Duration.ofSeconds(20))) throw new AssertionError("The sandbox did not settle");
    }

    @Override
    public void close() {
        sandbox.close();
    }
}
