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
            Reservation.class, Attendee.class);

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
    public final io.roomsync.location.LocationService locations;
    public final io.roomsync.location.RoomCsvImport roomImport;

    // --- services: reservations (reservation/) -------------------------------------------------------------

    // --- services: demo ------------------------------------------------------------------------------------
    public final io.roomsync.demo.DemoSeeder demoSeeder;

    // --- services: exchange sandbox ------------------------------------------------------------------------
    /** The built-in Exchange sandbox (demo mode only; null otherwise), with the demo tenant's people and rooms. */
    public final io.roomsync.sandbox.ExchangeSandbox exchangeSandbox;
    public final io.roomsync.sandbox.DemoMailboxes sandboxMailboxes;

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
        this.locations = new io.roomsync.location.LocationService(tx, audit, clock);
        this.roomImport = new io.roomsync.location.RoomCsvImport(tx, locations, clock);

        // --- build: reservations (reservation/) ------------------------------------------------------------

        // --- build: demo -----------------------------------------------------------------------------------
        this.demoSeeder = new io.roomsync.demo.DemoSeeder(tx, clock, audit);
        if (settings.demo()) {
            demoSeeder.seedIfMissing();
            demoAccounts.addAll(io.roomsync.demo.DemoSeeder.accounts());
        }

        // --- build: exchange sandbox -----------------------------------------------------------------------
        if (settings.demo()) {
            // The certificate and the sandbox's state live in the data folder, so a restarted demo looks the same.
            try {
                this.exchangeSandbox = io.roomsync.sandbox.ExchangeSandbox.startDemo(
                        settings.dataDir().resolve("exchange-sandbox"), settings.sandboxPort());
            } catch (java.io.UncheckedIOException e) {
                database.close();
                if (!(e.getCause() instanceof java.net.BindException)) throw e;
                throw new InvalidSettingException("ROOMSYNC_SANDBOX_PORT", "port " + settings.sandboxPort()
                        + " is in use; choose another (0 = any free port)");
            }
            this.sandboxMailboxes = new io.roomsync.sandbox.DemoMailboxes(tx, exchangeSandbox, io.roomsync.demo.DemoSeeder.SLUG);
            sandboxMailboxes.sync();
            log.info("Exchange sandbox running at {} (certificate in {})", exchangeSandbox.origin(), exchangeSandbox.dataDir());
        } else {
            this.exchangeSandbox = null;
            this.sandboxMailboxes = null;
        }
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
        var buildingPages = new io.roomsync.location.BuildingPages(locations, pages);
        r.get("/admin/buildings", buildingPages::list, Role.TENANT_ADMIN);
        r.post("/admin/buildings", buildingPages::create, Role.TENANT_ADMIN);
        r.get("/admin/buildings/{id}", buildingPages::show, Role.TENANT_ADMIN);
        r.post("/admin/buildings/{id}", buildingPages::update, Role.TENANT_ADMIN);
        r.post("/admin/buildings/{id}/delete", buildingPages::delete, Role.TENANT_ADMIN);
        r.post("/admin/buildings/{id}/floors", buildingPages::addFloor, Role.TENANT_ADMIN);
        r.post("/admin/buildings/{id}/floors/{floorId}", buildingPages::renameFloor, Role.TENANT_ADMIN);
        r.post("/admin/buildings/{id}/floors/{floorId}/delete", buildingPages::deleteFloor, Role.TENANT_ADMIN);
        var roomImportPages = new io.roomsync.location.RoomImportPages(locations, roomImport, pages);
        r.get("/admin/rooms/import", roomImportPages::form, Role.TENANT_ADMIN);
        r.post("/admin/rooms/import", roomImportPages::preview, Role.TENANT_ADMIN);
        r.post("/admin/rooms/import/apply", roomImportPages::apply, Role.TENANT_ADMIN);
        var roomPages = new io.roomsync.location.RoomPages(locations, pages, tx, audit);
        r.get("/admin/rooms", roomPages::list, Role.TENANT_ADMIN);
        r.post("/admin/rooms", roomPages::create, Role.TENANT_ADMIN);
        r.get("/admin/rooms/{id}", roomPages::show, Role.TENANT_ADMIN);
        r.post("/admin/rooms/{id}", roomPages::update, Role.TENANT_ADMIN);
        r.post("/admin/rooms/{id}/active", roomPages::setActive, Role.TENANT_ADMIN);
        r.post("/admin/rooms/{id}/delete", roomPages::delete, Role.TENANT_ADMIN);
        var modulePages = new io.roomsync.location.ModulePages(locations, pages);
        r.get("/admin/modules", modulePages::list, Role.TENANT_ADMIN);
        r.post("/admin/modules", modulePages::create, Role.TENANT_ADMIN);
        r.get("/admin/modules/{id}", modulePages::show, Role.TENANT_ADMIN);
        r.post("/admin/modules/{id}", modulePages::update, Role.TENANT_ADMIN);
        r.post("/admin/modules/{id}/delete", modulePages::delete, Role.TENANT_ADMIN);

        // --- reservations and portal pages (reservation/) --------------------------------------------------

        // --- REST API v1: tenants, users, properties ------------------------------------------------------------

        // --- REST API v1: locations ----------------------------------------------------------------------------
        var locationApi = new io.roomsync.location.LocationApi(locations, roomImport);
        r.apiGet("/api/v1/buildings", OpenApi.Operation.of("Locations", "List buildings")
                .returnsList(io.roomsync.location.LocationApi.BuildingResponse.class), locationApi::listBuildings, Role.EMPLOYEE);
        r.apiPost("/api/v1/buildings", OpenApi.Operation.of("Locations", "Create a building")
                .accepts(io.roomsync.location.LocationApi.BuildingRequest.class)
                .returns(io.roomsync.location.LocationApi.BuildingResponse.class).status(201), locationApi::createBuilding, Role.TENANT_ADMIN);
        r.apiGet("/api/v1/buildings/{id}", OpenApi.Operation.of("Locations", "Get a building")
                .returns(io.roomsync.location.LocationApi.BuildingResponse.class), locationApi::getBuilding, Role.EMPLOYEE);
        r.apiPut("/api/v1/buildings/{id}", OpenApi.Operation.of("Locations", "Update a building")
                .accepts(io.roomsync.location.LocationApi.BuildingRequest.class)
                .returns(io.roomsync.location.LocationApi.BuildingResponse.class), locationApi::updateBuilding, Role.TENANT_ADMIN);
        r.apiDelete("/api/v1/buildings/{id}", OpenApi.Operation.of("Locations", "Delete a building without rooms or desks (and its floors)")
                .status(204), locationApi::deleteBuilding, Role.TENANT_ADMIN);
        r.apiGet("/api/v1/buildings/{id}/floors", OpenApi.Operation.of("Locations", "List the floors of a building")
                .returnsList(io.roomsync.location.LocationApi.FloorResponse.class), locationApi::listFloors, Role.EMPLOYEE);
        r.apiPost("/api/v1/buildings/{id}/floors", OpenApi.Operation.of("Locations", "Add a floor to a building (levelNumber defaults to the next level)")
                .accepts(io.roomsync.location.LocationApi.FloorRequest.class)
                .returns(io.roomsync.location.LocationApi.FloorResponse.class).status(201), locationApi::createFloor, Role.TENANT_ADMIN);
        r.apiPut("/api/v1/floors/{id}", OpenApi.Operation.of("Locations", "Rename a floor or change its level")
                .accepts(io.roomsync.location.LocationApi.FloorRequest.class)
                .returns(io.roomsync.location.LocationApi.FloorResponse.class), locationApi::updateFloor, Role.TENANT_ADMIN);
        r.apiDelete("/api/v1/floors/{id}", OpenApi.Operation.of("Locations", "Delete a floor without rooms or desks")
                .status(204), locationApi::deleteFloor, Role.TENANT_ADMIN);
        r.apiGet("/api/v1/modules", OpenApi.Operation.of("Locations", "List reservable modules")
                .returnsList(io.roomsync.location.LocationApi.ModuleResponse.class), locationApi::listModules, Role.EMPLOYEE);
        r.apiPost("/api/v1/modules", OpenApi.Operation.of("Locations", "Create a reservable module")
                .accepts(io.roomsync.location.LocationApi.ModuleRequest.class)
                .returns(io.roomsync.location.LocationApi.ModuleResponse.class).status(201), locationApi::createModule, Role.TENANT_ADMIN);
        r.apiGet("/api/v1/modules/{id}", OpenApi.Operation.of("Locations", "Get a reservable module")
                .returns(io.roomsync.location.LocationApi.ModuleResponse.class), locationApi::getModule, Role.EMPLOYEE);
        r.apiPut("/api/v1/modules/{id}", OpenApi.Operation.of("Locations", "Update a module's options (omitted booleans keep their value)")
                .accepts(io.roomsync.location.LocationApi.ModuleRequest.class)
                .returns(io.roomsync.location.LocationApi.ModuleResponse.class), locationApi::updateModule, Role.TENANT_ADMIN);
        r.apiDelete("/api/v1/modules/{id}", OpenApi.Operation.of("Locations", "Delete a module no room or desk uses")
                .status(204), locationApi::deleteModule, Role.TENANT_ADMIN);
        r.apiGet("/api/v1/reservables", OpenApi.Operation.of("Locations", "List rooms, desks and other reservables")
                .returnsList(io.roomsync.location.LocationApi.ReservableResponse.class)
                .query("buildingId", "only this building").query("kind", "ROOM, DESK or OTHER").query("active", "true or false")
                .query("minCapacity", "at least this many people").query("equipment", "comma-separated tags; all must be present")
                .query("q", "part of the name"), locationApi::listReservables, Role.EMPLOYEE);
        r.apiPost("/api/v1/reservables/import", OpenApi.Operation.of("Locations",
                        "Import rooms of a building from a text/csv body (columns name,kind,capacity,floor,equipment,email,module); "
                                + "dryRun=true (default) previews, dryRun=false applies all rows or none; 422 lists bad lines")
                .returns(io.roomsync.location.LocationApi.ImportResponse.class)
                .query("buildingId", "the building the rooms are in (required)").query("dryRun", "true (default) or false"),
                locationApi::importReservables, Role.TENANT_ADMIN);
        r.apiPost("/api/v1/reservables", OpenApi.Operation.of("Locations", "Create a room, desk or other reservable")
                .accepts(io.roomsync.location.LocationApi.ReservableRequest.class)
                .returns(io.roomsync.location.LocationApi.ReservableResponse.class).status(201), locationApi::createReservable, Role.TENANT_ADMIN);
        r.apiGet("/api/v1/reservables/{id}", OpenApi.Operation.of("Locations", "Get a room, desk or other reservable")
                .returns(io.roomsync.location.LocationApi.ReservableResponse.class), locationApi::getReservable, Role.EMPLOYEE);
        r.apiPut("/api/v1/reservables/{id}", OpenApi.Operation.of("Locations", "Update a reservable (omitted active keeps its value)")
                .accepts(io.roomsync.location.LocationApi.ReservableRequest.class)
                .returns(io.roomsync.location.LocationApi.ReservableResponse.class), locationApi::updateReservable, Role.TENANT_ADMIN);
        r.apiDelete("/api/v1/reservables/{id}", OpenApi.Operation.of("Locations", "Delete a reservable that was never reserved (else deactivate it)")
                .status(204), locationApi::deleteReservable, Role.TENANT_ADMIN);

        // --- REST API v1: reservations -------------------------------------------------------------------------

        // --- exchange sandbox page (sandbox/) --------------------------------------------------------------
        if (sandboxMailboxes != null) {
            var sandboxPages = new io.roomsync.sandbox.SandboxPages(sandboxMailboxes, pages, clock);
            r.get("/sandbox/outlook", sandboxPages::show);
            r.post("/sandbox/outlook/meetings", sandboxPages::createMeeting);
            r.post("/sandbox/outlook/meetings/move", sandboxPages::moveMeeting);
            r.post("/sandbox/outlook/meetings/cancel", sandboxPages::cancelMeeting);
            r.post("/sandbox/outlook/subscriptions/lifecycle", sandboxPages::sendLifecycleEvent);
        }

    }

    public int port() {
        return web.port();
    }

    @Override
    public void close() {
        if (web != null) web.stop();
        if (exchangeSandbox != null) exchangeSandbox.close();
        database.close();
    }

    public static void main(String[] args) {
        List<String> argList = List.of(args);
        if (argList.contains("--help") || argList.contains("-h")) {
            System.out.println(Settings.help());
            return;
        }
        for (String arg : argList) {
            if (!(arg.equals("--demo") || arg.startsWith("--config="))) {
                System.err.println("Unknown option " + arg + " (see --help)");
                System.exit(2);
            }
        }
        App app;
        try {
            Settings settings = Settings.load(System.getenv(), argList);
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
