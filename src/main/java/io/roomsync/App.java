package io.roomsync;

import io.javalin.Javalin;
import io.javalin.http.HttpStatus;
import io.roomsync.audit.AuditEntry;
import io.roomsync.audit.AuditLog;
import io.roomsync.config.InvalidSettingException;
import io.roomsync.config.MasterKey;
import io.roomsync.config.SecretBox;
import io.roomsync.config.Settings;
import io.roomsync.db.Database;
import io.roomsync.db.Tx;
import io.roomsync.location.Building;
import io.roomsync.location.Floor;
import io.roomsync.location.Reservable;
import io.roomsync.location.ReservableModule;
import io.roomsync.reservation.Attendee;
import io.roomsync.reservation.Reservation;
import io.roomsync.tenant.ApiToken;
import io.roomsync.tenant.CurrentUser;
import io.roomsync.tenant.LoginThrottle;
import io.roomsync.tenant.OneTimeToken;
import io.roomsync.tenant.Role;
import io.roomsync.tenant.SignInPages;
import io.roomsync.tenant.SignInService;
import io.roomsync.tenant.Tenant;
import io.roomsync.tenant.TenantProperty;
import io.roomsync.tenant.User;
import io.roomsync.tenant.UserSession;
import io.roomsync.web.OpenApi;
import io.roomsync.web.Pages;
import io.roomsync.web.Web;
import io.roomsync.web.WebServer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: settings -> database -> services -> routes -> jobs, wired by hand.
 * Every route of the application is listed in {@link #routes}.
 */
public final class App implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(App.class);

    static final List<Class<?>> ENTITIES = List.of(
            Tenant.class, TenantProperty.class, User.class, UserSession.class, LoginThrottle.class, OneTimeToken.class,
            ApiToken.class, AuditEntry.class,
            Building.class, Floor.class, ReservableModule.class, Reservable.class,
            Reservation.class, Attendee.class,
            io.roomsync.calendar.Connection.class, io.roomsync.calendar.CalendarProvider.class);

    public final Settings settings;
    public final Clock clock;
    public final Database database;
    public final Tx tx;
    public final SecretBox secrets;
    public final SignInService signIn;
    public final Pages pages;
    public final OpenApi openApi = new OpenApi();
    public final AuditLog audit;

    // --- services: tenants, users, properties, API tokens (tenant/) ----------------------------------------

    // --- services: locations (location/) -------------------------------------------------------------------

    // --- services: reservations (reservation/) -------------------------------------------------------------

    // --- services: demo ------------------------------------------------------------------------------------
    public final io.roomsync.demo.DemoSeeder demoSeeder;

    // --- services: calendar providers -------------------------------------------------------------------------
    public final io.roomsync.calendar.ConnectionService connections;
    public final io.roomsync.calendar.ProviderService providers;
    private final io.roomsync.calendar.ProviderPages providerPages;
    private final io.roomsync.calendar.ConnectionPages connectionPages;
    private final io.roomsync.calendar.CalendarApi calendarApi;

    private final List<SignInPages.DemoAccount> demoAccounts = new ArrayList<>();
    private Javalin web;

    public App(Settings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.secrets = new SecretBox(MasterKey.resolve(settings));
        this.database = Database.open(settings.dbUrl(), settings.dbUser(), settings.dbPassword(), settings.dbPoolSize(), ENTITIES);
        this.tx = new Tx(database.sessionFactory());
        this.signIn = new SignInService(tx, clock);
        this.pages = new Pages(settings.demo(), settings.secureCookies());
        this.audit = new AuditLog(clock);

        // --- build: tenants, users, properties, API tokens (tenant/) ---------------------------------------

        // --- build: locations (location/) ------------------------------------------------------------------

        // --- build: reservations (reservation/) ------------------------------------------------------------

        // --- build: demo -----------------------------------------------------------------------------------
        this.demoSeeder = new io.roomsync.demo.DemoSeeder(tx, clock, audit);
        if (settings.demo()) {
            demoSeeder.seedIfMissing();
            demoAccounts.addAll(io.roomsync.demo.DemoSeeder.accounts());
        }

        // --- build: calendar providers ---------------------------------------------------------------------
        this.connections = new io.roomsync.calendar.ConnectionService(tx, audit, secrets, clock);
        this.providers = new io.roomsync.calendar.ProviderService(tx, audit, secrets, connections, clock);
        this.providerPages = new io.roomsync.calendar.ProviderPages(pages, providers, connections, clock);
        this.connectionPages = new io.roomsync.calendar.ConnectionPages(pages, connections, clock);
        this.calendarApi = new io.roomsync.calendar.CalendarApi(providers, connections);
    }

    /** Starts serving HTTP; returns the port actually bound. */
    public int start() {
        SignInPages signInPages = new SignInPages(signIn, pages, settings.secureCookies(), demoAccounts);
        web = WebServer.create(settings, signIn, pages, openApi, r -> routes(r, signInPages));
        web.start(settings.port());
        return web.port();
    }

    private void routes(io.roomsync.web.Routes r, SignInPages signInPages) {
        // --- sign-in ---------------------------------------------------------------------------------------
        r.get("/login", signInPages::form, Role.PUBLIC);
        r.post("/login", signInPages::submit, Role.PUBLIC);
        r.post("/logout", signInPages::signOut, Role.PUBLIC);
        r.get("/", ctx -> {
            CurrentUser user = Web.user(ctx);
            ctx.redirect(user.tenantId() == null ? "/operator/tenants" : "/find", HttpStatus.SEE_OTHER);
        });
        r.get("/health", ctx -> ctx.json(Map.of("status", "ok")), Role.PUBLIC);

        // --- tenants, users, properties, API tokens (tenant/) ----------------------------------------------

        // --- locations (location/) -------------------------------------------------------------------------

        // --- reservations and portal pages (reservation/) --------------------------------------------------

        // --- REST API v1: tenants, users, properties ------------------------------------------------------------

        // --- REST API v1: locations ----------------------------------------------------------------------------

        // --- REST API v1: reservations -------------------------------------------------------------------------

        // --- calendar providers (calendar/) ----------------------------------------------------------------
        // Sync admins see providers and connections; only tenant admins change them.
        r.get("/admin/providers", providerPages::list, Role.TENANT_ADMIN, Role.SYNC_ADMIN);
        r.get("/admin/providers/new", providerPages::newForm, Role.TENANT_ADMIN);
        r.post("/admin/providers", providerPages::create, Role.TENANT_ADMIN);
        r.get("/admin/providers/{id}", providerPages::show, Role.TENANT_ADMIN, Role.SYNC_ADMIN);
        r.post("/admin/providers/{id}", providerPages::update, Role.TENANT_ADMIN);
        r.post("/admin/providers/{id}/delete", providerPages::delete, Role.TENANT_ADMIN);
        r.get("/admin/connections", connectionPages::list, Role.TENANT_ADMIN, Role.SYNC_ADMIN);
        r.get("/admin/connections/new", connectionPages::newForm, Role.TENANT_ADMIN);
        r.post("/admin/connections", connectionPages::create, Role.TENANT_ADMIN);
        r.get("/admin/connections/{id}", connectionPages::show, Role.TENANT_ADMIN, Role.SYNC_ADMIN);
        r.post("/admin/connections/{id}", connectionPages::update, Role.TENANT_ADMIN);
        r.post("/admin/connections/{id}/delete", connectionPages::delete, Role.TENANT_ADMIN);

        String providersTag = "Calendar providers";
        r.apiGet("/api/v1/providers", OpenApi.Operation.of(providersTag, "List the tenant's calendar providers")
                .returnsList(io.roomsync.calendar.CalendarApi.ProviderResponse.class), calendarApi::listProviders, Role.TENANT_ADMIN, Role.SYNC_ADMIN);
        r.apiPost("/api/v1/providers", OpenApi.Operation.of(providersTag, "Add a calendar provider (proxyPassword is write-only)")
                .accepts(io.roomsync.calendar.CalendarApi.ProviderRequest.class).returns(io.roomsync.calendar.CalendarApi.ProviderResponse.class)
                .status(201), calendarApi::createProvider, Role.TENANT_ADMIN);
        r.apiGet("/api/v1/providers/{id}", OpenApi.Operation.of(providersTag, "One calendar provider")
                .returns(io.roomsync.calendar.CalendarApi.ProviderResponse.class), calendarApi::getProvider, Role.TENANT_ADMIN, Role.SYNC_ADMIN);
        r.apiPut("/api/v1/providers/{id}", OpenApi.Operation.of(providersTag, "Change a calendar provider (omitted proxyPassword keeps the stored one)")
                .accepts(io.roomsync.calendar.CalendarApi.ProviderRequest.class).returns(io.roomsync.calendar.CalendarApi.ProviderResponse.class),
                calendarApi::updateProvider, Role.TENANT_ADMIN);
        r.apiDelete("/api/v1/providers/{id}", OpenApi.Operation.of(providersTag, "Delete a calendar provider").status(204),
                calendarApi::deleteProvider, Role.TENANT_ADMIN);
        r.apiGet("/api/v1/connections", OpenApi.Operation.of(providersTag, "List connections (credentials are never returned)")
                .returnsList(io.roomsync.calendar.CalendarApi.ConnectionResponse.class), calendarApi::listConnections, Role.TENANT_ADMIN, Role.SYNC_ADMIN);
        r.apiPost("/api/v1/connections", OpenApi.Operation.of(providersTag, "Add a connection (client secret or certificate, write-only)")
                .accepts(io.roomsync.calendar.CalendarApi.ConnectionRequest.class).returns(io.roomsync.calendar.CalendarApi.ConnectionResponse.class)
                .status(201), calendarApi::createConnection, Role.TENANT_ADMIN);
        r.apiGet("/api/v1/connections/{id}", OpenApi.Operation.of(providersTag, "One connection (credentials are never returned)")
                .returns(io.roomsync.calendar.CalendarApi.ConnectionResponse.class), calendarApi::getConnection, Role.TENANT_ADMIN, Role.SYNC_ADMIN);
        r.apiPut("/api/v1/connections/{id}", OpenApi.Operation.of(providersTag, "Change a connection (omitted secrets keep the stored ones)")
                .accepts(io.roomsync.calendar.CalendarApi.ConnectionRequest.class).returns(io.roomsync.calendar.CalendarApi.ConnectionResponse.class),
                calendarApi::updateConnection, Role.TENANT_ADMIN);
        r.apiDelete("/api/v1/connections/{id}", OpenApi.Operation.of(providersTag, "Delete a connection no provider uses").status(204),
                calendarApi::deleteConnection, Role.TENANT_ADMIN);
    }

    public int port() {
        return web.port();
    }

    @Override
    public void close() {
        if (web != null) web.stop();
        database.close();
    }

    public static void main(String[] args) {
        List<String> argList = List.of(args);
        if (argList.contains("--help") || argList.contains("-h")) {
            System.out.println(Settings.help());
            return;
        }
        for (String arg : argList) {
            if (!(arg.equals("--demo") || arg.startsWith("--config=") || arg.startsWith("--rotate-master-key="))) {
                System.err.println("Unknown option " + arg + " (see --help)");
                System.exit(2);
            }
        }
        App app;
        try {
            Settings settings = Settings.load(System.getenv(), argList);
            String rotate = argList.stream().filter(a -> a.startsWith("--rotate-master-key=")).findFirst().orElse(null);
            if (rotate != null) {
                System.exit(io.roomsync.calendar.SecretRotation.command(settings, rotate.substring("--rotate-master-key=".length()),
                        System.out, System.err));
            }
            app = new App(settings, Clock.systemUTC());
        } catch (InvalidSettingException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(app::close, "shutdown"));
        int port = app.start();
        log.info("Roomsync is running at {} (port {}, database {})", app.settings.baseUrl(), port, app.database.kind());
    }
}
