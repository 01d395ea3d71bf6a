package io.roomsync.location;

import io.roomsync.web.FormState;
import io.javalin.http.Context;
import io.roomsync.common.ConflictException;
import io.roomsync.common.NotFoundException;
import io.roomsync.common.ValidationException;
import io.roomsync.tenant.CurrentUser;
import io.roomsync.web.Layout;
import io.roomsync.web.Pages;
import io.roomsync.web.Web;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Admin pages for buildings and their floors. */
public final class BuildingPages {
    public record BuildingsPage(Layout layout, List<LocationService.BuildingSummary> buildings, FormState form) {}

    /** renameFloorId + renameForm: a floor rename that was rejected, shown with its errors. */
    public record BuildingPage(Layout layout, LocationService.BuildingSummary building, List<LocationService.FloorSummary> floors,
                               FormState form, FormState floorForm, Long renameFloorId, FormState renameForm, String error) {}

    private final LocationService locations;
    private final Pages pages;

    public BuildingPages(LocationService locations, Pages pages) {
        this.locations = locations;
        this.pages = pages;
    }

    public void list(Context ctx) {
        renderList(ctx, FormState.of(Map.of("timeZone", "UTC")));
    }

    public void create(Context ctx) {
        CurrentUser user = Web.user(ctx);
        FormState form = FormState.posted(ctx, "name", "timeZone", "address");
        try {
            Building b = locations.createBuilding(user, LocationService.PORTAL,
                    new LocationService.BuildingInput(form.value("name"), form.value("timeZone"), form.value("address")));
            pages.redirectWithFlash(ctx, "/admin/buildings/" + b.id, "Building '" + b.name + "' created. Add its floors next.");
        } catch (ValidationException e) {
            ctx.status(400);
            renderList(ctx, form.withErrors(e.fieldErrors()));
        }
    }

    public void show(Context ctx) {
        Building b = locations.building(Web.user(ctx).tenant(), Web.pathId(ctx, "id"));
        renderOne(ctx, b.id, buildingForm(b), FormState.empty(), null, null, null);
    }

    public void update(Context ctx) {
        CurrentUser user = Web.user(ctx);
        long id = Web.pathId(ctx, "id");
        locations.building(user.tenant(), id);
        FormState form = FormState.posted(ctx, "name", "timeZone", "address");
        try {
            Building b = locations.updateBuilding(user, LocationService.PORTAL, id,
                    new LocationService.BuildingInput(form.value("name"), form.value("timeZone"), form.value("address")));
            pages.redirectWithFlash(ctx, "/admin/buildings/" + b.id, "Building '" + b.name + "' saved.");
        } catch (ValidationException e) {
            ctx.status(400);
            renderOne(ctx, id, form.withErrors(e.fieldErrors()), FormState.empty(), null, null, null);
        }
    }

    public void delete(Context ctx) {
        CurrentUser user = Web.user(ctx);
        long id = Web.pathId(ctx, "id");
        Building b = locations.building(user.tenant(), id);
        try {
            locations.deleteBuilding(user, LocationService.PORTAL, id);
            pages.redirectWithFlash(ctx, "/admin/buildings", "Building '" + b.name + "' deleted.");
        } catch (ConflictException e) {
            ctx.status(409);
            renderOne(ctx, id, buildingForm(b), FormState.empty(), null, null, e.getMessage());
        }
    }

    public void addFloor(Context ctx) {
        CurrentUser user = Web.user(ctx);
        long id = Web.pathId(ctx, "id");
        Building b = locations.building(user.tenant(), id);
        FormState form = FormState.posted(ctx, "name", "levelNumber");
        Map<String, String> parseErrors = new HashMap<>();
        Integer level = FormState.integer(form, "levelNumber", "Level", parseErrors);
        try {
            Floor f = locations.createFloor(user, LocationService.PORTAL, id, new LocationService.FloorInput(form.value("name"), level));
            pages.redirectWithFlash(ctx, "/admin/buildings/" + id, "Floor '" + f.name + "' added.");
        } catch (ValidationException e) {
            ctx.status(400);
            renderOne(ctx, id, buildingForm(b), form.withErrors(parseErrors).withErrors(e.fieldErrors()), null, null, null);
        }
    }

    public void renameFloor(Context ctx) {
        CurrentUser user = Web.user(ctx);
        long id = Web.pathId(ctx, "id");
        Building b = locations.building(user.tenant(), id);
        Floor floor = floorOf(user, b, ctx);
        FormState form = FormState.posted(ctx, "name", "levelNumber");
        Map<String, String> parseErrors = new HashMap<>();
        Integer level = FormState.integer(form, "levelNumber", "Level", parseErrors);
        try {
            Floor f = locations.updateFloor(user, LocationService.PORTAL, floor.id, new LocationService.FloorInput(form.value("name"), level));
            pages.redirectWithFlash(ctx, "/admin/buildings/" + id, "Floor '" + f.name + "' saved.");
        } catch (ValidationException e) {
            ctx.status(400);
            renderOne(ctx, id, buildingForm(b), FormState.empty(), floor.id, form.withErrors(parseErrors).withErrors(e.fieldErrors()), null);
        }
    }

    public void deleteFloor(Context ctx) {
        CurrentUser user = Web.user(ctx);
        long id = Web.pathId(ctx, "id");
        Building b = locations.building(user.tenant(), id);
        Floor floor = floorOf(user, b, ctx);
        try {
            locations.deleteFloor(user, LocationService.PORTAL, floor.id);
            pages.redirectWithFlash(ctx, "/admin/buildings/" + id, "Floor '" + floor.name + "' deleted.");
        } catch (ConflictException e) {
            ctx.status(409);
            renderOne(ctx, id, buildingForm(b), FormState.empty(), null, null, e.getMessage());
        }
    }

    /** The floor named in the path, which must be a floor of this building (anything else is not found). */
    private Floor floorOf(CurrentUser user, Building b, Context ctx) {
        Floor f = locations.floor(user.tenant(), Web.pathId(ctx, "floorId"));
        if (!f.buildingId.equals(b.id)) throw new NotFoundException("Floor");
        return f;
    }

    private static FormState buildingForm(Building b) {
        Map<String, String> v = new HashMap<>();
        v.put("name", b.name);
        v.put("timeZone", b.timeZone);
        v.put("address", b.address == null ? "" : b.address);
        return FormState.of(v);
    }

    private void renderList(Context ctx, FormState form) {
        long tenantId = Web.user(ctx).tenant();
        pages.render(ctx, "location/buildings.jte", new BuildingsPage(pages.layout(ctx, "Buildings", "admin-buildings"),
                locations.buildingSummaries(tenantId), form));
    }

    private void renderOne(Context ctx, long id, FormState form, FormState floorForm, Long renameFloorId, FormState renameForm, String error) {
        long tenantId = Web.user(ctx).tenant();
        LocationService.BuildingSummary summary = locations.buildingSummary(tenantId, id);
        pages.render(ctx, "location/building.jte", new BuildingPage(pages.layout(ctx, summary.building().name, "admin-buildings"),
                summary, locations.floorSummaries(tenantId, id), form, floorForm, renameFloorId,
                renameForm == null ? FormState.empty() : renameForm, error));
    }
}
