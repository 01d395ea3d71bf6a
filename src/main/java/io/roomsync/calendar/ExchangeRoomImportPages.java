package io.roomsync.calendar;

import io.javalin.http.Context;
import io.roomsync.common.ValidationException;
import io.roomsync.graph.GraphFailure;
import io.roomsync.location.DirectoryRoomImport;
import io.roomsync.location.LocationService;
import io.roomsync.tenant.CurrentUser;
import io.roomsync.web.FormState;
import io.roomsync.web.Layout;
import io.roomsync.web.Pages;
import io.roomsync.web.Web;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Rooms admin: import rooms from Exchange (the Places API of a calendar provider). Choose the provider, look at the
 * preview, apply. Apply reads Exchange again, because rooms may have changed since the preview.
 */
public final class ExchangeRoomImportPages {
    public record ProviderOption(long id, String name) {}

    /** preview null until one was made; error: Exchange could not be read. */
    public record ImportPage(Layout layout, List<ProviderOption> providers, FormState form, DirectoryRoomImport.Preview preview,
                             String error) {
        public String defaultBuilding() {
            return DirectoryRoomImport.DEFAULT_BUILDING;
        }
    }

    private static final String[] FIELDS = {"providerId", "timeZone"};
    private final ProviderService providers;
    private final ExchangeRooms rooms;
    private final Pages pages;

    public ExchangeRoomImportPages(ProviderService providers, ExchangeRooms rooms, Pages pages) {
        this.providers = providers;
        this.rooms = rooms;
        this.pages = pages;
    }

    public void form(Context ctx) {
        CurrentUser user = Web.user(ctx);
        Map<String, String> v = new HashMap<>();
        List<ProviderOption> options = options(user);
        if (options.size() == 1) v.put("providerId", Long.toString(options.get(0).id()));
        String p = ctx.queryParam("providerId");
        if (p != null) v.put("providerId", p);
        v.put("timeZone", rooms.suggestedTimeZone(user));
        render(ctx, FormState.of(v), null, null);
    }

    public void preview(Context ctx) {
        run(ctx, false);
    }

    public void apply(Context ctx) {
        run(ctx, true);
    }

    private void run(Context ctx, boolean apply) {
        CurrentUser user = Web.user(ctx);
        FormState form = FormState.posted(ctx, FIELDS);
        Long providerId = FormState.id(form, "providerId");
        if (providerId == null) {
            ctx.status(400);
            render(ctx, form.withErrors(Map.of("providerId", "Choose the calendar provider to import from.")), null, null);
            return;
        }
        providers.get(user.tenant(), providerId);
        try {
            if (!apply) {
                render(ctx, form, rooms.preview(user.tenant(), providerId, form.value("timeZone")), null);
                return;
            }
            DirectoryRoomImport.Preview done = rooms.apply(user, LocationService.PORTAL, providerId, form.value("timeZone"));
            pages.redirectWithFlash(ctx, "/admin/rooms", "Import from Exchange done: " + done.creates().size() + " created, "
                    + done.updates().size() + " updated, " + done.unchanged().size() + " unchanged"
                    + (done.skipped().isEmpty() ? "" : ", " + done.skipped().size() + " skipped")
                    + (done.newBuildings().isEmpty() ? "" : ", " + done.newBuildings().size() + " new building(s)")
                    + (done.newFloors().isEmpty() ? "" : ", " + done.newFloors().size() + " new floor(s)") + ".");
        } catch (ValidationException e) {
            ctx.status(400);
            render(ctx, form.withErrors(e.fieldErrors()), null, null);
        } catch (GraphFailure f) {
            ctx.status(502);
            render(ctx, form, null, ExchangeRooms.failureMessage(f));
        }
    }

    private List<ProviderOption> options(CurrentUser user) {
        return providers.list(user.tenant()).stream().map(ProviderService.ProviderView::provider)
                .map(p -> new ProviderOption(p.id, p.name)).toList();
    }

    private void render(Context ctx, FormState form, DirectoryRoomImport.Preview preview, String error) {
        CurrentUser user = Web.user(ctx);
        pages.render(ctx, "calendar/roomimport.jte", new ImportPage(pages.layout(ctx, "Import rooms from Exchange", "admin-rooms"),
                options(user), form, preview, error));
    }
}
