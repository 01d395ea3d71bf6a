package io.roomsync.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.roomsync.calendar.CalendarProvider;
import io.roomsync.calendar.Connection;
import io.roomsync.calendar.ConnectionService;
import io.roomsync.calendar.InboundSync;
import io.roomsync.calendar.InboxItem;
import io.roomsync.calendar.ProviderService;
import io.roomsync.calendar.Subscription;
import io.roomsync.calendar.SubscriptionStatus;
import io.roomsync.calendar.SyncConfiguration;
import io.roomsync.location.Building;
import io.roomsync.location.Reservable;
import io.roomsync.location.ReservableModule;
import io.roomsync.reservation.Reservation;
import io.roomsync.sandbox.Directory;
import io.roomsync.sandbox.ExchangeSandbox;
import io.roomsync.tenant.CurrentUser;
import io.roomsync.tenant.Role;
import io.roomsync.tenant.Tenant;
import io.roomsync.tenant.User;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

/**
 * Inbound sync against a fresh Exchange sandbox: the sandbox has a directory (people ann, bob and carol; rooms
 * aurora and borealis), Roomsync a tenant with users of the same e-mails (except carol, an outsider to Roomsync), the
 * same rooms, a Custom-cloud provider pointing at the sandbox with an app-only connection, and an active sync
 * configuration plus subscription per room (written directly: activation is not what these tests are about).
 * Meetings are made "in Outlook" through the sandbox, and pulls run through the real "inbox" job.
 */
public final class SyncSandboxInbound implements AutoCloseable {
    public static final String SECRET = "inbound-s3cret";
    private static final ObjectMapper JSON = new ObjectMapper();

    public final ExchangeSandbox sandbox;
    public final Directory.Tenant directory;
    public final TestApp app;
    public final Tenant tenant;
    public final User ann;
    public final User bob;
    public final User syncAdmin;
    public final Building building;
    public final Reservable aurora;
    public final Reservable borealis;
    public final CalendarProvider provider;
    public final Subscription auroraSubscription;
    public final Subscription borealisSubscription;

    public SyncSandboxInbound() {
        this(TestDatabases.Kind.MARIADB);
    }

    public SyncSandboxInbound(TestDatabases.Kind database) {
        sandbox = ExchangeSandbox.builder().build().start();
        try {
            directory = sandbox.addTenant("contoso.test", "Contoso");
            Directory.App registration = sandbox.addApp(directory, null, "Roomsync", SECRET);
            sandbox.addUser(directory, "ann@contoso.test", "Ann Archer");
            sandbox.addUser(directory, "bob@contoso.test", "Bob Baker");
            sandbox.addUser(directory, "carol@contoso.test", "Carol Cole");
            sandbox.addRoom(directory, "aurora@contoso.test", "Aurora", r -> r.capacity = 8);
            sandbox.addRoom(directory, "borealis@contoso.test", "Borealis", r -> r.capacity = 4);

            app = TestApp.start(database, Clock.systemUTC(), Map.of());
            Fixtures f = app.fixtures;
            tenant = f.tenant("Contoso");
            ann = f.user(tenant, "Ann@Contoso.test");
            bob = f.user(tenant, "bob@contoso.test");
            syncAdmin = f.user(tenant, "sync.admin@contoso.test", Role.SYNC_ADMIN);
            User admin = f.user(tenant, "admin@contoso.test", Role.TENANT_ADMIN);
            building = f.building(tenant, "Headquarters", "Europe/Berlin");
            ReservableModule rooms = f.module(tenant, "Rooms", 480, 60);
            aurora = withEmail(f.room(building, rooms, "Aurora", 8, "display"), "aurora@contoso.test");
            borealis = withEmail(f.room(building, rooms, "Borealis", 4, "display"), "borealis@contoso.test");

            CurrentUser actor = f.signedIn(admin);
            Connection connection = app.app.connections.create(actor, "portal", new ConnectionService.ConnectionInput("Sandbox app",
                    "APP_ONLY", registration.clientId, "SECRET", SECRET, null, null, null, null, null, Boolean.TRUE));
            provider = app.app.providers.create(actor, "portal", new ProviderService.ProviderInput("Exchange sandbox", null, Boolean.TRUE,
                    null, "CUSTOM", sandbox.authorityHost(), sandbox.origin(), directory.id, connection.id, null, null,
                    sandbox.certificatePem(), false, null, null, null, null, Boolean.FALSE, null, null));
            auroraSubscription = activeSubscription(aurora);
            borealisSubscription = activeSubscription(borealis);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private Reservable withEmail(Reservable room, String email) {
        return app.app.tx.call(s -> {
            Reservable r = s.find(Reservable.class, room.id);
            r.email = email;
            return r;
        });
    }

    /** An active configuration and its subscription, as activation would leave them (without a Graph subscription). */
    private Subscription activeSubscription(Reservable room) {
        return app.app.tx.call(s -> {
            Instant now = Instant.now();
            SyncConfiguration c = new SyncConfiguration();
            c.tenantId = tenant.id;
            c.reservableId = room.id;
            c.providerId = provider.id;
            c.mailboxEmail = room.email;
            c.mailboxLower = room.email.toLowerCase();
            c.active = true;
            c.createdAt = now;
            c.updatedAt = now;
            s.persist(c);
            Subscription sub = new Subscription();
            sub.tenantId = tenant.id;
            sub.syncConfigurationId = c.id;
            sub.providerId = provider.id;
            sub.mailboxLower = c.mailboxLower;
            sub.status = SubscriptionStatus.ACTIVE;
            sub.createdAt = now;
            sub.updatedAt = now;
            s.persist(sub);
            return sub;
        });
    }

    // --- Outlook side -------------------------------------------------------------------------------------------

    /** A meeting the organizer books in Outlook with the rooms as resources; returns the organizer's event id. */
    public String book(String organizer, String subject, Instant start, Instant end, String... roomsAndPeople) {
        ObjectNode body = JSON.createObjectNode();
        body.put("subject", subject);
        body.set("start", time(start));
        body.set("end", time(end));
        ArrayNode attendees = body.putArray("attendees");
        for (String a : roomsAndPeople) {
            ObjectNode at = attendees.addObject();
            at.put("type", a.startsWith("aurora") || a.startsWith("borealis") ? "resource" : "required");
            at.putObject("emailAddress").put("address", a);
        }
        return idOf(outlook(organizer, "POST", "events", body.toString()));
    }

    public void move(String organizer, String eventId, Instant start, Instant end) {
        ObjectNode body = JSON.createObjectNode();
        body.set("start", time(start));
        body.set("end", time(end));
        outlook(organizer, "PATCH", "events/" + eventId, body.toString());
    }

    public void cancel(String organizer, String eventId) {
        outlook(organizer, "POST", "events/" + eventId + "/cancel", "{\"comment\":\"Not needed\"}");
    }

    private String outlook(String user, String method, String path, String body) {
        ExchangeSandbox.OutlookResult r = sandbox.outlook(user, method, path, body);
        if (!r.ok()) throw new AssertionError("Outlook " + method + " " + path + " answered " + r.status() + ": " + r.json());
        try {
            if (!sandbox.awaitIdle(Duration.ofSeconds(20))) throw new AssertionError("The sandbox did not settle");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        return r.json();
    }

    /** The room mailbox's copy of a meeting (the booking assistant's), by the organizer's iCalUId. */
    public ExchangeSandbox.OutlookEvent roomCopy(String room, Instant from, Instant to, String subject) {
        return sandbox.calendar(room, from, to).stream().filter(e -> e.subject().equals(subject)).findFirst()
                .orElseThrow(() -> new AssertionError("No copy in " + room));
    }

    private static ObjectNode time(Instant t) {
        ObjectNode n = JSON.createObjectNode();
        n.put("dateTime", LocalDateTime.ofInstant(t, ZoneOffset.UTC).toString());
        n.put("timeZone", "UTC");
        return n;
    }

    private static String idOf(String json) {
        try {
            JsonNode n = JSON.readTree(json);
            return n.path("id").asText();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    // --- Roomsync side ------------------------------------------------------------------------------------------

    /** Webhook notifications as the webhook stores them (CHANGE items for the room's subscription), in one transaction. */
    public void notifyChange(Subscription sub, int count) {
        app.app.tx.run(s -> {
            Instant now = Instant.now();
            for (int n = 0; n < count; n++) {
                InboxItem i = new InboxItem();
                i.tenantId = sub.tenantId;
                i.subscriptionId = sub.id;
                i.kind = InboxItem.Kind.CHANGE;
                i.changeType = "updated";
                i.receivedAt = now;
                i.nextAttemptAt = now;
                s.persist(i);
            }
        });
    }

    public void notifyChange(Subscription sub) {
        notifyChange(sub, 1);
    }

    /**
     * Runs the inbox job once on this thread, then waits until no item is claimed: the job also runs on its own
     * schedule, and a run of it that claimed the items first must finish before the test looks.
     */
    public void drain() {
        app.app.jobs.runNow(InboundSync.JOB);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (app.app.tx.call(s -> s.createSelectionQuery("select count(*) from InboxItem where claimedBy is not null and claimedUntil > :now", Long.class)
                .setParameter("now", Instant.now()).getSingleResult()) > 0) {
            if (System.nanoTime() > deadline) throw new AssertionError("Inbox items stayed claimed");
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** Notifies a change of the room and runs the inbox job. */
    public void sync(Subscription sub) {
        notifyChange(sub);
        drain();
    }

    public List<Reservation> reservations(Reservable room) {
        return app.app.tx.call(s -> s.createSelectionQuery("from Reservation where reservableId = :r order by id", Reservation.class)
                .setParameter("r", room.id).getResultList());
    }

    public List<InboxItem> inbox() {
        return app.app.tx.call(s -> s.createSelectionQuery("from InboxItem order by id", InboxItem.class).getResultList());
    }

    public Subscription subscription(Subscription sub) {
        return app.app.tx.call(s -> s.find(Subscription.class, sub.id));
    }

    @Override
    public void close() {
        if (app != null) app.close();
        sandbox.close();
    }
}
