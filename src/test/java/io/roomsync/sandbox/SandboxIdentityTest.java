package io.roomsync.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.aad.msal4j.AuthorizationCodeParameters;
import com.microsoft.aad.msal4j.AuthorizationRequestUrlParameters;
import com.microsoft.aad.msal4j.ClientCredentialFactory;
import com.microsoft.aad.msal4j.ConfidentialClientApplication;
import com.microsoft.aad.msal4j.IAccount;
import com.microsoft.aad.msal4j.IAuthenticationResult;
import com.microsoft.aad.msal4j.Prompt;
import com.microsoft.aad.msal4j.SilentParameters;
import com.microsoft.graph.models.User;
import com.microsoft.graph.models.odataerrors.ODataError;
import com.microsoft.graph.core.authentication.AzureIdentityAuthenticationProvider;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import io.roomsync.graph.GraphClientFactory;
import io.roomsync.graph.GraphFailure;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/** The sandbox's identity platform and bearer-token check, through msal4j and the Graph SDK over HTTPS. */
class SandboxIdentityTest {
    static SandboxFixture f;

    @BeforeAll
    static void start() {
        f = new SandboxFixture();
    }

    @AfterAll
    static void stop() {
        f.close();
    }

    @Test
    void an_app_token_from_msal4j_lets_the_sdk_read_a_user() {
        User user = f.graph.users().byUserId("ann@contoso.test").get();
        assertEquals("Ann Archer", user.getDisplayName());
        assertEquals(f.ann.id, user.getId());
    }

    @Test
    void a_graph_call_without_a_token_is_refused_with_401() throws Exception {
        HttpResponse<String> r = f.raw("GET", "/v1.0/users/ann@contoso.test/events", null, null);
        assertEquals(401, r.statusCode());
        JsonNode error = Json.MAPPER.readTree(r.body()).get("error");
        assertEquals("InvalidAuthenticationToken", error.get("code").asText());
        assertEquals(r.headers().firstValue("request-id").orElseThrow(), error.get("innerError").get("request-id").asText());
    }

    @Test
    void a_token_the_sandbox_never_issued_is_refused_with_401() throws Exception {
        HttpResponse<String> r = f.raw("GET", "/v1.0/users/ann@contoso.test/events", "made-up-token", null);
        assertEquals(401, r.statusCode());
    }

    @Test
    void the_sdk_left_with_its_default_allowed_hosts_sends_no_token_to_the_sandbox_and_is_refused() throws Exception {
        // The stack-notes trap: without explicit allowed hosts the SDK authorises only Microsoft's Graph hosts and
        // sends the request to any other host without an Authorization header, raising nothing itself.
        TokenCredential credential = request -> Mono.just(new AccessToken(appToken(), OffsetDateTime.now().plusHours(1)));
        AzureIdentityAuthenticationProvider defaults = new AzureIdentityAuthenticationProvider(credential, new String[0], "https://localhost/.default");
        javax.net.ssl.X509TrustManager tm = SandboxCertificate.trustManagerFor(f.sandbox.certificatePem());
        javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
        ctx.init(null, new javax.net.ssl.TrustManager[] {tm}, null);
        OkHttpClient http = com.microsoft.graph.core.requests.GraphClientFactory.create(GraphServiceClient.getGraphClientOptions())
                .sslSocketFactory(ctx.getSocketFactory(), tm).build();
        GraphServiceClient naive = new GraphServiceClient(defaults, http);
        naive.getRequestAdapter().setBaseUrl(f.sandbox.graphBaseUrl());
        ODataError e = assertThrows(ODataError.class, () -> naive.users().byUserId("ann@contoso.test").get());
        assertEquals(401, e.getResponseStatusCode());
        assertEquals("InvalidAuthenticationToken", e.getError().getCode());
    }

    private static String appToken() {
        try {
            return f.appToken();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void a_wrong_client_secret_is_reported_as_unauthenticated() {
        GraphClientFactory.GraphApp wrong = new GraphClientFactory().appClient(f.connection(f.app.clientId, "not-the-secret"));
        GraphFailure failure = assertThrows(GraphFailure.class, wrong::checkToken);
        assertEquals(GraphFailure.Kind.UNAUTHENTICATED, failure.kind());
        assertEquals("invalid_client", failure.code());
    }

    @Test
    void without_admin_consent_the_app_still_gets_a_token_but_graph_answers_403() throws Exception {
        f.sandbox.setAdminConsent(f.app, false);
        try {
            String token = f.appToken();
            HttpResponse<String> places = f.raw("GET", "/v1.0/places/microsoft.graph.room", token, null);
            assertEquals(403, places.statusCode());
            assertEquals("Authorization_RequestDenied", Json.MAPPER.readTree(places.body()).path("error").path("code").asText());
            HttpResponse<String> calendar = f.raw("GET", "/v1.0/users/aurora@contoso.test/events", token, null);
            assertEquals(403, calendar.statusCode());
            assertEquals("ErrorAccessDenied", Json.MAPPER.readTree(calendar.body()).path("error").path("code").asText());
        } finally {
            f.sandbox.setAdminConsent(f.app, true);
        }
        assertEquals(200, f.raw("GET", "/v1.0/places/microsoft.graph.room", f.appToken(), null).statusCode());
    }

    @Test
    void an_unknown_app_is_reported_as_unauthenticated() {
        GraphClientFactory.GraphApp unknown = new GraphClientFactory().appClient(f.connection("00000000-0000-0000-0000-000000000000", "x"));
        GraphFailure failure = assertThrows(GraphFailure.class, unknown::checkToken);
        assertEquals(GraphFailure.Kind.UNAUTHENTICATED, failure.kind());
    }

    @Test
    void a_user_signs_in_with_authorization_code_and_pkce_and_msal4j_refreshes_silently() throws Exception {
        String redirect = "https://localhost:9999/calendar/oauth/callback";
        f.sandbox.addRedirectUri(f.app, redirect);
        ConfidentialClientApplication msal = msal();
        Set<String> scopes = Set.of("https://localhost/Calendars.ReadWrite");
        String verifier = "verifier-" + "x".repeat(50);
        String challenge = Base64.getUrlEncoder().withoutPadding().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        URL url = msal.getAuthorizationRequestUrl(AuthorizationRequestUrlParameters.builder(redirect, scopes)
                .state("state-123").nonce("nonce-456").codeChallenge(challenge).codeChallengeMethod("S256")
                .loginHint("bob@contoso.test").prompt(Prompt.SELECT_ACCOUNT).build());
        HttpResponse<String> page = f.rawClient().send(java.net.http.HttpRequest.newBuilder(url.toURI()).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("action=\"" + redirect + "\""), "form_post to the redirect URI");
        assertEquals("state-123", formValue(page.body(), "state"));
        String code = formValue(page.body(), "code");

        IAuthenticationResult first = msal.acquireToken(AuthorizationCodeParameters.builder(code, URI.create(redirect))
                .scopes(scopes).codeVerifier(verifier).build()).get();
        IAccount account = first.account();
        assertNotNull(account, "the id_token and client_info let msal4j cache the account");
        assertEquals("bob@contoso.test", account.username());
        assertEquals(f.bob.id + "." + f.tenant.id, account.homeAccountId());

        IAuthenticationResult cached = msal.acquireTokenSilently(SilentParameters.builder(scopes, account).build()).get();
        assertEquals(first.accessToken(), cached.accessToken());
        IAuthenticationResult refreshed = msal.acquireTokenSilently(SilentParameters.builder(scopes, account).forceRefresh(true).build()).get();
        assertNotEquals(first.accessToken(), refreshed.accessToken());

        HttpResponse<String> me = f.raw("GET", "/v1.0/me", refreshed.accessToken(), null);
        assertEquals(200, me.statusCode());
        assertEquals("bob@contoso.test", Json.MAPPER.readTree(me.body()).get("mail").asText());
        HttpResponse<String> other = f.raw("GET", "/v1.0/users/ann@contoso.test/events", refreshed.accessToken(), null);
        assertEquals(403, other.statusCode(), "a delegated token reaches only its own mailbox");
    }

    @Test
    void a_code_redeemed_with_the_wrong_pkce_verifier_is_refused() throws Exception {
        String redirect = "https://localhost:9999/other/callback";
        f.sandbox.addRedirectUri(f.app, redirect);
        ConfidentialClientApplication msal = msal();
        Set<String> scopes = Set.of("https://localhost/Calendars.ReadWrite");
        URL url = msal.getAuthorizationRequestUrl(AuthorizationRequestUrlParameters.builder(redirect, scopes)
                .state("s").codeChallenge("a-challenge-that-will-not-match").codeChallengeMethod("S256")
                .loginHint("ann@contoso.test").build());
        HttpResponse<String> page = f.rawClient().send(java.net.http.HttpRequest.newBuilder(url.toURI()).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        String code = formValue(page.body(), "code");
        ExecutionException e = assertThrows(ExecutionException.class, () -> msal.acquireToken(
                AuthorizationCodeParameters.builder(code, URI.create(redirect)).scopes(scopes).codeVerifier("wrong").build()).get());
        assertTrue(e.getCause().getMessage().contains("AADSTS501481"), e.getCause().getMessage());
    }

    @Test
    void an_unregistered_redirect_uri_gets_no_code() throws Exception {
        ConfidentialClientApplication msal = msal();
        URL url = msal.getAuthorizationRequestUrl(AuthorizationRequestUrlParameters
                .builder("https://evil.example/callback", Set.of("https://localhost/Calendars.Read")).loginHint("ann@contoso.test").build());
        HttpResponse<String> page = f.rawClient().send(java.net.http.HttpRequest.newBuilder(url.toURI()).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(400, page.statusCode());
        assertTrue(page.body().contains("AADSTS50011"));
    }

    private ConfidentialClientApplication msal() throws Exception {
        javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
        ctx.init(null, new javax.net.ssl.TrustManager[] {SandboxCertificate.trustManagerFor(f.sandbox.certificatePem())}, null);
        return ConfidentialClientApplication.builder(f.app.clientId, ClientCredentialFactory.createFromSecret(SandboxFixture.SECRET))
                .oidcAuthority(f.sandbox.authority(f.tenant))
                .sslSocketFactory(ctx.getSocketFactory())
                .build();
    }

    private static String formValue(String html, String name) {
        Matcher m = Pattern.compile("name=\"" + name + "\" value=\"([^\"]*)\"").matcher(html);
        assertTrue(m.find(), "form field " + name);
        return m.group(1).replace("&amp;", "&");
    }
}
