package io.roomsync.web;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import gg.jte.resolve.DirectoryCodeResolver;
import io.javalin.http.Context;
import io.roomsync.tenant.CurrentUser;
import java.nio.file.Path;

/**
 * Renders JTE templates. Each template takes one typed page model. Templates are precompiled into the jar;
 * given a folder of templates (ROOMSYNC_DEV_TEMPLATES) they are compiled from it on change instead (needs a JDK).
 */
public final class Pages {
    private static final String FLASH_COOKIE = "rs_flash";
    private final TemplateEngine engine;
    private final boolean demo;

    private final boolean secureCookies;
    /** The unread notifications badge of the menu (set by the notify feature). */
    private volatile java.util.function.ToLongFunction<CurrentUser> unreadCounter;

    /** @param devTemplates a folder to compile templates from on change, or null for the precompiled ones */
    public Pages(boolean demo, boolean secureCookies, Path devTemplates) {
        this.demo = demo;
        this.secureCookies = secureCookies;
        if (devTemplates != null) {
            engine = TemplateEngine.create(new DirectoryCodeResolver(devTemplates), Path.of("target", "jte-dev"), ContentType.Html);
        } else {
            engine = TemplateEngine.createPrecompiled(ContentType.Html);
        }
    }

    public void render(Context ctx, String template, Object page) {
        StringOutput out = new StringOutput();
        engine.render(template, page, out);
        ctx.contentType("text/html; charset=utf-8").result(out.toString());
    }

    /** The frame for a page: title, signed-in user, CSRF token, current navigation entry, flash message. */
    public Layout layout(Context ctx, String title, String nav) {
        CurrentUser user = Web.userOrNull(ctx);
        String flash = ctx.cookie(FLASH_COOKIE);
        if (flash != null) ctx.removeCookie(FLASH_COOKIE, "/");
        return new Layout(title, user, user == null ? Web.anonymousCsrf(ctx, secureCookies) : user.csrfToken(), nav,
                flash == null ? null : java.net.URLDecoder.decode(flash, java.nio.charset.StandardCharsets.UTF_8), demo,
                user == null || user.tenantId() == null || unreadCounter == null ? 0 : unreadCounter.applyAsLong(user));
    }

    public void unreadNotifications(java.util.function.ToLongFunction<CurrentUser> counter) {
        this.unreadCounter = counter;
    }

    public boolean demo() {
        return demo;
    }

    /** Redirects after a successful form post, with a message shown once on the next page (post/redirect/get). */
    public void redirectWithFlash(Context ctx, String location, String message) {
        ctx.cookie(new io.javalin.http.Cookie(FLASH_COOKIE,
                java.net.URLEncoder.encode(message, java.nio.charset.StandardCharsets.UTF_8), "/", 60, secureCookies, true,
                null, io.javalin.http.SameSite.LAX));
        ctx.redirect(location, io.javalin.http.HttpStatus.SEE_OTHER);
    }
}
