package io.roomsync.tenant;

import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.HttpStatus;
import io.javalin.http.SameSite;
import io.roomsync.common.ValidationException;
import io.roomsync.web.Layout;
import io.roomsync.web.Pages;
import io.roomsync.web.Web;
import java.util.List;
import java.util.Map;

/** Platform operator pages: the one-time set-up of the first operator (/setup/{token}) and tenants (/operator/tenants). */
public final class OperatorPages {
    public record SetupForm(String displayName, String email) {}

    /** valid false: the link was used, has expired, or never existed. */
    public record SetupPage(Layout layout, boolean valid, String token, SetupForm form, Map<String, String> errors) {}

    public record TenantRow(long id, String name, String slug, String created, long users, long activeUsers) {}

    public record TenantForm(String name, String slug, String adminName, String adminEmail) {}

    public record TenantsPage(Layout layout, List<TenantRow> tenants, TenantForm form, Map<String, String> errors) {}

    private final OperatorSetup setup;
    private final TenantService tenants;
    private final SignInService signIn;
    private final Pages pages;
    private final boolean secureCookies;

    public OperatorPages(OperatorSetup setup, TenantService tenants, SignInService signIn, Pages pages, boolean secureCookies) {
        this.setup = setup;
        this.tenants = tenants;
        this.signIn = signIn;
        this.pages = pages;
        this.secureCookies = secureCookies;
    }

    public void setupForm(Context ctx) {
        String token = ctx.pathParam("token");
        boolean valid = setup.usable(token);
        // 410 rather than 404, which would be replaced by the generic not-found page.
        if (!valid) ctx.status(HttpStatus.GONE);
        pages.render(ctx, "tenant/setup.jte", new SetupPage(pages.layout(ctx, "Set up Roomsync", ""), valid, token,
                new SetupForm("", ""), Map.of()));
        if (!valid) ctx.status(HttpStatus.GONE);
    }

    public void setupSubmit(Context ctx) {
        String token = ctx.pathParam("token");
        SetupForm form = new SetupForm(trim(ctx.formParam("displayName")), trim(ctx.formParam("email")));
        if (!setup.usable(token)) {
            setupForm(ctx);
            return;
        }
        try {
            long userId = setup.complete(token, form.displayName(), form.email(), ctx.formParam("password"));
            ctx.cookie(new Cookie(Web.SESSION_COOKIE, signIn.startSession(userId), "/", -1, secureCookies, true, null, SameSite.LAX));
            pages.redirectWithFlash(ctx, "/operator/tenants",
                    "Welcome! Your platform operator account is ready. Sign in later with an empty organization field.");
        } catch (ValidationException e) {
            ctx.status(HttpStatus.BAD_REQUEST);
            pages.render(ctx, "tenant/setup.jte", new SetupPage(pages.layout(ctx, "Set up Roomsync", ""), true, token, form,
                    e.fieldErrors()));
            ctx.status(HttpStatus.BAD_REQUEST);
        }
    }

    public void tenants(Context ctx) {
        render(ctx, new TenantForm("", "", "", ""), Map.of());
    }

    public void createTenant(Context ctx) {
        TenantForm form = new TenantForm(trim(ctx.formParam("name")), trim(ctx.formParam("slug")),
                trim(ctx.formParam("adminName")), trim(ctx.formParam("adminEmail")));
        try {
            TenantService.Created created = tenants.createTenant(Web.user(ctx), new TenantService.NewTenant(form.name(), form.slug(),
                    form.adminName(), form.adminEmail(), ctx.formParam("password")));
            pages.redirectWithFlash(ctx, "/operator/tenants", created.tenant().name + " created. " + created.admin().email
                    + " signs in with the organization \"" + created.tenant().slug + "\".");
        } catch (ValidationException e) {
            ctx.status(HttpStatus.BAD_REQUEST);
            render(ctx, form, e.fieldErrors());
            ctx.status(HttpStatus.BAD_REQUEST);
        }
    }

    private void render(Context ctx, TenantForm form, Map<String, String> errors) {
        CurrentUser me = Web.user(ctx);
        List<TenantRow> rows = tenants.list().stream()
                .map(t -> new TenantRow(t.tenant().id, t.tenant().name, t.tenant().slug, TenantPages.when(t.tenant().createdAt, me),
                        t.users(), t.activeUsers()))
                .toList();
        pages.render(ctx, "tenant/tenants.jte", new TenantsPage(pages.layout(ctx, "Tenants", "operator"), rows, form, errors));
    }

    private static String trim(String s) {
        return s == null ? "" : s.trim();
    }
}
