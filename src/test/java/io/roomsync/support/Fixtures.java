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
}
