package io.roomsync.tenant;

import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.roomsync.audit.AuditEntry;
import io.roomsync.audit.AuditLog;
import io.roomsync.common.ValidationException;
import io.roomsync.db.Tx;
import io.roomsync.web.Layout;
import io.roomsync.web.Pages;
import io.roomsync.web.Web;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Users and roles administration (/admin/users), for tenant admins. */
public final class UserPages {
    /** A user as the admin pages show them; never carries the password hash. */
    public record UserRow(long id, String email, String displayName, String timeZone, List<String> roles, boolean active,
                          String created, boolean self) {}

    /** What the user form holds (as entered, when it is shown again with errors). */
    public record UserForm(String email, String displayName, String timeZone, boolean tenantAdmin, boolean syncAdmin) {
        static UserForm of(User u) {
            return new UserForm(u.email, u.displayName, u.timeZone == null ? "" : u.timeZone, u.has(Role.TENANT_ADMIN), u.has(Role.SYNC_ADMIN));
        }

        Set<Role> roles() {
            Set<Role> roles = EnumSet.of(Role.EMPLOYEE);
            if (tenantAdmin) roles.add(Role.TENANT_ADMIN);
            if (syncAdmin) roles.add(Role.SYNC_ADMIN);
            return roles;
        }
    }

    public record HistoryRow(String when, String who, String action, List<String> changes) {}

    public record UsersPage(Layout layout, String search, List<UserRow> users, long total, int limit) {}

    public record NewUserPage(Layout layout, UserForm form, Map<String, String> errors, List<String> zones) {}

    public record UserPage(Layout layout, UserRow user, UserForm form, Map<String, String> errors, List<String> zones,
                           List<HistoryRow> history) {}

    private final UserService users;
    private final Pages pages;
    private final Tx tx;
    private final AuditLog audit;

    public UserPages(UserService users, Pages pages, Tx tx, AuditLog audit) {
        this.users = users;
        this.pages = pages;
        this.tx = tx;
        this.audit = audit;
    }

    public void list(Context ctx) {
        CurrentUser me = Web.user(ctx);
        String q = ctx.queryParam("q") == null ? "" : ctx.queryParam("q").trim();
        UserService.Listing listing = users.list(me.tenant(), q);
        pages.render(ctx, "tenant/users.jte", new UsersPage(pages.layout(ctx, "Users", "admin-users"), q,
                listing.users().stream().map(u -> row(u, me)).toList(), listing.total(), UserService.LIST_LIMIT));
    }

    public void newForm(Context ctx) {
        pages.render(ctx, "tenant/user-new.jte", new NewUserPage(pages.layout(ctx, "Add a user", "admin-users"),
                new UserForm("", "", "", false, false), Map.of(), TenantPages.ZONES));
    }

    public void create(Context ctx) {
        UserForm form = form(ctx);
        try {
            User u = users.create(Web.user(ctx), TenantPages.source(ctx),
                    new UserService.NewUser(form.email(), form.displayName(), form.timeZone(), form.roles(), ctx.formParam("password")));
            pages.redirectWithFlash(ctx, "/admin/users/" + u.id, u.displayName + " was added. They sign in with the password you set.");
        } catch (ValidationException e) {
            ctx.status(HttpStatus.BAD_REQUEST);
            pages.render(ctx, "tenant/user-new.jte", new NewUserPage(pages.layout(ctx, "Add a user", "admin-users"), form,
                    e.fieldErrors(), TenantPages.ZONES));
            ctx.status(HttpStatus.BAD_REQUEST);
        }
    }

    public void detail(Context ctx) {
        User u = users.get(Web.user(ctx).tenant(), Web.pathId(ctx, "id"));
        show(ctx, u, UserForm.of(u), Map.of());
    }

    public void update(Context ctx) {
        long id = Web.pathId(ctx, "id");
        UserForm form = form(ctx);
        change(ctx, id, form, UserService.UserChanges.profile(form.displayName(), form.timeZone(), form.roles()), "Changes saved.");
    }

    public void resetPassword(Context ctx) {
        change(ctx, Web.pathId(ctx, "id"), null, UserService.UserChanges.password(ctx.formParam("password")),
                "New password set. The user was signed out everywhere.");
    }

    public void deactivate(Context ctx) {
        change(ctx, Web.pathId(ctx, "id"), null, UserService.UserChanges.active(false),
                "User deactivated: signed out everywhere, and their API tokens no longer work.");
    }

    public void reactivate(Context ctx) {
        change(ctx, Web.pathId(ctx, "id"), null, UserService.UserChanges.active(true), "User reactivated.");
    }

    private void change(Context ctx, long id, UserForm entered, UserService.UserChanges changes, String done) {
        CurrentUser me = Web.user(ctx);
        User before = users.get(me.tenant(), id);
        try {
            users.update(me, TenantPages.source(ctx), id, changes);
            pages.redirectWithFlash(ctx, "/admin/users/" + id, done);
        } catch (ValidationException e) {
            ctx.status(HttpStatus.BAD_REQUEST);
            show(ctx, before, entered == null ? UserForm.of(before) : entered, e.fieldErrors());
            ctx.status(HttpStatus.BAD_REQUEST);
        }
    }

    private void show(Context ctx, User u, UserForm form, Map<String, String> errors) {
        CurrentUser me = Web.user(ctx);
        List<AuditEntry> entries = tx.call(s -> audit.forEntity(s, me.tenant(), "User", u.id));
        List<HistoryRow> history = entries.stream()
                .sorted((a, b) -> Long.compare(b.id, a.id)).limit(20)
                .map(e -> new HistoryRow(TenantPages.when(e.createdAt, me), e.actorLabel, e.action,
                        e.changes == null ? List.of() : List.of(e.changes.split("\n"))))
                .toList();
        pages.render(ctx, "tenant/user.jte", new UserPage(pages.layout(ctx, u.displayName, "admin-users"), row(u, me), form,
                errors, TenantPages.ZONES, history));
    }

    private static UserForm form(Context ctx) {
        return new UserForm(trim(ctx.formParam("email")), trim(ctx.formParam("displayName")), trim(ctx.formParam("timeZone")),
                ctx.formParam("tenantAdmin") != null, ctx.formParam("syncAdmin") != null);
    }

    static UserRow row(User u, CurrentUser me) {
        return new UserRow(u.id, u.email, u.displayName, u.timeZone,
                UserService.ASSIGNABLE_ROLES.stream().filter(u.roles::contains).map(r -> r.label).toList(), u.active,
                TenantPages.when(u.createdAt, me), u.id == me.userId());
    }

    private static String trim(String s) {
        return s == null ? "" : s.trim();
    }
}
