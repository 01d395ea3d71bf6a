package io.roomsync.tenant;

import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.HttpStatus;
import io.javalin.http.SameSite;
import io.roomsync.web.Layout;
import io.roomsync.web.Pages;
import io.roomsync.web.Web;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/** Sign-in and sign-out pages. */
public final class SignInPages {
    /** A demo account listed on the sign-in page in demo mode. */
    public record DemoAccount(String organization, String email, String password, String role) {}

    public record SignInPage(Layout layout, String organization, String email, String next, String error,
                             List<DemoAccount> demoAccounts) {}

    private final SignInService signIn;
    private final Pages pages;
    private final boolean secureCookies;
    private final List<DemoAccount> demoAccounts;

    public SignInPages(SignInService signIn, Pages pages, boolean secureCookies, List<DemoAccount> demoAccounts) {
        this.signIn = signIn;
        this.pages = pages;
        this.secureCookies = secureCookies;
        this.demoAccounts = demoAccounts;
    }

    public void form(Context ctx) {
        if (Web.userOrNull(ctx) != null) {
            ctx.redirect("/", HttpStatus.SEE_OTHER);
            return;
        }
        String org = ctx.cookie("rs_org");
        // In demo mode the demo organization is the one a first-time visitor wants.
        if ((org == null || org.isBlank()) && !demoAccounts.isEmpty()) org = demoAccounts.get(0).organization();
        pages.render(ctx, "signin.jte", new SignInPage(pages.layout(ctx, "Sign in", "signin"), org == null ? "" : org, "",
                safeNext(ctx.queryParam("next")), null, demoAccounts));
    }

    public void submit(Context ctx) {
        String org = trim(ctx.formParam("organization"));
        String email = trim(ctx.formParam("email"));
        String next = safeNext(ctx.formParam("next"));
        SignInService.Outcome outcome = signIn.signIn(org, email, ctx.formParam("password"), ctx.ip());
        if (outcome instanceof SignInService.Outcome.SignedIn s) {
            ctx.cookie(new Cookie(Web.SESSION_COOKIE, s.sessionCookie(), "/", -1, secureCookies, true, null, SameSite.LAX));
            ctx.cookie(new Cookie("rs_org", org, "/", 60 * 60 * 24 * 365, secureCookies, true, null, SameSite.LAX));
            ctx.redirect(s.user().tenantId() == null && next.equals("/") ? "/operator/tenants" : next, HttpStatus.SEE_OTHER);
        } else if (outcome instanceof SignInService.Outcome.Rejected r) {
            again(ctx, org, email, next, r.message(), HttpStatus.UNAUTHORIZED);
        } else if (outcome instanceof SignInService.Outcome.Locked l) {
            again(ctx, org, email, next, "Too many failed attempts. Try again after "
                    + DateTimeFormatter.ofPattern("HH:mm 'UTC'").format(l.until().atOffset(ZoneOffset.UTC)) + ".",
                    HttpStatus.TOO_MANY_REQUESTS);
        }
    }

    public void signOut(Context ctx) {
        signIn.signOut(ctx.cookie(Web.SESSION_COOKIE));
        ctx.removeCookie(Web.SESSION_COOKIE, "/");
        ctx.redirect("/login", HttpStatus.SEE_OTHER);
    }

    private void again(Context ctx, String org, String email, String next, String error, HttpStatus status) {
        ctx.status(status);
        pages.render(ctx, "signin.jte", new SignInPage(pages.layout(ctx, "Sign in", "signin"), org, email, next, error, demoAccounts));
        ctx.status(status);
    }

    /**
     * Only local paths, so the sign-in page cannot be used to redirect elsewhere. Browsers drop tabs and newlines
     * from a Location and read a backslash as a slash, which would turn "/\t/evil.example" into "//evil.example".
     */
    static String safeNext(String next) {
        if (next == null || !next.startsWith("/") || next.startsWith("//")) return "/";
        for (int i = 0; i < next.length(); i++) {
            char c = next.charAt(i);
            if (c == '\\' || Character.isISOControl(c) || Character.isWhitespace(c)) return "/";
        }
        return next;
    }

    private static String trim(String s) {
        return s == null ? "" : s.trim();
    }
}
