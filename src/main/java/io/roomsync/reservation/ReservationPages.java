package io.roomsync.reservation;

import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.roomsync.audit.AuditEntry;
import io.roomsync.common.ConflictException;
import io.roomsync.common.ValidationException;
import io.roomsync.location.Building;
import io.roomsync.location.ReservableKind;
import io.roomsync.tenant.CurrentUser;
import io.roomsync.web.Layout;
import io.roomsync.web.Pages;
import io.roomsync.web.Web;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** The portal: find a room, book it, my reservations, a reservation's page, and the building day schedule. */
public final class ReservationPages {
    public static final List<Integer> DURATIONS = List.of(15, 30, 45, 60, 90, 120, 180, 240, 480);

    private final ReservationService reservations;
    private final AvailabilityService availability;
    private final ScheduleService schedule;
    private final Pages pages;
    private final java.time.Clock clock;

    public ReservationPages(ReservationService reservations, AvailabilityService availability, ScheduleService schedule,
                            Pages pages, java.time.Clock clock) {
        this.reservations = reservations;
        this.availability = availability;
        this.schedule = schedule;
        this.pages = pages;
        this.clock = clock;
    }

    // ------------------------------------------------------------------------------------------------ page models

    public record FindForm(String building, String date, String start, String duration, String capacity,
                           Set<String> equipment, String kind) {
        public boolean wants(String tag) {
            return equipment.contains(tag);
        }
    }

    public record DurationChoice(int minutes, String label) {}

    public record FindPage(Layout layout, FindForm form, List<Building> buildings, List<String> equipment,
                           List<DurationChoice> durations, List<ReservableKind> kinds, List<AvailabilityService.Free> results,
                           FormErrors errors, List<String> notes, String summary) {
        public String bookLink(AvailabilityService.Free f) {
            return "/reservations/new?reservable=" + f.reservableId() + "&date=" + f.localStart().toLocalDate()
                    + "&start=" + Times.TIME.format(f.localStart()) + "&end=" + Times.TIME.format(f.localEnd());
        }
    }

    /** The fields of the booking and edit forms, as entered (strings, so bad input can be shown back). */
    public record BookForm(String reservable, String date, String start, String end, String subject, String notes,
                           String requestedFor, String attendees, String version) {}

    public record BookPage(Layout layout, ReservationService.Target target, String zoneLabel, BookForm form,
                           List<ReservationService.Person> people, FormErrors errors, String problem) {}

    public record HistoryLine(String when, String who, String action, String source, List<String> changes) {}

    public record DetailsPage(Layout layout, ReservationService.ReservationView view, BookForm form,
                              List<ReservationService.Person> people, List<ReservationService.Space> spaces, FormErrors errors,
                              String problem, List<HistoryLine> history) {}

    public record MinePage(Layout layout, boolean upcoming, List<ReservationService.ReservationView> reservations) {}

    public record SchedulePage(Layout layout, ScheduleService.Day day, String zoneLabel, String dateLabel, String prevLink,
                               String nextLink, String todayLink, boolean isToday) {
        public String bookLink(ScheduleService.Row row, ScheduleService.OpenHour h) {
            return "/reservations/new?reservable=" + row.reservableId() + "&date=" + day.date() + "&start=" + h.start() + "&end=" + h.end();
        }
    }

    // --------------------------------------------------------------------------------------------------- find

    public void find(Context ctx) {
        CurrentUser user = Web.user(ctx);
        AvailabilityService.Options options = availability.options(user.tenant());
        String buildingParam = ctx.queryParam("building");
        Long buildingId = buildingParam == null ? (options.buildings().isEmpty() ? null : options.buildings().get(0).id)
                : Web.optionalLong(buildingParam);
        ZoneId zone = options.buildings().stream().filter(b -> b.id.equals(buildingId)).findFirst().map(Building::zone)
                .orElse(options.buildings().isEmpty() ? ZoneOffset.UTC : options.buildings().get(0).zone());

        ZonedDateTime next = nextHalfHour(clock.instant(), zone);
        String date = valueOr(ctx.queryParam("date"), next.toLocalDate().toString());
        String start = valueOr(ctx.queryParam("start"), Times.TIME.format(next));
        String duration = valueOr(ctx.queryParam("duration"), "60");
        String capacity = valueOr(ctx.queryParam("capacity"), "1");
        String kind = ctx.queryParam("kind") == null ? ReservableKind.ROOM.name() : ctx.queryParam("kind");
        Set<String> equipment = new LinkedHashSet<>(ctx.queryParams("equipment"));
        FindForm form = new FindForm(buildingId == null ? "" : buildingId.toString(), date, start, duration, capacity, equipment, kind);

        Map<String, String> errors = new LinkedHashMap<>();
        LocalDate d = parseDate(date, "date", errors);
        LocalTime t = parseTime(start, "start", errors);
        Integer minutes = parseInt(duration, "duration", "Choose a duration.", errors);
        Integer cap = parseInt(capacity, "capacity", "Enter a number of people.", errors);
        ReservableKind k = parseKind(kind, errors);
        List<AvailabilityService.Free> results = List.of();
        List<String> notes = List.of();
        String summary = null;
        if (errors.isEmpty() && !options.buildings().isEmpty()) {
            try {
                AvailabilityService.Result r = availability.find(user.tenant(),
                        new AvailabilityService.Query(buildingId, d, t, minutes, cap, equipment, k));
                results = r.free();
                notes = r.notes();
                summary = Times.DAY.format(d) + ", " + start + " for " + BookingRules.describe(minutes);
            } catch (ValidationException e) {
                errors.putAll(e.fieldErrors());
            }
        }
        List<DurationChoice> durations = DURATIONS.stream().map(m -> new DurationChoice(m, BookingRules.describe(m))).toList();
        if (!errors.isEmpty()) ctx.status(HttpStatus.BAD_REQUEST);
        pages.render(ctx, "reservation/find.jte", new FindPage(pages.layout(ctx, "Find a room", "find"), form, options.buildings(),
                options.equipment(), durations, List.of(ReservableKind.values()), results, new FormErrors(errors), notes, summary));
        if (!errors.isEmpty()) ctx.status(HttpStatus.BAD_REQUEST);
    }

    // ------------------------------------------------------------------------------------------------- book

    public void newForm(Context ctx) {
        CurrentUser user = Web.user(ctx);
        Long reservableId = Web.optionalLong(ctx.queryParam("reservable"));
        if (reservableId == null) {
            ctx.redirect("/find", HttpStatus.SEE_OTHER);
            return;
        }
        ReservationService.Target target = reservations.target(user, reservableId);
        ZonedDateTime next = nextHalfHour(clock.instant(), target.building().zone());
        String start = valueOr(ctx.queryParam("start"), Times.TIME.format(next));
        String end = ctx.queryParam("end");
        if (end == null || end.isBlank()) {
            end = Times.TIME.format(next.plusHours(1));
            try {
                end = Times.TIME.format(LocalTime.parse(start).plusHours(1));
            } catch (DateTimeParseException ignored) {
                // keep the default; the form shows what was sent
            }
        }
        BookForm form = new BookForm(reservableId.toString(), valueOr(ctx.queryParam("date"), next.toLocalDate().toString()),
                start, end, "", "", String.valueOf(user.userId()), "", "");
        renderBook(ctx, user, target, form, FormErrors.NONE, null, HttpStatus.OK);
    }

    public void create(Context ctx) {
        CurrentUser user = Web.user(ctx);
        BookForm form = bookForm(ctx);
        Long reservableId = Web.optionalLong(form.reservable());
        if (reservableId == null) throw new io.roomsync.common.NotFoundException("Reservable");
        ReservationService.Target target = reservations.target(user, reservableId);
        Map<String, String> errors = new LinkedHashMap<>();
        ReservationService.ReservationInput input = input(form, reservableId, errors);
        if (!errors.isEmpty()) {
            renderBook(ctx, user, target, form, new FormErrors(errors), null, HttpStatus.BAD_REQUEST);
            return;
        }
        try {
            ReservationService.Saved saved = reservations.create(user, input, Source.PORTAL);
            ReservationService.ReservationView v = saved.view();
            pages.redirectWithFlash(ctx, "/reservations/" + v.reservation().id,
                    withNotes("Booked " + v.reservable().name + " for " + v.when() + " (" + v.zone().getId() + ").", saved.notes()));
        } catch (ValidationException e) {
            renderBook(ctx, user, target, form, new FormErrors(e.fieldErrors()), null, HttpStatus.BAD_REQUEST);
        } catch (ConflictException e) {
            renderBook(ctx, user, target, form, FormErrors.NONE, e.getMessage(), HttpStatus.CONFLICT);
        }
    }

    private void renderBook(Context ctx, CurrentUser user, ReservationService.Target target, BookForm form, FormErrors errors,
                            String problem, HttpStatus status) {
        LocalDate day = safeDate(form.date(), target.building().zone());
        ctx.status(status);
        pages.render(ctx, "reservation/book.jte", new BookPage(pages.layout(ctx, "Book " + target.reservable().name, "find"), target,
                Times.zoneLabel(target.building().zone(), day), form, reservations.people(user), errors, problem));
        ctx.status(status);
    }

    // ------------------------------------------------------------------------------------------- mine, details

    public void mine(Context ctx) {
        CurrentUser user = Web.user(ctx);
        boolean upcoming = !"past".equals(ctx.queryParam("tab"));
        pages.render(ctx, "reservation/mine.jte", new MinePage(pages.layout(ctx, "My reservations", "mine"), upcoming,
                reservations.mine(user, upcoming, 200)));
    }

    public void details(Context ctx) {
        CurrentUser user = Web.user(ctx);
        long id = Web.pathId(ctx, "id");
        ReservationService.ReservationView v = reservations.get(user, id);
        renderDetails(ctx, user, v, formOf(v), FormErrors.NONE, null, HttpStatus.OK);
    }

    public void update(Context ctx) {
        CurrentUser user = Web.user(ctx);
        long id = Web.pathId(ctx, "id");
        ReservationService.ReservationView current = reservations.get(user, id);
        BookForm form = bookForm(ctx);
        Map<String, String> errors = new LinkedHashMap<>();
        Long moveTo = Web.optionalLong(form.reservable());
        if (moveTo == null) errors.put("reservable", "Choose a room or desk.");
        ReservationService.ReservationInput input = input(form, moveTo == null ? current.reservable().id : moveTo, errors);
        Long version = Web.optionalLong(form.version());
        if (!errors.isEmpty()) {
            renderDetails(ctx, user, current, form, new FormErrors(errors), null, HttpStatus.BAD_REQUEST);
            return;
        }
        try {
            ReservationService.Saved saved = reservations.update(user, id, version, input, Source.PORTAL);
            pages.redirectWithFlash(ctx, "/reservations/" + id, withNotes("Saved your changes.", saved.notes()));
        } catch (ValidationException e) {
            renderDetails(ctx, user, current, form, new FormErrors(e.fieldErrors()), null, HttpStatus.BAD_REQUEST);
        } catch (ConflictException e) {
            renderDetails(ctx, user, reservations.get(user, id), form, FormErrors.NONE, e.getMessage(), HttpStatus.CONFLICT);
        }
    }

    public void cancel(Context ctx) {
        CurrentUser user = Web.user(ctx);
        long id = Web.pathId(ctx, "id");
        Long version = Web.optionalLong(ctx.formParam("version"));
        try {
            ReservationService.ReservationView v = reservations.cancel(user, id, version, Source.PORTAL);
            pages.redirectWithFlash(ctx, "/reservations/" + id, "Cancelled " + v.reservable().name + " for " + v.when() + ".");
        } catch (ConflictException e) {
            ReservationService.ReservationView v = reservations.get(user, id);
            renderDetails(ctx, user, v, formOf(v), FormErrors.NONE, e.getMessage(), HttpStatus.CONFLICT);
        }
    }

    private void renderDetails(Context ctx, CurrentUser user, ReservationService.ReservationView v, BookForm form,
                               FormErrors errors, String problem, HttpStatus status) {
        ZoneId zone = v.zone();
        List<HistoryLine> history = reservations.history(user, v.reservation().id).stream().map(e -> historyLine(e, zone)).toList();
        ctx.status(status);
        boolean changeable = v.change().allowed();
        pages.render(ctx, "reservation/details.jte", new DetailsPage(pages.layout(ctx, v.reservation().subject, "mine"), v, form,
                changeable ? reservations.people(user) : List.of(), changeable ? reservations.spacesLike(user, v.reservable()) : List.of(),
                errors, problem, history));
        ctx.status(status);
    }

    private static HistoryLine historyLine(AuditEntry e, ZoneId zone) {
        String source;
        try {
            source = Source.valueOf(e.source).label;
        } catch (IllegalArgumentException ex) {
            source = e.source;
        }
        String action = switch (e.action) {
            case "create" -> "Booked";
            case "update" -> "Changed";
            case "cancel" -> "Cancelled";
            default -> e.action;
        };
        return new HistoryLine(Times.DAY.format(e.createdAt.atZone(zone)) + " " + Times.TIME.format(e.createdAt.atZone(zone)),
                e.actorLabel, action, source, e.changes == null ? List.of() : List.of(e.changes.split("\n")));
    }

    // ----------------------------------------------------------------------------------------------- schedule

    public void schedule(Context ctx) {
        CurrentUser user = Web.user(ctx);
        Long buildingId = Web.optionalLong(ctx.queryParam("building"));
        LocalDate date = null;
        String rawDate = ctx.queryParam("date");
        if (rawDate != null && !rawDate.isBlank()) {
            try {
                date = LocalDate.parse(rawDate.trim());
            } catch (DateTimeParseException e) {
                date = null; // an unreadable date shows today rather than an error page
            }
        }
        ScheduleService.Day day = schedule.day(user, buildingId, date);
        Layout layout = pages.layout(ctx, "Schedule", "schedule");
        if (day.building() == null) {
            pages.render(ctx, "reservation/schedule.jte", new SchedulePage(layout, day, null, null, null, null, null, false));
            return;
        }
        String base = "/schedule?building=" + day.building().id + "&date=";
        boolean isToday = day.date().equals(clock.instant().atZone(day.zone()).toLocalDate());
        pages.render(ctx, "reservation/schedule.jte", new SchedulePage(layout, day, Times.zoneLabel(day.zone(), day.date()),
                Times.DAY.format(day.date()), base + day.date().minusDays(1), base + day.date().plusDays(1),
                "/schedule?building=" + day.building().id, isToday));
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private static BookForm bookForm(Context ctx) {
        return new BookForm(trim(ctx.formParam("reservable")), trim(ctx.formParam("date")), trim(ctx.formParam("start")),
                trim(ctx.formParam("end")), ctx.formParam("subject") == null ? "" : ctx.formParam("subject"),
                ctx.formParam("notes") == null ? "" : ctx.formParam("notes"), trim(ctx.formParam("requestedFor")),
                ctx.formParam("attendees") == null ? "" : ctx.formParam("attendees"), trim(ctx.formParam("version")));
    }

    private static BookForm formOf(ReservationService.ReservationView v) {
        Reservation r = v.reservation();
        return new BookForm(String.valueOf(r.reservableId), v.localStart().toLocalDate().toString(), Times.TIME.format(v.localStart()),
                Times.TIME.format(v.localEnd()), r.subject, r.notes == null ? "" : r.notes,
                r.requestedForId == null ? "" : r.requestedForId.toString(),
                v.attendees().stream().map(a -> a.email).collect(Collectors.joining("\n")), String.valueOf(r.version));
    }

    /** Reads the form into service input; the end is on the same date as the start. */
    private static ReservationService.ReservationInput input(BookForm form, long reservableId, Map<String, String> errors) {
        LocalDate date = parseDate(form.date(), "date", errors);
        LocalTime start = parseTime(form.start(), "start", errors);
        LocalTime end = parseTime(form.end(), "end", errors);
        Long requestedFor = null;
        if (!form.requestedFor().isEmpty()) {
            requestedFor = Web.optionalLong(form.requestedFor());
            if (requestedFor == null) errors.put("requestedFor", "Choose a person of your organization.");
        }
        if (form.subject().strip().length() > ReservationService.MAX_SUBJECT) {
            errors.put("subject", "Keep the subject under " + ReservationService.MAX_SUBJECT + " characters.");
        }
        if (!errors.isEmpty()) return null;
        if (!end.isAfter(start)) {
            errors.put("end", "The end must be after the start (on the same day).");
            return null;
        }
        List<String> attendees = Arrays.stream(form.attendees().split("[\\r\\n,;]+")).map(String::strip).filter(x -> !x.isEmpty()).toList();
        return new ReservationService.ReservationInput(reservableId, date.atTime(start), date.atTime(end), form.subject(),
                form.notes(), requestedFor, attendees);
    }

    static LocalDate parseDate(String raw, String field, Map<String, String> errors) {
        if (raw == null || raw.isBlank()) {
            errors.put(field, "Enter a date.");
            return null;
        }
        try {
            return LocalDate.parse(raw.trim());
        } catch (DateTimeParseException e) {
            errors.put(field, "Enter a date like 2027-05-03.");
            return null;
        }
    }

    static LocalTime parseTime(String raw, String field, Map<String, String> errors) {
        if (raw == null || raw.isBlank()) {
            errors.put(field, "Enter a time.");
            return null;
        }
        try {
            return LocalTime.parse(raw.trim());
        } catch (DateTimeParseException e) {
            errors.put(field, "Enter a time like 09:30.");
            return null;
        }
    }

    private static Integer parseInt(String raw, String field, String message, Map<String, String> errors) {
        try {
            return Integer.parseInt(raw.trim());
        } catch (NumberFormatException e) {
            errors.put(field, message);
            return null;
        }
    }

    private static ReservableKind parseKind(String raw, Map<String, String> errors) {
        if (raw == null || raw.isBlank()) return null;
        try {
            return ReservableKind.valueOf(raw.trim());
        } catch (IllegalArgumentException e) {
            errors.put("kind", "Choose a kind of space.");
            return null;
        }
    }

    private static LocalDate safeDate(String raw, ZoneId zone) {
        try {
            return LocalDate.parse(raw);
        } catch (RuntimeException e) {
            return LocalDate.now(zone);
        }
    }

    /** The next :00 or :30 after now, in the zone: a sensible default start. */
    static ZonedDateTime nextHalfHour(Instant now, ZoneId zone) {
        ZonedDateTime z = now.atZone(zone).withSecond(0).withNano(0);
        int add = 30 - (z.getMinute() % 30);
        return z.plusMinutes(add);
    }

    private static String withNotes(String message, List<String> notes) {
        return notes.isEmpty() ? message : message + " " + String.join(" ", notes);
    }

    private static String valueOr(String v, String fallback) {
        return v == null || v.isBlank() ? fallback : v;
    }

    private static String trim(String s) {
        return s == null ? "" : s.trim();
    }
}
