package io.roomsync.location;

import io.roomsync.web.FormState;
import io.javalin.http.Context;
import io.roomsync.audit.AuditEntry;
import io.roomsync.audit.AuditLog;
import io.roomsync.common.ConflictException;
import io.roomsync.common.ValidationException;
import io.roomsync.db.Tx;
import io.roomsync.tenant.CurrentUser;
import io.roomsync.web.Layout;
import io.roomsync.web.Pages;
import io.roomsync.web.Web;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Admin pages for reservables (rooms, desks, other spaces). */
public final class RoomPages {
    /** A building with its floors, for the floor picker (one option group per building). */
    public record BuildingFloors(Building building, List<Floor> floors) {}

    /** What the create and edit forms offer to choose from. */
    public record Choices(List<BuildingFloors> buildings, List<ReservableModule> modules) {
        public ReservableKind[] kinds() {
            return ReservableKind.values();
        }
    }

    public record RoomsPage(Layout layout, List<LocationService.ReservableView> rooms, FormState filter, boolean filtered,
                            Choices choices, FormState form) {}

    public record RoomPage(Layout layout, LocationService.ReservableView room, Choices choices, FormState form, String error,
                           List<AuditEntry> history) {}

    static final String[] FIELDS = {"buildingId", "floorId", "moduleId", "kind", "name", "capacity", "equipment", "email"};

    private final LocationService locations;
    private final Pages pages;
    private final Tx tx;
    private final AuditLog audit;

    public RoomPages(LocationService locations, Pages pages, Tx tx, AuditLog audit) {
        this.locations = locations;
        this.pages = pages;
        this.tx = tx;
        this.audit = audit;
    }

    public void list(Context ctx) {
        Map<String, String> start = new HashMap<>();
        start.put("kind", "ROOM");
        String b = ctx.queryParam("buildingId");
        if (b != null) start.put("buildingId", b);
        renderList(ctx, FormState.of(start));
    }

    public void create(Context ctx) {
        CurrentUser user = Web.user(ctx);
        FormState form = FormState.posted(ctx, FIELDS);
        Map<String, String> parseErrors = new HashMap<>();
        LocationService.ReservableInput in = input(form, parseErrors, true);
        try {
            Reservable r = locations.createReservable(user, LocationService.PORTAL, in);
            pages.redirectWithFlash(ctx, "/admin/rooms?buildingId=" + r.buildingId, "'" + r.name + "' added.");
        } catch (ValidationException e) {
            ctx.status(400);
            renderList(ctx, form.withErrors(parseErrors).withErrors(e.fieldErrors()));
        }
    }

    public void show(Context ctx) {
        long tenantId = Web.user(ctx).tenant();
        LocationService.ReservableView view = locations.reservableView(tenantId, Web.pathId(ctx, "id"));
        renderOne(ctx, view, formOf(view.reservable()), null);
    }

    public void update(Context ctx) {
        CurrentUser user = Web.user(ctx);
        long id = Web.pathId(ctx, "id");
        LocationService.ReservableView view = locations.reservableView(user.tenant(), id);
        FormState form = FormState.posted(ctx, FIELDS);
        Map<String, String> parseErrors = new HashMap<>();
        try {
            Reservable r = locations.updateReservable(user, LocationService.PORTAL, id, input(form, parseErrors, false));
            pages.redirectWithFlash(ctx, "/admin/rooms/" + id, "'" + r.name + "' saved.");
        } catch (ValidationException e) {
            ctx.status(400);
            renderOne(ctx, view, form.withErrors(parseErrors).withErrors(e.fieldErrors()), null);
        }
    }

    public void setActive(Context ctx) {
        CurrentUser user = Web.user(ctx);
        long id = Web.pathId(ctx, "id");
        locations.reservable(user.tenant(), id);
        boolean active = "true".equals(ctx.formParam("active"));
        Reservable r = locations.setActive(user, LocationService.PORTAL, id, active);
        pages.redirectWithFlash(ctx, "/admin/rooms/" + id, active ? "'" + r.name + "' is active and can be booked again."
                : "'" + r.name + "' is deactivated: it can no longer be booked.");
    }

    public void delete(Context ctx) {
        CurrentUser user = Web.user(ctx);
        long id = Web.pathId(ctx, "id");
        LocationService.ReservableView view = locations.reservableView(user.tenant(), id);
        try {
            locations.deleteReservable(user, LocationService.PORTAL, id);
            pages.redirectWithFlash(ctx, "/admin/rooms?buildingId=" + view.building().id, "'" + view.reservable().name + "' deleted.");
        } catch (ConflictException e) {
            ctx.status(409);
            renderOne(ctx, view, formOf(view.reservable()), e.getMessage());
        }
    }

    /** Turns the posted fields into a service input; creates default to active, edits keep the current state. */
    private static LocationService.ReservableInput input(FormState form, Map<String, String> parseErrors, boolean create) {
        Integer capacity = FormState.integer(form, "capacity", "Capacity", parseErrors);
        return new LocationService.ReservableInput(FormState.id(form, "buildingId"), FormState.id(form, "floorId"),
                FormState.id(form, "moduleId"), form.value("kind"), form.value("name"), capacity,
                LocationRules.splitTags(form.value("equipment"), ",;|"), form.value("email"), create ? Boolean.TRUE : null);
    }

    private static FormState formOf(Reservable r) {
        Map<String, String> v = new HashMap<>();
        v.put("buildingId", String.valueOf(r.buildingId));
        v.put("floorId", r.floorId == null ? "" : String.valueOf(r.floorId));
        v.put("moduleId", String.valueOf(r.moduleId));
        v.put("kind", r.kind.name());
        v.put("name", r.name);
        v.put("capacity", String.valueOf(r.capacity));
        v.put("equipment", String.join(", ", r.equipmentTags()));
        v.put("email", r.email == null ? "" : r.email);
        return FormState.of(v);
    }

    private Choices choices(long tenantId) {
        List<Building> buildings = locations.listBuildings(tenantId);
        List<Floor> floors = locations.allFloors(tenantId);
        List<BuildingFloors> grouped = new ArrayList<>();
        for (Building b : buildings) {
            grouped.add(new BuildingFloors(b, floors.stream().filter(f -> f.buildingId.equals(b.id)).toList()));
        }
        return new Choices(grouped, locations.modules(tenantId));
    }

    private void renderList(Context ctx, FormState form) {
        long tenantId = Web.user(ctx).tenant();
        FormState filter = FormState.of(queryValues(ctx, "buildingId", "kind", "active", "q"));
        ReservableKind kind = LocationRules.kind(LocationRules.clean(filter.value("kind")));
        Boolean active = filter.is("active", "true") ? Boolean.TRUE : filter.is("active", "false") ? Boolean.FALSE : null;
        Long buildingId = Web.optionalLong(filter.value("buildingId"));
        List<LocationService.ReservableView> rooms = locations.reservables(tenantId,
                new LocationService.ReservableFilter(buildingId, kind, active, null, List.of(), filter.value("q")));
        boolean filtered = buildingId != null || kind != null || active != null || !filter.value("q").isBlank();
        pages.render(ctx, "location/rooms.jte", new RoomsPage(pages.layout(ctx, "Rooms & desks", "admin-rooms"), rooms, filter,
                filtered, choices(tenantId), form));
    }

    private void renderOne(Context ctx, LocationService.ReservableView view, FormState form, String error) {
        long tenantId = Web.user(ctx).tenant();
        List<AuditEntry> history = new ArrayList<>(tx.call(s -> audit.forEntity(s, tenantId, "Reservable", view.reservable().id)));
        Collections.reverse(history);
        pages.render(ctx, "location/room.jte", new RoomPage(pages.layout(ctx, view.reservable().name, "admin-rooms"), view,
                choices(tenantId), form, error, history.subList(0, Math.min(20, history.size()))));
    }

    private static Map<String, String> queryValues(Context ctx, String... names) {
        Map<String, String> v = new HashMap<>();
        for (String n : names) {
            String q = ctx.queryParam(n);
            if (q != null) v.put(n, q);
        }
        return v;
    }
}
