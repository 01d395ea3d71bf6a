package io.roomsync.calendar;

import io.javalin.http.Context;
import io.roomsync.common.ConflictException;
import io.roomsync.common.ValidationException;
import io.roomsync.reservation.Source;
import io.roomsync.tenant.CurrentUser;
import io.roomsync.web.FormState;
import io.roomsync.web.Layout;
import io.roomsync.web.Pages;
import io.roomsync.web.Web;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Pages of the calendar sync: sync configurations (with single and bulk activation), the webhook, subscriptions. */
public final class SyncPages {
    static final String[] FIELDS = {"reservableId", "providerId", "mailboxEmail", "noRequest"};

    public record ConfigurationsPage(Layout layout, List<SyncConfigurationService.View> rows) {}

    /** id null = a new configuration. */
    public record ConfigurationPage(Layout layout, Long id, SyncConfigurationService.View view, FormState form,
                                    SyncConfigurationService.Options options, String error) {}

    public record WebhookPage(Layout layout, WebhookRegistry.WebhookStatus status, FormState form) {}

    public record SubscriptionsPage(Layout layout, List<SubscriptionService.View> rows) {}

    public record SubscriptionPage(Layout layout, SubscriptionService.View subscription) {}

    private final Pages pages;
    private final SyncConfigurationService configurations;
    private final SubscriptionService subscriptions;
    private final WebhookRegistry webhooks;

    public SyncPages(Pages pages, SyncConfigurationService configurations, SubscriptionService subscriptions, WebhookRegistry webhooks) {
        this.pages = pages;
        this.configurations = configurations;
        this.subscriptions = subscriptions;
        this.webhooks = webhooks;
    }

    // ----------------------------------------------------------------------------------- configurations

    public void list(Context ctx) {
        pages.render(ctx, "calendar/configurations.jte", new ConfigurationsPage(
                pages.layout(ctx, "Sync configurations", "sync-configurations"), configurations.list(Web.user(ctx).tenant())));
    }

    public void newForm(Context ctx) {
        render(ctx, null, FormState.empty(), null);
    }

    public void create(Context ctx) {
        CurrentUser user = Web.user(ctx);
        FormState form = FormState.posted(ctx, FIELDS);
        try {
            SyncConfiguration c = configurations.create(user, Source.PORTAL.subSource, input(form));
            pages.redirectWithFlash(ctx, "/admin/sync/configurations/" + c.id, "Sync configuration added (inactive). Activate it to start syncing.");
        } catch (ValidationException e) {
            ctx.status(400);
            render(ctx, null, form.withErrors(e.fieldErrors()), null);
        }
    }

    public void show(Context ctx) {
        SyncConfigurationService.View v = configurations.get(Web.user(ctx).tenant(), Web.pathId(ctx, "id"));
        render(ctx, v.configuration().id, stored(v), null);
    }

    public void update(Context ctx) {
        CurrentUser user = Web.user(ctx);
        long id = Web.pathId(ctx, "id");
        configurations.get(user.tenant(), id);
        FormState form = FormState.posted(ctx, FIELDS);
        try {
            configurations.update(user, Source.PORTAL.subSource, id, input(form));
            pages.redirectWithFlash(ctx, "/admin/sync/configurations/" + id, "Sync configuration saved; the room will be read again in full.");
        } catch (ValidationException e) {
            ctx.status(400);
            render(ctx, id, form.withErrors(e.fieldErrors()), null);
        }
    }

    public void activate(Context ctx) {
        single(ctx, true);
    }

    public void deactivate(Context ctx) {
        single(ctx, false);
    }

    private void single(Context ctx, boolean activate) {
        CurrentUser user = Web.user(ctx);
        long id = Web.pathId(ctx, "id");
        try {
            SubscriptionService.Outcome o = activate ? configurations.activate(user, Source.PORTAL.subSource, id)
                    : configurations.deactivate(user, Source.PORTAL.subSource, id);
            pages.redirectWithFlash(ctx, "/admin/sync/configurations/" + id, o.message());
        } catch (ConflictException e) {
            ctx.status(409);
            render(ctx, id, stored(configurations.get(user.tenant(), id)), e.getMessage());
        }
    }

    public void delete(Context ctx) {
        CurrentUser user = Web.user(ctx);
        long id = Web.pathId(ctx, "id");
        try {
            configurations.delete(user, Source.PORTAL.subSource, id);
            pages.redirectWithFlash(ctx, "/admin/sync/configurations", "Sync configuration deleted.");
        } catch (ConflictException e) {
            pages.redirectWithFlash(ctx, "/admin/sync/configurations/" + id, e.getMessage());
        }
    }

    /** Activate or deactivate the ticked configurations; the message sums up what happened to each. */
    public void bulk(Context ctx) {
        CurrentUser user = Web.user(ctx);
        boolean activate = "activate".equals(ctx.formParam("action"));
        List<Long> ids = new ArrayList<>();
        for (String raw : ctx.formParams("ids")) {
            Long id = Web.optionalLong(raw);
            if (id != null) ids.add(id);
        }
        if (ids.isEmpty()) {
            pages.redirectWithFlash(ctx, "/admin/sync/configurations", "Tick the configurations first.");
            return;
        }
        List<SubscriptionService.Outcome> outcomes = configurations.bulk(user, Source.PORTAL.subSource, ids, activate);
        long ok = outcomes.stream().filter(SubscriptionService.Outcome::ok).count();
        String failures = outcomes.stream().filter(o -> !o.ok()).map(SubscriptionService.Outcome::message).distinct()
                .collect(Collectors.joining(" "));
        pages.redirectWithFlash(ctx, "/admin/sync/configurations", (activate ? "Activated " : "Deactivated ") + ok + " of "
                + outcomes.size() + "." + (failures.isEmpty() ? "" : " " + failures));
    }

    private void render(Context ctx, Long id, FormState form, String error) {
        long tenant = Web.user(ctx).tenant();
        SyncConfigurationService.View view = id == null ? null : configurations.get(tenant, id);
        pages.render(ctx, "calendar/configuration.jte", new ConfigurationPage(pages.layout(ctx,
                id == null ? "New sync configuration" : "Sync configuration", "sync-configurations"), id, view, form,
                configurations.options(tenant), error));
    }

    private static FormState stored(SyncConfigurationService.View v) {
        Map<String, String> values = new HashMap<>();
        values.put("reservableId", String.valueOf(v.configuration().reservableId));
        values.put("providerId", String.valueOf(v.configuration().providerId));
        values.put("mailboxEmail", v.configuration().mailboxEmail);
        if (v.configuration().noRequest) values.put("noRequest", "on");
        return FormState.of(values);
    }

    private static SyncConfigurationService.Input input(FormState form) {
        return new SyncConfigurationService.Input(Web.optionalLong(form.values().get("reservableId")),
                Web.optionalLong(form.values().get("providerId")), form.values().get("mailboxEmail"), form.checked("noRequest"));
    }

    // ------------------------------------------------------------------------------------------ webhook

    public void webhook(Context ctx) {
        WebhookRegistry.WebhookStatus status = webhooks.status(Web.user(ctx).tenant());
        renderWebhook(ctx, FormState.of(Map.of("callbackBaseUrl", status.isDefault() ? "" : status.callbackBaseUrl())));
    }

    public void updateWebhook(Context ctx) {
        FormState form = FormState.posted(ctx, "callbackBaseUrl");
        try {
            webhooks.update(Web.user(ctx), Source.PORTAL.subSource, form.values().get("callbackBaseUrl"));
            pages.redirectWithFlash(ctx, "/admin/sync/webhook", "Callback URL saved. New subscriptions use it; existing ones keep theirs until recreated.");
        } catch (ValidationException e) {
            ctx.status(400);
            renderWebhook(ctx, form.withErrors(e.fieldErrors()));
        }
    }

    private void renderWebhook(Context ctx, FormState form) {
        pages.render(ctx, "calendar/webhook.jte", new WebhookPage(pages.layout(ctx, "Webhook", "sync-webhook"),
                webhooks.status(Web.user(ctx).tenant()), form));
    }

    // ------------------------------------------------------------------------------------ subscriptions

    public void subscriptions(Context ctx) {
        pages.render(ctx, "calendar/subscriptions.jte", new SubscriptionsPage(pages.layout(ctx, "Subscriptions", "sync-subscriptions"),
                subscriptions.list(Web.user(ctx).tenant())));
    }

    public void subscription(Context ctx) {
        SubscriptionService.View v = subscriptions.get(Web.user(ctx).tenant(), Web.pathId(ctx, "id"));
        pages.render(ctx, "calendar/subscription.jte", new SubscriptionPage(pages.layout(ctx, "Subscription of " + v.room(),
                "sync-subscriptions"), v));
    }
}
