package io.roomsync.calendar;

import io.javalin.http.Context;
import io.roomsync.reservation.Source;
import io.roomsync.tenant.CurrentUser;
import io.roomsync.web.Web;
import java.time.Instant;
import java.util.List;

/** REST API v1 of the calendar sync: sync configurations, the webhook registry, subscriptions. */
public final class SyncApi {
    public record SyncConfigurationRequest(Long reservableId, Long providerId, String mailboxEmail, Boolean noRequest) {}

    public record SyncConfigurationResponse(long id, long reservableId, String room, long providerId, String provider,
                                            boolean providerActive, String mailboxEmail, boolean active, boolean noRequest,
                                            SubscriptionStatus subscriptionStatus, Long subscriptionId, Instant subscriptionExpiresAt,
                                            String subscriptionLastError) {}

    public record ActivationResponse(long id, boolean ok, String message) {}

    public record BulkRequest(List<Long> ids) {}

    public record WebhookRequest(String callbackBaseUrl) {}

    private final SyncConfigurationService configurations;
    private final SubscriptionService subscriptions;
    private final WebhookRegistry webhooks;

    public SyncApi(SyncConfigurationService configurations, SubscriptionService subscriptions, WebhookRegistry webhooks) {
        this.configurations = configurations;
        this.subscriptions = subscriptions;
        this.webhooks = webhooks;
    }

    public void list(Context ctx) {
        ctx.json(configurations.list(Web.user(ctx).tenant()).stream().map(SyncApi::response).toList());
    }

    public void get(Context ctx) {
        ctx.json(response(configurations.get(Web.user(ctx).tenant(), Web.pathId(ctx, "id"))));
    }

    public void create(Context ctx) {
        CurrentUser user = Web.user(ctx);
        SyncConfiguration c = configurations.create(user, Source.REST_API.subSource, input(Web.jsonBody(ctx, SyncConfigurationRequest.class)));
        ctx.status(201).header("Location", "/api/v1/sync-configurations/" + c.id);
        ctx.json(response(configurations.get(user.tenant(), c.id)));
    }

    public void update(Context ctx) {
        CurrentUser user = Web.user(ctx);
        long id = Web.pathId(ctx, "id");
        configurations.get(user.tenant(), id);
        configurations.update(user, Source.REST_API.subSource, id, input(Web.jsonBody(ctx, SyncConfigurationRequest.class)));
        ctx.json(response(configurations.get(user.tenant(), id)));
    }

    public void delete(Context ctx) {
        configurations.delete(Web.user(ctx), Source.REST_API.subSource, Web.pathId(ctx, "id"));
        ctx.status(204);
    }

    public void activate(Context ctx) {
        ctx.json(outcome(configurations.activate(Web.user(ctx), Source.REST_API.subSource, Web.pathId(ctx, "id"))));
    }

    public void deactivate(Context ctx) {
        ctx.json(outcome(configurations.deactivate(Web.user(ctx), Source.REST_API.subSource, Web.pathId(ctx, "id"))));
    }

    public void bulkActivate(Context ctx) {
        bulk(ctx, true);
    }

    public void bulkDeactivate(Context ctx) {
        bulk(ctx, false);
    }

    private void bulk(Context ctx, boolean activate) {
        BulkRequest in = Web.jsonBody(ctx, BulkRequest.class);
        List<Long> ids = in.ids() == null ? List.of() : in.ids();
        ctx.json(configurations.bulk(Web.user(ctx), Source.REST_API.subSource, ids, activate).stream().map(SyncApi::outcome).toList());
    }

    public void webhook(Context ctx) {
        ctx.json(webhooks.status(Web.user(ctx).tenant()));
    }

    public void updateWebhook(Context ctx) {
        CurrentUser user = Web.user(ctx);
        webhooks.update(user, Source.REST_API.subSource, Web.jsonBody(ctx, WebhookRequest.class).callbackBaseUrl());
        ctx.json(webhooks.status(user.tenant()));
    }

    public void subscriptions(Context ctx) {
        ctx.json(subscriptions.list(Web.user(ctx).tenant()));
    }

    public void subscription(Context ctx) {
        ctx.json(subscriptions.get(Web.user(ctx).tenant(), Web.pathId(ctx, "id")));
    }

    static SyncConfigurationService.Input input(SyncConfigurationRequest in) {
        return new SyncConfigurationService.Input(in.reservableId(), in.providerId(), in.mailboxEmail(), in.noRequest());
    }

    static SyncConfigurationResponse response(SyncConfigurationService.View v) {
        SyncConfiguration c = v.configuration();
        return new SyncConfigurationResponse(c.id, c.reservableId, v.roomName(), c.providerId, v.providerName(), v.providerActive(),
                c.mailboxEmail, c.active, c.noRequest, v.subscriptionStatus(), v.subscriptionId(), v.expiresAt(), v.lastError());
    }

    private static ActivationResponse outcome(SubscriptionService.Outcome o) {
        return new ActivationResponse(o.syncConfigurationId(), o.ok(), o.message());
    }
}
