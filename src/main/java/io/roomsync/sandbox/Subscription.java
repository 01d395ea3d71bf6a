package io.roomsync.sandbox;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Set;

/** A Graph change-notification subscription on one mailbox's events. Guarded by the sandbox lock. */
final class Subscription {
    final String id;
    final String appId;
    final String tenantId;
    final String creatorId;
    final String resource;
    final String mailboxId;
    final String changeType;
    final Set<String> changeTypes;
    String notificationUrl;
    final String lifecycleNotificationUrl;
    final String clientState;
    final String latestSupportedTlsVersion;
    Instant expiration;
    Instant lastReauthorized;
    /** When the last automatic reauthorizationRequired went out. */
    Instant lastReauthorizationWarning;

    Subscription(String id, String appId, String tenantId, String creatorId, String resource, String mailboxId,
                 String changeType, Set<String> changeTypes, String notificationUrl, String lifecycleNotificationUrl,
                 String clientState, String latestSupportedTlsVersion, Instant expiration) {
        this.id = id;
        this.appId = appId;
        this.tenantId = tenantId;
        this.creatorId = creatorId;
        this.resource = resource;
        this.mailboxId = mailboxId;
        this.changeType = changeType;
        this.changeTypes = changeTypes;
        this.notificationUrl = notificationUrl;
        this.lifecycleNotificationUrl = lifecycleNotificationUrl;
        this.clientState = clientState;
        this.latestSupportedTlsVersion = latestSupportedTlsVersion;
        this.expiration = expiration;
    }

    ObjectNode render(String graphBase) {
        ObjectNode o = Json.object();
        o.put("@odata.context", graphBase + "/$metadata#subscriptions/$entity");
        o.put("id", id);
        o.put("resource", resource);
        o.put("applicationId", appId);
        o.put("changeType", changeType);
        if (clientState == null) o.putNull("clientState"); else o.put("clientState", clientState);
        o.put("notificationUrl", notificationUrl);
        o.putNull("notificationQueryOptions");
        if (lifecycleNotificationUrl == null) o.putNull("lifecycleNotificationUrl"); else o.put("lifecycleNotificationUrl", lifecycleNotificationUrl);
        o.put("expirationDateTime", Json.instant(expiration));
        o.put("creatorId", creatorId);
        o.put("includeResourceData", false);
        o.put("latestSupportedTlsVersion", latestSupportedTlsVersion);
        o.putNull("encryptionCertificate");
        o.putNull("encryptionCertificateId");
        o.putNull("notificationUrlAppId");
        return o;
    }

    /** Graph's notification timestamp shape: "2023-05-26T23:29:18.2277768+00:00". */
    String expirationForNotification() {
        return Json.instant(expiration).replace("Z", "+00:00");
    }
}
