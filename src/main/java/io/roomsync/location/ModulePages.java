package io.roomsync.location;

import io.roomsync.web.FormState;
import io.javalin.http.Context;
import io.roomsync.common.ConflictException;
import io.roomsync.common.ValidationException;
import io.roomsync.tenant.CurrentUser;
import io.roomsync.web.Layout;
import io.roomsync.web.Pages;
import io.roomsync.web.Web;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Admin pages for reservable modules and their booking options. */
public final class ModulePages {
    public record ModulesPage(Layout layout, List<LocationService.ModuleSummary> modules, FormState form) {
        public ReservableKind[] kinds() {
            return ReservableKind.values();
        }
    }

    public record ModulePage(Layout layout, LocationService.ModuleSummary module, FormState form, String error) {
        public ReservableKind[] kinds() {
            return ReservableKind.values();
        }
    }

    static final String[] FIELDS = {"name", "kind", "showAs", "groupReservations", "checkInRequired", "maxDurationMinutes", "bookingWindowDays"};

    private final LocationService locations;
    private final Pages pages;

    public ModulePages(LocationService locations, Pages pages) {
        this.locations = locations;
        this.pages = pages;
    }

    public void list(Context ctx) {
        renderList(ctx, FormState.of(Map.of("kind", "ROOM", "showAs", "BUSY", "maxDurationMinutes", "480", "bookingWindowDays", "90")));
    }

    public void create(Context ctx) {
        CurrentUser user = Web.user(ctx);
        FormState form = FormState.posted(ctx, FIELDS);
        Map<String, String> parseErrors = new HashMap<>();
        try {
            ReservableModule m = locations.createModule(user, LocationService.PORTAL, input(form, parseErrors));
            pages.redirectWithFlash(ctx, "/admin/modules/" + m.id, "Module '" + m.name + "' created.");
        } catch (ValidationException e) {
            ctx.status(400);
            renderList(ctx, form.withErrors(parseErrors).withErrors(e.fieldErrors()));
        }
    }

    public void show(Context ctx) {
        LocationService.ModuleSummary summary = locations.moduleSummary(Web.user(ctx).tenant(), Web.pathId(ctx, "id"));
        renderOne(ctx, summary, formOf(summary.module()), null);
    }

    public void update(Context ctx) {
        CurrentUser user = Web.user(ctx);
        long id = Web.pathId(ctx, "id");
        LocationService.ModuleSummary summary = locations.moduleSummary(user.tenant(), id);
        FormState form = FormState.posted(ctx, FIELDS);
        Map<String, String> parseErrors = new HashMap<>();
        try {
            ReservableModule m = locations.updateModule(user, LocationService.PORTAL, id, input(form, parseErrors));
            pages.redirectWithFlash(ctx, "/admin/modules/" + id, "Module '" + m.name + "' saved.");
        } catch (ValidationException e) {
            ctx.status(400);
            renderOne(ctx, summary, form.withErrors(parseErrors).withErrors(e.fieldErrors()), null);
        }
    }

    public void delete(Context ctx) {
        CurrentUser user = Web.user(ctx);
        long id = Web.pathId(ctx, "id");
        LocationService.ModuleSummary summary = locations.moduleSummary(user.tenant(), id);
        try {
            locations.deleteModule(user, LocationService.PORTAL, id);
            pages.redirectWithFlash(ctx, "/admin/modules", "Module '" + summary.module().name + "' deleted.");
        } catch (ConflictException e) {
            ctx.status(409);
            renderOne(ctx, summary, formOf(summary.module()), e.getMessage());
        }
    }

    /** Checkboxes are absent when unticked, so the form always states both options explicitly. */
    private static LocationService.ModuleInput input(FormState form, Map<String, String> parseErrors) {
        return new LocationService.ModuleInput(form.value("name"), form.value("kind"), form.value("showAs"),
                form.checked("groupReservations"), form.checked("checkInRequired"),
                FormState.integer(form, "maxDurationMinutes", "Maximum duration", parseErrors),
                FormState.integer(form, "bookingWindowDays", "Booking window", parseErrors));
    }

    private static FormState formOf(ReservableModule m) {
        Map<String, String> v = new HashMap<>();
        v.put("name", m.name);
        v.put("kind", m.kind.name());
        v.put("showAs", m.showAs.name());
        if (m.groupReservations) v.put("groupReservations", "on");
        if (m.checkInRequired) v.put("checkInRequired", "on");
        v.put("maxDurationMinutes", String.valueOf(m.maxDurationMinutes));
        v.put("bookingWindowDays", String.valueOf(m.bookingWindowDays));
        return FormState.of(v);
    }

    private void renderList(Context ctx, FormState form) {
        pages.render(ctx, "location/modules.jte", new ModulesPage(pages.layout(ctx, "Modules", "admin-modules"),
                locations.moduleSummaries(Web.user(ctx).tenant()), form));
    }

    private void renderOne(Context ctx, LocationService.ModuleSummary summary, FormState form, String error) {
        pages.render(ctx, "location/module.jte", new ModulePage(pages.layout(ctx, summary.module().name, "admin-modules"),
                summary, form, error));
    }
}
