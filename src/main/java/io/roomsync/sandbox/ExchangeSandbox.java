package io.roomsync.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The Exchange sandbox: an in-process HTTPS server that behaves like the parts of Microsoft Graph and the identity
 * platform Roomsync uses (see reference/graph-facts.md), so the real Graph SDK and msal4j can be pointed at it.
 *
 * <pre>
 * ExchangeSandbox sandbox = ExchangeSandbox.builder().build().start();        // tests: random port, in memory
 * ExchangeSandbox sandbox = ExchangeSandbox.startDemo(dataDir, 8443);         // demo: cert + state in dataDir
 * sandbox.graphBaseUrl();              // https://localhost:PORT/v1.0
 * sandbox.authority(tenant);           // https://localhost:PORT/{tenantId}/v2.0/  (msal4j oidcAuthority)
 * sandbox.certificatePem();            // what a provider's trusted-CA field holds
 * </pre>
 */
public final class ExchangeSandbox implements AutoCloseable {
    private final SandboxState state;
    private final SandboxCertificate certificate;
    private final Identity identity;
    private final Throttle throttle;
    private final Background bookingWork;
    private final Background notifierWork;
    private final BookingAssistant booking;
    private final CalendarViewApi calendarView;
    private final Notifier notifier;
    private final SubscriptionsApi subscriptions;
    private final SandboxServer server;
    private final GraphRouter router;
    private final Path dataDir;
    private Snapshots snapshots;
    private final java.util.concurrent.ScheduledExecutorService sweeper = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "exchange-sandbox-sweeper");
        t.setDaemon(true);
        return t;
    });

    private ExchangeSandbox(Builder b) throws IOException {
        this.dataDir = b.dataDir;
        this.state = new SandboxState(b.clock != null ? b.clock : SandboxClock.system());
        this.certificate = b.dataDir != null ? SandboxCertificate.loadOrCreate(b.dataDir) : SandboxCertificate.ephemeral();
        this.identity = new Identity(state.clock);
        this.throttle = new Throttle(state.clock);
        this.bookingWork = new Background("exchange-sandbox-booking", 1);
        this.notifierWork = new Background("exchange-sandbox-notifier", 2);
        this.booking = new BookingAssistant(state, bookingWork);
        EventsApi events = new EventsApi(state, booking);
        this.calendarView = new CalendarViewApi(state);
        Outbound outbound = new Outbound(certificate.certificate());
        this.notifier = new Notifier(state.clock, outbound, notifierWork);
        this.subscriptions = new SubscriptionsApi(state, outbound, notifier);
        state.addListener(subscriptions);
        this.router = new GraphRouter(state, identity, throttle, events, calendarView, subscriptions, new PlacesApi(state));
        router.batch(new BatchApi(router));
        this.server = new SandboxServer(certificate.serverContext(), b.bindAddress, b.port,
                new IdentityEndpoints(state, identity), router);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Demo mode: the certificate and a JSON snapshot of the sandbox's state live in {@code dataDir}; a fresh folder
     * is seeded with the demo directory ({@link DemoDirectory}).
     */
    public static ExchangeSandbox startDemo(Path dataDir, int port) {
        ExchangeSandbox sandbox = builder().dataDir(dataDir).port(port).build();
        sandbox.snapshots = new Snapshots(sandbox, dataDir);
        if (!sandbox.snapshots.load()) DemoDirectory.seed(sandbox);
        sandbox.snapshots.startSaving();
        return sandbox.start();
    }

    public static final class Builder {
        private Path dataDir;
        private int port;
        private InetAddress bindAddress = InetAddress.getLoopbackAddress();
        private SandboxClock clock;

        /** Keep the certificate here (generated once); without it the certificate lives in memory only. */
        public Builder dataDir(Path dataDir) {
            this.dataDir = dataDir;
            return this;
        }

        /** 0 (the default) picks a free port. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder bindAddress(InetAddress address) {
            this.bindAddress = address;
            return this;
        }

        public Builder clock(SandboxClock clock) {
            this.clock = clock;
            return this;
        }

        public ExchangeSandbox build() {
            try {
                return new ExchangeSandbox(this);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot start the Exchange sandbox", e);
            }
        }
    }

    public ExchangeSandbox start() {
        server.start();
        // Graph deletes subscriptions once they expire.
        sweeper.scheduleWithFixedDelay(subscriptions::maintain, 1, 1, java.util.concurrent.TimeUnit.MINUTES);
        return this;
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
        if (snapshots != null) snapshots.stop();
        server.stop();
        bookingWork.shutdown();
        notifierWork.shutdown();
    }

    // ---- where it is --------------------------------------------------------------------------------------------

    public int port() {
        return server.port();
    }

    /** https://localhost:PORT (the certificate names localhost, 127.0.0.1 and ::1). */
    public String origin() {
        return "https://localhost:" + port();
    }

    /** The Graph base URL to configure as a custom cloud's Graph endpoint. */
    public String graphBaseUrl() {
        return origin() + "/v1.0";
    }

    /** The authority host to configure as a custom cloud's authority (login) host. */
    public String authorityHost() {
        return origin();
    }

    /** The msal4j OIDC authority for a tenant: https://localhost:PORT/{tenantId}/v2.0/ */
    public String authority(Directory.Tenant tenant) {
        return origin() + "/" + tenant.id + "/v2.0/";
    }

    public String certificatePem() {
        return certificate.pem();
    }

    public SandboxCertificate certificate() {
        return certificate;
    }

    public Path dataDir() {
        return dataDir;
    }

    public SandboxClock clock() {
        return state.clock;
    }

    // ---- directory ----------------------------------------------------------------------------------------------

    public Directory.Tenant addTenant(String domain, String displayName) {
        return addTenant(null, domain, displayName);
    }

    public Directory.Tenant addTenant(String id, String domain, String displayName) {
        synchronized (state) {
            return state.directory.addTenant(id, domain, displayName);
        }
    }

    /** An app registration with a client secret; pass null as clientId for a random one. */
    public Directory.App addApp(Directory.Tenant tenant, String clientId, String displayName, String secret) {
        synchronized (state) {
            return state.directory.addApp(tenant, clientId, displayName, secret);
        }
    }

    public void addRedirectUri(Directory.App app, String redirectUri) {
        synchronized (app.redirectUris) {
            app.redirectUris.add(redirectUri);
        }
    }

    public void addSecret(Directory.App app, String secret) {
        app.secrets.add(secret);
    }

    /** A certificate credential (public key only) on an app: client assertions signed by its private key sign in. */
    public void addCertificate(Directory.App app, java.security.cert.X509Certificate certificate) {
        app.certificates.add(certificate);
    }

    public Directory.Mailbox addUser(Directory.Tenant tenant, String address, String displayName) {
        synchronized (state) {
            return state.directory.addMailbox(tenant, null, address, displayName, Directory.Kind.USER);
        }
    }

    /** A room mailbox with Exchange Online's default booking settings, adjusted by {@code settings}. */
    public Directory.Mailbox addRoom(Directory.Tenant tenant, String address, String displayName, Consumer<Directory.RoomSettings> settings) {
        synchronized (state) {
            Directory.Mailbox room = state.directory.addMailbox(tenant, null, address, displayName, Directory.Kind.ROOM);
            if (settings != null) settings.accept(room.room);
            return room;
        }
    }

    public Directory.RoomList addRoomList(Directory.Tenant tenant, String address, String displayName, List<String> roomAddresses) {
        synchronized (state) {
            return state.directory.addRoomList(tenant, address, displayName, roomAddresses);
        }
    }

    /** A tenant by id or domain (e.g. {@link DemoDirectory#TENANT_ID}). */
    public Directory.Tenant tenant(String idOrDomain) {
        synchronized (state) {
            return state.directory.tenant(idOrDomain).orElseThrow(() -> new IllegalArgumentException("No tenant " + idOrDomain));
        }
    }

    /** An app registration by client id (e.g. {@link DemoDirectory#CLIENT_ID}, to add the demo's redirect URI). */
    public Directory.App app(String clientId) {
        synchronized (state) {
            return state.directory.app(clientId).orElseThrow(() -> new IllegalArgumentException("No app " + clientId));
        }
    }

    public Directory.Mailbox mailbox(String idOrAddress) {
        synchronized (state) {
            return state.directory.mailbox(idOrAddress).orElseThrow(() -> new IllegalArgumentException("No mailbox " + idOrAddress));
        }
    }

    /** Changes a room's Set-CalendarProcessing values. */
    public void updateRoom(String address, Consumer<Directory.RoomSettings> change) {
        synchronized (state) {
            Directory.Mailbox m = state.directory.mailbox(address).filter(Directory.Mailbox::isRoom)
                    .orElseThrow(() -> new IllegalArgumentException("No room " + address));
            change.accept(m.room);
        }
    }

    /** Without an Exchange Online mailbox, calendar calls answer 404 MailboxNotEnabledForRESTAPI. */
    public void setMailboxEnabled(String address, boolean enabled) {
        mailbox(address).mailboxEnabled = enabled;
    }

    /** New-ApplicationAccessPolicy for an app; null removes it. */
    public void setAccessPolicy(Directory.App app, Directory.AccessPolicy policy) {
        app.accessPolicy = policy;
    }

    /** Grants or revokes admin consent to the app's application permissions (tokens then carry no roles: 403s). */
    public void setAdminConsent(Directory.App app, boolean granted) {
        app.adminConsent = granted;
    }

    // ---- behaviour switches -------------------------------------------------------------------------------------

    /** The next {@code count} Graph calls (to {@code mailboxAddress}, or any when null) fail with 429, 503 or 504. */
    public void injectFaults(int status, int count, Duration retryAfter, String mailboxAddress) {
        throttle.injectFaults(status, count, retryAfter, mailboxAddress);
    }

    /** How many injected faults have been answered so far. */
    public long injectedFaultsServed() {
        return throttle.faultsServed();
    }

    public void clearFaults() {
        throttle.clearFaults();
    }

    /** Requests in flight per (app, mailbox) before 429 ApplicationThrottled (Outlook: 4). */
    public void setMailboxConcurrencyLimit(int limit) {
        throttle.maxConcurrentPerMailbox = limit;
    }

    /** Requests per (app, mailbox) per window before 429 (Outlook: 10,000 per 10 minutes). */
    public void setMailboxRequestLimit(int requests, Duration window) {
        throttle.maxRequestsPerWindow = requests;
        throttle.window = window;
    }

    public void setThrottleRetryAfter(Duration retryAfter) {
        throttle.retryAfter = retryAfter;
    }

    /** Each Graph call takes this long (demo realism). */
    public void setLatency(Duration latency) {
        throttle.latency = latency;
    }

    /** Graph requests received over the network so far (not the identity endpoints, not Outlook's own actions). */
    public long graphRequestsServed() {
        return router.served.get();
    }

    /** Keeps calls to a mailbox in flight (holding their concurrency slot) until {@link #releaseMailbox}. */
    public void holdMailbox(String address) {
        throttle.hold(mailbox(address).id);
    }

    public void releaseMailbox(String address) {
        throttle.release(mailbox(address).id);
    }

    /**
     * Lets the mailbox's held calls go without applying them, as if their connections had broken on the way: each
     * fails with 504 and Exchange never saw it (tests of a caller that died before its call arrived).
     */
    public void dropHeldCalls(String address) {
        throttle.dropHeld(mailbox(address).id);
    }

    /**
     * Calls to a mailbox are applied as usual, then their answers are held back (the calls stay in flight) until
     * {@link #releaseResponses}: a caller that dies meanwhile never learns what Exchange did.
     */
    public void holdResponses(String address) {
        throttle.holdResponses(mailbox(address).id);
    }

    public void releaseResponses(String address) {
        throttle.releaseResponses(mailbox(address).id);
    }

    /** Waits until that many calls are in flight for the mailbox; false on timeout. */
    public boolean awaitInFlight(String address, int count, Duration timeout) throws InterruptedException {
        return throttle.awaitInFlight(mailbox(address).id, count, timeout);
    }

    /**
     * Keeps the next creation of a subscription on the mailbox in flight (before Graph's validation handshake) until
     * {@link #releaseSubscriptionCreate}; creations after it go through (tests of two creations racing).
     */
    public void holdNextSubscriptionCreate(String address) {
        subscriptions.holdNextCreate(mailbox(address).id);
    }

    /** Waits until the held creation has arrived; false on timeout. */
    public boolean awaitSubscriptionCreateHeld(String address, Duration timeout) throws InterruptedException {
        return subscriptions.awaitCreateHeld(mailbox(address).id, timeout);
    }

    public void releaseSubscriptionCreate(String address) {
        subscriptions.releaseCreate(mailbox(address).id);
    }

    /** How long the booking assistant takes before answering a meeting request. */
    public void setBookingDelay(Duration delay) {
        booking.delay = delay;
    }

    /** Invalidates every delta and page link issued so far: their next use answers 410 syncStateNotFound. */
    public void expireDeltaTokens() {
        calendarView.expireAllTokens();
    }

    public void setDeltaTokenLifetime(Duration lifetime) {
        calendarView.deltaTokenLifetime = lifetime;
    }

    /** Page size of calendarView and delta when the client sends no Prefer: odata.maxpagesize. [UNCERTAIN] in Graph. */
    public void setDefaultPageSize(int size) {
        calendarView.defaultPageSize = size;
    }

    /** Every access token issued so far stops working (401), as when they expire. */
    public void expireAccessTokens() {
        identity.expireAccessTokens();
    }

    public void setAccessTokenLifetime(Duration lifetime) {
        identity.accessTokenLifetime = lifetime;
    }

    public void revokeRefreshTokens(String userAddress) {
        identity.revokeRefreshTokens(mailbox(userAddress).id);
    }

    /** Longest subscription lifetime accepted (default 10,080 min; older Graph: 4,230). */
    public void setSubscriptionMaxLifetime(Duration max) {
        subscriptions.maxLifetime = max;
    }

    /** Grants at most this lifetime even when a longer one was accepted (null: grant what was asked). */
    public void setSubscriptionClamp(Duration clamp) {
        subscriptions.clampLifetime = clamp;
    }

    /** Whether http:// notification URLs on localhost are accepted (Graph accepts only https). */
    public void setAllowHttpNotificationUrlsOnLoopback(boolean allow) {
        subscriptions.allowHttpOnLoopback = allow;
    }

    /** Share of notification items that are delivered twice (0..1); with a seed for repeatable runs. */
    public void setDuplicateNotifications(double probability, long seed) {
        notifier.duplicateProbability = probability;
        notifier.seed(seed);
    }

    /** How long notifications for one URL are gathered into one POST. */
    public void setNotificationBatchWindow(Duration window) {
        notifier.batchWindow = window;
    }

    /** Delays between delivery attempts after a failure (the last one repeats) and how long to keep trying. */
    public void setNotificationRetries(List<Duration> delays, Duration giveUpAfter) {
        if (delays.isEmpty()) throw new IllegalArgumentException("At least one retry delay");
        notifier.retryDelays = List.copyOf(delays);
        notifier.maxRetryAge = giveUpAfter;
    }

    /** Holds notification deliveries back until {@link #resumeNotifications()} (each URL then gets one batched POST). */
    public void pauseNotifications() {
        notifier.pause();
    }

    public void resumeNotifications() {
        notifier.resume();
    }

    /** Sends a lifecycle notification: reauthorizationRequired, subscriptionRemoved (also removes it) or missed. */
    public boolean sendLifecycleNotification(String subscriptionId, String lifecycleEvent) {
        return subscriptions.sendLifecycle(subscriptionId, lifecycleEvent);
    }

    /** Runs Graph's subscription housekeeping now (it also runs every minute): expiry and reauthorizationRequired. */
    public void maintainSubscriptions() {
        subscriptions.maintain();
    }

    /** What Outlook got back for an action: the HTTP status and the Graph JSON (or error) it answered. */
    public record OutlookResult(int status, String json) {
        public boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    /**
     * Acts as Outlook for a user: runs a Graph call on their own mailbox, e.g.
     * {@code outlook("bob@contoso.test", "POST", "events", json)} or {@code ("PATCH", "events/{id}", json)} or
     * {@code ("POST", "events/{id}/cancel", "{}")} — the same code path as Graph calls from apps, so the booking
     * assistant, delta and notifications react exactly as they would to a person's change in Outlook.
     */
    public OutlookResult outlook(String userAddress, String method, String pathUnderMailbox, String jsonBody) {
        Directory.Mailbox user = mailbox(userAddress);
        Identity.Grant grant = new Identity.Grant("outlook", user.tenantId, user.id, "Calendars.ReadWrite", java.time.Instant.MAX);
        String path = pathUnderMailbox.startsWith("/") ? pathUnderMailbox.substring(1) : pathUnderMailbox;
        String query = null;
        int q = path.indexOf('?');
        if (q >= 0) {
            query = path.substring(q + 1);
            path = path.substring(0, q);
        }
        byte[] body = jsonBody == null ? new byte[0] : jsonBody.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        SandboxRequest req = new SandboxRequest(method, "/v1.0/me/" + path, query,
                java.util.Map.of("Content-Type", List.of("application/json")), body, origin(), Ids.guid());
        SandboxResponse r = router.dispatch(req, grant, true);
        return new OutlookResult(r.status, r.body.length == 0 ? "" : new String(r.body, java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Ids of the subscriptions that exist now, for the sandbox page and tests. */
    public List<String> subscriptionIds() {
        return subscriptions.all().stream().map(s -> s.id).toList();
    }

    /** Waits until the booking assistant and notification delivery have nothing left to do; false on timeout. */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (!bookingWork.awaitIdle(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())))) return false;
            if (!notifierWork.awaitIdle(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())))) return false;
            if (bookingWork.pending() == 0 && notifierWork.pending() == 0) return true;
        }
    }

    // ---- reads for the sandbox page -----------------------------------------------------------------------------

    /** An attendee as the mailbox's copy of a meeting shows it; {@code room} when the address is a room mailbox. */
    public record OutlookAttendee(String name, String address, String type, String response, boolean room) {}

    /** One event of a mailbox's calendar, as Outlook would list it. {@code response} is the owner's own. */
    public record OutlookEvent(String id, String subject, Instant start, Instant end, String timeZone, boolean allDay,
                               String organizerName, String organizerAddress, boolean organizer, String response,
                               List<OutlookAttendee> attendees, String type, String seriesMasterId) {
        /** An invitation the owner has not accepted yet (a declined one has left the calendar). */
        public boolean awaitsResponse() {
            return !organizer && !"accepted".equals(response) && !"organizer".equals(response);
        }

        public boolean recurring() {
            return seriesMasterId != null || "seriesMaster".equals(type);
        }
    }

    /** A subscription the sandbox holds, for the page's lifecycle panel. */
    public record SubscriptionInfo(String id, String resource, String mailboxAddress, String changeType,
                                   Instant expiration, String notificationUrl, String lifecycleNotificationUrl) {}

    /** A tenant's users and room mailboxes, people first, each group by display name. */
    public List<Directory.Mailbox> mailboxes(Directory.Tenant tenant) {
        synchronized (state) {
            return state.directory.mailboxes().stream().filter(m -> m.tenantId.equals(tenant.id))
                    .sorted(Comparator.comparing((Directory.Mailbox m) -> m.isRoom())
                            .thenComparing(m -> m.displayName, String.CASE_INSENSITIVE_ORDER))
                    .toList();
        }
    }

    /** The events of a mailbox that overlap [from, to), by start time (what Outlook's week view shows). */
    public List<OutlookEvent> calendar(String mailboxAddress, Instant from, Instant to) {
        synchronized (state) {
            Directory.Mailbox m = mailbox(mailboxAddress);
            List<OutlookEvent> out = new ArrayList<>();
            for (SandboxEvent e : state.calendar(m.id).all()) {
                if (e.isSeriesMaster()) {
                    for (SandboxEvent o : Series.instances(state, e)) {
                        if ("occurrence".equals(o.type) && !o.isCancelled && o.overlaps(from, to)) out.add(outlookEvent(o));
                    }
                } else if (!e.isCancelled && e.overlaps(from, to)) {
                    out.add(outlookEvent(e));
                }
            }
            out.sort(Comparator.comparing(OutlookEvent::start).thenComparing(OutlookEvent::end)
                    .thenComparing(OutlookEvent::subject).thenComparing(OutlookEvent::id));
            return out;
        }
    }

    /** One event of a mailbox, if it is there. */
    public Optional<OutlookEvent> event(String mailboxAddress, String eventId) {
        synchronized (state) {
            Directory.Mailbox m = mailbox(mailboxAddress);
            SandboxEvent e = Series.resolve(state, m.id, eventId);
            return e == null ? Optional.empty() : Optional.of(outlookEvent(e));
        }
    }

    private OutlookEvent outlookEvent(SandboxEvent e) {
        List<OutlookAttendee> attendees = new ArrayList<>();
        for (SandboxEvent.Attendee a : e.attendees) {
            boolean room = state.directory.mailbox(a.address).map(Directory.Mailbox::isRoom).orElse(false);
            attendees.add(new OutlookAttendee(a.name, a.address, a.type, a.response, room));
        }
        return new OutlookEvent(e.id, e.subject, e.start, e.end, e.startZone, e.isAllDay, e.organizerName,
                e.organizerAddress, e.isOrganizer, e.response, List.copyOf(attendees), e.type, e.seriesMasterId);
    }

    /** The subscriptions on a tenant's mailboxes, soonest expiry first. */
    public List<SubscriptionInfo> subscriptionsOf(Directory.Tenant tenant) {
        synchronized (state) {
            List<SubscriptionInfo> out = new ArrayList<>();
            for (Subscription s : subscriptions.all()) {
                if (!s.tenantId.equals(tenant.id)) continue;
                String address = state.directory.mailbox(s.mailboxId).map(m -> m.address).orElse(s.mailboxId);
                out.add(new SubscriptionInfo(s.id, s.resource, address, s.changeType, s.expiration, s.notificationUrl,
                        s.lifecycleNotificationUrl));
            }
            out.sort(Comparator.comparing(SubscriptionInfo::expiration).thenComparing(SubscriptionInfo::id));
            return out;
        }
    }

    // ---- internals for snapshots --------------------------------------------------------------------------------

    SandboxState state() {
        return state;
    }

    Identity identity() {
        return identity;
    }

    SubscriptionsApi subscriptions() {
        return subscriptions;
    }
}
