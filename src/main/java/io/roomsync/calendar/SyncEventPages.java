package io.roomsync.calendar;

import io.javalin.http.Context;
import io.roomsync.common.ValidationException;
import io.roomsync.web.Layout;
import io.roomsync.web.Pages;
import io.roomsync.web.Web;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The sync events pages (/admin/sync/events: list with filters, detail, Re-process) and their REST API twins. */
public final class SyncEventPages {
    /** The filter as typed, so the form shows it again. */
    public record FilterForm(String from, String to, String state, String direction, String type, String room, String reservation) {}

    public record ListPage(Layout layout, FilterForm form, List<SyncEventService.Row> rows, List<SyncEventService.Room> rooms,
                           boolean capped) {}

    public record DetailPage(Layout layout, SyncEventService.Detail event) {}

    public record ReprocessRequest(List<Long> ids) {}

    public record ReprocessResponse(int queued) {}

    private final SyncEventService events;
    private final Pages pages;

    public SyncEventPages(SyncEventService events, Pages pages) {
        this.events = events;
        this.pages = pages;
    }

    // ----------------------------------------------------------------------------------------------------- pages

    public void list(Context ctx) {
        long tenant = Web.user(ctx).tenant();
        FilterForm form = form(ctx);
        List<SyncEventService.Row> rows = events.list(tenant, filter(form));
        pages.render(ctx, "calendar/events.jte", new ListPage(pages.layout(ctx, "Sync events", "sync-events"), form, rows,
                events.rooms(tenant), rows.size() >= SyncEventService.MAX_ROWS));
    }

    public void detail(Context ctx) {
        pages.render(ctx, "calendar/event.jte", new DetailPage(pages.layout(ctx, "Sync event", "sync-events"),
                events.get(Web.user(ctx).tenant(), Web.pathId(ctx, "id"))));
    }

    public void reprocess(Context ctx) {
        long id = Web.pathId(ctx, "id");
        int n = events.reprocess(Web.user(ctx).tenant(), List.of(id));
        pages.redirectWithFlash(ctx, "/admin/sync/events/" + id, n == 1 ? "Queued for sending again."
                : "Nothing to do: the event is already waiting or being sent.");
    }

    public void reprocessSelected(Context ctx) {
        List<Long> ids = new ArrayList<>();
        for (String raw : ctx.formParams("ids")) {
            Long id = Web.optionalLong(raw);
            if (id != null) ids.add(id);
        }
        int n = ids.isEmpty() ? 0 : events.reprocess(Web.user(ctx).tenant(), ids);
        String back = ctx.formParam("back");
        String location = back != null && back.startsWith("/admin/sync/events") && !back.startsWith("//") ? back : "/admin/sync/events";
        pages.redirectWithFlash(ctx, location, ids.isEmpty() ? "Select the sync events to re-process."
                : n + " of " + ids.size() + " sync event" + (ids.size() == 1 ? "" : "s") + " queued for sending again.");
    }

    // ------------------------------------------------------------------------------------------------------- API

    public void apiList(Context ctx) {
        ctx.json(events.list(Web.user(ctx).tenant(), filter(form(ctx))));
    }

    public void apiGet(Context ctx) {
        ctx.json(events.get(Web.user(ctx).tenant(), Web.pathId(ctx, "id")));
    }

    public void apiReprocess(Context ctx) {
        ctx.json(new ReprocessResponse(events.reprocess(Web.user(ctx).tenant(), List.of(Web.pathId(ctx, "id")))));
    }

    public void apiReprocessMany(Context ctx) {
        ReprocessRequest body = Web.jsonBody(ctx, ReprocessRequest.class);
        if (body.ids() == null || body.ids().isEmpty()) throw new ValidationException("ids", "List the ids of the sync events to re-process.");
        if (body.ids().size() > SyncEventService.MAX_ROWS) {
            throw new ValidationException("ids", "At most " + SyncEventService.MAX_ROWS + " sync events at a time.");
        }
        ctx.json(new ReprocessResponse(events.reprocess(Web.user(ctx).tenant(), body.ids())));
    }

    // --------------------------------------------------------------------------------------------------- helpers

    /** The query as typed; without any "from" parameter the list shows today's events. */
    private FilterForm form(Context ctx) {
        boolean fresh = ctx.queryParam("from") == null && ctx.queryParam("to") == null;
        String today = events.today().toString();
        return new FilterForm(fresh ? today : text(ctx.queryParam("from")), fresh ? today : text(ctx.queryParam("to")),
                text(ctx.queryParam("state")), text(ctx.queryParam("direction")), text(ctx.queryParam("type")),
                text(ctx.queryParam("roomId")), text(ctx.queryParam("reservationId")));
    }

    private static String text(String s) {
        return s == null ? "" : s.trim();
    }

    private static SyncEventService.Filter filter(FilterForm f) {
        ValidationException.Errors errors = new ValidationException.Errors();
        LocalDate from = date(f.from(), "from", errors);
        LocalDate to = date(f.to(), "to", errors);
        SyncEvent.State state = choice(SyncEvent.State.class, f.state(), "state", errors);
        SyncEvent.Direction direction = choice(SyncEvent.Direction.class, f.direction(), "direction", errors);
        SyncEvent.Type type = choice(SyncEvent.Type.class, f.type(), "type", errors);
        Long room = number(f.room(), "roomId", errors);
        Long reservation = number(f.reservation(), "reservationId", errors);
        errors.throwIfAny();
        return new SyncEventService.Filter(from, to, state, direction, type, room, reservation);
    }

    private static LocalDate date(String s, String field, ValidationException.Errors errors) {
        if (s.isEmpty()) return null;
        try {
            return LocalDate.parse(s);
        } catch (DateTimeParseException e) {
            errors.add(field, "Enter a date as YYYY-MM-DD.");
            return null;
        }
    }

    private static Long number(String s, String field, ValidationException.Errors errors) {
        if (s.isEmpty()) return null;
        Long n = Web.optionalLong(s);
        if (n == null) errors.add(field, "Enter a number.");
        return n;
    }

    private static <E extends Enum<E>> E choice(Class<E> type, String s, String field, ValidationException.Errors errors) {
        if (s.isEmpty()) return null;
        try {
            return Enum.valueOf(type, s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            List<String> names = new ArrayList<>();
            for (E v : type.getEnumConstants()) names.add(v.name());
            errors.add(field, "Choose one of " + String.join(", ", names) + ".");
            return null;
        }
    }
}
