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
import io.roomsync.reservation.AvailabilityService;
import io.roomsync.reservation.BookingRules;
import io.roomsync.reservation.Reservation;
import io.roomsync.reservation.ReservationApi;
import io.roomsync.reservation.ReservationPages;
import io.roomsync.reservation.ReservationPolicy;
import io.roomsync.reservation.ReservationService;
import io.roomsync.reservation.ScheduleService;
import io.roomsync.tenant.ApiToken;
import io.roomsync.tenant.ApiTokenService;
import io.roomsync.tenant.CurrentUser;
import io.roomsync.tenant.LoginThrottle;
import io.roomsync.tenant.OneTimeToken;
import io.roomsync.tenant.OperatorPages;
import io.roomsync.tenant.OperatorSetup;
import io.roomsync.tenant.PropertyPages;
import io.roomsync.tenant.Role;
import io.roomsync.tenant.SignInPages;
import io.roomsync.tenant.SignInService;
import io.roomsync.tenant.Tenant;
import io.roomsync.tenant.TenantProperties;
import io.roomsync.tenant.TenantProperty;
import io.roomsync.tenant.TenantService;
import io.roomsync.tenant.TokenPages;
import io.roomsync.tenant.User;
import io.roomsync.tenant.UserApi;
import io.roomsync.tenant.UserPages;
import io.roomsync.tenant.UserService;
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
            io.roomsync.calendar.Connection.class, io.roomsync.calendar.CalendarProvider.class,
            io.roomsync.calendar.SyncConfiguration.class, io.roomsync.calendar.Subscription.class,
            io.roomsync.calendar.SyncEvent.class, io.roomsync.calendar.InboxItem.class,
            io.roomsync.notify.Notification.class, io.roomsync.calendar.WebhookRegistration.class);

    /** The entities given to Hibernate (tests that open the database without a whole app). */
    public static List<Class<?>> entities() {
        return ENTITIES;
    }

    public final Settings settings;
    public final Clock clock;
    public final Database database;
    public final Tx tx;
    public final SecretBox secrets;
    public final SignInService signIn;
    public final Pages pages;
    public final OpenApi openApi = new OpenApi();
    public final AuditLog audit;
    public final io.roomsync.notify.Notifications notifications;
    /** Background work; every job is registered in the constructor and started with the web server. */
    public final io.roomsync.jobs.Jobs jobs;

    // --- services: tenants, users, properties, API tokens (tenant/) ----------------------------------------
    public final TenantProperties properties;
    public final UserService users;
    public final ApiTokenService apiTokens;
    public final TenantService tenants;
    public final OperatorSetup operatorSetup;

    // --- services: locations (location/) -------------------------------------------------------------------
    public final io.roomsync.location.LocationService locations;
    public final io.roomsync.location.RoomCsvImport roomImport;

    // --- services: reservations (reservation/) -------------------------------------------------------------
    public final ReservationPolicy reservationPolicy;
    public final ReservationService reservations;
    public final AvailabilityService availability;
    public final ScheduleService schedule;

    // --- services: demo ------------------------------------------------------------------------------------
    public final io.roomsync.demo.DemoSeeder demoSeeder;

    // --- services: calendar providers -------------------------------------------------------------------------
    public final io.roomsync.calendar.ConnectionService connections;
    public final io.roomsync.calendar.ProviderService providers;
    private final io.roomsync.calendar.ProviderPages providerPages;
    private final io.roomsync.calendar.ConnectionPages connectionPages;
    private final io.roomsync.calendar.CalendarApi calendarApi;
    /** The only way to Graph: a client per provider, and every mailbox call through the limiter and counters. */
    public final io.roomsync.calendar.AllowedHosts allowedHosts;
    public final io.roomsync.calendar.ProviderClients providerClients;
    public final io.roomsync.graph.GraphCalls graphCalls;

    // --- services: sync health (calendar/) ------------------------------------------------------------------
    public final io.roomsync.calendar.SyncHealthService syncHealth;

    // --- services: outbound sync (calendar/) ----------------------------------------------------------------
    /** The reservation outbox hook (built with the reservations, which call it inside their transactions). */
    public final io.roomsync.calendar.SyncOutbox syncOutbox;
    public final io.roomsync.graph.GraphEvents graphEvents;
    public final io.roomsync.calendar.OutboxWorker outboxWorker;
    public final io.roomsync.calendar.UnconfirmedCleanup unconfirmedCleanup;
    public final io.roomsync.calendar.SyncEventService syncEvents;

    // --- services: inbound sync (calendar/) ----------------------------------------------------------------
    /** Exchange -> Roomsync: the "inbox" job pulls room mailboxes' calendarView/delta; "safety-net-resync" keeps pulls coming. */
    public final io.roomsync.calendar.InboundSync inboundSync;

    // --- services: test connection and room import from Exchange (calendar/) -------------------------------------
    /** "Test connection": token, Places rooms and one room calendar, with an actionable message on failure. */
    public final io.roomsync.calendar.ProviderCheck providerCheck;
    /** Room import from the Places API into reservables (location/DirectoryRoomImport does the writing). */
    public final io.roomsync.calendar.ExchangeRooms exchangeRooms;
    // --- services: sync configurations, subscriptions, webhooks (calendar/), notifications (notify/) ------------
    public final io.roomsync.calendar.WebhookCounters webhookCounters;
    public final io.roomsync.calendar.WebhookRegistry webhookRegistry;
    public final io.roomsync.calendar.SubscriptionService subscriptions;
    public final io.roomsync.calendar.SyncConfigurationService syncConfigurations;
    public final io.roomsync.calendar.WebhookIngest webhookIngest;
    public final io.roomsync.notify.NotificationService notificationService;

    // --- services: exchange sandbox ------------------------------------------------------------------------
    /** The built-in Exchange sandbox (demo mode only; null otherwise), with the demo tenant's people and rooms. */
    public final io.roomsync.sandbox.ExchangeSandbox exchangeSandbox;
    public final io.roomsync.sandbox.DemoMailboxes sandboxMailboxes;

    // --- services: demo two-way sync (demo/) -------------------------------------------------------------------
    /** Demo mode with ROOMSYNC_DEMO_SYNC: the demo rooms' sync, set up in the background once the server listens (else null). */
    public final io.roomsync.demo.DemoTwoWaySync demoTwoWaySync;

    private final List<SignInPages.DemoAccount> demoAccounts = new ArrayList<>();
    private Javalin web;

    public App(Settings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.secrets = new SecretBox(MasterKey.resolve(settings));
        this.database = Database.open(settings.dbUrl(), settings.dbUser(), settings.dbPassword(), settings.dbPoolSize(), ENTITIES);
        this.tx = new Tx(database.sessionFactory());
        this.jobs = new io.roomsync.jobs.Jobs(database.dataSource(), 4);
        this.signIn = new SignInService(tx, clock);
        this.pages = new Pages(settings.demo(), settings.secureCookies(), settings.devTemplates());
        this.audit = new AuditLog(clock);
        this.notifications = new io.roomsync.notify.Notifications(clock);

        // --- build: locations (location/) ------------------------------------------------------------------
        this.locations = new io.roomsync.location.LocationService(tx, audit, clock);
        this.roomImport = new io.roomsync.location.RoomCsvImport(tx, locations);

        // --- build: tenants, users, properties, API tokens (tenant/) ---------------------------------------
        // Personal mode needs personal calendar connections, which come with calendar sync.
        this.properties = new TenantProperties(tx, audit, false);
        this.users = new UserService(tx, clock, audit);
        this.apiTokens = new ApiTokenService(tx, clock, audit);
        this.tenants = new TenantService(tx, clock, audit, users, List.of(locations::createDefaultModules));
        this.operatorSetup = new OperatorSetup(tx, clock, audit);
        if (!settings.demo()) operatorSetup.announceIfNeeded(settings.baseUrl());

        // --- build: reservations (reservation/) ------------------------------------------------------------
        BookingRules bookingRules = new BookingRules(clock);
        this.reservationPolicy = new ReservationPolicy(new io.roomsync.calendar.StrictModes(properties));
        // Outbound sync's outbox is written in the reservation's own transaction (calendar/SyncOutbox).
        this.syncOutbox = new io.roomsync.calendar.SyncOutbox(clock, jobs, properties);
        this.reservations = new ReservationService(tx, bookingRules, reservationPolicy, audit, syncOutbox);
        this.availability = new AvailabilityService(tx, bookingRules);
        this.schedule = new ScheduleService(tx, bookingRules, reservationPolicy);

        // --- build: demo -----------------------------------------------------------------------------------
        this.demoSeeder = new io.roomsync.demo.DemoSeeder(tx, clock, audit);
        if (settings.demo()) {
            demoSeeder.seedIfMissing();
            demoAccounts.addAll(io.roomsync.demo.DemoSeeder.accounts());
        }

        // --- build: calendar providers ---------------------------------------------------------------------
        this.connections = new io.roomsync.calendar.ConnectionService(tx, audit, secrets, clock);
        this.providers = new io.roomsync.calendar.ProviderService(tx, audit, secrets, connections, clock);
        this.allowedHosts = new io.roomsync.calendar.AllowedHosts(settings.allowedHosts());
        this.providerClients = new io.roomsync.calendar.ProviderClients(providers, io.roomsync.graph.GraphClientFactory.withoutSdkRetries(),
                allowedHosts);
        this.graphCalls = new io.roomsync.graph.GraphCalls(io.roomsync.graph.GraphCalls.OUTLOOK_CONCURRENCY, io.roomsync.graph.GraphCalls.OUTLOOK_BUDGET, io.roomsync.graph.GraphCalls.OUTLOOK_WINDOW, clock);
        this.providerCheck = new io.roomsync.calendar.ProviderCheck(providers, providerClients, graphCalls, tx, clock);
        this.exchangeRooms = new io.roomsync.calendar.ExchangeRooms(providers, providerClients, graphCalls,
                new io.roomsync.location.DirectoryRoomImport(tx, locations));
        this.providerPages = new io.roomsync.calendar.ProviderPages(pages, providers, connections, clock, providerCheck);
        this.connectionPages = new io.roomsync.calendar.ConnectionPages(pages, connections, clock);
        this.calendarApi = new io.roomsync.calendar.CalendarApi(providers, connections);


        // --- build: outbound sync (calendar/) -------------------------------------------------------------
        this.graphEvents = new io.roomsync.graph.GraphEvents(graphCalls);
        String node = nodeName();
        this.outboxWorker = new io.roomsync.calendar.OutboxWorker(tx, clock, providerClients, graphEvents, properties,
                notifications, node);
        this.unconfirmedCleanup = new io.roomsync.calendar.UnconfirmedCleanup(tx, clock, providerClients, graphEvents,
                properties, notifications, jobs, syncOutbox);
        this.syncEvents = new io.roomsync.calendar.SyncEventService(tx, clock, jobs);
        jobs.register(io.roomsync.calendar.SyncOutbox.JOB, java.time.Duration.ofSeconds(5), outboxWorker::drain);
        jobs.register(io.roomsync.calendar.UnconfirmedCleanup.JOB, java.time.Duration.ofMinutes(5), unconfirmedCleanup::run);

        // --- build: inbound sync (calendar/) ---------------------------------------------------------------
        this.inboundSync = new io.roomsync.calendar.InboundSync(tx, clock, providerClients,
                new io.roomsync.graph.GraphDelta(graphCalls), audit, notifications);
        jobs.register(io.roomsync.calendar.InboundSync.JOB, java.time.Duration.ofSeconds(10), inboundSync::drain);
        jobs.register(io.roomsync.calendar.InboundSync.SAFETY_NET_JOB, java.time.Duration.ofMinutes(15), () -> {
            if (inboundSync.safetyNet() > 0) jobs.wake(io.roomsync.calendar.InboundSync.JOB);
        });
        // --- build: sync configurations, subscriptions, webhooks (calendar/), notifications (notify/) -------------
        this.webhookCounters = new io.roomsync.calendar.WebhookCounters(tx, clock);
        this.syncHealth = new io.roomsync.calendar.SyncHealthService(tx, clock, webhookCounters);
        this.webhookRegistry = new io.roomsync.calendar.WebhookRegistry(tx, audit, clock, settings.baseUrl(), webhookCounters);
        this.subscriptions = new io.roomsync.calendar.SubscriptionService(tx, clock, providerClients,
                new io.roomsync.graph.GraphSubscriptions(graphCalls), webhookRegistry, notifications, jobs);
        this.syncConfigurations = new io.roomsync.calendar.SyncConfigurationService(tx, audit, clock, subscriptions);
        this.webhookIngest = new io.roomsync.calendar.WebhookIngest(tx, clock, webhookCounters);
        this.notificationService = new io.roomsync.notify.NotificationService(tx, clock, settings.smtpEnabled()
                ? new io.roomsync.notify.Mailer(settings.smtpHost(), settings.smtpPort(), settings.smtpUser(), settings.smtpPassword(),
                        settings.smtpFrom()) : null, settings.baseUrl());
        pages.unreadNotifications(u -> notificationService.unread(u.tenant(), u.userId()));
        jobs.register(io.roomsync.calendar.SubscriptionService.RENEWAL_JOB, java.time.Duration.ofMinutes(10), subscriptions::renewDue);
        jobs.register(io.roomsync.calendar.SubscriptionService.LIFECYCLE_JOB, java.time.Duration.ofMinutes(1), subscriptions::handleLifecycle);
        jobs.register(io.roomsync.calendar.SubscriptionService.DIGEST_JOB, java.time.Duration.ofHours(1), subscriptions::digest);
        jobs.register("webhook-counters", java.time.Duration.ofSeconds(30), webhookCounters::flush);
        jobs.register(io.roomsync.notify.NotificationService.MAIL_JOB, java.time.Duration.ofMinutes(1), notificationService::sendPendingMail);

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
            new io.roomsync.demo.DemoExchange(tx, connections, providers).wire(exchangeSandbox);
            allowedHosts.allow("localhost:" + exchangeSandbox.port());
            log.info("Exchange sandbox running at {} (certificate in {})", exchangeSandbox.origin(), exchangeSandbox.dataDir());
        } else {
            this.exchangeSandbox = null;
            this.sandboxMailboxes = null;
        }

        // --- build: demo two-way sync (demo/) -------------------------------------------------------------------
        this.demoTwoWaySync = settings.demo() && settings.demoSync()
                ? new io.roomsync.demo.DemoTwoWaySync(tx, exchangeSandbox, webhookRegistry, syncConfigurations, subscriptions)
                : null;
    }

    /** This node's name in work claims: host and a random suffix, so two processes on one host differ. */
    private static String nodeName() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "node";
        }
        String name = host + "-" + io.roomsync.common.Tokens.random(6);
        return name.length() > 90 ? name.substring(name.length() - 90) : name;
    }

    /** Starts serving HTTP; returns the port actually bound. */
    public int start() {
        SignInPages signInPages = new SignInPages(signIn, pages, settings.secureCookies(), demoAccounts);
        web = WebServer.create(settings, signIn, pages, openApi, r -> routes(r, signInPages));
        web.start(settings.port());
        jobs.start();
        // --- start: demo two-way sync (demo/): Graph's validation handshake needs the server listening.
        if (demoTwoWaySync != null) demoTwoWaySync.startInBackground(web.port());
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
        OperatorPages operatorPages = new OperatorPages(operatorSetup, tenants, signIn, pages, settings.secureCookies());
        r.get("/setup/{token}", operatorPages::setupForm, Role.PUBLIC);
        r.post("/setup/{token}", operatorPages::setupSubmit, Role.PUBLIC);
        r.get("/operator/tenants", operatorPages::tenants, Role.PLATFORM_OPERATOR);
        r.post("/operator/tenants", operatorPages::createTenant, Role.PLATFORM_OPERATOR);
        r.get("/operator/graph-calls", new io.roomsync.calendar.GraphCallPages(graphCalls, pages, clock.instant())::page, Role.PLATFORM_OPERATOR);
        UserPages userPages = new UserPages(users, pages, tx, audit);
        r.get("/admin/users", userPages::list, Role.TENANT_ADMIN);
        r.get("/admin/users/new", userPages::newForm, Role.TENANT_ADMIN);
        r.post("/admin/users", userPages::create, Role.TENANT_ADMIN);
        r.get("/admin/users/{id}", userPages::detail, Role.TENANT_ADMIN);
        r.post("/admin/users/{id}", userPages::update, Role.TENANT_ADMIN);
        r.post("/admin/users/{id}/password", userPages::resetPassword, Role.TENANT_ADMIN);
        r.post("/admin/users/{id}/deactivate", userPages::deactivate, Role.TENANT_ADMIN);
        r.post("/admin/users/{id}/reactivate", userPages::reactivate, Role.TENANT_ADMIN);
        PropertyPages propertyPages = new PropertyPages(properties, pages);
        r.get("/admin/properties", propertyPages::page, Role.TENANT_ADMIN);
        r.post("/admin/properties", propertyPages::save, Role.TENANT_ADMIN);
        TokenPages tokenPages = new TokenPages(apiTokens, users, pages, settings.baseUrl());
        r.get("/settings/tokens", tokenPages::page);
        r.post("/settings/tokens", tokenPages::create);
        r.post("/settings/tokens/{id}/revoke", tokenPages::revoke);
        r.post("/settings/password", tokenPages::changePassword);

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
        ReservationPages reservationPages = new ReservationPages(reservations, availability, schedule, pages, clock);
        r.get("/find", reservationPages::find, Role.EMPLOYEE);
        r.get("/reservations/new", reservationPages::newForm, Role.EMPLOYEE);
        r.get("/reservations", reservationPages::mine, Role.EMPLOYEE);
        r.post("/reservations", reservationPages::create, Role.EMPLOYEE);
        r.get("/reservations/{id}", reservationPages::details, Role.EMPLOYEE);
        r.post("/reservations/{id}", reservationPages::update, Role.EMPLOYEE);
        r.post("/reservations/{id}/cancel", reservationPages::cancel, Role.EMPLOYEE);
        r.get("/schedule", reservationPages::schedule, Role.EMPLOYEE);

        // --- REST API v1: tenants, users, properties ------------------------------------------------------------
        UserApi userApi = new UserApi(users, tx);
        r.apiGet("/api/v1/me", OpenApi.Operation.of("Users", "The user the token acts as").returns(UserApi.Me.class), userApi::me);
        r.apiGet("/api/v1/users", OpenApi.Operation.of("Users", "List the organization's users")
                .query("q", "Part of a name or e-mail to search for").returnsList(UserApi.UserView.class), userApi::list, Role.TENANT_ADMIN);
        r.apiPost("/api/v1/users", OpenApi.Operation.of("Users", "Add a user (Employee always; also TENANT_ADMIN, SYNC_ADMIN)")
                .accepts(UserApi.UserCreate.class).returns(UserApi.UserView.class).status(201), userApi::create, Role.TENANT_ADMIN);
        r.apiGet("/api/v1/users/{id}", OpenApi.Operation.of("Users", "Get a user").returns(UserApi.UserView.class),
                userApi::get, Role.TENANT_ADMIN);
        r.apiPut("/api/v1/users/{id}", OpenApi.Operation.of("Users",
                        "Change a user's name, time zone, roles, active state or password (null fields keep their value)")
                .accepts(UserApi.UserUpdate.class).returns(UserApi.UserView.class), userApi::update, Role.TENANT_ADMIN);
        r.apiGet("/api/v1/properties", OpenApi.Operation.of("Properties", "The organization's tenant properties")
                .returns(PropertyPages.PropertyValues.class), propertyPages::apiGet, Role.TENANT_ADMIN);
        r.apiPut("/api/v1/properties", OpenApi.Operation.of("Properties",
                        "Change tenant properties (omitted or null ones keep their value; blocker_user \"\" means none)")
                .accepts(PropertyPages.PropertyValues.class).returns(PropertyPages.PropertyValues.class),
                propertyPages::apiPut, Role.TENANT_ADMIN);
        r.apiGet("/api/v1/properties/definitions", OpenApi.Operation.of("Properties",
                        "Every tenant property with its meaning, type, default and current value")
                .returnsList(PropertyPages.PropertyView.class), propertyPages::apiDefinitions, Role.TENANT_ADMIN);

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
                .query("buildingId", "only this building").query("kind", "ROOM, DESK or OTHER").query("active", "true or false; employees see active ones only")
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
        ReservationApi reservationApi = new ReservationApi(reservations, availability, clock);
        r.apiGet("/api/v1/availability", ReservationApi.AVAILABILITY, reservationApi::availability, Role.EMPLOYEE);
        r.apiGet("/api/v1/reservations", ReservationApi.LIST, reservationApi::list, Role.EMPLOYEE);
        r.apiPost("/api/v1/reservations", ReservationApi.CREATE, reservationApi::create, Role.EMPLOYEE);
        r.apiGet("/api/v1/reservations/{id}", ReservationApi.GET, reservationApi::get, Role.EMPLOYEE);
        r.apiPut("/api/v1/reservations/{id}", ReservationApi.UPDATE, reservationApi::update, Role.EMPLOYEE);
        r.apiPost("/api/v1/reservations/{id}/cancel", ReservationApi.CANCEL, reservationApi::cancel, Role.EMPLOYEE);

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

        // --- sync health (calendar/) ------------------------------------------------------------------------
        var syncHealthPages = new io.roomsync.calendar.SyncHealthPages(syncHealth, pages);
        r.get("/admin/sync/health", syncHealthPages::page, Role.TENANT_ADMIN, Role.SYNC_ADMIN);
        r.apiGet("/api/v1/sync/health", OpenApi.Operation.of("Calendar sync",
                        "Sync events today, pending and failed; subscriptions by status with their expiries and last notifications")
                .returns(io.roomsync.calendar.SyncHealthService.Health.class), syncHealthPages::api, Role.TENANT_ADMIN, Role.SYNC_ADMIN);

        // --- outbound sync: sync events (calendar/) ---------------------------------------------------------
        var syncEventPages = new io.roomsync.calendar.SyncEventPages(syncEvents, pages);
        r.get("/admin/sync/events", syncEventPages::list, Role.TENANT_ADMIN, Role.SYNC_ADMIN);
        r.post("/admin/sync/events/reprocess", syncEventPages::reprocessSelected, Role.TENANT_ADMIN, Role.SYNC_ADMIN);
        r.get("/admin/sync/events/{id}", syncEventPages::detail, Role.TENANT_ADMIN, Role.SYNC_ADMIN);
        r.post("/admin/sync/events/{id}/reprocess", syncEventPages::reprocess, Role.TENANT_ADMIN, Role.SYNC_ADMIN);
        String syncTag = "Calendar sync";
        r.apiGet("/api/v1/sync-events", OpenApi.Operation.of(syncTag, "Sync events (the work log), newest first, at most "
                                + io.roomsync.calendar.SyncEventService.MAX_ROWS + "; without from/to: today's")
                        .returnsList(io.roomsync.calendar.SyncEventService.Row.class)
                        .query("from", "first UTC day of creation (YYYY-MM-DD; empty: no limit)")
                        .query("to", "last UTC day of creation (YYYY-MM-DD; empty: no limit)")
                        .query("state", "NEW, PROCESSING, PROCESSED, ERROR or SKIPPED").query("direction", "OUTBOUND or INBOUND")
                        .query("type", "CREATE, UPDATE, DELETE or READ").query("roomId", "only this reservable's events")
                        .query("reservationId", "only this reservation's events"),
                syncEventPages::apiList, Role.TENANT_ADMIN, Role.SYNC_ADMIN);
        r.apiGet("/api/v1/sync-events/{id}", OpenApi.Operation.of(syncTag, "One sync event with our payload, the Graph payload and Graph's response")
                .returns(io.roomsync.calendar.SyncEventService.Detail.class), syncEventPages::apiGet, Role.TENANT_ADMIN, Role.SYNC_ADMIN);
        r.apiPost("/api/v1/sync-events/{id}/reprocess", OpenApi.Operation.of(syncTag,
                        "Send an outbound sync event again now (queued: 1, or 0 when it is already waiting or being sent)")
                .returns(io.roomsync.calendar.SyncEventPages.ReprocessResponse.class), syncEventPages::apiReprocess, Role.TENANT_ADMIN, Role.SYNC_ADMIN);
        r.apiPost("/api/v1/sync-events/reprocess", OpenApi.Operation.of(syncTag, "Send several outbound sync events again now")
                .accepts(io.roomsync.calendar.SyncEventPages.ReprocessRequest.class)
                .returns(io.roomsync.calendar.SyncEventPages.ReprocessResponse.class), syncEventPages::apiReprocessMany, Role.TENANT_ADMIN, Role.SYNC_ADMIN);

        // --- test connection and room import from Exchange (calendar/) --------------------------------------
        r.post("/admin/providers/{id}/test", providerPages::test, Role.TENANT_ADMIN, Role.SYNC_ADMIN);
        var exchangeImportPages = new io.roomsync.calendar.ExchangeRoomImportPages(providers, exchangeRooms, pages);
        r.get("/admin/rooms/import/exchange", exchangeImportPages::form, Role.TENANT_ADMIN);
        r.post("/admin/rooms/import/exchange", exchangeImportPages::preview, Role.TENANT_ADMIN);
        r.post("/admin/rooms/import/exchange/apply", exchangeImportPages::apply, Role.TENANT_ADMIN);
        var providerTools = new io.roomsync.calendar.ProviderToolsApi(providers, providerCheck, exchangeRooms);
        r.apiPost("/api/v1/providers/{id}/test", OpenApi.Operation.of(providersTag, "Test connection: acquire a token, list rooms "
                        + "through the Places API and read one room mailbox's calendar; 200 with ok=false and an actionable message "
                        + "when a step fails").returns(io.roomsync.calendar.ProviderCheck.Result.class)
                        .query("timeoutSeconds", "how long the check may wait, 1-120 (default 30)"),
                providerTools::test, Role.TENANT_ADMIN, Role.SYNC_ADMIN);
        r.apiPost("/api/v1/providers/{id}/import-rooms", OpenApi.Operation.of(providersTag, "Import rooms from the provider's "
                        + "Places API (rooms and room lists, all pages) as reservables, matched by mailbox e-mail; missing buildings "
                        + "and floors are created. dryRun=true (default) previews, dryRun=false applies in one transaction; 502 when "
                        + "Exchange cannot be read").returns(io.roomsync.calendar.ProviderToolsApi.RoomImportResponse.class)
                        .query("dryRun", "true (default) or false")
                        .query("timeZone", "IANA time zone of buildings the import creates (default: the tenant's most used one)"),
                providerTools::importRooms, Role.TENANT_ADMIN);
        // --- sync configurations, subscriptions, webhooks (calendar/), notifications (notify/) ---------------------
        var webhooks = new io.roomsync.calendar.Webhooks(webhookIngest, webhookCounters, jobs);
        r.post(io.roomsync.calendar.WebhookRegistry.NOTIFICATIONS_PATH, webhooks::notifications, Role.PUBLIC);
        r.post(io.roomsync.calendar.WebhookRegistry.LIFECYCLE_PATH, webhooks::lifecycle, Role.PUBLIC);
        var syncPages = new io.roomsync.calendar.SyncPages(pages, syncConfigurations, subscriptions, webhookRegistry);
        r.get("/admin/sync/configurations", syncPages::list, Role.TENANT_ADMIN, Role.SYNC_ADMIN);
        r.get("/admin/sync/configurations/new", syncPages::newForm, Role.TENANT_ADMIN, Role.SYNC_ADMIN);
        r.post("/admin/sync/configurations", syncPages::create, Role.TENANT_ADMIN, Role.SYNC_ADMIN);
        r.post("/admin/sync/configurations/bulk", syncPages::bulk, Role.TENANT_ADMIN, Role.SYNC_ADMIN);
        r.get("/admin/sync/configurations/{id}", syncPages::show, Role.TENANT_ADMIN, Role.SYNC_ADMIN);
        r.post("/admin/sync/configurations/{id}", syncPages::update, Role.TENANT_ADMIN, Role.SYNC_ADMIN);
        r.post("/admin/sync/configurations/{id}/activate", syncPages::activate, Role.TENANT_ADMIN, Role.SYNC_ADMIN);
        r.post("/admin/sync/configurations/{id}/deactivate", syncPages::deactivate, Role.TENANT_ADMIN, Role.SYNC_ADMIN);
        r.post("/admin/sync/configurations/{id}/delete", syncPages::delete, Role.TENANT_ADMIN, Role.SYNC_ADMIN);
        r.get("/admin/sync/webhook", syncPages::webhook, Role.TENANT_ADMIN, Role.SYNC_ADMIN);
        r.post("/admin/sync/webhook", syncPages::updateWebhook, Role.TENANT_ADMIN, Role.SYNC_ADMIN);
        r.get("/admin/sync/subscriptions", syncPages::subscriptions, Role.TENANT_ADMIN, Role.SYNC_ADMIN);
        r.get("/admin/sync/subscriptions/{id}", syncPages::subscription, Role.TENANT_ADMIN, Role.SYNC_ADMIN);
        var notificationPages = new io.roomsync.notify.NotificationPages(pages, notificationService);
        r.get("/notifications", notificationPages::page);
        r.post("/notifications/read-all", notificationPages::readAll);
        r.post("/notifications/{id}/read", notificationPages::read);

        var syncApi = new io.roomsync.calendar.SyncApi(syncConfigurations, subscriptions, webhookRegistry);
        r.apiGet("/api/v1/sync-configurations", OpenApi.Operation.of(syncTag, "List sync configurations (room, provider, mailbox, subscription)")
                .returnsList(io.roomsync.calendar.SyncApi.SyncConfigurationResponse.class), syncApi::list, Role.TENANT_ADMIN, Role.SYNC_ADMIN);
        r.apiPost("/api/v1/sync-configurations", OpenApi.Operation.of(syncTag,
                        "Add a sync configuration (created inactive; an empty room e-mail is filled, a different one refused)")
                .accepts(io.roomsync.calendar.SyncApi.SyncConfigurationRequest.class)
                .returns(io.roomsync.calendar.SyncApi.SyncConfigurationResponse.class).status(201), syncApi::create, Role.TENANT_ADMIN, Role.SYNC_ADMIN);
        // Before the {id} routes, which would otherwise take "bulk" for an id.
        r.apiPost("/api/v1/sync-configurations/bulk/activate", OpenApi.Operation.of(syncTag, "Activate several configurations; one result each")
                .accepts(io.roomsync.calendar.SyncApi.BulkRequest.class)
                .returnsList(io.roomsync.calendar.SyncApi.ActivationResponse.class), syncApi::bulkActivate, Role.TENANT_ADMIN, Role.SYNC_ADMIN);
        r.apiPost("/api/v1/sync-configurations/bulk/deactivate", OpenApi.Operation.of(syncTag, "Deactivate several configurations; one result each")
                .accepts(io.roomsync.calendar.SyncApi.BulkRequest.class)
                .returnsList(io.roomsync.calendar.SyncApi.ActivationResponse.class), syncApi::bulkDeactivate, Role.TENANT_ADMIN, Role.SYNC_ADMIN);
        r.apiGet("/api/v1/sync-configurations/{id}", OpenApi.Operation.of(syncTag, "One sync configuration")
                .returns(io.roomsync.calendar.SyncApi.SyncConfigurationResponse.class), syncApi::get, Role.TENANT_ADMIN, Role.SYNC_ADMIN);
        r.apiPut("/api/v1/sync-configurations/{id}", OpenApi.Operation.of(syncTag, "Change a sync configuration (clears the stored delta state)")
                .accepts(io.roomsync.calendar.SyncApi.SyncConfigurationRequest.class)
                .returns(io.roomsync.calendar.SyncApi.SyncConfigurationResponse.class), syncApi::update, Role.TENANT_ADMIN, Role.SYNC_ADMIN);
        r.apiDelete("/api/v1/sync-configurations/{id}", OpenApi.Operation.of(syncTag, "Delete an inactive sync configuration").status(204),
                syncApi::delete, Role.TENANT_ADMIN, Role.SYNC_ADMIN);
        r.apiPost("/api/v1/sync-configurations/{id}/activate", OpenApi.Operation.of(syncTag,
                        "Activate: creates the Graph subscription on the room mailbox (409 if the provider is inactive)")
                .returns(io.roomsync.calendar.SyncApi.ActivationResponse.class), syncApi::activate, Role.TENANT_ADMIN, Role.SYNC_ADMIN);
        r.apiPost("/api/v1/sync-configurations/{id}/deactivate", OpenApi.Operation.of(syncTag,
                        "Deactivate: deletes the Graph subscription (409 if the provider is inactive)")
                .returns(io.roomsync.calendar.SyncApi.ActivationResponse.class), syncApi::deactivate, Role.TENANT_ADMIN, Role.SYNC_ADMIN);
        r.apiGet("/api/v1/webhook", OpenApi.Operation.of(syncTag, "The webhook registry: callback URLs, status, dropped items")
                .returns(io.roomsync.calendar.WebhookRegistry.WebhookStatus.class), syncApi::webhook, Role.TENANT_ADMIN, Role.SYNC_ADMIN);
        r.apiPut("/api/v1/webhook", OpenApi.Operation.of(syncTag, "Set the public callback base URL (https unless loopback; null = default)")
                .accepts(io.roomsync.calendar.SyncApi.WebhookRequest.class)
                .returns(io.roomsync.calendar.WebhookRegistry.WebhookStatus.class), syncApi::updateWebhook, Role.TENANT_ADMIN, Role.SYNC_ADMIN);
        r.apiGet("/api/v1/subscriptions", OpenApi.Operation.of(syncTag, "Graph subscriptions of the room mailboxes")
                .returnsList(io.roomsync.calendar.SubscriptionService.View.class), syncApi::subscriptions, Role.TENANT_ADMIN, Role.SYNC_ADMIN);
        r.apiGet("/api/v1/subscriptions/{id}", OpenApi.Operation.of(syncTag, "One Graph subscription")
                .returns(io.roomsync.calendar.SubscriptionService.View.class), syncApi::subscription, Role.TENANT_ADMIN, Role.SYNC_ADMIN);
        r.apiGet("/api/v1/notifications", OpenApi.Operation.of("Notifications", "The caller's notifications, newest first")
                .returnsList(io.roomsync.notify.NotificationPages.NotificationResponse.class), notificationPages::api, Role.EMPLOYEE,
                Role.TENANT_ADMIN, Role.SYNC_ADMIN);

        // --- exchange sandbox page (sandbox/) --------------------------------------------------------------
        if (sandboxMailboxes != null) {
            var sandboxPages = new io.roomsync.sandbox.SandboxPages(sandboxMailboxes, pages, clock);
            r.get("/sandbox/outlook", sandboxPages::show);
            r.post("/sandbox/outlook/meetings", sandboxPages::createMeeting);
            r.post("/sandbox/outlook/meetings/move", sandboxPages::moveMeeting);
            r.post("/sandbox/outlook/meetings/cancel", sandboxPages::cancelMeeting);
            r.post("/sandbox/outlook/meetings/respond", sandboxPages::respondToMeeting);
            r.post("/sandbox/outlook/subscriptions/lifecycle", sandboxPages::sendLifecycleEvent);
        }

    }

    public int port() {
        return web.port();
    }

    /** "METHOD /path" of every HTTP route under /api/ (for the test that checks the OpenAPI document covers them). */
    public List<String> apiRoutes() {
        return apiRoutesOf(web);
    }

    public static List<String> apiRoutesOf(Javalin server) {
        return server.unsafe.internalRouter.allHttpHandlers().stream()
                .map(e -> e.endpoint)
                .filter(e -> e.method.isHttpMethod() && e.path.startsWith("/api/"))
                .map(e -> e.method.name() + " " + e.path)
                .sorted().toList();
    }

    @Override
    public void close() {
        if (demoTwoWaySync != null) demoTwoWaySync.close();
        jobs.close();
        if (web != null) web.stop();
        webhookIngest.close();
        if (exchangeSandbox != null) exchangeSandbox.close();
        database.close();
    }

    /**
     * Stops this node as if its process had been killed: jobs are abandoned mid-run (their work stays claimed in the
     * database until the claims expire), the web server and database pool stop. For tests of crashes and restarts.
     */
    public void halt() {
        jobs.halt();
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
            if (!(arg.equals("--demo") || arg.startsWith("--config=") || arg.startsWith("--rotate-master-key="))) {
                System.err.println("Unknown option " + arg + " (see --help)");
                System.exit(2);
            }
        }
        App app;
        Settings settings = null;
        try {
            settings = Settings.load(System.getenv(), argList);
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
        } catch (RuntimeException e) {
            java.sql.SQLException sql = databaseCause(e);
            if (settings == null || sql == null) throw e;
            // A database that cannot be reached is an operating problem, not a bug: one line, no stack trace.
            System.err.println("Cannot open the database at " + redactUrl(settings.dbUrl()) + ": " + reason(sql));
            System.exit(3);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(app::close, "shutdown"));
        int port = app.start();
        log.info("Roomsync is running at {} (port {}, database {})", app.settings.baseUrl(), port, app.database.kind());
    }

    private static java.sql.SQLException databaseCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLException sql) return sql;
            if (t.getCause() == t) break;
        }
        return null;
    }

    /** The driver's message, with the underlying cause when the message does not already say it. */
    private static String reason(java.sql.SQLException e) {
        String root = firstLine(rootMessage(e));
        if (e.getMessage() == null) return root;
        String message = firstLine(e.getMessage());
        return message.contains(root) ? message : message + " (" + root + ")";
    }

    private static String rootMessage(Throwable e) {
        String message = e.getMessage();
        for (Throwable t = e.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) message = t.getMessage();
        }
        return message == null ? e.getClass().getSimpleName() : message;
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).trim();
    }

    /** The URL without credentials someone may have put into it. */
    static String redactUrl(String url) {
        return url.replaceAll("(?i)(password|pwd)=[^&;]*", "$1=***").replaceAll("//[^/@]*@", "//***@");
    }
}
