package io.roomsync.tenant;

import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.roomsync.common.Tokens;
import io.roomsync.common.ValidationException;
import io.roomsync.web.Layout;
import io.roomsync.web.Pages;
import io.roomsync.web.Web;
import java.util.List;
import java.util.Map;

/** The user's own settings (/settings/tokens): personal access tokens for the API, and their password. */
public final class TokenPages {
    public record TokenRow(long id, String name, String prefix, String created, String lastUsed, String revoked) {
        public boolean active() {
            return revoked.isEmpty();
        }
    }

    /**
     * newToken is set only on the page that answers the create request: the one time the secret is shown.
     * tokenName / errors hold what was entered when a form had errors.
     */
    public record TokensPage(Layout layout, boolean tenantUser, List<TokenRow> tokens, String newToken, String newTokenName,
                             String tokenName, Map<String, String> errors, String apiBase) {}

    private final ApiTokenService tokens;
    private final UserService users;
    private final Pages pages;
    private final String baseUrl;

    public TokenPages(ApiTokenService tokens, UserService users, Pages pages, String baseUrl) {
        this.tokens = tokens;
        this.users = users;
        this.pages = pages;
        this.baseUrl = baseUrl;
    }

    public void page(Context ctx) {
        render(ctx, null, null, "", Map.of());
    }

    public void create(Context ctx) {
        CurrentUser me = Web.user(ctx);
        if (me.tenantId() == null) throw new ValidationException("name", "Platform operators have no API tokens.");
        String name = ctx.formParam("name");
        try {
            ApiTokenService.Created created = tokens.create(me, name);
            // Shown in this response only; the secret is never stored or shown again.
            ctx.header("Cache-Control", "no-store");
            render(ctx, created.token(), created.record().name, "", Map.of());
        } catch (ValidationException e) {
            ctx.status(HttpStatus.BAD_REQUEST);
            render(ctx, null, null, name == null ? "" : name, e.fieldErrors());
            ctx.status(HttpStatus.BAD_REQUEST);
        }
    }

    public void revoke(Context ctx) {
        ApiToken t = tokens.revoke(Web.user(ctx), Web.pathId(ctx, "id"));
        pages.redirectWithFlash(ctx, "/settings/tokens", "Token \"" + t.name + "\" revoked. Requests using it are now refused.");
    }

    public void changePassword(Context ctx) {
        CurrentUser me = Web.user(ctx);
        String cookie = ctx.cookie(Web.SESSION_COOKIE);
        try {
            users.changeOwnPassword(me, cookie == null ? null : Tokens.sha256(cookie), ctx.formParam("current"),
                    ctx.formParam("password"), ctx.formParam("confirm"));
            pages.redirectWithFlash(ctx, "/settings/tokens", "Password changed. Your other sessions were signed out and your API tokens revoked; create new ones where you need them.");
        } catch (ValidationException e) {
            ctx.status(HttpStatus.BAD_REQUEST);
            render(ctx, null, null, "", e.fieldErrors());
            ctx.status(HttpStatus.BAD_REQUEST);
        }
    }

    private void render(Context ctx, String newToken, String newTokenName, String tokenName, Map<String, String> errors) {
        CurrentUser me = Web.user(ctx);
        List<TokenRow> rows = me.tenantId() == null ? List.of() : tokens.mine(me).stream()
                .map(t -> new TokenRow(t.id, t.name, t.tokenPrefix, TenantPages.when(t.createdAt, me),
                        t.lastUsedAt == null ? "" : TenantPages.when(t.lastUsedAt, me),
                        t.revokedAt == null ? "" : TenantPages.when(t.revokedAt, me)))
                .toList();
        pages.render(ctx, "tenant/tokens.jte", new TokensPage(pages.layout(ctx, "Your settings", "settings"), me.tenantId() != null,
                rows, newToken, newTokenName, tokenName, errors, baseUrl + "/api/v1"));
    }
}
