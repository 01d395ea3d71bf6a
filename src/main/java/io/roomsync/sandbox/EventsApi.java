package io.roomsync.sandbox;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * /users/{id}/events (and /calendar/events): create with transactionId de-duplication and extended properties,
 * list with the extended-property and iCalUId filters, get with $expand/$select, patch, delete, cancel.
 */
final class EventsApi {
    private static final Pattern ICALUID_EQ = Pattern.compile("^\\s*iCalUId\\s+eq\\s+'((?:[^']|'')*)'\\s*$", Pattern.CASE_INSENSITIVE);
    private final SandboxState state;
    private final BookingAssistant booking;

    EventsApi(SandboxState state, BookingAssistant booking) {
        this.state = state;
        this.booking = booking;
    }

    static EventJson.View view(SandboxRequest req, boolean allowExpand) {
        String tz = req.preference("outlook.timezone");
        ZoneId zone = tz == null ? java.time.ZoneOffset.UTC : TimeZones.zone(tz);
        Set<String> select = null;
        String sel = req.param("$select");
        if (sel != null && !sel.isBlank()) {
            select = new LinkedHashSet<>();
            for (String s : sel.split(",")) if (!s.isBlank()) select.add(s.trim());
        }
        ExtendedPropertyId.Filter expand = null;
        String exp = req.param("$expand");
        if (exp != null && !exp.isBlank()) {
            if (!allowExpand) throw GraphError.badRequest("ErrorInvalidUrlQuery", "The following parameters are not supported with change tracking over the 'Events' resource: '$expand'.");
            expand = ExtendedPropertyId.parseExpand(exp);
        }
        return new EventJson.View(zone, tz == null ? "UTC" : tz, select, expand);
    }

    static SandboxResponse withPreferenceApplied(SandboxResponse r, SandboxRequest req) {
        String tz = req.preference("outlook.timezone");
        if (tz != null) r.header("Preference-Applied", "outlook.timezone=\"" + tz + "\"");
        return r;
    }

    SandboxResponse create(GraphCall call) {
        ObjectNode json = call.req.jsonObject();
        EventJson.View view = view(call.req, true);
        synchronized (state) {
            String tx = Json.text(json, "transactionId");
            if (tx != null) {
                // [UNCERTAIN in graph-facts] Graph's answer to a repeated transactionId is undocumented; the sandbox
                // answers 201 with the event the first request created, so a retried POST is harmless.
                for (SandboxEvent e : state.calendar(call.mailbox.id).all()) {
                    if (tx.equals(e.transactionId)) return created(call, e, view);
                }
            }
            SandboxEvent e = new SandboxEvent(Ids.eventId(), call.mailbox.id, Ids.iCalUId(), state.now());
            EventJson.apply(e, json, true);
            e.organizerName = call.mailbox.displayName;
            e.organizerAddress = call.mailbox.address;
            e.isOrganizer = true;
            e.response = "organizer";
            state.saved(e, SandboxState.Change.CREATED);
            if (!call.mailbox.isRoom() && !e.attendees.isEmpty()) booking.organizerChanged(e);
            return created(call, e, view);
        }
    }

    private SandboxResponse created(GraphCall call, SandboxEvent e, EventJson.View view) {
        ObjectNode body = EventJson.render(e, call.req.origin, view);
        ObjectNode out = Json.object();
        out.put("@odata.context", call.graphBase() + "/$metadata#users('" + call.mailboxPath + "')/events/$entity");
        out.setAll(body);
        return withPreferenceApplied(SandboxResponse.json(201, out)
                .header("Location", call.graphBase() + "/Users('" + call.mailbox.id + "')/Events('" + e.id + "')"), call.req);
    }

    SandboxResponse get(GraphCall call, String eventId) {
        EventJson.View view = view(call.req, true);
        synchronized (state) {
            SandboxEvent e = find(call, eventId);
            ObjectNode out = Json.object();
            out.put("@odata.context", call.graphBase() + "/$metadata#users('" + call.mailboxPath + "')/events/$entity");
            out.setAll(EventJson.render(e, call.req.origin, view));
            return withPreferenceApplied(SandboxResponse.json(200, out), call.req);
        }
    }

    SandboxResponse list(GraphCall call) {
        EventJson.View view = view(call.req, true);
        int top = intParam(call.req, "$top", 10, 1, 1000);
        int skip = intParam(call.req, "$skip", 0, 0, Integer.MAX_VALUE);
        String filter = call.req.param("$filter");
        ExtendedPropertyId.Filter propFilter = null;
        String iCalUId = null;
        if (filter != null && !filter.isBlank()) {
            propFilter = ExtendedPropertyId.parseAny(filter);
            if (propFilter == null) {
                Matcher m = ICALUID_EQ.matcher(filter);
                if (!m.matches()) {
                    throw new GraphError(501, "notSupported", "The Exchange sandbox supports only these $filter forms on events: "
                            + "singleValueExtendedProperties/Any(ep: ep/id eq '...' and ep/value eq '...') and iCalUId eq '...'.");
                }
                iCalUId = m.group(1).replace("''", "'");
            }
        }
        synchronized (state) {
            List<SandboxEvent> all = new ArrayList<>();
            for (SandboxEvent e : state.calendar(call.mailbox.id).all()) {
                // /events lists single instances and series masters; occurrences and exceptions only come expanded.
                if (e.seriesMasterId != null) continue;
                if (iCalUId != null && !iCalUId.equals(e.iCalUId)) continue;
                if (propFilter != null) {
                    boolean hit = false;
                    for (Map.Entry<String, String> p : e.extendedProperties.entrySet()) hit |= propFilter.matches(p.getKey(), p.getValue());
                    if (!hit) continue;
                }
                all.add(e);
            }
            all.sort(Comparator.comparing((SandboxEvent e) -> e.created).thenComparing(e -> e.id));
            ObjectNode out = Json.object();
            out.put("@odata.context", call.graphBase() + "/$metadata#users('" + call.mailboxPath + "')/events");
            ArrayNode value = out.putArray("value");
            for (int i = skip; i < Math.min(all.size(), skip + top); i++) value.add(EventJson.render(all.get(i), call.req.origin, view));
            if (skip + top < all.size()) {
                out.put("@odata.nextLink", call.graphBase() + "/users/" + enc(call.mailboxPath) + "/events?"
                        + withParam(call.req.query, "$skip", Integer.toString(skip + top)));
            }
            return withPreferenceApplied(SandboxResponse.json(200, out), call.req);
        }
    }

    SandboxResponse patch(GraphCall call, String eventId) {
        ObjectNode json = call.req.jsonObject();
        EventJson.View view = view(call.req, true);
        synchronized (state) {
            SandboxEvent current = find(call, eventId);
            String ifMatch = call.req.header("If-Match");
            if (ifMatch != null && !ifMatch.equals("*") && !ifMatch.equals("W/\"" + current.changeKey + "\"")) {
                throw new GraphError(412, "ErrorIrresolvableConflict", "The send or update operation could not be performed because the change key passed in the request does not match the current change key for the item.");
            }
            // Changing one occurrence turns it into an exception under the same id.
            SandboxEvent updated = "occurrence".equals(current.type) ? Series.exceptionFrom(current) : current.copy();
            Set<String> changed = EventJson.apply(updated, json, false);
            boolean moved = !updated.start.equals(current.start) || !updated.end.equals(current.end);
            if (moved && updated.isOrganizer) {
                // A new time asks every attendee again, rooms included; the booking assistant answers again.
                for (SandboxEvent.Attendee a : updated.attendees) {
                    a.response = "none";
                    a.responseTime = SandboxEvent.NO_RESPONSE_TIME;
                }
            }
            Series.masterChanging(state, current, updated);
            state.saved(updated, SandboxState.Change.UPDATED);
            // Given a recurrence, a single event becomes the master: delta clients must drop the instance they hold.
            if (!current.isSeriesMaster() && updated.isSeriesMaster()) state.leftView(updated.mailboxId, updated.id);
            SandboxEvent series = Series.masterOf(state, updated);
            // Exchange keeps exceptions inside the master item: the master changes with them.
            if (series != updated) state.saved(series, SandboxState.Change.UPDATED);
            if (updated.isOrganizer && !call.mailbox.isRoom() && !changed.isEmpty()
                    && (!updated.attendees.isEmpty() || !current.attendees.isEmpty())) {
                booking.organizerChanged(series);
            }
            ObjectNode out = Json.object();
            out.put("@odata.context", call.graphBase() + "/$metadata#users('" + call.mailboxPath + "')/events/$entity");
            out.setAll(EventJson.render(updated, call.req.origin, view));
            return withPreferenceApplied(SandboxResponse.json(200, out), call.req);
        }
    }

    SandboxResponse delete(GraphCall call, String eventId) {
        synchronized (state) {
            SandboxEvent e = find(call, eventId);
            SandboxEvent series = remove(e);
            if (e.isOrganizer && !call.mailbox.isRoom()) booking.organizerChanged(series);
            return SandboxResponse.empty(204);
        }
    }

    SandboxResponse cancel(GraphCall call, String eventId) {
        if (call.req.hasBody()) {
            ObjectNode body = call.req.jsonObject();
            String comment = Json.text(body, "comment");
            if (comment != null && comment.length() > 4000) throw GraphError.invalidRequest("The comment is too long.");
        }
        synchronized (state) {
            SandboxEvent e = find(call, eventId);
            if (!e.isOrganizer) {
                throw GraphError.invalidRequest("Your request can't be completed. You need to be an organizer to cancel a meeting.");
            }
            // Cancelling sends cancellations and moves the organizer's copy to Deleted Items: gone from the calendar.
            SandboxEvent series = remove(e);
            if (!call.mailbox.isRoom()) booking.organizerChanged(series);
            return SandboxResponse.empty(202);
        }
    }

    /**
     * Removes an event; one occurrence or exception goes alone (its master records it as cancelled), a master takes
     * its series with it. Returns what the booking assistant must look at again: the master, or the event.
     */
    private SandboxEvent remove(SandboxEvent e) {
        if (e.seriesMasterId != null) {
            SandboxEvent master = state.event(e.mailboxId, e.seriesMasterId);
            if ("exception".equals(e.type)) state.removed(e);
            else state.instanceRemoved(e.mailboxId, e.id);
            if (master == null) return e;
            master.cancelledOccurrences.add(e.originalStart);
            state.saved(master, SandboxState.Change.UPDATED);
            return master;
        }
        if (e.isSeriesMaster()) Series.remove(state, e);
        else state.removed(e);
        return e;
    }

    /**
     * accept, tentativelyAccept, decline on an attendee's copy: its own response changes and, with sendResponse
     * (default true), the organizer's copy records it. Declining moves the copy to Deleted Items, as Exchange does.
     */
    SandboxResponse respond(GraphCall call, String eventId, String action) {
        boolean sendResponse = true;
        if (call.req.hasBody()) {
            ObjectNode body = call.req.jsonObject();
            String comment = Json.text(body, "comment");
            if (comment != null && comment.length() > 4000) throw GraphError.invalidRequest("The comment is too long.");
            if (body.hasNonNull("sendResponse")) sendResponse = body.get("sendResponse").asBoolean(true);
        }
        String response = switch (action) {
            case "accept" -> "accepted";
            case "tentativelyaccept" -> "tentativelyAccepted";
            default -> "declined";
        };
        synchronized (state) {
            SandboxEvent e = find(call, eventId);
            if (e.isOrganizer) {
                throw GraphError.invalidRequest("Your request can't be completed. You can't respond to a meeting you organized.");
            }
            if (e.seriesMasterId != null) {
                throw new GraphError(501, "notSupported", "The Exchange sandbox takes responses for whole series only; respond on the series master.");
            }
            Instant now = state.now();
            if (response.equals("declined")) {
                remove(e);
            } else {
                SandboxEvent updated = e.copy();
                updated.response = response;
                updated.responseTime = now;
                updated.showAs = response.equals("accepted") ? "busy" : "tentative";
                state.saved(updated, SandboxState.Change.UPDATED);
            }
            if (sendResponse && e.copiedFromMailboxId != null) {
                SandboxEvent org = state.event(e.copiedFromMailboxId, e.copiedFromEventId);
                SandboxEvent.Attendee a = org == null ? null : org.attendee(call.mailbox.address);
                if (a != null) {
                    a.response = response;
                    a.responseTime = now;
                    state.saved(org, SandboxState.Change.UPDATED);
                }
            }
            return SandboxResponse.empty(202);
        }
    }

    private SandboxEvent find(GraphCall call, String eventId) {
        SandboxEvent e = Series.resolve(state, call.mailbox.id, eventId);
        if (e == null) throw GraphError.itemNotFound();
        return e;
    }

    static int intParam(SandboxRequest req, String name, int dflt, int min, int max) {
        String v = req.param(name);
        if (v == null || v.isBlank()) return dflt;
        try {
            int n = Integer.parseInt(v.trim());
            if (n < min || n > max) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            throw GraphError.badRequest("BadRequest", "Invalid " + name + " value '" + v + "'.");
        }
    }

    static String withParam(Map<String, String> query, String name, String value) {
        StringBuilder sb = new StringBuilder();
        boolean replaced = false;
        for (Map.Entry<String, String> e : query.entrySet()) {
            String v = e.getKey().equalsIgnoreCase(name) ? value : e.getValue();
            replaced |= e.getKey().equalsIgnoreCase(name);
            if (sb.length() > 0) sb.append('&');
            sb.append(enc(e.getKey())).append('=').append(enc(v));
        }
        if (!replaced) {
            if (sb.length() > 0) sb.append('&');
            sb.append(enc(name)).append('=').append(enc(value));
        }
        return sb.toString();
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20").replace("%24", "$");
    }
}
