package io.roomsync.reservation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.roomsync.common.ValidationException;
import io.roomsync.location.ReservableKind;
import io.roomsync.tenant.CurrentUser;
import io.roomsync.web.OpenApi;
import io.roomsync.web.Web;
import io.roomsync.web.WebServer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * REST API v1 for reservations and availability. Times go in as local date-times in the building's zone and come
 * back both ways: local ({@code start}, {@code end}) with {@code timeZone}, and as UTC instants ({@code startUtc},
 * {@code endUtc}). Every change is made with source REST API (sub-source {@code sn_wsd_rest_api}).
 */
public final class ReservationApi {
    public static final int LIST_LIMIT = 500;

    private final ReservationService reservations;
    private final AvailabilityService availability;
    private final java.time.Clock clock;

    public ReservationApi(ReservationService reservations, AvailabilityService availability, java.time.Clock clock) {
        this.reservations = reservations;
        this.availability = availability;
        this.clock = clock;
    }

    // -------------------------------------------------------------------------------------------------- DTOs

    public record AvailableReservable(long reservableId, String name, ReservableKind kind, long buildingId, String buildingName,
                                      String floorName, int capacity, List<String> equipment, String timeZone,
                                      LocalDateTime start, LocalDateTime end, Instant startUtc, Instant endUtc,
                                      LocalDateTime nextBookedAt) {}

    /** Create or change a reservation. On a change (PUT), fields left out keep their value. */
    public record ReservationRequest(Long reservableId, LocalDateTime start, LocalDateTime end, String subject, String notes,
                                     Long requestedForId, List<String> attendees, Long version) {}

    public record CancelRequest(Long version) {}

    public record PersonRef(long id, String email, String name) {}

    public record AttendeeRef(String email, String name, Long userId, boolean visitor) {}

    public record ReservationResponse(long id, long reservableId, String reservableName, long buildingId, String buildingName,
                                      String timeZone, LocalDateTime start, LocalDateTime end, Instant startUtc, Instant endUtc,
                                      String subject, String notes, ReservationState state, ReservationType type,
                                      PersonRef requestedBy, PersonRef requestedFor, List<AttendeeRef> attendees,
                                      Source createdSource, String createdSubSource, Source updatedSource, String updatedSubSource,
                                      SyncState syncState, long version, boolean canChange, String readOnlyReason,
                                      List<String> warnings) {}

    public static final OpenApi.Operation AVAILABILITY = OpenApi.Operation.of("Availability",
                    "Reservables free for a whole span (times local to each building)")
            .returnsList(AvailableReservable.class)
            .query("buildingId", "building to search (default: all buildings)")
            .query("date", "local date, e.g. 2027-05-03 (required)")
            .query("start", "local start time, e.g. 09:30 (required)")
            .query("durationMinutes", "length of the span in minutes (default 60)")
            .query("capacity", "minimum number of seats (default 1)")
            .query("equipment", "required equipment tags, comma separated or repeated (e.g. display,video)")
            .query("kind", "ROOM, DESK or OTHER (default: any)");
    public static final OpenApi.Operation LIST = OpenApi.Operation.of("Reservations", "List your reservations")
            .returnsList(ReservationResponse.class)
            .query("from", "only reservations ending after this date (UTC day) or instant (default: now)")
            .query("to", "only reservations starting before this date (UTC day) or instant")
            .query("state", "only this state, e.g. CONFIRMED or CANCELLED")
            .query("all", "true: every reservation of your organization (tenant admins only)");
    public static final OpenApi.Operation CREATE = OpenApi.Operation.of("Reservations", "Book a reservable")
            .accepts(ReservationRequest.class).returns(ReservationResponse.class).status(201);
    public static final OpenApi.Operation GET = OpenApi.Operation.of("Reservations", "Read a reservation")
            .returns(ReservationResponse.class);
    public static final OpenApi.Operation UPDATE = OpenApi.Operation.of("Reservations",
                    "Change a reservation (fields left out keep their value; send version to guard against lost updates)")
            .accepts(ReservationRequest.class).returns(ReservationResponse.class);
    public static final OpenApi.Operation CANCEL = OpenApi.Operation.of("Reservations", "Cancel a reservation")
            .accepts(CancelRequest.class).returns(ReservationResponse.class);

    // ---------------------------------------------------------------------------------------------- handlers

    public void availability(Context ctx) {
        CurrentUser user = Web.user(ctx);
        Map<String, String> errors = new LinkedHashMap<>();
        Long buildingId = optionalLong(ctx.queryParam("buildingId"), "buildingId", errors);
        LocalDate date = ReservationPages.parseDate(ctx.queryParam("date"), "date", errors);
        LocalTime start = ReservationPages.parseTime(ctx.queryParam("start"), "start", errors);
        Long duration = optionalLong(ctx.queryParam("durationMinutes"), "durationMinutes", errors);
        Long capacity = optionalLong(ctx.queryParam("capacity"), "capacity", errors);
        Set<String> equipment = new LinkedHashSet<>();
        for (String e : ctx.queryParams("equipment")) {
            for (String tag : e.split(",")) if (!tag.isBlank()) equipment.add(tag.trim());
        }
        ReservableKind kind = null;
        String rawKind = ctx.queryParam("kind");
        if (rawKind != null && !rawKind.isBlank()) {
            try {
                kind = ReservableKind.valueOf(rawKind.trim().toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                errors.put("kind", "Use ROOM, DESK or OTHER.");
            }
        }
        if (!errors.isEmpty()) throw new ValidationException(errors);
        AvailabilityService.Query q = new AvailabilityService.Query(buildingId, date, start,
                duration == null ? 60 : (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, duration)),
                capacity == null ? 1 : (int) Math.max(-1, Math.min(Integer.MAX_VALUE, capacity)), equipment, kind);
        AvailabilityService.Result result;
        try {
            result = availability.find(user.tenant(), q);
        } catch (ValidationException e) {
            throw rename(e, Map.of("duration", "durationMinutes", "building", "buildingId"));
        }
        ctx.json(result.free().stream().map(f -> new AvailableReservable(f.reservableId(), f.name(), f.kind(), f.buildingId(),
                f.buildingName(), f.floorName(), f.capacity(), f.equipment(), f.zone().getId(), f.localStart(), f.localEnd(),
                f.start(), f.end(), f.localNextBookedAt())).toList());
    }

    public void list(Context ctx) {
        CurrentUser user = Web.user(ctx);
        Map<String, String> errors = new LinkedHashMap<>();
        Instant from = instantParam(ctx.queryParam("from"), "from", errors);
        Instant to = instantParam(ctx.queryParam("to"), "to", errors);
        ReservationState state = null;
        String rawState = ctx.queryParam("state");
        if (rawState != null && !rawState.isBlank()) {
            try {
                state = ReservationState.valueOf(rawState.trim().toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                errors.put("state", "Use one of " + java.util.Arrays.toString(ReservationState.values()) + ".");
            }
        }
        boolean all = "true".equalsIgnoreCase(ctx.queryParam("all"));
        if (all && !user.isTenantAdmin()) errors.put("all", "Only tenant admins may list everyone's reservations.");
        if (!errors.isEmpty()) throw new ValidationException(errors);
        if (from == null && to == null) from = clock.instant();
        ctx.json(reservations.list(user, new ReservationService.ListFilter(from, to, state, all), LIST_LIMIT)
                .stream().map(v -> response(v, List.of())).toList());
    }

    public void create(Context ctx) {
        CurrentUser user = Web.user(ctx);
        ReservationRequest req = body(ctx, ReservationRequest.class);
        ValidationException.Errors errors = new ValidationException.Errors();
        if (req.reservableId() == null) errors.add("reservableId", "Required.");
        if (req.start() == null) errors.add("start", "Required: a local date-time like 2027-05-03T09:00.");
        if (req.end() == null) errors.add("end", "Required: a local date-time like 2027-05-03T10:00.");
        errors.throwIfAny();
        ReservationService.Saved saved;
        try {
            saved = reservations.create(user, input(req), Source.REST_API);
        } catch (ValidationException e) {
            throw rename(e, FIELDS);
        }
        ctx.status(HttpStatus.CREATED);
        ctx.header("Location", "/api/v1/reservations/" + saved.view().reservation().id);
        ctx.json(response(saved.view(), saved.notes()));
    }

    public void get(Context ctx) {
        ctx.json(response(reservations.get(Web.user(ctx), Web.pathId(ctx, "id")), List.of()));
    }

    public void update(Context ctx) {
        CurrentUser user = Web.user(ctx);
        long id = Web.pathId(ctx, "id");
        reservations.get(user, id); // another tenant's id answers 404 before the body is looked at
        ReservationRequest req = body(ctx, ReservationRequest.class);
        ReservationService.Saved saved;
        try {
            saved = reservations.update(user, id, req.version(), input(req), Source.REST_API);
        } catch (ValidationException e) {
            throw rename(e, FIELDS);
        }
        ctx.json(response(saved.view(), saved.notes()));
    }

    public void cancel(Context ctx) {
        CurrentUser user = Web.user(ctx);
        long id = Web.pathId(ctx, "id");
        reservations.get(user, id);
        Long version = ctx.body().isBlank() ? null : body(ctx, CancelRequest.class).version();
        ctx.json(response(reservations.cancel(user, id, version, Source.REST_API), List.of()));
    }

    // ----------------------------------------------------------------------------------------------- helpers

    /** The service names form fields; the API names request fields. */
    private static final Map<String, String> FIELDS = Map.of("date", "start", "reservable", "reservableId", "requestedFor", "requestedForId");

    private static ValidationException rename(ValidationException e, Map<String, String> names) {
        Map<String, String> renamed = new LinkedHashMap<>();
        e.fieldErrors().forEach((k, v) -> renamed.merge(names.getOrDefault(k, k), v, (a, b) -> a + " " + b));
        return new ValidationException(renamed);
    }

    private static ReservationService.ReservationInput input(ReservationRequest r) {
        return new ReservationService.ReservationInput(r.reservableId(), r.start(), r.end(), r.subject(), r.notes(),
                r.requestedForId(), r.attendees());
    }

    static ReservationResponse response(ReservationService.ReservationView v, List<String> warnings) {
        Reservation r = v.reservation();
        return new ReservationResponse(r.id, r.reservableId, v.reservable().name, v.building().id, v.building().name, r.timeZone,
                v.localStart(), v.localEnd(), r.startAt, r.endAt, r.subject, r.notes, r.state, r.reservationType,
                ref(v.requestedBy()), ref(v.requestedFor()),
                v.attendees().stream().map(a -> new AttendeeRef(a.email, a.displayName, a.userId, a.userId == null)).toList(),
                r.createdSource, r.createdSubSource, r.updatedSource, r.updatedSubSource, r.syncState, r.version,
                v.change().allowed(), v.change().reason(), warnings);
    }

    private static PersonRef ref(ReservationService.Person p) {
        return p == null ? null : new PersonRef(p.id(), p.email(), p.name());
    }

    /** Reads a JSON body; a field of the wrong type or an unknown field is a 422 naming the field. */
    static <T> T body(Context ctx, Class<T> type) {
        String raw = ctx.body();
        if (raw == null || raw.isBlank()) throw new ValidationException("", "Send a JSON object in the request body.");
        try {
            return WebServer.JSON.readValue(raw, type);
        } catch (UnrecognizedPropertyException e) {
            throw new ValidationException(e.getPropertyName(), "Unknown field.");
        } catch (MismatchedInputException e) {
            String field = path(e);
            throw new ValidationException(field, expectation(field));
        } catch (JsonProcessingException e) {
            throw new BadRequestResponse(e.getOriginalMessage());
        }
    }

    private static String path(JsonMappingException e) {
        String p = e.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining("."));
        return p.isEmpty() ? "" : p;
    }

    private static String expectation(String field) {
        if (field.equals("start") || field.equals("end")) return "Use a local date-time like 2027-05-03T09:00 (no offset; the building's zone applies).";
        if (field.endsWith("Id") || field.equals("version")) return "Use a whole number.";
        if (field.startsWith("attendees")) return "Use a list of e-mail addresses.";
        if (field.isEmpty()) return "Send a JSON object.";
        return "This value has the wrong type.";
    }

    private static Long optionalLong(String raw, String field, Map<String, String> errors) {
        if (raw == null || raw.isBlank()) return null;
        try {
            return Long.parseLong(raw.trim());
        } catch (NumberFormatException e) {
            errors.put(field, "Use a whole number.");
            return null;
        }
    }

    /** A date (the start of that UTC day) or an instant with offset. */
    private static Instant instantParam(String raw, String field, Map<String, String> errors) {
        if (raw == null || raw.isBlank()) return null;
        String v = raw.trim();
        try {
            if (v.length() == 10) return LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant();
            return OffsetDateTime.parse(v).toInstant();
        } catch (DateTimeParseException e) {
            errors.put(field, "Use a date like 2027-05-03 or an instant like 2027-05-03T07:00:00Z.");
            return null;
        }
    }
}
