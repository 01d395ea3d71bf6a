package io.roomsync.web;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.javalin.Javalin;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpStatus;
import io.javalin.http.staticfiles.Location;
import io.javalin.json.JavalinJackson;
import io.roomsync.common.ConflictException;
import io.roomsync.common.ForbiddenException;
import io.roomsync.common.NotFoundException;
import io.roomsync.common.Tokens;
import io.roomsync.common.ValidationException;
import io.roomsync.config.Settings;
import io.roomsync.tenant.CurrentUser;
import io.roomsync.tenant.Role;
import io.roomsync.tenant.SignInService;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server: static files, sign-in resolution, role checks, CSRF checks, and the mapping of errors to
 * pages and problem documents. Routes themselves are listed in {@code App}.
 */
public final class WebServer {
    private static final Logger log = LoggerFactory.getLogger(WebServer.class);
    private static final Set<HandlerType> SAFE_METHODS = Set.of(HandlerType.GET, HandlerType.HEAD, HandlerType.OPTIONS);

    public static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    /** Set once an error page or problem was written, so the 404 fallback does not write a second one. */
    private static final String RENDERED = "roomsync.error-rendered";
    private static final String STARTED_NANOS = "roomsync.started-nanos";

    private WebServer() {}

    /** Creates (but does not start) the server. */
    public static Javalin create(Settings settings, SignInService signIn, Pages pages, OpenApi openApi, Consumer<Routes> routes) {
        return Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.jsonMapper(new JavalinJackson(JSON, false));
            config.http.maxRequestSize = 10_000_000L;
            config.staticFiles.add(sf -> {
                sf.hostedPath = "/static";
                sf.directory = "/static";
                sf.location = Location.CLASSPATH;
            });
            config.routes.before(ctx -> {
                ctx.attribute(STARTED_NANOS, System.nanoTime());
                securityHeaders(ctx, settings);
                if (!ctx.path().startsWith("/static/")) identify(ctx, signIn);
            });
            config.routes.beforeMatched(WebServer::authorize);
            // Server time of every response, for operators and the benchmarks (results are buffered, so this is
            // still in time to become a header).
            config.routes.after(ctx -> {
                Long started = ctx.attribute(STARTED_NANOS);
                if (started != null) {
                    ctx.header("Server-Timing", String.format(java.util.Locale.ROOT, "app;dur=%.2f", (System.nanoTime() - started) / 1e6));
                }
            });
            routes.accept(new Routes(config.routes, openApi));
            config.routes.get("/api/openapi.json", ctx -> ctx.json(openApi.document(settings.baseUrl() + "/")), Role.PUBLIC);

            config.routes.exception(NotFoundException.class, (e, ctx) -> fail(ctx, pages, 404, "Not found",
                    "There is nothing here, or you don't have access to it."));
            config.routes.exception(ForbiddenException.class, (e, ctx) -> fail(ctx, pages, 403, "Not allowed", e.getMessage()));
            config.routes.exception(ConflictException.class, (e, ctx) -> fail(ctx, pages, 409, "Conflict", e.getMessage()));
            config.routes.exception(jakarta.persistence.OptimisticLockException.class, (e, ctx) -> fail(ctx, pages, 409, "Conflict",
                    "Someone else changed this record meanwhile. Reload and try again."));
            config.routes.exception(org.hibernate.StaleObjectStateException.class, (e, ctx) -> fail(ctx, pages, 409, "Conflict",
                    "Someone else changed this record meanwhile. Reload and try again."));
            config.routes.exception(ValidationException.class, (e, ctx) -> {
                if (Web.isApi(ctx)) {
                    problem(ctx, Problem.validation(e.fieldErrors(), ctx.path()));
                } else {
                    fail(ctx, pages, 400, "Please check your input", e.getMessage());
                }
            });
            config.routes.exception(BadRequestResponse.class, (e, ctx) -> fail(ctx, pages, 400, "Bad request",
                    "The request body is not valid JSON for this operation: " + firstLine(e.getMessage())));
            // Javalin passes Jackson's parse errors through unwrapped: they are the client's mistake.
            config.routes.exception(com.fasterxml.jackson.core.JsonProcessingException.class, (e, ctx) -> fail(ctx, pages, 400,
                    "Bad request", "The request body is not valid JSON for this operation: " + firstLine(e.getOriginalMessage())));
            config.routes.exception(Exception.class, (e, ctx) -> {
                String ref = Tokens.random(6);
                log.error("Unhandled error on {} {} (ref {})", ctx.method(), ctx.path(), ref, e);
                fail(ctx, pages, 500, "Something went wrong",
                        "The error has been logged with reference " + ref + ". Please try again.");
            });
            config.routes.error(404, ctx -> {
                if (ctx.attribute(RENDERED) == null) fail(ctx, pages, 404, "Not found", "There is nothing here.");
            });
        });
    }

    private static void securityHeaders(Context ctx, Settings settings) {
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Referrer-Policy", "same-origin");
        ctx.header("Content-Security-Policy",
                "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; frame-ancestors 'none'; form-action 'self'");
        if (settings.secureCookies()) ctx.header("Strict-Transport-Security", "max-age=31536000");
    }

    /** Who is calling: the API accepts only bearer tokens, pages only the session cookie (so the API needs no CSRF). */
    private static void identify(Context ctx, SignInService signIn) {
        Optional<CurrentUser> user = Web.isApi(ctx) ? bearer(ctx).flatMap(signIn::apiTokenUser)
                : signIn.sessionUser(ctx.cookie(Web.SESSION_COOKIE));
        user.ifPresent(u -> ctx.attribute(Web.USER_ATTRIBUTE, u));
    }

    private static void authorize(Context ctx) {
        // Static files (CSS, JS, icons) are public: the sign-in page needs them before anyone is signed in.
        if (ctx.path().startsWith("/static/")) return;
        Set<io.javalin.security.RouteRole> roles = ctx.routeRoles();
        boolean api = Web.isApi(ctx);
        Optional<CurrentUser> user = Optional.ofNullable(Web.userOrNull(ctx));

        // Graph's webhook calls carry no session and no token: the client state of each item proves it.
        boolean webhook = ctx.path().startsWith("/webhooks/");
        if (!api && !webhook && !SAFE_METHODS.contains(ctx.method())) checkCsrf(ctx, user.orElse(null));
        if (roles.contains(Role.PUBLIC)) return;
        if (user.isEmpty()) {
            if (api) {
                ctx.header("WWW-Authenticate", "Bearer");
                problem(ctx, Problem.of(401, "Unauthorized", "Send a personal access token: Authorization: Bearer <token>.", ctx.path()));
            } else {
                String next = ctx.method() == HandlerType.GET ? ctx.path() + (ctx.queryString() == null ? "" : "?" + ctx.queryString()) : "/";
                ctx.redirect("/login?next=" + URLEncoder.encode(next, StandardCharsets.UTF_8), HttpStatus.SEE_OTHER);
            }
            ctx.skipRemainingHandlers();
            return;
        }
        if (!roles.isEmpty() && roles.stream().noneMatch(r -> user.get().has((Role) r))) {
            throw new ForbiddenException("Your account does not have the role this page needs.");
        }
    }

    private static void checkCsrf(Context ctx, CurrentUser user) {
        String sent = ctx.header("X-CSRF-Token");
        if (sent == null) sent = ctx.formParam("_csrf");
        String expected = user != null ? user.csrfToken() : ctx.cookie(Web.ANON_CSRF_COOKIE);
        if (!Tokens.constantTimeEquals(sent, expected)) {
            throw new ForbiddenException("The form expired or did not come from this site. Go back, reload the page and try again.");
        }
    }

    private static Optional<String> bearer(Context ctx) {
        String h = ctx.header("Authorization");
        if (h == null || !h.regionMatches(true, 0, "Bearer ", 0, 7)) return Optional.empty();
        return Optional.of(h.substring(7).trim());
    }

    private static void fail(Context ctx, Pages pages, int status, String title, String detail) {
        ctx.attribute(RENDERED, Boolean.TRUE);
        if (Web.isApi(ctx)) {
            problem(ctx, Problem.of(status, title, detail, ctx.path()));
        } else {
            ctx.status(status);
            pages.render(ctx, "error.jte", new ErrorPage(pages.layout(ctx, title, ""), status, title, detail));
            ctx.status(status);
        }
    }

    public static void problem(Context ctx, Problem problem) {
        ctx.status(problem.status());
        ctx.contentType(Problem.CONTENT_TYPE);
        try {
            ctx.result(JSON.writeValueAsString(problem));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String firstLine(String s) {
        if (s == null) return "";
        int nl = s.indexOf('\n');
        String line = nl < 0 ? s : s.substring(0, nl);
        return line.length() > 300 ? line.substring(0, 300) : line;
    }

    /** Page model of error.jte. */
    public record ErrorPage(Layout layout, int status, String title, String detail) {}
}
