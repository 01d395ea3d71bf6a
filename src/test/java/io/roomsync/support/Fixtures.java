package io.roomsync.support;

import io.roomsync.App;
import io.roomsync.tenant.Passwords;
import io.roomsync.tenant.Role;
import io.roomsync.tenant.Tenant;
import io.roomsync.tenant.User;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;
import java.util.UUID;

/** Small builders of test data, written straight through the app's transaction helper. */
public final class Fixtures {
    public static final String PASSWORD = "correct-horse-battery";
    private static final String PASSWORD_HASH = Passwords.hash(PASSWORD);
    private final App app;

    Fixtures(App app) {
        this.app = app;
    }

    public Tenant tenant(String name) {
        return app.tx.call(s -> {
            Tenant t = new Tenant();
            t.name = name;
            t.slug = name.toLowerCase().replaceAll("[^a-z0-9]+", "-") + "-" + UUID.randomUUID().toString().substring(0, 6);
            t.createdAt = Instant.now();
            s.persist(t);
            return t;
        });
    }

    /** A personal access token for the user (as the tokens page would create it); returns the token itself. */
    public String apiToken(User user) {
        String token = "rs_" + io.roomsync.common.Tokens.random(24);
        app.tx.run(s -> {
            io.roomsync.tenant.ApiToken t = new io.roomsync.tenant.ApiToken();
            t.tenantId = user.tenantId;
            t.userId = user.id;
            t.name = "test";
            t.tokenHash = io.roomsync.common.Tokens.sha256(token);
            t.tokenPrefix = token.substring(0, 8);
            t.createdAt = Instant.now();
            s.persist(t);
        });
        return token;
    }

    /** A user with the fixture password; employees always have EMPLOYEE. */
    public User user(Tenant tenant, String email, Role... roles) {
        return app.tx.call(s -> {
            User u = new User();
            u.tenantId = tenant == null ? null : tenant.id;
            u.setEmail(email);
            u.displayName = email.substring(0, email.indexOf('@'));
            Set<Role> r = EnumSet.noneOf(Role.class);
            if (tenant != null) r.add(Role.EMPLOYEE);
            r.addAll(Set.of(roles));
            u.roles = r;
            u.passwordHash = PASSWORD_HASH;
            u.active = true;
            u.createdAt = Instant.now();
            s.persist(u);
            return u;
        });
    }

    // --- locations (location/) -----------------------------------------------------------------------------

    /** A building in Europe/Berlin. */
    public io.roomsync.location.Building building(Tenant tenant, String name) {
        return app.tx.call(s -> {
            io.roomsync.location.Building b = new io.roomsync.location.Building();
            b.tenantId = tenant.id;
            b.name = name;
            b.timeZone = "Europe/Berlin";
            b.createdAt = Instant.now();
            s.persist(b);
            return b;
        });
    }

    public io.roomsync.location.Floor floor(io.roomsync.location.Building building, String name) {
        return app.tx.call(s -> {
            io.roomsync.location.Floor f = new io.roomsync.location.Floor();
            f.tenantId = building.tenantId;
            f.buildingId = building.id;
            f.name = name;
            s.persist(f);
            return f;
        });
    }

    /** An active room in the tenant's default "Rooms" module (created with the default modules if missing). */
    public io.roomsync.location.Reservable room(io.roomsync.location.Building building, io.roomsync.location.Floor floor, String name, int capacity) {
        return app.tx.call(s -> {
            app.locations.createDefaultModules(s, building.tenantId);
            io.roomsync.location.ReservableModule module = s.createSelectionQuery(
                    "from ReservableModule where tenantId = :t and name = 'Rooms'", io.roomsync.location.ReservableModule.class)
                    .setParameter("t", building.tenantId).getSingleResult();
            io.roomsync.location.Reservable r = new io.roomsync.location.Reservable();
            r.tenantId = building.tenantId;
            r.buildingId = building.id;
            r.floorId = floor == null ? null : floor.id;
            r.moduleId = module.id;
            r.kind = io.roomsync.location.ReservableKind.ROOM;
            r.name = name;
            r.capacity = capacity;
            r.createdAt = Instant.now();
            s.persist(r);
            return r;
        });
    }

    /** An active room in the default "Rooms" module, with its room mailbox in Exchange. */
    public io.roomsync.location.Reservable room(io.roomsync.location.Building building, String name, int capacity, String email) {
        io.roomsync.location.Reservable r = room(building, null, name, capacity);
        app.tx.run(s -> s.find(io.roomsync.location.Reservable.class, r.id).email = email);
        r.email = email;
        return r;
    }

    // --- reservations: buildings, modules, rooms and reservations as the reservation tests need them --------
    // (written straight to the database; the admin pages of location/ are not involved)

    public io.roomsync.location.Building building(Tenant tenant, String name, String timeZone) {
        return app.tx.call(s -> {
            io.roomsync.location.Building b = new io.roomsync.location.Building();
            b.tenantId = tenant.id;
            b.name = name;
            b.timeZone = timeZone;
            b.createdAt = Instant.now();
            s.persist(b);
            return b;
        });
    }

    /** A module for rooms with the given limits. */
    public io.roomsync.location.ReservableModule module(Tenant tenant, String name, int maxDurationMinutes, int bookingWindowDays) {
        return app.tx.call(s -> {
            io.roomsync.location.ReservableModule m = new io.roomsync.location.ReservableModule();
            m.tenantId = tenant.id;
            m.name = name;
            m.kind = io.roomsync.location.ReservableKind.ROOM;
            m.maxDurationMinutes = maxDurationMinutes;
            m.bookingWindowDays = bookingWindowDays;
            s.persist(m);
            return m;
        });
    }

    public io.roomsync.location.Floor floor(io.roomsync.location.Building building, String name, int level) {
        return app.tx.call(s -> {
            io.roomsync.location.Floor f = new io.roomsync.location.Floor();
            f.tenantId = building.tenantId;
            f.buildingId = building.id;
            f.name = name;
            f.levelNumber = level;
            s.persist(f);
            return f;
        });
    }

    /** A room (of the module's kind) with comma-separated equipment tags, e.g. "display,video". */
    public io.roomsync.location.Reservable room(io.roomsync.location.Building building, io.roomsync.location.ReservableModule module,
                                                String name, int capacity, String equipment) {
        return room(building, null, module, name, capacity, equipment);
    }

    public io.roomsync.location.Reservable room(io.roomsync.location.Building building, io.roomsync.location.Floor floor,
                                                io.roomsync.location.ReservableModule module, String name, int capacity, String equipment) {
        return app.tx.call(s -> {
            io.roomsync.location.Reservable r = new io.roomsync.location.Reservable();
            r.tenantId = building.tenantId;
            r.buildingId = building.id;
            r.floorId = floor == null ? null : floor.id;
            r.moduleId = module.id;
            r.kind = module.kind;
            r.name = name;
            r.capacity = capacity;
            r.setEquipmentTags(java.util.Arrays.asList(equipment.split(",")));
            r.active = true;
            r.createdAt = Instant.now();
            s.persist(r);
            return r;
        });
    }

    /**
     * A reservation written directly (as sync or history would leave it), bypassing the booking rules: for
     * reservations in the past or created in Outlook.
     */
    public io.roomsync.reservation.Reservation reservation(io.roomsync.location.Reservable room, User requestedFor,
                                                           Instant start, Instant end, io.roomsync.reservation.Source source) {
        return app.tx.call(s -> {
            io.roomsync.location.Building b = s.find(io.roomsync.location.Building.class, room.buildingId);
            io.roomsync.reservation.Reservation r = new io.roomsync.reservation.Reservation();
            r.tenantId = room.tenantId;
            r.reservableId = room.id;
            r.requestedById = requestedFor == null ? null : requestedFor.id;
            r.requestedForId = requestedFor == null ? null : requestedFor.id;
            r.subject = "Fixture meeting";
            r.startAt = start;
            r.endAt = end;
            r.timeZone = b.timeZone;
            r.state = io.roomsync.reservation.ReservationState.CONFIRMED;
            r.createdSource = source;
            r.createdSubSource = source.subSource;
            r.updatedSource = source;
            r.updatedSubSource = source.subSource;
            r.createdAt = Instant.now();
            r.updatedAt = r.createdAt;
            s.persist(r);
            return r;
        });
    }

    /** A confirmed one-hour portal reservation of the room, days from now, for nobody in particular. */
    public io.roomsync.reservation.Reservation reservation(io.roomsync.location.Reservable room, int daysAhead) {
        Instant start = Instant.now().plus(daysAhead, java.time.temporal.ChronoUnit.DAYS).truncatedTo(java.time.temporal.ChronoUnit.HOURS);
        return reservation(room, null, start, start.plus(1, java.time.temporal.ChronoUnit.HOURS), io.roomsync.reservation.Source.PORTAL);
    }

    /** An active or inactive calendar provider without connections: enough for rows that only name it. */
    public io.roomsync.calendar.CalendarProvider provider(Tenant tenant, String name, boolean active) {
        return provider(tenant.id, name, active);
    }

    private io.roomsync.calendar.CalendarProvider provider(long tenantId, String name, boolean active) {
        return app.tx.call(s -> {
            io.roomsync.calendar.CalendarProvider p = new io.roomsync.calendar.CalendarProvider();
            p.tenantId = tenantId;
            p.name = name;
            p.nameLower = name.toLowerCase();
            p.active = active;
            p.entraTenantId = "contoso.onmicrosoft.com";
            p.createdAt = p.updatedAt = Instant.now();
            s.persist(p);
            return p;
        });
    }

    /**
     * The room synced with the mailbox through a provider of its own (without connections), with a subscription in
     * the given status; {@code adjust} sets what a test needs besides (Graph's id, the client state's hash, errors).
     */
    public io.roomsync.calendar.Subscription subscription(io.roomsync.location.Reservable room, String mailbox,
            io.roomsync.calendar.SubscriptionStatus status, java.util.function.Consumer<io.roomsync.calendar.Subscription> adjust) {
        return subscription(room, provider(room.tenantId, "Exchange for " + mailbox, true), mailbox, status, adjust);
    }

    /** The same through the given provider, e.g. one that reaches the Exchange sandbox. */
    public io.roomsync.calendar.Subscription subscription(io.roomsync.location.Reservable room, io.roomsync.calendar.CalendarProvider provider,
            String mailbox, io.roomsync.calendar.SubscriptionStatus status, java.util.function.Consumer<io.roomsync.calendar.Subscription> adjust) {
        io.roomsync.calendar.SyncConfiguration c = syncConfiguration(room, provider, mailbox);
        return app.tx.call(s -> {
            io.roomsync.calendar.Subscription sub = new io.roomsync.calendar.Subscription();
            sub.tenantId = room.tenantId;
            sub.syncConfigurationId = c.id;
            sub.providerId = provider.id;
            sub.mailboxLower = c.mailboxLower;
            sub.status = status;
            sub.createdAt = sub.updatedAt = Instant.now();
            adjust.accept(sub);
            s.persist(sub);
            return sub;
        });
    }

    /** An active sync configuration of the room with the mailbox, written directly: nothing is asked of Graph. */
    public io.roomsync.calendar.SyncConfiguration syncConfiguration(io.roomsync.location.Reservable room,
            io.roomsync.calendar.CalendarProvider provider, String mailbox) {
        return app.tx.call(s -> {
            io.roomsync.calendar.SyncConfiguration c = new io.roomsync.calendar.SyncConfiguration();
            c.tenantId = room.tenantId;
            c.reservableId = room.id;
            c.providerId = provider.id;
            c.mailboxEmail = c.mailboxLower = mailbox.toLowerCase();
            c.active = true;
            c.createdAt = c.updatedAt = Instant.now();
            s.persist(c);
            return c;
        });
    }

    /** The user as the services see a signed-in caller. */
    public io.roomsync.tenant.CurrentUser signedIn(User user) {
        return new io.roomsync.tenant.CurrentUser(user.id, user.tenantId, user.email, user.displayName, user.timeZone,
                Set.copyOf(user.roles), "test-csrf", false);
    }
}
