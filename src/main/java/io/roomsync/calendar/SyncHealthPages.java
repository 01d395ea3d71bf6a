package io.roomsync.calendar;

import io.javalin.http.Context;
import io.roomsync.web.Layout;
import io.roomsync.web.Pages;
import io.roomsync.web.Web;

/** The sync health page and its API twin. */
public final class SyncHealthPages {
    public record HealthPage(Layout layout, SyncHealthService.Health health) {}

    private final SyncHealthService health;
    private final Pages pages;

    public SyncHealthPages(SyncHealthService health, Pages pages) {
        this.health = health;
        this.pages = pages;
    }

    public void page(Context ctx) {
        pages.render(ctx, "calendar/health.jte", new HealthPage(pages.layout(ctx, "Sync health", "sync-health"),
                health.health(Web.user(ctx).tenant())));
    }

    public void api(Context ctx) {
        ctx.json(health.health(Web.user(ctx).tenant()));
    }
}
