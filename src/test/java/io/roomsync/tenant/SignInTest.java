package io.roomsync.tenant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.roomsync.support.Fixtures;
import io.roomsync.support.TestApp;
import io.roomsync.support.TestDatabases;
import io.roomsync.support.WebClient;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SignInTest {
    static TestApp app;
    static Tenant acme;

    @BeforeAll
    static void start() {
        app = TestApp.start(TestDatabases.Kind.MARIADB);
        acme = app.fixtures.tenant("Acme");
        app.fixtures.user(acme, "Ann@acme.test");
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void a_user_signs_in_with_any_case_of_their_email_and_gets_a_database_session() {
        WebClient browser = app.client();
        browser.get("/login");
        WebClient.Response r = browser.post("/login", Map.of("organization", acme.slug, "email", "ANN@acme.test", "password", Fixtures.PASSWORD));
        assertEquals(303, r.status());
        String cookie = r.header("Set-Cookie");
        assertTrue(r.raw().headers().allValues("Set-Cookie").stream().anyMatch(c -> c.startsWith("rs_session=") && c.contains("HttpOnly") && c.contains("SameSite=Lax")),
                "session cookie is HttpOnly and SameSite: " + cookie);
        long sessions = app.app.tx.call(s -> s.createSelectionQuery("select count(*) from UserSession", Long.class).getSingleResult());
        assertTrue(sessions >= 1);
    }

    @Test
    void a_wrong_password_is_refused_without_saying_which_part_was_wrong() {
        WebClient browser = app.client();
        browser.get("/login");
        WebClient.Response r = browser.post("/login", Map.of("organization", acme.slug, "email", "ann@acme.test", "password", "nope-nope-nope"));
        assertEquals(401, r.status());
        assertTrue(r.body().contains("The organization, e-mail or password is not right."));
    }

    @Test
    void repeated_failures_lock_the_account_even_for_the_right_password() {
        User bob = app.fixtures.user(acme, "bob@acme.test");
        WebClient browser = app.client();
        browser.get("/login");
        for (int i = 0; i < SignInService.MAX_FAILURES; i++) {
            browser.post("/login", Map.of("organization", acme.slug, "email", bob.email, "password", "wrong-" + i));
        }
        WebClient.Response r = browser.post("/login", Map.of("organization", acme.slug, "email", bob.email, "password", Fixtures.PASSWORD));
        assertEquals(429, r.status());
        assertTrue(r.body().contains("Too many failed attempts"));
    }

    @Test
    void after_sign_in_only_a_path_of_this_site_is_followed() {
        assertEquals("/reservations?tab=past", SignInPages.safeNext("/reservations?tab=past"));
        for (String away : java.util.List.of("https://evil.example/", "//evil.example", "/\\evil.example", "/\t/evil.example",
                "/\n/evil.example", "/ /evil.example", "evil.example")) {
            assertEquals("/", SignInPages.safeNext(away), away);
        }
    }

    @Test
    void a_form_post_without_the_csrf_token_is_refused() {
        WebClient browser = app.client();
        WebClient.Response r = browser.post("/login", Map.of("_csrf", "forged", "organization", acme.slug, "email", "ann@acme.test", "password", Fixtures.PASSWORD));
        assertEquals(403, r.status());
        assertFalse(r.raw().headers().allValues("Set-Cookie").stream().anyMatch(c -> c.startsWith("rs_session=")));
    }

    @Test
    void pages_need_a_signed_in_user_and_sign_out_ends_the_session() {
        WebClient browser = app.client();
        WebClient.Response anonymous = browser.get("/");
        assertEquals(303, anonymous.status());
        assertTrue(anonymous.header("Location").startsWith("/login"));

        browser.signIn(acme.slug, "ann@acme.test");
        assertEquals(303, browser.get("/").status());
        assertEquals("/find", browser.get("/").header("Location"));
        browser.get("/find"); // any signed-in page carries the CSRF token in its sign-out form
        WebClient.Response out = browser.post("/logout", Map.of());
        assertEquals(303, out.status(), out.body());
        assertTrue(browser.get("/").header("Location").startsWith("/login"));
    }
}
