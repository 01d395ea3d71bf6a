package io.roomsync.calendar;

import com.microsoft.graph.models.EventCollectionResponse;
import com.microsoft.graph.models.Room;
import com.microsoft.graph.models.RoomCollectionResponse;
import com.microsoft.kiota.http.middleware.options.HeadersInspectionOption;
import io.roomsync.calendar.ProviderService.GraphSettings;
import io.roomsync.db.Tx;
import io.roomsync.graph.GraphCalls;
import io.roomsync.graph.GraphClientFactory.GraphApp;
import io.roomsync.graph.GraphErrors;
import io.roomsync.graph.GraphFailure;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/**
 * "Test connection" of a calendar provider: acquires an app token, lists rooms through the Places API and reads
 * today's calendar of one room mailbox, with harmless reads only. Each step reports what it checked and how long it
 * took; the first failure says what is wrong and what to do about it, keeps Graph's request-id, and later steps are
 * skipped. Messages never contain the connection's secret or the proxy password.
 */
public final class ProviderCheck {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    public static final int MAX_TIMEOUT_SECONDS = 120;
    /** GraphCalls' key for /places calls, which touch no mailbox. */
    static final String PLACES = "places";
    /** Pages of rooms counted at most (100 each) before the check stops counting. */
    private static final int MAX_ROOM_PAGES = 20;

    public enum Outcome { OK, WARNING, FAILED, SKIPPED }

    /** What went wrong, for programs reading the API; null when the check passed. */
    public enum Problem {
        CONFIGURATION, WRONG_SECRET, UNKNOWN_APP, UNKNOWN_TENANT, CONSENT_MISSING, TOKEN_REJECTED, MAILBOX_NOT_FOUND,
        MAILBOX_NOT_ENABLED, ACCESS_POLICY, TLS_TRUST, PROXY, TIMEOUT, UNREACHABLE, THROTTLED, GRAPH_ERROR
    }

    public record Step(String id, String title, Outcome outcome, String message, long millis, String requestId) {}

    /** requestId: Graph's request-id of the failed step, else of the last call made. */
    public record Result(long providerId, String providerName, boolean ok, Problem problem, String summary, List<Step> steps,
                         String requestId, Instant tokenExpiresAt, Integer roomsFound, String mailbox, Instant checkedAt) {}

    private record Diagnosis(Problem problem, String message) {}

    private final ProviderService providers;
    private final ProviderClients clients;
    private final GraphCalls calls;
    private final Tx tx;
    private final Clock clock;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "provider-check");
        t.setDaemon(true);
        return t;
    });

    public ProviderCheck(ProviderService providers, ProviderClients clients, GraphCalls calls, Tx tx, Clock clock) {
        this.providers = providers;
        this.clients = clients;
        this.calls = calls;
        this.tx = tx;
        this.clock = clock;
    }

    /**
     * Runs the check for a provider of this tenant (NotFoundException otherwise). Each step may take what is left of
     * {@code timeout}; a step still waiting then is reported as a timeout.
     */
    public Result run(long tenantId, long providerId, Duration timeout) {
        GraphSettings settings = providers.graphSettings(tenantId, providerId);
        Run run = new Run(settings, System.nanoTime() + timeout.toNanos(), timeout);

        // 1. A token from the identity platform: proves tenant, app, secret, trust and proxy on the login side.
        // Building the client already talks to the identity platform (OIDC discovery), so it is part of this step.
        GraphApp[] built = new GraphApp[1];
        Timed<Instant> token = run.step(() -> {
            built[0] = clients.app(tenantId, providerId);
            return built[0].checkToken();
        });
        if (token.failure != null) {
            Diagnosis d = configuration(token.failure);
            run.fail(d != null ? "client" : "token", title(d != null ? "client" : "token"), token.millis, null,
                    d != null ? d : diagnoseToken(settings, token.failure));
            return run.result(tenantId);
        }
        GraphApp app = built[0];
        run.tokenExpiresAt = token.value;
        run.ok("token", title("token"), token.millis, null, "Signed in to " + settings.authorityHost() + " as app "
                + settings.system().clientId() + "; the token is valid until " + token.value.truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + ".");

        // 2. Rooms through the Places API: proves Graph is reachable and Place.Read.All is granted.
        Map<String, String> known = roomMailboxes(tenantId);
        HeadersInspectionOption roomHeaders = new HeadersInspectionOption(false, true);
        Timed<List<String>> rooms = run.step(() -> listRoomAddresses(app, roomHeaders));
        String roomsRequestId = requestId(roomHeaders);
        if (rooms.failure != null) {
            run.fail("rooms", title("rooms"), rooms.millis, roomsRequestId, diagnoseRooms(settings, rooms.failure));
            return run.result(tenantId);
        }
        run.roomsFound = rooms.value.size();
        long inRoomsync = rooms.value.stream().filter(a -> known.containsKey(a.toLowerCase(Locale.ROOT))).count();
        run.ok("rooms", title("rooms"), rooms.millis, roomsRequestId, rooms.value.isEmpty()
                ? "The Places API lists no rooms in this tenant (rooms hidden from the address list are not listed)."
                : "Found " + count(rooms.value.size(), "room") + (rooms.value.size() >= MAX_ROOM_PAGES * 100 ? " or more" : "")
                + ", " + inRoomsync + " of them with a room in Roomsync.");

        // 3. One room mailbox's calendar: proves Calendars.Read(Write) and that no access policy blocks the mailbox.
        String mailbox = pickMailbox(rooms.value, known);
        if (mailbox == null) {
            run.steps.add(new Step("calendar", title("calendar"), Outcome.WARNING, "Not checked: the Places API lists no rooms "
                    + "and no room in Roomsync has a mailbox e-mail. Add a room with its mailbox e-mail and test again.", 0, null));
            return run.result(tenantId);
        }
        run.mailbox = mailbox;
        HeadersInspectionOption calendarHeaders = new HeadersInspectionOption(false, true);
        LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        Timed<EventCollectionResponse> view = run.step(() -> calls.call(app, mailbox, "calendarView.check", c -> c.users().byUserId(mailbox)
                .calendarView().get(rc -> {
                    rc.queryParameters.startDateTime = today.atStartOfDay(ZoneOffset.UTC).toInstant().toString();
                    rc.queryParameters.endDateTime = today.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().toString();
                    rc.queryParameters.top = 50;
                    rc.options.add(calendarHeaders);
                })));
        String calendarRequestId = requestId(calendarHeaders);
        if (view.failure != null) {
            run.fail("calendar", title("calendar"), view.millis, calendarRequestId, diagnoseCalendar(settings, mailbox, view.failure));
            return run.result(tenantId);
        }
        int events = view.value.getValue() == null ? 0 : view.value.getValue().size();
        String name = known.get(mailbox.toLowerCase(Locale.ROOT));
        run.ok("calendar", title("calendar"), view.millis, calendarRequestId, "Read the calendar of " + mailbox
                + (name == null ? "" : " (" + name + ")") + " for " + today + " (UTC): " + count(events, "event")
                + (view.value.getOdataNextLink() != null ? " or more" : "") + ".");
        return run.result(tenantId);
    }

    // ------------------------------------------------------------------------------------------------ Graph reads

    private List<String> listRoomAddresses(GraphApp app, HeadersInspectionOption headers) {
        List<String> out = new ArrayList<>();
        RoomCollectionResponse page = calls.call(app, PLACES, "places.rooms", c -> c.places().graphRoom().get(rc -> {
            rc.queryParameters.top = 100;
            rc.options.add(headers);
        }));
        for (int pages = 1; page != null; pages++) {
            if (page.getValue() != null) {
                for (Room r : page.getValue()) if (r.getEmailAddress() != null) out.add(r.getEmailAddress());
            }
            String next = page.getOdataNextLink();
            if (next == null || pages >= MAX_ROOM_PAGES) break;
            page = calls.call(app, PLACES, "places.rooms", c -> c.places().graphRoom().withUrl(next).get(rc -> rc.options.add(headers)));
        }
        return out;
    }

    /** Room mailboxes Roomsync knows (lower-cased e-mail -> room name), active rooms first. */
    private Map<String, String> roomMailboxes(long tenantId) {
        return tx.call(s -> {
            Map<String, String> out = new java.util.LinkedHashMap<>();
            for (Object[] row : s.createSelectionQuery("select r.email, r.name from Reservable r where r.tenantId = :t "
                            + "and r.email is not null order by r.active desc, r.name", Object[].class)
                    .setParameter("t", tenantId).getResultList()) {
                out.putIfAbsent(((String) row[0]).toLowerCase(Locale.ROOT), (String) row[1]);
            }
            return out;
        });
    }

    /**
     * A room Roomsync syncs is the best witness (an access policy may well cover only those); else any listed room;
     * else, when Places lists none, a Roomsync room with a mailbox.
     */
    static String pickMailbox(List<String> placesRooms, Map<String, String> known) {
        for (String a : placesRooms) if (known.containsKey(a.toLowerCase(Locale.ROOT))) return a;
        if (!placesRooms.isEmpty()) return placesRooms.get(0);
        return known.isEmpty() ? null : known.keySet().iterator().next();
    }

    private static String requestId(HeadersInspectionOption headers) {
        Set<String> values = headers.getResponseHeaders().get("request-id");
        return values == null || values.isEmpty() ? null : values.iterator().next();
    }

    // ---------------------------------------------------------------------------------------------- diagnosis

    /** Settings that cannot work before anything is sent (no app-only connection, no secret, a malformed URL); else null. */
    private static Diagnosis configuration(Throwable t) {
        boolean settings = (t instanceof GraphFailure f && f.getCause() == null && f.status() == 0 && f.code() == null)
                || t instanceof IllegalArgumentException;
        return settings ? new Diagnosis(Problem.CONFIGURATION, t.getMessage() + ". Fix the provider's settings or its connection, "
                + "then test again.") : null;
    }

    private static Diagnosis diagnoseToken(GraphSettings s, Throwable t) {
        Diagnosis network = diagnoseNetwork(s, t, "the identity platform at " + s.authorityHost());
        if (network != null) return network;
        GraphFailure f = GraphErrors.translate(t);
        Diagnosis d = diagnoseSignIn(s, f);
        // The identity platform's correlation id is what Microsoft support asks for about a failed sign-in.
        return f.requestId() == null ? d : new Diagnosis(d.problem(), d.message() + " Correlation id: " + f.requestId() + ".");
    }

    private static Diagnosis diagnoseSignIn(GraphSettings s, GraphFailure f) {
        String text = (f.code() + " " + f.getMessage()).toLowerCase(Locale.ROOT);
        String app = "app " + s.system().clientId() + " (connection '" + s.system().name() + "')";
        if (text.contains("aadsts7000215") || text.contains("aadsts7000222") || text.contains("invalid_client")) {
            boolean expired = text.contains("aadsts7000222");
            return new Diagnosis(Problem.WRONG_SECRET, "The identity platform refused the client secret of " + app
                    + (expired ? ": the secret has expired (AADSTS7000222)" : ": it is not a valid secret of this app (AADSTS7000215)")
                    + ". In the Microsoft Entra admin center open App registrations > " + s.system().clientId()
                    + " > Certificates & secrets, create a new client secret and paste its Value (not the Secret ID) into the connection.");
        }
        if (text.contains("aadsts90002") || text.contains("invalid_tenant") || text.contains("aadsts900023")) {
            return new Diagnosis(Problem.UNKNOWN_TENANT, "The Microsoft Entra tenant '" + s.entraTenantId() + "' was not found at "
                    + s.authorityHost() + " (AADSTS90002). Check the provider's tenant id (the directory id GUID or a verified domain) "
                    + "and that the provider's cloud is the one the tenant lives in.");
        }
        if (text.contains("aadsts700016") || text.contains("unauthorized_client")) {
            return new Diagnosis(Problem.UNKNOWN_APP, "The application id " + s.system().clientId() + " of connection '" + s.system().name()
                    + "' is not registered in tenant '" + s.entraTenantId() + "' (AADSTS700016). Check the connection's client id, "
                    + "or, for an app registered in another tenant, have an admin of this tenant consent to it.");
        }
        if (text.contains("aadsts65001") || text.contains("consent_required")) {
            return consentMissing(s, "the identity platform says no admin has consented to the app (AADSTS65001)");
        }
        return new Diagnosis(f.kind() == GraphFailure.Kind.THROTTLED ? Problem.THROTTLED : Problem.TOKEN_REJECTED,
                "No token could be acquired for " + app + ": " + f.getMessage());
    }

    private static Diagnosis diagnoseRooms(GraphSettings s, Throwable t) {
        Diagnosis network = diagnoseNetwork(s, t, "Microsoft Graph at " + s.graphBaseUrl());
        if (network != null) return network;
        GraphFailure f = GraphErrors.translate(t);
        if (f.kind() == GraphFailure.Kind.ACCESS_DENIED) {
            return consentMissing(s, "Graph refused to list rooms (" + f.status() + " " + f.code() + ": " + f.getMessage() + ")");
        }
        if (f.kind() == GraphFailure.Kind.UNAUTHENTICATED) {
            return new Diagnosis(Problem.TOKEN_REJECTED, "Graph did not accept the app's token (" + f.status() + " " + f.code() + ": "
                    + f.getMessage() + "). Check that the provider's cloud matches its tenant: a token of one cloud is not valid in another.");
        }
        return graphError(f, "listing rooms");
    }

    private static Diagnosis diagnoseCalendar(GraphSettings s, String mailbox, Throwable t) {
        Diagnosis network = diagnoseNetwork(s, t, "Microsoft Graph at " + s.graphBaseUrl());
        if (network != null) return network;
        GraphFailure f = GraphErrors.translate(t);
        switch (f.kind()) {
            case MAILBOX_NOT_ENABLED:
                return new Diagnosis(Problem.MAILBOX_NOT_ENABLED, "The mailbox " + mailbox + " is not enabled for the REST API ("
                        + f.code() + ": " + f.getMessage() + "). It is inactive, soft-deleted or hosted on-premises. Check the room's "
                        + "mailbox e-mail in Roomsync and that the room mailbox exists in Exchange Online (Get-Mailbox " + mailbox + ").");
            case ACCESS_DENIED:
                return new Diagnosis(Problem.ACCESS_POLICY, "Access to the mailbox " + mailbox + " is blocked for app "
                        + s.system().clientId() + " (" + f.status() + " " + f.code() + ": " + f.getMessage() + "). An application access "
                        + "policy (or an RBAC for Applications scope) in Exchange Online excludes this mailbox: add " + mailbox
                        + " to the policy's mail-enabled security group, or change the policy; check with Test-ApplicationAccessPolicy -Identity "
                        + mailbox + " -AppId " + s.system().clientId() + ". Changes can take 30 minutes to apply.");
            case NOT_FOUND:
                return new Diagnosis(Problem.MAILBOX_NOT_FOUND, "Graph does not know the mailbox " + mailbox + " (" + f.code() + ": "
                        + f.getMessage() + "). Correct the room's mailbox e-mail in Roomsync.");
            default:
                return graphError(f, "reading the calendar of " + mailbox);
        }
    }

    private static Diagnosis consentMissing(GraphSettings s, String what) {
        return new Diagnosis(Problem.CONSENT_MISSING, "Admin consent is missing: " + what + ". In the Microsoft Entra admin center open "
                + "App registrations > " + s.system().clientId() + " > API permissions, add the Microsoft Graph application permissions "
                + "Calendars.ReadWrite and Place.Read.All, and click \"Grant admin consent\".");
    }

    private static Diagnosis graphError(GraphFailure f, String doing) {
        if (f.kind() == GraphFailure.Kind.THROTTLED) {
            return new Diagnosis(Problem.THROTTLED, "Graph is throttling the app while " + doing + " (429"
                    + (f.retryAfter() == null ? "" : ", retry after " + Math.max(1, f.retryAfter().toSeconds()) + " s")
                    + "). Test again in a moment.");
        }
        return new Diagnosis(Problem.GRAPH_ERROR, "Graph answered " + (f.status() == 0 ? "with an error" : f.status())
                + (f.code() == null ? "" : " " + f.code()) + " while " + doing + ": " + f.getMessage()
                + (f.retryable() ? " Test again later." : ""));
    }

    /** TLS, proxy, timeout and reachability problems, whichever side (login or Graph) they happened on; else null. */
    private static Diagnosis diagnoseNetwork(GraphSettings s, Throwable t, String where) {
        if (t instanceof TimeoutException) return timeout(where);
        ProviderService.Proxy proxy = s.proxy();
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            String msg = c.getMessage() == null ? "" : c.getMessage();
            if (c instanceof SSLException || c instanceof GeneralSecurityException
                    || c instanceof java.security.cert.CertificateException) {
                String detail = rootMessage(c);
                return new Diagnosis(Problem.TLS_TRUST, "The TLS certificate presented by " + where + " is not trusted (" + detail + "). "
                        + (s.trustedCertificates().isEmpty()
                        ? "If it is issued by a private CA or a TLS-inspecting proxy, paste that CA's certificate (PEM) into the provider's "
                                + "Trusted CA certificate field."
                        : "The provider's trusted CA certificate did not issue it: paste the certificate of the CA that did (PEM) into "
                                + "the provider's Trusted CA certificate field."));
            }
            if (proxy != null && (c instanceof ConnectException || c instanceof NoRouteToHostException
                    || (c instanceof UnknownHostException && msg.contains(proxy.host())) || msg.contains("Unable to tunnel through proxy")
                    || msg.contains("Failed to authenticate with proxy"))) {
                return new Diagnosis(Problem.PROXY, "The HTTP proxy " + proxy.host() + ":" + proxy.port() + " failed (" + rootMessage(c)
                        + "). Check the provider's proxy host, port and credentials, and that the proxy accepts connections from this "
                        + "server and lets it reach " + where + ".");
            }
            if (c instanceof SocketTimeoutException || c instanceof InterruptedIOException) return timeout(where);
            if (c instanceof ConnectException || c instanceof UnknownHostException || c instanceof NoRouteToHostException) {
                return new Diagnosis(Problem.UNREACHABLE, where + " could not be reached (" + rootMessage(c) + "). Check the provider's "
                        + "cloud (and custom endpoints), DNS and the firewall; if this server must use a proxy, set it on the provider.");
            }
        }
        return null;
    }

    private static Diagnosis timeout(String where) {
        return new Diagnosis(Problem.TIMEOUT, where + " did not answer in time. Check that this server can reach it (firewall, proxy) "
                + "and test again; a slow network may need a longer wait.");
    }

    private static String rootMessage(Throwable t) {
        String message = t.getMessage();
        for (Throwable c = t.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            if (c.getMessage() != null && !c.getMessage().isBlank()) message = c.getMessage();
        }
        return message == null ? t.getClass().getSimpleName() : message;
    }

    private static String count(long n, String what) {
        return n + " " + what + (n == 1 ? "" : "s");
    }

    // ---------------------------------------------------------------------------------------------- plumbing

    private record Timed<T>(T value, Throwable failure, long millis) {}

    /** The state of one check: its steps, what was learnt, and the deadline every step shares. */
    private final class Run {
        final GraphSettings settings;
        final long deadline;
        final Duration timeout;
        final List<Step> steps = new ArrayList<>();
        Problem problem;
        Instant tokenExpiresAt;
        Integer roomsFound;
        String mailbox;

        Run(GraphSettings settings, long deadline, Duration timeout) {
            this.settings = settings;
            this.deadline = deadline;
            this.timeout = timeout;
        }

        /** Runs a step on the check's pool, waiting at most until the deadline; the caller's thread never blocks longer. */
        <T> Timed<T> step(Callable<T> work) {
            long start = System.nanoTime();
            Future<T> future = pool.submit(work);
            try {
                T value = future.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                return new Timed<>(value, null, millisSince(start));
            } catch (TimeoutException e) {
                future.cancel(true);
                return new Timed<>(null, e, millisSince(start));
            } catch (ExecutionException e) {
                return new Timed<>(null, e.getCause(), millisSince(start));
            } catch (InterruptedException e) {
                future.cancel(true);
                Thread.currentThread().interrupt();
                return new Timed<>(null, e, millisSince(start));
            }
        }

        void ok(String id, String title, long millis, String requestId, String message) {
            steps.add(new Step(id, title, Outcome.OK, scrub(message), millis, requestId));
        }

        void fail(String id, String title, long millis, String requestId, Diagnosis d) {
            problem = d.problem();
            String message = d.message();
            if (d.problem() == Problem.TIMEOUT) message += " (gave up after " + timeout.toSeconds() + " s)";
            if (requestId != null) message += " Graph request-id: " + requestId + ".";
            steps.add(new Step(id, title, Outcome.FAILED, scrub(message), millis, requestId));
        }

        Result result(long tenantId) {
            List<String> all = List.of("token", "rooms", "calendar");
            Set<String> done = new HashSet<>();
            steps.forEach(st -> done.add(st.id()));
            if (problem != null) {
                for (String id : all) {
                    if (!done.contains(id)) steps.add(new Step(id, title(id), Outcome.SKIPPED, "Not run: an earlier step failed.", 0, null));
                }
            }
            String requestId = null;
            for (Step st : steps) if (st.requestId() != null) requestId = st.requestId();
            for (Step st : steps) if (st.outcome() == Outcome.FAILED && st.requestId() != null) requestId = st.requestId();
            boolean ok = problem == null;
            String summary = ok
                    ? "Connection works: " + (mailbox == null ? "token and rooms checked." : "token, rooms and the calendar of " + mailbox + " checked.")
                    : steps.stream().filter(st -> st.outcome() == Outcome.FAILED).findFirst().map(Step::message).orElse("Failed.");
            return new Result(settings.providerId(), settings.providerName(), ok, problem, summary, List.copyOf(steps), requestId,
                    tokenExpiresAt, roomsFound, mailbox, clock.instant());
        }

        /** Defence in depth: whatever a library put into a message, the secrets stay out. */
        private String scrub(String message) {
            String out = message;
            List<String> secrets = new ArrayList<>();
            if (settings.system() != null && settings.system().clientSecret() != null) secrets.add(settings.system().clientSecret());
            if (settings.proxy() != null && settings.proxy().password() != null) secrets.add(settings.proxy().password());
            for (String secret : secrets) {
                if (!secret.isEmpty()) out = out.replace(secret, "****");
            }
            return out;
        }
    }

    private static String title(String id) {
        return switch (id) {
            case "token" -> "Acquire an app token";
            case "rooms" -> "List rooms (Places API)";
            case "calendar" -> "Read a room calendar";
            default -> "Build the Graph client";
        };
    }

    private static long millisSince(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos).toMillis();
    }
}
