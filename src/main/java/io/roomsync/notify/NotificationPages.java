package io.roomsync.notify;

import io.javalin.http.Context;
import io.roomsync.tenant.CurrentUser;
import io.roomsync.web.Layout;
import io.roomsync.web.Pages;
import io.roomsync.web.Web;
import java.time.Instant;
import java.util.List;

/** The signed-in person's notifications: the page, marking read, and the API list. */
public final class NotificationPages {
    public record NotificationsPage(Layout layout, List<Notification> rows, long unread) {}

    public record NotificationResponse(long id, String kind, String title, String body, String link, Instant createdAt, Instant readAt) {}

    private final Pages pages;
    private final NotificationService notifications;

    public NotificationPages(Pages pages, NotificationService notifications) {
        this.pages = pages;
        this.notifications = notifications;
    }

    public void page(Context ctx) {
        CurrentUser user = Web.user(ctx);
        pages.render(ctx, "notify/notifications.jte", new NotificationsPage(pages.layout(ctx, "Notifications", "notifications"),
                notifications.list(user.tenant(), user.userId(), 200), notifications.unread(user.tenant(), user.userId())));
    }

    public void read(Context ctx) {
        CurrentUser user = Web.user(ctx);
        notifications.markRead(user.tenant(), user.userId(), Web.pathId(ctx, "id"));
        pages.redirectWithFlash(ctx, "/notifications", "Marked as read.");
    }

    public void readAll(Context ctx) {
        CurrentUser user = Web.user(ctx);
        int n = notifications.markAllRead(user.tenant(), user.userId());
        pages.redirectWithFlash(ctx, "/notifications", n + " notification(s) marked as read.");
    }

    public void api(Context ctx) {
        CurrentUser user = Web.user(ctx);
        ctx.json(notifications.list(user.tenant(), user.userId(), 200).stream()
                .map(n -> new NotificationResponse(n.id, n.kind, n.title, n.body, n.link, n.createdAt, n.readAt)).toList());
    }
}
