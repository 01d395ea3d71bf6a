package io.roomsync.tenant;

import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.roomsync.common.ValidationException;
import io.roomsync.db.Tx;
import io.roomsync.web.Web;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** REST API v1 for users (/api/v1/users, tenant admins) and the caller themselves (/api/v1/me). */
public final class UserApi {
    /** A user; roles are EMPLOYEE, TENANT_ADMIN, SYNC_ADMIN. */
    public record UserView(long id, String email, String displayName, String timeZone, List<String> roles, boolean active,
                           Instant createdAt) {}

    /** A new user. roles: any of TENANT_ADMIN, SYNC_ADMIN (EMPLOYEE is always given); timeZone: IANA id or null. */
    public record UserCreate(String email, String displayName, String timeZone, List<String> roles, String password) {}

    /** Changes to a user; null fields keep their value, timeZone "" clears it, password sets a new one. */
    public record UserUpdate(String displayName, String timeZone, List<String> roles, Boolean active, String password) {}

    /** The caller: who the token acts as. */
    public record Me(long id, String email, String displayName, String timeZone, List<String> roles, String organization,
                     String organizationName) {}

    private final UserService users;
    private final Tx tx;

    public UserApi(UserService users, Tx tx) {
        this.users = users;
        this.tx = tx;
    }

    public void list(Context ctx) {
        ctx.json(users.list(Web.user(ctx).tenant(), ctx.queryParam("q")).users().stream().map(UserApi::view).toList());
    }

    public void get(Context ctx) {
        ctx.json(view(users.get(Web.user(ctx).tenant(), Web.pathId(ctx, "id"))));
    }

    public void create(Context ctx) {
        UserCreate body = Web.jsonBody(ctx, UserCreate.class);
        User u = users.create(Web.user(ctx), TenantPages.source(ctx),
                new UserService.NewUser(body.email(), body.displayName(), body.timeZone(), roles(body.roles()), body.password()));
        ctx.status(HttpStatus.CREATED).header("Location", "/api/v1/users/" + u.id).json(view(u));
    }

    public void update(Context ctx) {
        long id = Web.pathId(ctx, "id");
        CurrentUser me = Web.user(ctx);
        users.get(me.tenant(), id); // another tenant's id is a 404 before the body is even looked at
        UserUpdate body = Web.jsonBody(ctx, UserUpdate.class);
        User u = users.update(me, TenantPages.source(ctx), id,
                new UserService.UserChanges(body.displayName(), body.timeZone(), body.roles() == null ? null : roles(body.roles()),
                        body.active(), body.password()));
        ctx.json(view(u));
    }

    public void me(Context ctx) {
        CurrentUser me = Web.user(ctx);
        Tenant t = me.tenantId() == null ? null : tx.call(s -> s.find(Tenant.class, me.tenantId()));
        ctx.json(new Me(me.userId(), me.email(), me.displayName(), me.timeZone(),
                me.roles().stream().sorted().map(Enum::name).toList(), t == null ? null : t.slug, t == null ? null : t.name));
    }

    static UserView view(User u) {
        return new UserView(u.id, u.email, u.displayName, u.timeZone,
                UserService.ASSIGNABLE_ROLES.stream().filter(u.roles::contains).map(Enum::name).toList(), u.active, u.createdAt);
    }

    private static Set<Role> roles(List<String> names) {
        Set<Role> roles = EnumSet.of(Role.EMPLOYEE);
        if (names == null) return roles;
        for (String n : names) {
            Role r = null;
            for (Role candidate : UserService.ASSIGNABLE_ROLES) {
                if (n != null && candidate.name().equals(n.trim().toUpperCase(Locale.ROOT))) r = candidate;
            }
            if (r == null) throw new ValidationException("roles", "Unknown role '" + n + "'. Use EMPLOYEE, TENANT_ADMIN or SYNC_ADMIN.");
            roles.add(r);
        }
        return roles;
    }
}
