package io.roomsync.sandbox;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Graph side under /v1.0: every call needs a bearer token the sandbox issued (401 InvalidAuthenticationToken
 * otherwise, which is what exposes an SDK client that silently sends none), then the mailbox is resolved within
 * the caller's tenant, the application access policy applied (403), injected faults and the per-mailbox limits
 * checked (429), and the call dispatched. Failures come back in Graph's error shape with a request-id.
 */
final class GraphRouter {
    private static final Logger LOG = LoggerFactory.getLogger(GraphRouter.class);
    private static final java.util.Set<String> RESPONSES = java.util.Set.of("accept", "decline", "tentativelyaccept");

    private final SandboxState state;
    private final Identity identity;
    private final Throttle throttle;
    private final EventsApi events;
    private final CalendarViewApi calendarView;
    private final SubscriptionsApi subscriptions;
    private final PlacesApi places;
    private BatchApi batch;

    GraphRouter(SandboxState state, Identity identity, Throttle throttle, EventsApi events, CalendarViewApi calendarView,
                SubscriptionsApi subscriptions, PlacesApi places) {
        this.state = state;
        this.identity = identity;
        this.throttle = throttle;
        this.events = events;
        this.calendarView = calendarView;
        this.subscriptions = subscriptions;
        this.places = places;
    }

    void batch(BatchApi batch) {
        this.batch = batch;
    }

    /** Graph requests that came in over the network (benchmarks count calls per reservation). */
    final java.util.concurrent.atomic.AtomicLong served = new java.util.concurrent.atomic.AtomicLong();

    /** A request from the network: authenticate, then dispatch. */
    SandboxResponse handle(SandboxRequest req) {
        served.incrementAndGet();
        SandboxResponse r;
        try {
            Identity.Grant grant = authenticate(req);
            r = dispatch(req, grant, false);
        } catch (GraphError e) {
            r = error(e, req);
        } catch (RuntimeException e) {
            LOG.warn("Exchange sandbox failed on {} {}", req.method, req.rawPath, e);
            r = error(new GraphError(500, "generalException", "An unexpected error occurred in the Exchange sandbox."), req);
        }
        return withIds(r, req);
    }

    static SandboxResponse withIds(SandboxResponse r, SandboxRequest req) {
        r.header("request-id", req.requestId);
        String client = req.header("client-request-id");
        r.header("client-request-id", client != null ? client : req.requestId);
        return r;
    }

    private Identity.Grant authenticate(SandboxRequest req) {
        String auth = req.header("Authorization");
        if (auth == null || !auth.regionMatches(true, 0, "Bearer ", 0, 7) || auth.substring(7).isBlank()) {
            throw unauthenticated("Access token is empty.");
        }
        Identity.Grant grant = identity.accessToken(auth.substring(7).trim());
        if (grant == null) throw unauthenticated("Access token has expired or is not yet valid, or was not issued by this identity platform.");
        return grant;
    }

    private static GraphError unauthenticated(String message) {
        return new GraphError(401, "InvalidAuthenticationToken", message)
                .header("WWW-Authenticate", "Bearer realm=\"\", error=\"invalid_token\"");
    }

    /** Routes one authenticated call; also used by $batch for its inner requests (errors then stay per item). */
    SandboxResponse dispatch(SandboxRequest req, Identity.Grant grant, boolean inner) {
        try {
            return route(req, grant, inner);
        } catch (GraphError e) {
            if (!inner) throw e;
            return withIds(error(e, req), req);
        }
    }

    private SandboxResponse route(SandboxRequest req, Identity.Grant grant, boolean inner) {
        List<String> s = req.segments;
        if (s.isEmpty() || !s.get(0).equalsIgnoreCase("v1.0")) throw GraphError.badRequest("BadRequest", "Invalid version.");
        List<String> path = s.subList(1, s.size());
        if (path.isEmpty()) throw GraphError.badRequest("BadRequest", "Invalid request.");
        String head = path.get(0).toLowerCase(Locale.ROOT);
        switch (head) {
            case "$batch":
                if (inner) throw GraphError.badRequest("BadRequest", "A batch request cannot contain another batch.");
                throttle.checkFault(null, null);
                return batch.handle(req, grant);
            case "subscriptions":
                throttle.checkFault(null, null);
                return subscriptions.route(req, grant, path.subList(1, path.size()));
            case "places":
                throttle.checkFault(null, null);
                if (!consented(grant)) {
                    throw new GraphError(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");
                }
                return places.route(req, grant, path.subList(1, path.size()));
            case "users":
                if (path.size() == 1) {
                    throttle.checkFault(null, null);
                    return listUsers(req, grant);
                }
                return mailbox(req, grant, path.get(1), path.subList(2, path.size()));
            case "me":
                if (!grant.delegated()) throw GraphError.badRequest("BadRequest", "/me request is only valid with delegated authentication flow.");
                return mailbox(req, grant, grant.userId, path.subList(1, path.size()));
            default:
                throw GraphError.unknownSegment(path.get(0));
        }
    }

    private SandboxResponse mailbox(SandboxRequest req, Identity.Grant grant, String who, List<String> rest) {
        Directory.Mailbox mailbox;
        synchronized (state) {
            mailbox = state.directory.mailbox(who).filter(m -> m.tenantId.equals(grant.tenantId)).orElse(null);
        }
        if (mailbox == null) throw new GraphError(404, "ErrorInvalidUser", "The requested user '" + who + "' is invalid.");
        throttle.checkFault(mailbox.id, mailbox.address);
        if (rest.isEmpty()) {
            if (!req.method.equals("GET")) throw new GraphError(405, "Request_BadRequest", "The HTTP method is not allowed for this resource.");
            return SandboxResponse.json(200, user(mailbox, req.origin + "/v1.0", true));
        }
        synchronized (state) {
            checkAccess(state, grant, mailbox);
        }
        if (!mailbox.mailboxEnabled) {
            throw new GraphError(404, "MailboxNotEnabledForRESTAPI", "The mailbox is either inactive, soft-deleted, or is hosted on-premise.");
        }
        GraphCall call = new GraphCall(req, grant, mailbox, rest, req.segments.get(1).equalsIgnoreCase("me") ? mailbox.id : who);
        try (Throttle.Slot ignored = throttle.acquire(grant.appId, mailbox.id)) {
            try {
                return mailboxResource(call);
            } finally {
                throttle.waitWhileResponsesHeld(mailbox.id);
            }
        }
    }

    /** Delegated tokens reach only their own mailbox; app tokens are subject to the application access policy. */
    static void checkAccess(SandboxState state, Identity.Grant grant, Directory.Mailbox mailbox) {
        if (grant.delegated()) {
            if (!grant.userId.equals(mailbox.id)) {
                throw new GraphError(403, "ErrorAccessDenied", "Access is denied. Check credentials and try again.");
            }
            return;
        }
        Directory.App app = state.directory.app(grant.appId).orElse(null);
        if (app != null && !app.adminConsent) {
            throw new GraphError(403, "ErrorAccessDenied", "Access is denied. Check credentials and try again.");
        }
        Directory.AccessPolicy policy = app == null ? null : app.accessPolicy;
        if (policy != null && !policy.allows(mailbox)) {
            throw new GraphError(403, "ErrorAccessDenied", "Access to OData is disabled: [RAOP] : Blocked by tenant configured AppOnly AccessPolicy settings.");
        }
    }

    /** App-only tokens carry roles only once an admin consented; delegated calls act within the user's own consent. */
    private boolean consented(Identity.Grant grant) {
        if (grant.delegated()) return true;
        synchronized (state) {
            return state.directory.app(grant.appId).map(a -> a.adminConsent).orElse(true);
        }
    }

    private SandboxResponse mailboxResource(GraphCall call) {
        List<String> r = call.rest;
        if (!r.isEmpty() && r.get(0).equalsIgnoreCase("calendar") && r.size() > 1) r = r.subList(1, r.size());
        String head = r.get(0).toLowerCase(Locale.ROOT);
        String m = call.req.method;
        if (head.equals("events")) {
            if (r.size() == 1) {
                if (m.equals("GET")) return events.list(call);
                if (m.equals("POST")) return events.create(call);
            } else if (r.size() == 2) {
                switch (m) {
                    case "GET": return events.get(call, r.get(1));
                    case "PATCH": return events.patch(call, r.get(1));
                    case "DELETE": return events.delete(call, r.get(1));
                    default: break;
                }
            } else if (r.size() == 3 && r.get(2).equalsIgnoreCase("cancel") && m.equals("POST")) {
                return events.cancel(call, r.get(1));
            } else if (r.size() == 3 && m.equals("POST") && RESPONSES.contains(r.get(2).toLowerCase(Locale.ROOT))) {
                return events.respond(call, r.get(1), r.get(2).toLowerCase(Locale.ROOT));
            } else if (r.size() == 3 && r.get(2).equalsIgnoreCase("instances") && m.equals("GET")) {
                return calendarView.instances(call, r.get(1));
            } else if (r.size() == 3) {
                throw GraphError.unknownSegment(r.get(2));
            }
            throw new GraphError(405, "Request_BadRequest", "The HTTP method is not allowed for this resource.");
        }
        if (head.equals("calendarview")) {
            if (!m.equals("GET")) throw new GraphError(405, "Request_BadRequest", "The HTTP method is not allowed for this resource.");
            if (r.size() == 1) return calendarView.calendarView(call);
            String d = r.get(1).toLowerCase(Locale.ROOT);
            if (r.size() == 2 && (d.equals("delta") || d.equals("delta()") || d.equals("microsoft.graph.delta") || d.equals("microsoft.graph.delta()"))) {
                return calendarView.delta(call);
            }
            throw GraphError.unknownSegment(r.get(r.size() - 1));
        }
        throw GraphError.unknownSegment(r.get(0));
    }

    private SandboxResponse listUsers(SandboxRequest req, Identity.Grant grant) {
        if (!req.method.equals("GET")) throw new GraphError(405, "Request_BadRequest", "The HTTP method is not allowed for this resource.");
        String base = req.origin + "/v1.0";
        ObjectNode out = Json.object();
        out.put("@odata.context", base + "/$metadata#users");
        ArrayNode value = out.putArray("value");
        synchronized (state) {
            for (Directory.Mailbox m : state.directory.mailboxes()) {
                if (m.tenantId.equals(grant.tenantId)) value.add(user(m, base, false));
            }
        }
        return SandboxResponse.json(200, out);
    }

    private static ObjectNode user(Directory.Mailbox m, String base, boolean context) {
        ObjectNode o = Json.object();
        if (context) o.put("@odata.context", base + "/$metadata#users/$entity");
        o.putArray("businessPhones");
        o.put("displayName", m.displayName);
        o.putNull("givenName");
        o.putNull("jobTitle");
        o.put("mail", m.address);
        o.putNull("mobilePhone");
        o.putNull("officeLocation");
        o.putNull("preferredLanguage");
        o.putNull("surname");
        o.put("userPrincipalName", m.address);
        o.put("id", m.id);
        return o;
    }

    static SandboxResponse error(GraphError e, SandboxRequest req) {
        ObjectNode body = Json.object();
        ObjectNode err = body.putObject("error");
        err.put("code", e.code);
        err.put("message", e.getMessage());
        ObjectNode inner = err.putObject("innerError");
        inner.put("date", Json.errorDate(Instant.now()));
        inner.put("request-id", req.requestId);
        String client = req.header("client-request-id");
        inner.put("client-request-id", client != null ? client : req.requestId);
        SandboxResponse r = SandboxResponse.json(e.status, body);
        e.headers.forEach(r::header);
        return r;
    }
}
