package io.roomsync.web;

import io.javalin.http.Context;
import io.roomsync.common.NotFoundException;
import io.roomsync.common.Tokens;
import io.roomsync.tenant.CurrentUser;

/** Small helpers every handler uses: the current user, ids from the path, the anonymous CSRF cookie. */
public final class Web {
    static final String USER_ATTRIBUTE = "roomsync.user";
    public static final String SESSION_COOKIE = "rs_session";
    static final String ANON_CSRF_COOKIE = "rs_csrf";

    private Web() {}

    /** The signed-in user; routes without Role.PUBLIC are only reached with one. */
    public static CurrentUser user(Context ctx) {
        CurrentUser user = ctx.attribute(USER_ATTRIBUTE);
        if (user == null) throw new IllegalStateException("route reached without a signed-in user");
        return user;
    }

    public static CurrentUser userOrNull(Context ctx) {
        return ctx.attribute(USER_ATTRIBUTE);
    }

    /** A numeric id from the path; anything else is a 404, like an id of another tenant. */
    public static long pathId(Context ctx, String name) {
        try {
            return Long.parseLong(ctx.pathParam(name));
        } catch (NumberFormatException e) {
            throw new NotFoundException("Record");
        }
    }

    /** Optional whole-number query or form parameter; blank = null, garbage = null. */
    public static Long optionalLong(String raw) {
        if (raw == null || raw.isBlank()) return null;
        try {
            return Long.parseLong(raw.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * The JSON request body as a record. An empty body is a 422 naming the problem; malformed JSON or unknown
     * fields are a 400 problem (mapped in WebServer), never a server error.
     */
    public static <T> T jsonBody(Context ctx, Class<T> type) {
        byte[] raw = ctx.bodyAsBytes();
        if (raw.length == 0 || new String(raw, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
            throw new io.roomsync.common.ValidationException("", "The request needs a JSON body.");
        }
        return ctx.bodyAsClass(type);
    }

    public static boolean isApi(Context ctx) {
        return ctx.path().startsWith("/api/");
    }

    /** CSRF token for forms shown before sign-in (double-submit cookie). */
    static String anonymousCsrf(Context ctx, boolean secure) {
        String existing = ctx.cookie(ANON_CSRF_COOKIE);
        if (existing != null && existing.length() >= 20) return existing;
        String token = Tokens.random(24);
        ctx.cookie(new io.javalin.http.Cookie(ANON_CSRF_COOKIE, token, "/", -1, secure, true, null, io.javalin.http.SameSite.LAX));
        return token;
    }
}
