package io.roomsync.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.graph.models.DateTimeTimeZone;
import com.microsoft.graph.models.Event;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import io.roomsync.sandbox.Directory;
import io.roomsync.sandbox.ExchangeSandbox;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A user's delegated sign-in and calls on their behalf, through msal4j and the Graph SDK against the sandbox. */
class DelegatedSignInTest {
    static final String REDIRECT = "http://localhost:7070/calendar/connect/callback";
    static ExchangeSandbox sandbox;
    static Directory.Tenant tenant;
    static Directory.App app;
    static GraphConnection connection;

    @BeforeAll
    static void start() {
        sandbox = ExchangeSandbox.builder().build().start();
        tenant = sandbox.addTenant("fabrikam.test", "Fabrikam");
        app = sandbox.addApp(tenant, null, "Roomsync", "app-secret");
        sandbox.addRedirectUri(app, REDIRECT);
        sandbox.addUser(tenant, "ann@fabrikam.test", "Ann Archer");
        connection = new GraphConnection(GraphEndpoints.custom(sandbox.authorityHost(), sandbox.graphBaseUrl()),
                tenant.id, app.clientId, "app-secret", sandbox.certificatePem(), null);
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    @Test
    void a_user_signs_in_and_the_app_acts_for_them_refreshing_tokens_from_the_stored_cache() throws Exception {
        // Tokens that live under msal4j's 5-minute refresh margin make every call refresh from the stored cache.
        sandbox.setAccessTokenLifetime(Duration.ofSeconds(60));
        DelegatedSignIn signIn = new DelegatedSignIn(connection);
        Set<String> permissions = Set.of("Calendars.ReadWrite");
        DelegatedSignIn.Start start = signIn.begin(REDIRECT, permissions, "ann@fabrikam.test");
        assertTrue(start.authorizationUrl().toString().contains("response_mode=form_post"));

        String page = browser().send(HttpRequest.newBuilder(start.authorizationUrl()).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
        assertEquals(start.state(), field(page, "state"));
        DelegatedSignIn.SignedIn signedIn = signIn.finish(field(page, "code"), REDIRECT, start.codeVerifier(), permissions);
        assertEquals("ann@fabrikam.test", signedIn.username());
        assertNotNull(signedIn.tokenCache());
        assertFalse(signedIn.toString().contains(signedIn.tokenCache()));

        List<String> stored = new CopyOnWriteArrayList<>();
        GraphServiceClient graph = signIn.client(signedIn.tokenCache(), signedIn.homeAccountId(), permissions, stored::add);
        Event e = new Event();
        e.setSubject("My own meeting");
        e.setStart(utc(LocalDate.now().plusDays(2) + "T09:00:00"));
        e.setEnd(utc(LocalDate.now().plusDays(2) + "T10:00:00"));
        Event created = graph.me().events().post(e);
        assertEquals("ann@fabrikam.test", created.getOrganizer().getEmailAddress().getAddress());
        assertFalse(stored.isEmpty(), "the refreshed cache is handed back for storing");

        sandbox.revokeRefreshTokens("ann@fabrikam.test");
        GraphServiceClient revoked = signIn.client(stored.get(stored.size() - 1), signedIn.homeAccountId(), permissions, c -> { });
        RuntimeException failure = assertThrows(RuntimeException.class, () -> revoked.me().events().get());
        assertEquals(GraphFailure.Kind.UNAUTHENTICATED, GraphErrors.translate(failure).kind());
    }

    private static DateTimeTimeZone utc(String t) {
        DateTimeTimeZone d = new DateTimeTimeZone();
        d.setDateTime(t);
        d.setTimeZone("UTC");
        return d;
    }

    private static HttpClient browser() {
        return HttpClient.newBuilder().sslContext(TrustedCa.of(sandbox.certificatePem()).sslContext()).build();
    }

    private static String field(String html, String name) {
        Matcher m = Pattern.compile("name=\"" + name + "\" value=\"([^\"]*)\"").matcher(html);
        assertTrue(m.find(), "form field " + name + " in " + html);
        return m.group(1).replace("&amp;", "&");
    }
}
