package io.roomsync.tenant;

import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.roomsync.common.ValidationException;
import io.roomsync.web.Layout;
import io.roomsync.web.Pages;
import io.roomsync.web.Web;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The tenant properties page (/admin/properties) and its REST API (/api/v1/properties). */
public final class PropertyPages {
    /** One row of the page: the property, its current value, and what was entered when the save failed. */
    public record Row(TenantProperties.Current current, String entered, String error) {
        public TenantProperties.Definition definition() {
            return current.definition();
        }

        public String fieldId() {
            return "prop-" + definition().name();
        }
    }

    public record PropertiesPage(Layout layout, List<Row> rows, boolean hasErrors) {}

    /** The properties as the API reads and writes them; in PUT, an omitted or null property keeps its value. */
    public record PropertyValues(String sync_integration_mode, Boolean use_user_default_tz, String use_default_tz,
                                 Boolean create_blocking_rsv, Integer max_event_retry_count,
                                 Integer exchange_callback_time_limit, Integer cancel_unconfirmed_reservations,
                                 String blocker_user, Integer time_when_reservation_cancelled_without_check_in) {}

    /** A property with its meaning, type, default and current value (values in text form). */
    public record PropertyView(String name, String label, String meaning, String type, String unit, Integer min,
                               Integer max, List<String> choices, String defaultValue, String value, boolean usesDefault) {}

    private final TenantProperties properties;
    private final Pages pages;

    public PropertyPages(TenantProperties properties, Pages pages) {
        this.properties = properties;
        this.pages = pages;
    }

    public void page(Context ctx) {
        List<Row> rows = properties.list(Web.user(ctx).tenant()).stream().map(c -> new Row(c, c.value(), null)).toList();
        pages.render(ctx, "tenant/properties.jte", new PropertiesPage(pages.layout(ctx, "Properties", "admin-properties"), rows, false));
    }

    public void save(Context ctx) {
        CurrentUser user = Web.user(ctx);
        Map<String, String> entered = new LinkedHashMap<>();
        for (TenantProperties.Definition d : TenantProperties.DEFINITIONS) {
            String v = ctx.formParam(d.name());
            // An unticked checkbox sends nothing.
            if (d.type() == TenantProperties.Type.BOOLEAN) v = v == null ? "false" : "true";
            entered.put(d.name(), v == null ? "" : v);
        }
        try {
            properties.save(user, TenantPages.source(ctx), entered);
            pages.redirectWithFlash(ctx, "/admin/properties", "Properties saved.");
        } catch (ValidationException e) {
            List<Row> rows = properties.list(user.tenant()).stream()
                    .map(c -> new Row(c, entered.get(c.definition().name()), e.fieldErrors().get(c.definition().name()))).toList();
            ctx.status(HttpStatus.BAD_REQUEST);
            pages.render(ctx, "tenant/properties.jte", new PropertiesPage(pages.layout(ctx, "Properties", "admin-properties"), rows, true));
            ctx.status(HttpStatus.BAD_REQUEST);
        }
    }

    public void apiGet(Context ctx) {
        ctx.json(values(Web.user(ctx).tenant()));
    }

    public void apiDefinitions(Context ctx) {
        ctx.json(properties.list(Web.user(ctx).tenant()).stream().map(PropertyPages::view).toList());
    }

    public void apiPut(Context ctx) {
        CurrentUser user = Web.user(ctx);
        PropertyValues body = Web.jsonBody(ctx, PropertyValues.class);
        Map<String, String> changes = new LinkedHashMap<>();
        put(changes, TenantProperties.SYNC_INTEGRATION_MODE, body.sync_integration_mode());
        put(changes, TenantProperties.USE_USER_DEFAULT_TZ, body.use_user_default_tz());
        put(changes, TenantProperties.USE_DEFAULT_TZ, body.use_default_tz());
        put(changes, TenantProperties.CREATE_BLOCKING_RSV, body.create_blocking_rsv());
        put(changes, TenantProperties.MAX_EVENT_RETRY_COUNT, body.max_event_retry_count());
        put(changes, TenantProperties.EXCHANGE_CALLBACK_TIME_LIMIT, body.exchange_callback_time_limit());
        put(changes, TenantProperties.CANCEL_UNCONFIRMED_RESERVATIONS, body.cancel_unconfirmed_reservations());
        put(changes, TenantProperties.BLOCKER_USER, body.blocker_user());
        put(changes, TenantProperties.TIME_WHEN_RESERVATION_CANCELLED_WITHOUT_CHECK_IN, body.time_when_reservation_cancelled_without_check_in());
        properties.save(user, TenantPages.source(ctx), changes);
        ctx.json(values(user.tenant()));
    }

    private PropertyValues values(long tenantId) {
        Map<String, String> v = new LinkedHashMap<>();
        properties.list(tenantId).forEach(c -> v.put(c.definition().name(), c.value()));
        return new PropertyValues(v.get(TenantProperties.SYNC_INTEGRATION_MODE),
                Boolean.parseBoolean(v.get(TenantProperties.USE_USER_DEFAULT_TZ)),
                v.get(TenantProperties.USE_DEFAULT_TZ),
                Boolean.parseBoolean(v.get(TenantProperties.CREATE_BLOCKING_RSV)),
                Integer.parseInt(v.get(TenantProperties.MAX_EVENT_RETRY_COUNT)),
                Integer.parseInt(v.get(TenantProperties.EXCHANGE_CALLBACK_TIME_LIMIT)),
                Integer.parseInt(v.get(TenantProperties.CANCEL_UNCONFIRMED_RESERVATIONS)),
                v.get(TenantProperties.BLOCKER_USER).isEmpty() ? null : v.get(TenantProperties.BLOCKER_USER),
                Integer.parseInt(v.get(TenantProperties.TIME_WHEN_RESERVATION_CANCELLED_WITHOUT_CHECK_IN)));
    }

    private static PropertyView view(TenantProperties.Current c) {
        TenantProperties.Definition d = c.definition();
        return new PropertyView(d.name(), d.label(), d.meaning(), d.type().name().toLowerCase(java.util.Locale.ROOT), d.unit(),
                d.min(), d.max(), d.choices().stream().map(TenantProperties.Choice::value).toList(), d.defaultValue(),
                c.value(), c.isDefault());
    }

    private static void put(Map<String, String> changes, String name, Object value) {
        if (value != null) changes.put(name, value.toString());
    }
}
