package io.roomsync.calendar;

import io.roomsync.audit.AuditLog;
import io.roomsync.common.ValidationException;
import io.roomsync.db.Tx;
import io.roomsync.tenant.CurrentUser;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Where Graph calls us back: per tenant a public base URL (default ROOMSYNC_BASE_URL), from which the notification
 * and lifecycle URLs of every new subscription are made. Graph only calls https; plain http is accepted for
 * loopback hosts (a developer machine, the built-in sandbox).
 */
public final class WebhookRegistry {
    public static final String NOTIFICATIONS_PATH = "/webhooks/graph/notifications";
    public static final String LIFECYCLE_PATH = "/webhooks/graph/lifecycle";
    private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "::1", "[::1]");

    /** status: OK, NOT_HTTPS, NEVER_NOTIFIED; statusText says it in words. */
    public record WebhookStatus(String callbackBaseUrl, boolean isDefault, String notificationUrl, String lifecycleUrl,
                                String status, String statusText, Instant lastNotificationAt,
                                List<WebhookCounters.DropCount> dropped) {}

    private final Tx tx;
    private final AuditLog audit;
    private final Clock clock;
    private final String defaultBaseUrl;
    private final WebhookCounters counters;

    public WebhookRegistry(Tx tx, AuditLog audit, Clock clock, String defaultBaseUrl, WebhookCounters counters) {
        this.tx = tx;
        this.audit = audit;
        this.clock = clock;
        this.defaultBaseUrl = defaultBaseUrl;
        this.counters = counters;
    }

    /** The callback base URL of the tenant (without a trailing slash). */
    public String callbackBase(long tenantId) {
        String stored = tx.call(s -> {
            WebhookRegistration r = s.find(WebhookRegistration.class, tenantId);
            return r == null ? null : r.callbackBaseUrl;
        });
        return stored == null ? defaultBaseUrl : stored;
    }

    /** Sets the tenant's callback base URL; blank returns to the default. */
    public void update(CurrentUser user, String source, String url) {
        String clean = url == null || url.isBlank() ? null : normalize(url.trim());
        tx.run(s -> {
            WebhookRegistration r = s.find(WebhookRegistration.class, user.tenant());
            String before = r == null ? null : r.callbackBaseUrl;
            if (r == null) {
                r = new WebhookRegistration();
                r.tenantId = user.tenant();
                r.callbackBaseUrl = clean;
                r.updatedAt = clock.instant();
                s.persist(r);
            } else {
                r.callbackBaseUrl = clean;
                r.updatedAt = clock.instant();
            }
            audit.record(s, user, source, null, "webhook_registry", user.tenant(), "update",
                    new AuditLog.Changes().field("callbackBaseUrl", before, clean));
        });
    }

    /** Checks and tidies a callback base URL: absolute, https unless loopback, no query or fragment. */
    public static String normalize(String url) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new ValidationException("callbackBaseUrl", "Enter an absolute URL such as https://roomsync.example.com.");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
            throw new ValidationException("callbackBaseUrl", "Enter an absolute URL such as https://roomsync.example.com.");
        }
        if (scheme.equals("http") && !isLoopback(uri.getHost())) {
            throw new ValidationException("callbackBaseUrl", "Microsoft Graph only calls https URLs (http is allowed for localhost only).");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            throw new ValidationException("callbackBaseUrl", "The base URL must not have a query, fragment or credentials.");
        }
        String s = uri.toString();
        while (s.endsWith("/")) s = s.substring(0, s.length() - 1);
        return s;
    }

    static boolean isLoopback(String host) {
        return LOOPBACK.contains(host.toLowerCase(Locale.ROOT));
    }

    public WebhookStatus status(long tenantId) {
        counters.flush();
        String base = callbackBase(tenantId);
        boolean isDefault = tx.call(s -> {
            WebhookRegistration r = s.find(WebhookRegistration.class, tenantId);
            return r == null || r.callbackBaseUrl == null;
        });
        Instant last = tx.call(s -> s.createSelectionQuery("select max(lastNotificationAt) from Subscription where tenantId = :t", Instant.class)
                .setParameter("t", tenantId).getSingleResult());
        URI uri = URI.create(base);
        String status;
        String text;
        if (!"https".equalsIgnoreCase(uri.getScheme()) && !isLoopback(uri.getHost())) {
            status = "NOT_HTTPS";
            text = "Not https: Microsoft Graph will refuse to create subscriptions for this URL.";
        } else if (last == null) {
            status = "NEVER_NOTIFIED";
            text = "No notification received yet.";
        } else {
            status = "OK";
            text = "OK: last notification at " + last + ".";
        }
        return new WebhookStatus(base, isDefault, base + NOTIFICATIONS_PATH, base + LIFECYCLE_PATH, status, text, last,
                counters.recent(tenantId, 30));
    }
}
