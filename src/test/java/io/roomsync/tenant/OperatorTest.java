package io.roomsync.tenant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.roomsync.audit.AuditEntry;
import io.roomsync.common.Tokens;
import io.roomsync.common.ValidationException;
import io.roomsync.support.TestApp;
import io.roomsync.support.TestDatabases;
import io.roomsync.support.WebClient;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hibernate.Session;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.LoggerFactory;

/** The first start of an installation, the operator set-up link, and tenants. Tests build on each other, in order. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OperatorTest {
    static final Pattern LINK = Pattern.compile("^No platform operator yet\\. Create one within 24 hours at (http://localhost:\\d+)/setup/([A-Za-z0-9_-]{43})$");
    static TestApp app;
    static List<ILoggingEvent> startupLog;
    static WebClient operator;

    @BeforeAll
    static void start() {
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        Logger logger = (Logger) LoggerFactory.getLogger(OperatorSetup.class);
        logger.addAppender(appender);
        try {
            app = TestApp.start(TestDatabases.Kind.MARIADB);
        } finally {
            logger.detachAppender(appender);
        }
        startupLog = new ArrayList<>(appender.list);
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    static String setupPath() {
        assertEquals(1, startupLog.size());
        Matcher m = LINK.matcher(startupLog.get(0).getFormattedMessage());
        assertTrue(m.matches(), startupLog.get(0).getFormattedMessage());
        return "/setup/" + m.group(2);
    }

    @Test
    @Order(1)
    void a_first_start_prints_one_setup_link_and_stores_only_its_hash() {
        String path = setupPath();
        String token = path.substring("/setup/".length());
        OneTimeToken stored = app.app.tx.call(s -> s.find(OneTimeToken.class, Tokens.sha256(token)));
        assertEquals(OperatorSetup.PURPOSE, stored.purpose);
        assertEquals(OperatorSetup.VALIDITY, java.time.Duration.between(stored.createdAt, stored.expiresAt));
        assertEquals(null, stored.usedAt);
    }

    @Test
    @Order(2)
    void the_setup_link_creates_the_operator_once_and_signs_them_in() {
        String path = setupPath();
        operator = app.client();
        WebClient.Response form = operator.get(path);
        assertEquals(200, form.status());
        assertTrue(form.body().contains("Create operator account"));

        WebClient.Response bad = operator.post(path, Map.of("displayName", "", "email", "nope", "password", "short"));
        assertEquals(400, bad.status());
        assertTrue(bad.body().contains("Enter a name."));
        assertTrue(bad.body().contains("Enter a valid e-mail address"));
        assertTrue(bad.body().contains("Use at least 10 characters."));
        assertFalse(app.app.operatorSetup.operatorExists());

        WebClient.Response ok = operator.post(path, Map.of("displayName", "Olivia Operator", "email", "olivia@roomsync.test",
                "password", "operator-password"));
        assertEquals(303, ok.status(), ok.body());
        assertEquals("/operator/tenants", ok.header("Location"));
        assertEquals(200, operator.get("/operator/tenants").status());
        User olivia = app.app.tx.call(s -> s.createSelectionQuery("from User where emailLower = 'olivia@roomsync.test'", User.class).uniqueResult());
        assertEquals(null, olivia.tenantId);
        assertEquals(java.util.Set.of(Role.PLATFORM_OPERATOR), olivia.roles);

        WebClient other = app.client();
        WebClient.Response used = other.get(path);
        assertEquals(410, used.status());
        assertTrue(used.body().contains("This set-up link no longer works"));
        other.get("/login"); // a page with a form, for the CSRF token a browser would have
        WebClient.Response reused = other.post(path, Map.of("displayName", "Mallory", "email", "mallory@evil.test", "password", "mallory-password"));
        assertEquals(410, reused.status());
        assertEquals(1L, (long) app.app.tx.call(s -> s.createSelectionQuery("select count(*) from User where tenantId is null", Long.class).getSingleResult()));

        app.client().signIn("", "olivia@roomsync.test", "operator-password");
        assertEquals(Optional.empty(), app.app.operatorSetup.announceIfNeeded(app.baseUrl), "no link once an operator exists");
    }

    @Test
    @Order(3)
    void an_expired_or_made_up_link_does_not_work() {
        String token = app.app.operatorSetup.createToken();
        app.app.tx.run(s -> s.find(OneTimeToken.class, Tokens.sha256(token)).expiresAt = Instant.now().minusSeconds(1));
        assertEquals(410, app.client().get("/setup/" + token).status());
        assertEquals(410, app.client().get("/setup/made-up").status());
    }

    @Test
    @Order(4)
    void an_operator_creates_a_tenant_whose_first_admin_can_sign_in() {
        operator.get("/operator/tenants");
        WebClient.Response r = operator.post("/operator/tenants", Map.of("name", "Globex Corporation", "slug", "globex",
                "adminName", "Hank Scorpio", "adminEmail", "hank@globex.test", "password", "globex-password"));
        assertEquals(303, r.status(), r.body());
        WebClient.Response list = operator.get("/operator/tenants");
        assertTrue(list.body().contains("Globex Corporation created."));
        assertTrue(list.body().contains("<code>globex</code>"));

        WebClient hank = app.client().signIn("globex", "hank@globex.test", "globex-password");
        assertEquals(200, hank.get("/admin/users").status());
        assertEquals(200, hank.get("/admin/properties").status());
        assertEquals(403, hank.get("/operator/tenants").status());
        Tenant globex = app.app.tx.call(s -> s.createSelectionQuery("from Tenant where slug = 'globex'", Tenant.class).uniqueResult());
        AuditEntry entry = app.app.tx.call(s -> s.createSelectionQuery("from AuditEntry where entityType = 'Tenant' and entityId = :id", AuditEntry.class)
                .setParameter("id", globex.id).uniqueResult());
        assertEquals("olivia@roomsync.test", entry.actorLabel);
        assertFalse(entry.changes.contains("globex-password"));
    }

    @Test
    @Order(5)
    void a_tenant_needs_a_unique_well_formed_slug_and_a_valid_first_admin() {
        operator.get("/operator/tenants");
        WebClient.Response taken = operator.post("/operator/tenants", Map.of("name", "Globex Again", "slug", "globex",
                "adminName", "", "adminEmail", "x", "password", "short"));
        assertEquals(400, taken.status());
        assertTrue(taken.body().contains("Another organization already uses this short name."));
        assertTrue(taken.body().contains("id=\"adminName-error\""));
        assertTrue(taken.body().contains("id=\"adminEmail-error\""));
        assertTrue(taken.body().contains("id=\"password-error\""));
        WebClient.Response malformed = operator.post("/operator/tenants", Map.of("name", "Bad", "slug", "Bad Slug!",
                "adminName", "A", "adminEmail", "a@bad.test", "password", "long-enough-pw"));
        assertEquals(400, malformed.status());
        assertTrue(malformed.body().contains("Use 2 to 64 lower-case letters"));
        assertEquals(1L, (long) app.app.tx.call(s -> s.createSelectionQuery("select count(*) from Tenant where name like 'Globex%' or name = 'Bad'", Long.class).getSingleResult()));
    }

    @Test
    @Order(6)
    void tenant_initializers_run_in_the_same_transaction_as_the_tenant() {
        List<Long> initialized = new ArrayList<>();
        BiConsumer<Session, Long> recorder = (s, id) -> {
            assertTrue(s.find(Tenant.class, id) != null, "the tenant is visible to the initializer");
            initialized.add(id);
        };
        TenantService ok = new TenantService(app.app.tx, java.time.Clock.systemUTC(), app.app.audit, app.app.users, List.of(recorder));
        TenantService.Created created = ok.createTenant(null, new TenantService.NewTenant("Initech", "initech", "Bill", "bill@initech.test", "initech-password"));
        assertEquals(List.of(created.tenant().id), initialized);
        assertTrue(created.admin().has(Role.TENANT_ADMIN));

        BiConsumer<Session, Long> failing = (s, id) -> {
            throw new ValidationException("", "modules could not be created");
        };
        TenantService broken = new TenantService(app.app.tx, java.time.Clock.systemUTC(), app.app.audit, app.app.users, List.of(recorder, failing));
        assertThrows(ValidationException.class, () -> broken.createTenant(null,
                new TenantService.NewTenant("Vandelay", "vandelay", "Art", "art@vandelay.test", "vandelay-password")));
        assertEquals(0L, (long) app.app.tx.call(s -> s.createSelectionQuery("select count(*) from Tenant where slug = 'vandelay'", Long.class).getSingleResult()));
        assertEquals(0L, (long) app.app.tx.call(s -> s.createSelectionQuery("select count(*) from User where emailLower = 'art@vandelay.test'", Long.class).getSingleResult()));
    }

    @Test
    @Order(7)
    void tenant_users_cannot_reach_the_operator_pages() {
        Tenant t = app.fixtures.tenant("Umbrella");
        User admin = app.fixtures.user(t, "alice@umbrella.test", Role.TENANT_ADMIN);
        WebClient browser = app.client().signIn(t.slug, admin.email);
        assertEquals(403, browser.get("/operator/tenants").status());
        browser.get("/admin/users");
        assertEquals(403, browser.post("/operator/tenants", Map.of("name", "Sneaky", "slug", "sneaky", "adminName", "S",
                "adminEmail", "s@sneaky.test", "password", "sneaky-password")).status());
        assertEquals(303, app.client().get("/operator/tenants").status(), "anonymous visitors are sent to sign in");
    }
}
