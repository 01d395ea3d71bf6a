package io.roomsync.sandbox;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * /subscriptions: create (validation handshake to each URL before answering 201), read, renew (PATCH),
 * reauthorize, delete; change notifications for every change in the subscribed mailbox; lifecycle notifications.
 * Rules from graph-facts §1.
 */
final class SubscriptionsApi implements SandboxState.ChangeListener {
    private static final Pattern RESOURCE = Pattern.compile("^/?(?:users/([^/]+)|me)/events/?$", Pattern.CASE_INSENSITIVE);
    private static final Set<String> CHANGE_TYPES = Set.of("created", "updated", "deleted");
    static final int MAX_PER_MAILBOX = 1000;

    private final SandboxState state;
    private final Outbound outbound;
    private final Notifier notifier;
    private final Map<String, Subscription> subscriptions = new LinkedHashMap<>();

    /** Longest lifetime accepted for Outlook event subscriptions; [UNCERTAIN] 10,080 min now, formerly 4,230. */
    volatile Duration maxLifetime = Duration.ofMinutes(10080);
    /** If set, the expiration granted is at most this far out even when the request was allowed (field reports). */
    volatile Duration clampLifetime;
    volatile Duration minLifetime = Duration.ofMinutes(45);
    volatile Duration handshakeTimeout = Duration.ofSeconds(10);
    /** Real Graph wants https; the demo app's webhook on http://localhost is let through when this is true. */
    volatile boolean allowHttpOnLoopback = true;

    /** A creation kept in flight for tests: the first call to take it waits until it is released. */
    private static final class HeldCreate {
        final AtomicBoolean taken = new AtomicBoolean();
        final CountDownLatch arrived = new CountDownLatch(1);
        final CountDownLatch released = new CountDownLatch(1);
    }

    /** Per mailbox id. */
    private final Map<String, HeldCreate> heldCreates = new ConcurrentHashMap<>();

    SubscriptionsApi(SandboxState state, Outbound outbound, Notifier notifier) {
        this.state = state;
        this.outbound = outbound;
        this.notifier = notifier;
    }

    SandboxResponse route(SandboxRequest req, Identity.Grant grant, List<String> rest) {
        String base = req.origin + "/v1.0";
        if (rest.isEmpty()) {
            if (req.method.equals("POST")) return create(req, grant, base);
            if (req.method.equals("GET")) return list(grant, base);
            throw methodNotAllowed();
        }
        String id = rest.get(0);
        if (rest.size() == 1) {
            switch (req.method) {
                case "GET": return SandboxResponse.json(200, find(grant, id).render(base));
                case "PATCH": return renew(req, grant, id, base);
                case "DELETE": return delete(grant, id);
                default: throw methodNotAllowed();
            }
        }
        if (rest.size() == 2 && rest.get(1).equalsIgnoreCase("reauthorize") && req.method.equals("POST")) {
            synchronized (state) {
                find(grant, id).lastReauthorized = state.now();
            }
            return SandboxResponse.empty(204);
        }
        throw GraphError.unknownSegment(rest.get(rest.size() - 1));
    }

    private static GraphError methodNotAllowed() {
        return new GraphError(405, "Request_BadRequest", "The HTTP method is not allowed for this resource.");
    }

    private SandboxResponse create(SandboxRequest req, Identity.Grant grant, String base) {
        ObjectNode body = req.jsonObject();
        String changeType = Json.text(body, "changeType");
        String notificationUrl = Json.text(body, "notificationUrl");
        String lifecycleUrl = Json.text(body, "lifecycleNotificationUrl");
        String resource = Json.text(body, "resource");
        String expirationText = Json.text(body, "expirationDateTime");
        String clientState = Json.text(body, "clientState");
        String tls = Json.text(body, "latestSupportedTlsVersion");
        if (body.path("includeResourceData").asBoolean(false)) {
            throw GraphError.badRequest("ExtensionError", "The Exchange sandbox does not support notifications with resource data (includeResourceData).");
        }
        if (changeType == null || changeType.isBlank()) throw GraphError.badRequest("InvalidRequest", "changeType is a required property for subscription creation.");
        Set<String> types = new LinkedHashSet<>();
        for (String t : changeType.split(",")) {
            String tt = t.trim().toLowerCase(Locale.ROOT);
            if (!CHANGE_TYPES.contains(tt)) throw GraphError.badRequest("InvalidRequest", "Invalid change type: '" + t.trim() + "'.");
            types.add(tt);
        }
        if (notificationUrl == null) throw GraphError.badRequest("InvalidRequest", "notificationUrl is a required property for subscription creation.");
        checkUrl(notificationUrl, "notificationUrl");
        if (lifecycleUrl != null) checkUrl(lifecycleUrl, "lifecycleNotificationUrl");
        if (resource == null) throw GraphError.badRequest("InvalidRequest", "resource is a required property for subscription creation.");
        if (expirationText == null) throw GraphError.badRequest("InvalidRequest", "expirationDateTime is a required property for subscription creation.");
        if (clientState != null && clientState.length() > 128) {
            throw GraphError.badRequest("InvalidRequest", "clientState must not be longer than 128 characters.");
        }
        if (tls == null) tls = "v1_2";
        if (!List.of("v1_0", "v1_1", "v1_2", "v1_3").contains(tls)) throw GraphError.badRequest("InvalidRequest", "Invalid latestSupportedTlsVersion '" + tls + "'.");
        Matcher m = RESOURCE.matcher(resource.trim());
        if (!m.matches()) {
            // [UNCERTAIN] Graph may accept more spellings (calendars/{id}/events); the sandbox accepts users/{id}/events and me/events.
            throw GraphError.badRequest("ExtensionError", "Operation: Create; Exception: [Status Code: BadRequest; Reason: The resource '" + resource + "' is not supported by the Exchange sandbox; use users/{id}/events or me/events.]");
        }
        Directory.Mailbox mailbox;
        Instant expiration;
        synchronized (state) {
            String who = m.group(1);
            if (who == null) {
                if (!grant.delegated()) throw GraphError.badRequest("BadRequest", "/me request is only valid with delegated authentication flow.");
                who = grant.userId;
            }
            mailbox = state.directory.mailbox(who).filter(x -> x.tenantId.equals(grant.tenantId)).orElse(null);
            if (mailbox == null) {
                throw new GraphError(404, "ResourceNotFound", "Resource could not be discovered.");
            }
            GraphRouter.checkAccess(state, grant, mailbox);
            long count = subscriptions.values().stream().filter(s -> s.mailboxId.equals(mailbox.id)).count();
            if (count >= MAX_PER_MAILBOX) {
                throw new GraphError(403, "ExtensionError", "Operation: Create; Exception: [Status Code: Forbidden; Reason: The number of subscriptions for the mailbox has reached its limit of " + MAX_PER_MAILBOX + ".]");
            }
            expiration = expiration(expirationText, true);
        }
        waitIfHeld(mailbox.id);
        handshake(notificationUrl);
        if (lifecycleUrl != null) handshake(lifecycleUrl);
        synchronized (state) {
            Subscription s = new Subscription(Ids.guid(), grant.appId, grant.tenantId,
                    grant.delegated() ? grant.userId : servicePrincipalId(grant.appId), resource, mailbox.id, changeType,
                    types, notificationUrl, lifecycleUrl, clientState, tls, expiration);
            subscriptions.put(s.id, s);
            return SandboxResponse.json(201, s.render(base));
        }
    }

    void holdNextCreate(String mailboxId) {
        heldCreates.put(mailboxId, new HeldCreate());
    }

    boolean awaitCreateHeld(String mailboxId, Duration timeout) throws InterruptedException {
        HeldCreate held = heldCreates.get(mailboxId);
        return held != null && held.arrived.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    void releaseCreate(String mailboxId) {
        HeldCreate held = heldCreates.remove(mailboxId);
        if (held != null) held.released.countDown();
    }

    private void waitIfHeld(String mailboxId) {
        HeldCreate held = heldCreates.get(mailboxId);
        if (held == null || !held.taken.compareAndSet(false, true)) return;
        held.arrived.countDown();
        try {
            held.released.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private SandboxResponse renew(SandboxRequest req, Identity.Grant grant, String id, String base) {
        ObjectNode body = req.jsonObject();
        String expirationText = Json.text(body, "expirationDateTime");
        String newUrl = Json.text(body, "notificationUrl");
        Instant expiration = null;
        synchronized (state) {
            Subscription s = find(grant, id);
            if (expirationText != null) expiration = expiration(expirationText, false);
            if (newUrl != null && newUrl.equals(s.notificationUrl)) newUrl = null;
        }
        if (newUrl != null) {
            checkUrl(newUrl, "notificationUrl");
            // [UNCERTAIN] whether Graph validates again on PATCH; the sandbox does when the URL changes.
            handshake(newUrl);
        }
        synchronized (state) {
            Subscription s = find(grant, id);
            if (expiration != null) s.expiration = expiration;
            if (newUrl != null) s.notificationUrl = newUrl;
            s.lastReauthorized = state.now();
            return SandboxResponse.json(200, s.render(base));
        }
    }

    private SandboxResponse delete(Identity.Grant grant, String id) {
        synchronized (state) {
            find(grant, id);
            subscriptions.remove(id);
        }
        return SandboxResponse.empty(204);
    }

    private SandboxResponse list(Identity.Grant grant, String base) {
        ObjectNode out = Json.object();
        out.put("@odata.context", base + "/$metadata#subscriptions");
        ArrayNode value = out.putArray("value");
        synchronized (state) {
            for (Subscription s : subscriptions.values()) {
                if (s.appId.equals(grant.appId) && s.tenantId.equals(grant.tenantId)) {
                    ObjectNode r = s.render(base);
                    r.remove("@odata.context");
                    value.add(r);
                }
            }
        }
        return SandboxResponse.json(200, out);
    }

    private Subscription find(Identity.Grant grant, String id) {
        Subscription s = subscriptions.get(id);
        if (s == null || !s.appId.equals(grant.appId) || !s.tenantId.equals(grant.tenantId) || expired(s)) {
            throw new GraphError(404, "ResourceNotFound", "The object was not found.");
        }
        return s;
    }

    private boolean expired(Subscription s) {
        return !state.now().isBefore(s.expiration);
    }

    private Instant expiration(String text, boolean creating) {
        Instant requested;
        try {
            requested = OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            try {
                requested = java.time.LocalDateTime.parse(text).toInstant(java.time.ZoneOffset.UTC);
            } catch (DateTimeParseException e2) {
                throw GraphError.badRequest("InvalidRequest", "Invalid expirationDateTime '" + text + "'.");
            }
        }
        Instant now = state.now();
        if (requested.isAfter(now.plus(maxLifetime).plusSeconds(60))) {
            // [UNCERTAIN] code: ExtensionError (2018 reports) or ErrorInvalidParameter (2026); apps should rely on 400 only.
            throw GraphError.badRequest("ExtensionError", "Subscription expiration can only be " + maxLifetime.toMinutes() + " minutes in the future.");
        }
        Instant floor = now.plus(minLifetime);
        Instant granted = requested.isBefore(floor) ? floor : requested;
        Duration clamp = clampLifetime;
        if (clamp != null && granted.isAfter(now.plus(clamp))) granted = now.plus(clamp);
        return granted;
    }

    private void checkUrl(String url, String field) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw GraphError.badRequest("InvalidRequest", field + " is not a valid URL.");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        boolean loopback = host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]") || host.equals("::1");
        if (scheme.equals("https") || (scheme.equals("http") && loopback && allowHttpOnLoopback)) return;
        throw GraphError.badRequest("InvalidRequest", "Subscription validation request failed. The " + field + " must use https.");
    }

    /** POST {url}?validationToken=... and expect 200, text/plain, the decoded token, within 10 s. */
    private void handshake(String url) {
        String token = "Validation: Testing client application reachability for subscription Request-Id: " + Ids.guid()
                + " +/=&?<tag>\"quoted\" " + Ids.token(6);
        String target = url + (url.contains("?") ? "&" : "?") + "validationToken=" + URLEncoder.encode(token, StandardCharsets.UTF_8);
        Outbound.Result r = outbound.post(target, "text/plain; charset=utf-8", new byte[0], handshakeTimeout);
        boolean ok = r.failure == null && r.status == 200
                && r.contentType.toLowerCase(Locale.ROOT).startsWith("text/plain")
                && token.equals(r.body);
        if (!ok) {
            throw GraphError.badRequest("InvalidRequest", "Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request.");
        }
    }

    private static String servicePrincipalId(String appId) {
        // A stable stand-in for the app's service principal object id.
        return java.util.UUID.nameUUIDFromBytes(("sp:" + appId).getBytes(StandardCharsets.UTF_8)).toString();
    }

    @Override
    public void changed(Directory.Mailbox mailbox, String eventId, String changeKey, SandboxState.Change change) {
        String type = change.name().toLowerCase(Locale.ROOT);
        for (Subscription s : subscriptions.values()) {
            if (!s.mailboxId.equals(mailbox.id) || !s.changeTypes.contains(type) || expired(s)) continue;
            ObjectNode item = Json.object();
            item.put("subscriptionId", s.id);
            item.put("subscriptionExpirationDateTime", s.expirationForNotification());
            item.put("changeType", type);
            String path = "Users/" + mailbox.id + "/Events/" + eventId;
            item.put("resource", path);
            ObjectNode data = item.putObject("resourceData");
            data.put("@odata.type", "#Microsoft.Graph.Event");
            data.put("@odata.id", path);
            data.put("@odata.etag", "W/\"" + changeKey + "\"");
            data.put("id", eventId);
            if (s.clientState == null) item.putNull("clientState"); else item.put("clientState", s.clientState);
            item.put("tenantId", s.tenantId);
            notifier.enqueue(s.notificationUrl, item, this::subscriptionStillExists);
        }
    }

    private boolean subscriptionStillExists(ObjectNode item) {
        synchronized (state) {
            Subscription s = subscriptions.get(item.path("subscriptionId").asText());
            return s != null && !expired(s);
        }
    }

    /** Sends a lifecycle notification (reauthorizationRequired, subscriptionRemoved, missed); removed ones are deleted. */
    boolean sendLifecycle(String subscriptionId, String lifecycleEvent) {
        if (!List.of("reauthorizationRequired", "subscriptionRemoved", "missed").contains(lifecycleEvent)) {
            throw new IllegalArgumentException("Unknown lifecycle event " + lifecycleEvent);
        }
        synchronized (state) {
            Subscription s = subscriptions.get(subscriptionId);
            if (s == null) return false;
            if (s.lifecycleNotificationUrl != null) {
                ObjectNode item = Json.object();
                item.put("subscriptionId", s.id);
                item.put("subscriptionExpirationDateTime", s.expirationForNotification());
                item.put("tenantId", s.tenantId);
                if (s.clientState == null) item.putNull("clientState"); else item.put("clientState", s.clientState);
                item.put("lifecycleEvent", lifecycleEvent);
                notifier.enqueue(s.lifecycleNotificationUrl, item, i -> true);
            }
            if (lifecycleEvent.equals("subscriptionRemoved")) subscriptions.remove(s.id);
            return true;
        }
    }

    /**
     * Graph's housekeeping: drops subscriptions past their expiration, and in a subscription's last hour sends
     * reauthorizationRequired to its lifecycle URL every 15 minutes until it is renewed.
     */
    void maintain() {
        List<String> warn = new ArrayList<>();
        synchronized (state) {
            subscriptions.values().removeIf(this::expired);
            java.time.Instant now = state.now();
            for (Subscription s : subscriptions.values()) {
                if (s.lifecycleNotificationUrl == null || s.expiration.isAfter(now.plus(Duration.ofHours(1)))) continue;
                if (s.lastReauthorizationWarning != null && s.lastReauthorizationWarning.isAfter(now.minus(Duration.ofMinutes(15)))) continue;
                s.lastReauthorizationWarning = now;
                warn.add(s.id);
            }
        }
        for (String id : warn) sendLifecycle(id, "reauthorizationRequired");
    }

    List<Subscription> all() {
        synchronized (state) {
            return new ArrayList<>(subscriptions.values());
        }
    }

    void restore(Subscription s) {
        synchronized (state) {
            subscriptions.put(s.id, s);
        }
    }
}
