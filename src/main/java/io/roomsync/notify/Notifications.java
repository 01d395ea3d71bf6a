package io.roomsync.notify;

import io.roomsync.tenant.Role;
import io.roomsync.tenant.User;
import java.time.Clock;
import java.util.List;
import org.hibernate.Session;

/**
 * Writes notifications inside the caller's transaction, so a sync failure and the notice about it are recorded
 * together. Delivery by e-mail happens later, outside any transaction.
 */
public final class Notifications {
    private final Clock clock;

    public Notifications(Clock clock) {
        this.clock = clock;
    }

    /** Tells every active calendar sync admin of the tenant; returns how many were told. */
    public int toSyncAdmins(Session s, long tenantId, String kind, String title, String body, String link) {
        List<User> admins = s.createSelectionQuery("from User where tenantId = :t and active = true", User.class)
                .setParameter("t", tenantId).getResultList().stream().filter(u -> u.has(Role.SYNC_ADMIN)).toList();
        for (User admin : admins) toUser(s, tenantId, admin.id, kind, title, body, link);
        return admins.size();
    }

    public void toUser(Session s, long tenantId, long userId, String kind, String title, String body, String link) {
        Notification n = new Notification();
        n.tenantId = tenantId;
        n.userId = userId;
        n.kind = kind;
        n.title = title.length() > 300 ? title.substring(0, 297) + "..." : title;
        n.body = body;
        n.link = link;
        n.createdAt = clock.instant();
        s.persist(n);
    }
}
