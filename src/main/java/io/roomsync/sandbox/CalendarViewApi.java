package io.roomsync.sandbox;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * calendarView and calendarView/delta (also spelled delta()) over the primary calendar of a mailbox.
 * Delta follows graph-facts §3: a window on the first call only, pages via absolute @odata.nextLink ($skiptoken),
 * a final @odata.deltaLink ($deltatoken); later rounds return changed events and {@code @removed} entries (also for
 * changes outside the window); an expired or unknown token answers 410 Gone with code syncStateNotFound.
 */
final class CalendarViewApi {
    static final int MAX_WINDOW_DAYS = 1825;
    private static final List<String> DELTA_UNSUPPORTED = List.of("$select", "$filter", "$orderby", "$expand", "$search", "$top");

    private final SandboxState state;
    private final Map<String, DeltaToken> deltaTokens = new ConcurrentHashMap<>();
    private final Map<String, Cursor> cursors = new ConcurrentHashMap<>();
    volatile Duration deltaTokenLifetime = Duration.ofDays(7);
    volatile int defaultPageSize = 10;

    CalendarViewApi(SandboxState state) {
        this.state = state;
    }

    private static final class DeltaToken {
        final String mailboxId;
        final Instant from;
        final Instant to;
        final long seq;
        final Instant issued;
        volatile boolean expired;

        DeltaToken(String mailboxId, Instant from, Instant to, long seq, Instant issued) {
            this.mailboxId = mailboxId;
            this.from = from;
            this.to = to;
            this.seq = seq;
            this.issued = issued;
        }
    }

    /** The remaining pages of one delta round. */
    private static final class Cursor {
        final String mailboxId;
        final Instant from;
        final Instant to;
        final long endSeq;
        final List<Item> items;
        final Instant issued;
        int position;

        Cursor(String mailboxId, Instant from, Instant to, long endSeq, List<Item> items, Instant issued) {
            this.mailboxId = mailboxId;
            this.from = from;
            this.to = to;
            this.endSeq = endSeq;
            this.items = items;
            this.issued = issued;
        }
    }

    private static final class Item {
        final String id;
        final boolean removed;

        Item(String id, boolean removed) {
            this.id = id;
            this.removed = removed;
        }
    }

    SandboxResponse calendarView(GraphCall call) {
        Instant[] window = window(call.req);
        EventJson.View view = EventsApi.view(call.req, true);
        int top = EventsApi.intParam(call.req, "$top", pageSize(call.req), 1, 1000);
        int skip = EventsApi.intParam(call.req, "$skip", 0, 0, Integer.MAX_VALUE);
        synchronized (state) {
            List<SandboxEvent> events = inWindow(call.mailbox.id, window[0], window[1]);
            ObjectNode out = Json.object();
            out.put("@odata.context", call.graphBase() + "/$metadata#users('" + call.mailboxPath + "')/calendarView");
            ArrayNode value = out.putArray("value");
            for (int i = skip; i < Math.min(events.size(), skip + top); i++) value.add(EventJson.render(events.get(i), call.req.origin, view));
            if (skip + top < events.size()) {
                out.put("@odata.nextLink", call.graphBase() + "/users/" + EventsApi.enc(call.mailboxPath) + "/calendarView?"
                        + EventsApi.withParam(call.req.query, "$skip", Integer.toString(skip + top)));
            }
            return EventsApi.withPreferenceApplied(SandboxResponse.json(200, out), call.req);
        }
    }

    /** GET /events/{masterId}/instances: the occurrences and exceptions of one series in a window. */
    SandboxResponse instances(GraphCall call, String masterId) {
        Instant[] window = window(call.req);
        EventJson.View view = EventsApi.view(call.req, true);
        synchronized (state) {
            SandboxEvent master = Series.resolve(state, call.mailbox.id, masterId);
            if (master == null) throw GraphError.itemNotFound();
            ObjectNode out = Json.object();
            out.put("@odata.context", call.graphBase() + "/$metadata#users('" + call.mailboxPath + "')/events('" + masterId + "')/instances");
            ArrayNode value = out.putArray("value");
            if (master.isSeriesMaster()) {
                for (SandboxEvent e : Series.instances(state, master)) {
                    if (e.overlaps(window[0], window[1])) value.add(EventJson.render(e, call.req.origin, view));
                }
            }
            return EventsApi.withPreferenceApplied(SandboxResponse.json(200, out), call.req);
        }
    }

    SandboxResponse delta(GraphCall call) {
        for (String p : DELTA_UNSUPPORTED) {
            if (call.req.param(p) != null) {
                throw GraphError.badRequest("ErrorInvalidUrlQuery", "The following parameters are not supported with change tracking over the 'Events' resource: '" + p + "'.");
            }
        }
        EventJson.View view = EventsApi.view(call.req, false);
        String skipToken = call.req.param("$skiptoken");
        String deltaToken = call.req.param("$deltatoken");
        Cursor cursor;
        String cursorId;
        synchronized (state) {
            Instant now = state.now();
            if (skipToken != null) {
                cursorId = skipToken;
                cursor = cursors.get(skipToken);
                if (cursor == null || !cursor.mailboxId.equals(call.mailbox.id) || expired(cursor.issued, now)) {
                    throw syncStateNotFound(call, null);
                }
            } else if (deltaToken != null) {
                DeltaToken t = deltaTokens.get(deltaToken);
                if (t == null || !t.mailboxId.equals(call.mailbox.id)) throw syncStateNotFound(call, null);
                if (t.expired || expired(t.issued, now)) throw syncStateNotFound(call, t);
                cursor = new Cursor(t.mailboxId, t.from, t.to, state.sequence(), changesSince(t), now);
                cursorId = Ids.token(24);
                cursors.put(cursorId, cursor);
            } else {
                Instant[] window = window(call.req);
                List<Item> items = new ArrayList<>();
                for (SandboxEvent e : inWindow(call.mailbox.id, window[0], window[1])) items.add(new Item(e.id, false));
                cursor = new Cursor(call.mailbox.id, window[0], window[1], state.sequence(), items, now);
                cursorId = Ids.token(24);
                cursors.put(cursorId, cursor);
            }
            int size = pageSize(call.req);
            ObjectNode out = Json.object();
            out.put("@odata.context", call.graphBase() + "/$metadata#Collection(event)");
            ArrayNode value = out.putArray("value");
            synchronized (cursor) {
                int end = Math.min(cursor.items.size(), cursor.position + size);
                for (int i = cursor.position; i < end; i++) value.add(render(call, cursor, cursor.items.get(i), view));
                cursor.position = end;
                String base = call.graphBase() + "/users/" + EventsApi.enc(call.mailboxPath) + "/calendarView/delta?";
                if (end < cursor.items.size()) {
                    out.put("@odata.nextLink", base + "$skiptoken=" + cursorId);
                } else {
                    cursors.remove(cursorId);
                    String token = Ids.token(32);
                    deltaTokens.put(token, new DeltaToken(cursor.mailboxId, cursor.from, cursor.to, cursor.endSeq, now));
                    out.put("@odata.deltaLink", base + "$deltatoken=" + token);
                }
            }
            return EventsApi.withPreferenceApplied(SandboxResponse.json(200, out), call.req)
                    .header("Preference-Applied", "odata.maxpagesize=" + size);
        }
    }

    private ObjectNode render(GraphCall call, Cursor cursor, Item item, EventJson.View view) {
        if (item.removed) return EventJson.removed(item.id);
        SandboxEvent e = Series.resolve(state, cursor.mailboxId, item.id);
        // Deleted or moved out of the window since the round started: the client learns it as removed.
        if (e == null || !e.overlaps(cursor.from, cursor.to)) return EventJson.removed(item.id);
        ObjectNode o = Json.object();
        o.put("@odata.type", "#microsoft.graph.event");
        o.setAll(EventJson.render(e, call.req.origin, view));
        return o;
    }

    private List<Item> changesSince(DeltaToken t) {
        List<long[]> order = new ArrayList<>();
        List<Item> items = new ArrayList<>();
        SandboxState.MailboxCalendar cal = state.calendar(t.mailboxId);
        for (SandboxEvent e : cal.events.values()) {
            if (e.changeSeq <= t.seq) continue;
            if (e.isSeriesMaster()) {
                // A changed master changes its occurrences; the master itself is not in a calendar view.
                for (SandboxEvent o : Series.instances(state, e)) {
                    if (o.seriesMasterId != null && "exception".equals(o.type)) continue;
                    if (!o.overlaps(t.from, t.to)) continue;
                    order.add(new long[] {e.changeSeq, items.size()});
                    items.add(new Item(o.id, false));
                }
            } else {
                order.add(new long[] {e.changeSeq, items.size()});
                items.add(new Item(e.id, !e.overlaps(t.from, t.to)));
            }
        }
        for (Map.Entry<String, Long> r : cal.tombstones.entrySet()) {
            if (r.getValue() > t.seq) {
                order.add(new long[] {r.getValue(), items.size()});
                items.add(new Item(r.getKey(), true));
            }
        }
        order.sort(Comparator.comparingLong(a -> a[0]));
        List<Item> sorted = new ArrayList<>();
        for (long[] o : order) sorted.add(items.get((int) o[1]));
        return sorted;
    }

    private boolean expired(Instant issued, Instant now) {
        return now.isAfter(issued.plus(deltaTokenLifetime));
    }

    private GraphError syncStateNotFound(GraphCall call, DeltaToken t) {
        GraphError e = new GraphError(410, "syncStateNotFound", "The sync state generation is not found. Please restart the sync without a token.");
        if (t != null) {
            e.header("Location", call.graphBase() + "/users/" + EventsApi.enc(call.mailboxPath) + "/calendarView/delta?startDateTime="
                    + EventsApi.enc(Json.instant(t.from)) + "&endDateTime=" + EventsApi.enc(Json.instant(t.to)));
        }
        return e;
    }

    /** Makes every delta link and page link issued so far invalid (the next use answers 410 syncStateNotFound). */
    void expireAllTokens() {
        for (DeltaToken t : deltaTokens.values()) t.expired = true;
        cursors.clear();
    }

    private int pageSize(SandboxRequest req) {
        String p = req.preference("odata.maxpagesize");
        if (p == null) return defaultPageSize;
        try {
            int n = Integer.parseInt(p.trim());
            return Math.max(1, Math.min(n, 1000));
        } catch (NumberFormatException e) {
            return defaultPageSize;
        }
    }

    private List<SandboxEvent> inWindow(String mailboxId, Instant from, Instant to) {
        List<SandboxEvent> out = new ArrayList<>();
        for (SandboxEvent e : state.calendar(mailboxId).all()) {
            if (e.isSeriesMaster()) {
                for (SandboxEvent o : Series.instances(state, e)) if (!"exception".equals(o.type) && o.overlaps(from, to)) out.add(o);
            } else if (e.overlaps(from, to)) {
                out.add(e);
            }
        }
        out.sort(Comparator.comparing((SandboxEvent e) -> e.start).thenComparing(e -> e.id));
        return out;
    }

    private static Instant[] window(SandboxRequest req) {
        String s = req.param("startDateTime");
        String e = req.param("endDateTime");
        if (s == null || e == null || s.isBlank() || e.isBlank()) {
            throw GraphError.badRequest("ErrorInvalidParameter", "This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.");
        }
        Instant from = TimeZones.queryInstant("startDateTime", s);
        Instant to = TimeZones.queryInstant("endDateTime", e);
        if (!to.isAfter(from)) throw GraphError.badRequest("ErrorInvalidParameter", "The EndDateTime must be after the StartDateTime.");
        if (Duration.between(from, to).toDays() > MAX_WINDOW_DAYS) {
            throw GraphError.invalidRequest("Your request can't be completed. The range between the start and end dates is greater than the allowed range. Maximum number of days: " + MAX_WINDOW_DAYS);
        }
        return new Instant[] {from, to};
    }
}
