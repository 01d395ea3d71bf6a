package io.roomsync.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.roomsync.calendar.Certificates;
import io.roomsync.calendar.Cloud;
import io.roomsync.calendar.ConnectionKind;
import io.roomsync.calendar.ConnectionService;
import io.roomsync.calendar.CredentialType;
import io.roomsync.calendar.ProviderClients;
import io.roomsync.calendar.ProviderService;
import io.roomsync.sandbox.Directory;
import io.roomsync.sandbox.ExchangeSandbox;
import io.roomsync.sandbox.SandboxCertificate;
import java.math.BigInteger;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** App-only sign-in with a certificate credential (a client assertion signed by its key), msal4j against the sandbox. */
class CertificateCredentialTest {
    static ExchangeSandbox sandbox;
    static Directory.Tenant tenant;
    static Directory.App app;
    static KeyPair registeredKey;
    static X509Certificate registered;

    @BeforeAll
    static void start() throws Exception {
        sandbox = ExchangeSandbox.builder().build().start();
        tenant = sandbox.addTenant("contoso.test", "Contoso");
        app = sandbox.addApp(tenant, null, "Roomsync", null);
        sandbox.addRoom(tenant, "aurora@contoso.test", "Aurora", null);
        registeredKey = rsaKey();
        registered = selfSigned(registeredKey, "CN=Roomsync sync");
        sandbox.addCertificate(app, registered);
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    static GraphEndpoints endpoints() {
        return GraphEndpoints.custom(sandbox.authorityHost(), sandbox.graphBaseUrl());
    }

    @Test
    void an_app_signs_in_with_its_certificate_and_calls_graph() {
        GraphClientFactory.GraphApp graph = GraphClientFactory.withoutSdkRetries().appClient(GraphConnection.withCertificate(
                endpoints(), tenant.id, app.clientId, registeredKey.getPrivate(), registered, sandbox.certificatePem(), null));
        assertTrue(graph.checkToken().isAfter(Instant.now()));
        GraphCalls calls = new GraphCalls();
        assertNotNull(calls.call(graph, "aurora@contoso.test", "events.list", g -> g.users().byUserId("aurora@contoso.test").events().get()).getValue());
    }

    @Test
    void a_certificate_the_app_does_not_have_is_refused_as_unauthenticated() throws Exception {
        KeyPair other = rsaKey();
        GraphConnection connection = GraphConnection.withCertificate(endpoints(), tenant.id, app.clientId, other.getPrivate(),
                selfSigned(other, "CN=Roomsync sync"), sandbox.certificatePem(), null);
        assertFalse(connection.toString().contains(Base64.getEncoder().encodeToString(other.getPrivate().getEncoded()).substring(0, 40)));
        GraphClientFactory.GraphApp graph = GraphClientFactory.withoutSdkRetries().appClient(connection);
        GraphFailure refused = assertThrows(GraphFailure.class, graph::checkToken);
        assertEquals(GraphFailure.Kind.UNAUTHENTICATED, refused.kind());
        assertEquals(401, refused.status());
        assertTrue(refused.getMessage().contains("AADSTS700027"), refused.getMessage());

        GraphFailure call = assertThrows(GraphFailure.class, () -> new GraphCalls().call(graph, "aurora@contoso.test", "events.list",
                g -> g.users().byUserId("aurora@contoso.test").events().get()));
        assertEquals(GraphFailure.Kind.UNAUTHENTICATED, call.kind());
    }

    @Test
    void a_provider_whose_connection_holds_a_certificate_gets_a_client_that_signs_in_with_it() {
        ConnectionService.Credentials credentials = new ConnectionService.Credentials(1, "Sync certificate", ConnectionKind.APP_ONLY,
                app.clientId, CredentialType.CERTIFICATE, null, new Certificates.KeyMaterial(registeredKey.getPrivate(), List.of(registered)), null);
        ProviderService.GraphSettings settings = new ProviderService.GraphSettings(1, 1, "Sandbox", true, Cloud.CUSTOM,
                sandbox.authorityHost(), sandbox.authorityHost(), sandbox.origin(), tenant.id, null,
                List.of(sandbox.certificate().certificate()), null, credentials, null);
        GraphConnection connection = ProviderClients.connection(settings);
        assertEquals(registered, connection.certificate());
        assertTrue(GraphClientFactory.withoutSdkRetries().appClient(connection).checkToken().isAfter(Instant.now()));
    }

    @Test
    void the_token_endpoint_checks_the_assertions_audience_issuer_and_lifetime() throws Exception {
        String endpoint = sandbox.origin() + "/" + tenant.id + "/oauth2/v2.0/token";
        long now = Instant.now().getEpochSecond();
        assertEquals(200, token(assertion(endpoint, app.clientId, now, now + 600)).statusCode());
        HttpResponse<String> wrongAudience = token(assertion("https://login.microsoftonline.com/" + tenant.id + "/oauth2/v2.0/token", app.clientId, now, now + 600));
        assertEquals(401, wrongAudience.statusCode());
        assertTrue(wrongAudience.body().contains("AADSTS700212"), wrongAudience.body());
        HttpResponse<String> otherIssuer = token(assertion(endpoint, UUID.randomUUID().toString(), now, now + 600));
        assertEquals(401, otherIssuer.statusCode());
        assertTrue(otherIssuer.body().contains("AADSTS700021"), otherIssuer.body());
        HttpResponse<String> expired = token(assertion(endpoint, app.clientId, now - 3600, now - 1200));
        assertEquals(401, expired.statusCode());
        assertTrue(expired.body().contains("AADSTS700024"), expired.body());
    }

    private static HttpResponse<String> token(String assertion) throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {SandboxCertificate.trustManagerFor(sandbox.certificatePem())}, null);
        String form = "grant_type=client_credentials&client_id=" + app.clientId
                + "&scope=" + URLEncoder.encode("https://localhost/.default", StandardCharsets.UTF_8)
                + "&client_assertion_type=" + URLEncoder.encode("urn:ietf:params:oauth:client-assertion-type:jwt-bearer", StandardCharsets.UTF_8)
                + "&client_assertion=" + assertion;
        HttpRequest req = HttpRequest.newBuilder(URI.create(sandbox.origin() + "/" + tenant.id + "/oauth2/v2.0/token"))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)).build();
        return HttpClient.newBuilder().sslContext(ctx).connectTimeout(Duration.ofSeconds(5)).build()
                .send(req, HttpResponse.BodyHandlers.ofString());
    }

    /** A client assertion signed by the registered key, as msal4j builds one. */
    private static String assertion(String aud, String issuer, long nbf, long exp) throws Exception {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String x5t = b64.encodeToString(MessageDigest.getInstance("SHA-1").digest(registered.getEncoded()));
        String header = "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"x5t\":\"" + x5t + "\"}";
        String claims = "{\"aud\":\"" + aud + "\",\"iss\":\"" + issuer + "\",\"sub\":\"" + issuer + "\",\"jti\":\""
                + UUID.randomUUID() + "\",\"nbf\":" + nbf + ",\"exp\":" + exp + "}";
        String signingInput = b64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "." + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
        Signature signer = Signature.getInstance("SHA256withRSA");
        signer.initSign(registeredKey.getPrivate());
        signer.update(signingInput.getBytes(StandardCharsets.US_ASCII));
        return signingInput + "." + b64.encodeToString(signer.sign());
    }

    static KeyPair rsaKey() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        return g.generateKeyPair();
    }

    static X509Certificate selfSigned(KeyPair key, String subject) throws Exception {
        X500Name name = new X500Name(subject);
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(now.toEpochMilli()),
                Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(365))), name, key.getPublic());
        return new JcaX509CertificateConverter().getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(key.getPrivate())));
    }
}
