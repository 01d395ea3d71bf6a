package io.roomsync.location;

import io.javalin.http.Context;
import io.roomsync.common.NotFoundException;
import io.roomsync.common.ValidationException;
import io.roomsync.tenant.CurrentUser;
import io.roomsync.web.Problem;
import io.roomsync.web.Web;
import io.roomsync.web.WebServer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * REST API v1 for buildings, floors, modules and reservables: everything the admin pages do, scriptable. Reads are
 * open to every employee of the tenant, writes to tenant admins (the routes say which). Changes are audited with
 * the REST API source.
 */
public final class LocationApi {
    // ------------------------------------------------------------------------------------------------ DTOs

    public record BuildingRequest(String name, String timeZone, String address) {}

    public record BuildingResponse(long id, String name, String timeZone, String address, long floorCount, long reservableCount,
                                   Instant createdAt) {}

    public record FloorRequest(String name, Integer levelNumber) {}

    public record FloorResponse(long id, long buildingId, String name, int levelNumber, long reservableCount) {}

    /** kind: ROOM, DESK or OTHER; showAs: BUSY or FREE. */
    public record ModuleRequest(String name, String kind, String showAs, Boolean groupReservations, Boolean checkInRequired,
                                Integer maxDurationMinutes, Integer bookingWindowDays) {}

    public record ModuleResponse(long id, String name, ReservableKind kind, ShowAs showAs, boolean groupReservations,
                                 boolean checkInRequired, int maxDurationMinutes, int bookingWindowDays, long reservableCount) {}

    /** moduleId may be left out (the first module of the kind); active defaults to true and, on PUT, keeps its value. */
    public record ReservableRequest(Long buildingId, Long floorId, Long moduleId, String kind, String name, Integer capacity,
                                    List<String> equipment, String email, Boolean active) {}

    public record ReservableResponse(long id, String name, ReservableKind kind, int capacity, List<String> equipment, String email,
                                     boolean active, long buildingId, String buildingName, String timeZone, Long floorId,
                                     String floorName, long moduleId, String moduleName) {}

    public record ImportRow(int line, RoomCsvImport.Action action, String name, ReservableKind kind, int capacity, String floor,
                            boolean newFloor, List<String> equipment, String email, String module, String changes) {}

    public record ImportResponse(long buildingId, String buildingName, boolean dryRun, int created, int updated, int unchanged,
                                 List<String> newFloors, List<ImportRow> rows) {}

    private final LocationService locations;
    private final RoomCsvImport importer;

    public LocationApi(LocationService locations, RoomCsvImport importer) {
        this.locations = locations;
        this.importer = importer;
    }

    // ------------------------------------------------------------------------------------------- buildings

    public void listBuildings(Context ctx) {
        ctx.json(locations.buildingSummaries(tenant(ctx)).stream().map(LocationApi::building).toList());
    }

    public void getBuilding(Context ctx) {
        ctx.json(building(locations.buildingSummary(tenant(ctx), Web.pathId(ctx, "id"))));
    }

    public void createBuilding(Context ctx) {
        BuildingRequest in = body(ctx, BuildingRequest.class);
        Building b = locations.createBuilding(Web.user(ctx), LocationService.REST_API, new LocationService.BuildingInput(in.name(), in.timeZone(), in.address()));
        created(ctx, "/api/v1/buildings/" + b.id, building(locations.buildingSummary(b.tenantId, b.id)));
    }

    public void updateBuilding(Context ctx) {
        long id = Web.pathId(ctx, "id");
        CurrentUser user = Web.user(ctx);
        locations.building(user.tenant(), id);
        BuildingRequest in = body(ctx, BuildingRequest.class);
        locations.updateBuilding(user, LocationService.REST_API, id, new LocationService.BuildingInput(in.name(), in.timeZone(), in.address()));
        ctx.json(building(locations.buildingSummary(user.tenant(), id)));
    }

    public void deleteBuilding(Context ctx) {
        locations.deleteBuilding(Web.user(ctx), LocationService.REST_API, Web.pathId(ctx, "id"));
        ctx.status(204);
    }

    // ---------------------------------------------------------------------------------------------- floors

    public void listFloors(Context ctx) {
        ctx.json(locations.floorSummaries(tenant(ctx), Web.pathId(ctx, "id")).stream().map(LocationApi::floor).toList());
    }

    public void createFloor(Context ctx) {
        long buildingId = Web.pathId(ctx, "id");
        CurrentUser user = Web.user(ctx);
        locations.building(user.tenant(), buildingId);
        FloorRequest in = body(ctx, FloorRequest.class);
        Floor f = locations.createFloor(user, LocationService.REST_API, buildingId, new LocationService.FloorInput(in.name(), in.levelNumber()));
        created(ctx, "/api/v1/floors/" + f.id, new FloorResponse(f.id, f.buildingId, f.name, f.levelNumber, 0));
    }

    public void updateFloor(Context ctx) {
        long id = Web.pathId(ctx, "id");
        CurrentUser user = Web.user(ctx);
        locations.floor(user.tenant(), id);
        FloorRequest in = body(ctx, FloorRequest.class);
        Floor f = locations.updateFloor(user, LocationService.REST_API, id, new LocationService.FloorInput(in.name(), in.levelNumber()));
        ctx.json(locations.floorSummaries(user.tenant(), f.buildingId).stream().filter(s -> s.floor().id.equals(f.id))
                .map(LocationApi::floor).findFirst().orElseThrow(() -> new NotFoundException("Floor")));
    }

    public void deleteFloor(Context ctx) {
        locations.deleteFloor(Web.user(ctx), LocationService.REST_API, Web.pathId(ctx, "id"));
        ctx.status(204);
    }

    // --------------------------------------------------------------------------------------------- modules

    public void listModules(Context ctx) {
        ctx.json(locations.moduleSummaries(tenant(ctx)).stream().map(LocationApi::module).toList());
    }

    public void getModule(Context ctx) {
        ctx.json(module(locations.moduleSummary(tenant(ctx), Web.pathId(ctx, "id"))));
    }

    public void createModule(Context ctx) {
        ModuleRequest in = body(ctx, ModuleRequest.class);
        ReservableModule m = locations.createModule(Web.user(ctx), LocationService.REST_API, moduleInput(in));
        created(ctx, "/api/v1/modules/" + m.id, module(new LocationService.ModuleSummary(m, 0)));
    }

    public void updateModule(Context ctx) {
        long id = Web.pathId(ctx, "id");
        CurrentUser user = Web.user(ctx);
        locations.module(user.tenant(), id);
        ModuleRequest in = body(ctx, ModuleRequest.class);
        locations.updateModule(user, LocationService.REST_API, id, moduleInput(in));
        ctx.json(module(locations.moduleSummary(user.tenant(), id)));
    }

    public void deleteModule(Context ctx) {
        locations.deleteModule(Web.user(ctx), LocationService.REST_API, Web.pathId(ctx, "id"));
        ctx.status(204);
    }

    private static LocationService.ModuleInput moduleInput(ModuleRequest in) {
        return new LocationService.ModuleInput(in.name(), in.kind(), in.showAs(), in.groupReservations(), in.checkInRequired(),
                in.maxDurationMinutes(), in.bookingWindowDays());
    }

    // ----------------------------------------------------------------------------------------- reservables

    public void listReservables(Context ctx) {
        ValidationException.Errors errors = new ValidationException.Errors();
        Long buildingId = null;
        String b = ctx.queryParam("buildingId");
        if (b != null && !b.isBlank()) {
            buildingId = Web.optionalLong(b);
            if (buildingId == null) errors.add("buildingId", "buildingId must be a number.");
        }
        ReservableKind kind = null;
        String k = LocationRules.clean(ctx.queryParam("kind"));
        if (k != null) {
            kind = LocationRules.kind(k);
            if (kind == null) errors.add("kind", LocationRules.kindMessage());
        }
        Boolean active = null;
        String a = LocationRules.clean(ctx.queryParam("active"));
        if (a != null) {
            if (a.equalsIgnoreCase("true")) active = true;
            else if (a.equalsIgnoreCase("false")) active = false;
            else errors.add("active", "active must be true or false.");
        }
        Integer minCapacity = null;
        String c = LocationRules.clean(ctx.queryParam("minCapacity"));
        if (c != null) {
            try {
                minCapacity = Integer.parseInt(c);
            } catch (NumberFormatException e) {
                errors.add("minCapacity", "minCapacity must be a whole number.");
            }
        }
        List<String> equipment = LocationRules.splitTags(ctx.queryParam("equipment"), ",");
        errors.throwIfAny();
        // Inactive rooms can't be booked; only those who manage rooms see them.
        if (!Web.user(ctx).isTenantAdmin()) {
            if (Boolean.FALSE.equals(active)) {
                ctx.json(List.of());
                return;
            }
            active = true;
        }
        LocationService.ReservableFilter filter = new LocationService.ReservableFilter(buildingId, kind, active, minCapacity,
                equipment, ctx.queryParam("q"));
        ctx.json(locations.reservables(tenant(ctx), filter).stream().map(LocationApi::reservable).toList());
    }

    public void getReservable(Context ctx) {
        ctx.json(reservable(locations.reservableView(tenant(ctx), Web.pathId(ctx, "id"))));
    }

    public void createReservable(Context ctx) {
        CurrentUser user = Web.user(ctx);
        ReservableRequest in = body(ctx, ReservableRequest.class);
        Reservable r = locations.createReservable(user, LocationService.REST_API, reservableInput(in));
        created(ctx, "/api/v1/reservables/" + r.id, reservable(locations.reservableView(user.tenant(), r.id)));
    }

    public void updateReservable(Context ctx) {
        long id = Web.pathId(ctx, "id");
        CurrentUser user = Web.user(ctx);
        locations.reservable(user.tenant(), id);
        ReservableRequest in = body(ctx, ReservableRequest.class);
        locations.updateReservable(user, LocationService.REST_API, id, reservableInput(in));
        ctx.json(reservable(locations.reservableView(user.tenant(), id)));
    }

    public void deleteReservable(Context ctx) {
        locations.deleteReservable(Web.user(ctx), LocationService.REST_API, Web.pathId(ctx, "id"));
        ctx.status(204);
    }

    private static LocationService.ReservableInput reservableInput(ReservableRequest in) {
        return new LocationService.ReservableInput(in.buildingId(), in.floorId(), in.moduleId(), in.kind(), in.name(), in.capacity(),
                in.equipment(), in.email(), in.active());
    }

    /** POST /api/v1/reservables/import?buildingId=&dryRun= with a text/csv body. */
    public void importReservables(Context ctx) {
        CurrentUser user = Web.user(ctx);
        Long buildingId = Web.optionalLong(ctx.queryParam("buildingId"));
        String dry = LocationRules.clean(ctx.queryParam("dryRun"));
        ValidationException.Errors errors = new ValidationException.Errors();
        if (buildingId == null) errors.add("buildingId", "Name the building: ?buildingId=<id>.");
        if (dry != null && !dry.equalsIgnoreCase("true") && !dry.equalsIgnoreCase("false")) {
            errors.add("dryRun", "dryRun must be true or false.");
        }
        errors.throwIfAny();
        locations.building(user.tenant(), buildingId);
        // Without an explicit dryRun=false nothing is written, so a mistyped script cannot change data by accident.
        boolean dryRun = dry == null || dry.equalsIgnoreCase("true");
        byte[] bytes = ctx.bodyAsBytes();
        if (bytes.length > RoomCsvImport.MAX_BYTES) {
            throw new ValidationException("file", "The file is larger than " + (RoomCsvImport.MAX_BYTES / 1_000_000) + " MB. Split it into several files.");
        }
        String csv = RoomCsvImport.decode(bytes);
        if (csv == null) throw new ValidationException("file", "The body is not UTF-8 text.");
        RoomCsvImport.Preview result;
        try {
            result = dryRun ? importer.preview(user.tenant(), buildingId, csv) : importer.apply(user, LocationService.REST_API, buildingId, csv);
        } catch (RoomCsvImport.Rejected e) {
            result = e.preview;
        }
        if (!result.ok()) {
            List<Problem.FieldError> lines = new ArrayList<>();
            for (RoomCsvImport.LineError e : result.errors()) lines.add(new Problem.FieldError(e.line() == 0 ? "file" : "line " + e.line(), e.message()));
            WebServer.problem(ctx, new Problem("https://roomsync.io/problems/validation", "The CSV file has errors; nothing was imported",
                    422, lines.size() + " problem(s); the first: " + lines.get(0).field() + ": " + lines.get(0).message(), ctx.path(), lines));
            return;
        }
        ctx.json(new ImportResponse(result.buildingId(), result.buildingName(), dryRun, result.creates().size(), result.updates().size(),
                result.unchanged().size(), result.newFloors(), result.rows().stream().map(r -> new ImportRow(r.line(), r.action(), r.name(),
                r.kind(), r.capacity(), r.floor(), r.newFloor(), r.equipment(), r.email(), r.module(), r.changes())).toList()));
    }

    // ------------------------------------------------------------------------------------------- mapping

    private static BuildingResponse building(LocationService.BuildingSummary s) {
        Building b = s.building();
        return new BuildingResponse(b.id, b.name, b.timeZone, b.address, s.floors(), s.reservables(), b.createdAt);
    }

    private static FloorResponse floor(LocationService.FloorSummary s) {
        Floor f = s.floor();
        return new FloorResponse(f.id, f.buildingId, f.name, f.levelNumber, s.reservables());
    }

    private static ModuleResponse module(LocationService.ModuleSummary s) {
        ReservableModule m = s.module();
        return new ModuleResponse(m.id, m.name, m.kind, m.showAs, m.groupReservations, m.checkInRequired, m.maxDurationMinutes,
                m.bookingWindowDays, s.reservables());
    }

    private static ReservableResponse reservable(LocationService.ReservableView v) {
        Reservable r = v.reservable();
        return new ReservableResponse(r.id, r.name, r.kind, r.capacity, r.equipmentTags(), r.email, r.active, v.building().id,
                v.building().name, v.building().timeZone, v.floor() == null ? null : v.floor().id, v.floor() == null ? null : v.floor().name,
                v.module().id, v.module().name);
    }

    private static long tenant(Context ctx) {
        return Web.user(ctx).tenant();
    }

    private static <T> T body(Context ctx, Class<T> type) {
        return Web.jsonBody(ctx, type);
    }

    private static void created(Context ctx, String location, Object body) {
        ctx.status(201);
        ctx.header("Location", location);
        ctx.json(body);
    }
}
