package io.roomsync.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Reads event JSON sent by clients into {@link SandboxEvent}s and renders them the way Graph does. */
final class EventJson {
    /** Properties a client may write; anything else not read-only is refused like Graph refuses unknown properties. */
    private static final Set<String> PASSTHROUGH = Set.of("isReminderOn", "reminderMinutesBeforeStart", "hideAttendees",
            "isOnlineMeeting", "onlineMeetingProvider", "onlineMeetingUrl", "hasAttachments", "isDraft",
            "multiValueExtendedProperties");
    private static final Set<String> READ_ONLY = Set.of("id", "createdDateTime", "lastModifiedDateTime", "changeKey",
            "iCalUId", "uid", "webLink", "bodyPreview", "isOrganizer", "responseStatus", "type", "seriesMasterId",
            "originalStart", "originalStartTimeZone", "originalEndTimeZone", "organizer", "isCancelled",
            "onlineMeeting", "occurrenceId", "calendar", "instances", "attachments", "extensions", "cancelledOccurrences",
            "exceptionOccurrences");
    private static final Set<String> SHOW_AS = Set.of("free", "tentative", "busy", "oof", "workingelsewhere", "unknown");
    private static final Set<String> SENSITIVITY = Set.of("normal", "personal", "private", "confidential");
    private static final Set<String> IMPORTANCE = Set.of("low", "normal", "high");
    private static final Set<String> ATTENDEE_TYPES = Set.of("required", "optional", "resource");

    private EventJson() {}

    /**
     * Applies the properties in {@code json} to {@code event}. Returns the names of properties that were set, so
     * callers can tell a time change from a subject change.
     */
    static Set<String> apply(SandboxEvent event, ObjectNode json, boolean creating) {
        Set<String> changed = new LinkedHashSet<>();
        String startDateTime = null, startZone = null, endDateTime = null, endZone = null;
        boolean locationSet = false;
        JsonNode recurrence = null;
        for (Iterator<Map.Entry<String, JsonNode>> it = json.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            String name = f.getKey();
            JsonNode v = f.getValue();
            if (name.startsWith("@odata.") || name.contains("@odata.")) continue;
            switch (name) {
                case "subject": event.subject = v.isNull() ? "" : v.asText(); break;
                case "body": event.body = body(v); break;
                case "start":
                    requireObject(name, v);
                    startDateTime = Json.text(v, "dateTime");
                    startZone = Json.text(v, "timeZone");
                    break;
                case "end":
                    requireObject(name, v);
                    endDateTime = Json.text(v, "dateTime");
                    endZone = Json.text(v, "timeZone");
                    break;
                case "isAllDay": event.isAllDay = v.asBoolean(); break;
                case "showAs": event.showAs = enumValue(name, v, SHOW_AS, "busy"); break;
                case "sensitivity": event.sensitivity = enumValue(name, v, SENSITIVITY, "normal"); break;
                case "importance": event.importance = enumValue(name, v, IMPORTANCE, "normal"); break;
                case "categories": event.categories = v.isArray() ? (ArrayNode) v.deepCopy() : null; break;
                case "location":
                    event.location = v.isObject() ? normaliseLocation((ObjectNode) v) : null;
                    locationSet = true;
                    break;
                case "locations":
                    event.locations = Json.array();
                    if (v.isArray()) for (JsonNode l : v) if (l.isObject()) event.locations.add(normaliseLocation((ObjectNode) l));
                    break;
                case "attendees": readAttendees(event, v); break;
                case "responseRequested": event.responseRequested = v.asBoolean(true); break;
                case "allowNewTimeProposals": event.allowNewTimeProposals = v.asBoolean(true); break;
                case "transactionId":
                    if (creating) {
                        event.transactionId = v.isNull() ? null : v.asText();
                    } else if (!v.isNull() && !v.asText().equals(event.transactionId)) {
                        throw GraphError.invalidRequest("The transactionId property cannot be updated.");
                    }
                    break;
                case "singleValueExtendedProperties": readExtendedProperties(event, v); break;
                case "recurrence":
                    if (event.seriesMasterId != null && !v.isNull()) {
                        throw GraphError.invalidRequest("An occurrence or exception of a series cannot have its own recurrence.");
                    }
                    recurrence = v;
                    break;
                default:
                    if (PASSTHROUGH.contains(name)) {
                        event.other.set(name, v.deepCopy());
                    } else if (!READ_ONLY.contains(name)) {
                        throw GraphError.badRequest("RequestBodyRead", "The property '" + name
                                + "' does not exist on type 'Microsoft.OutlookServices.Event'. Make sure to only use property names that are defined by the type or mark the type as open type.");
                    }
                    continue;
            }
            changed.add(name);
        }
        if (locationSet && !json.has("locations")) {
            event.locations = Json.array();
            if (event.location != null) event.locations.add(event.location.deepCopy());
        }
        if (startDateTime != null || startZone != null) {
            event.start = TimeZones.toInstant(startDateTime, startZone);
            event.startZone = startZone == null ? "UTC" : startZone;
        }
        if (endDateTime != null || endZone != null) {
            event.end = TimeZones.toInstant(endDateTime, endZone);
            event.endZone = endZone == null ? "UTC" : endZone;
        }
        if (creating && (event.start == null || event.end == null)) {
            throw GraphError.invalidRequest("Start and End are required to create an event.");
        }
        if (event.end.isBefore(event.start)) {
            throw GraphError.badRequest("ErrorCalendarEndDateIsEarlierThanStartDate", "The end date occurs before the start date.");
        }
        if (recurrence != null && recurrence.isNull()) {
            event.recurrence = null;
            if (event.isSeriesMaster()) event.type = "singleInstance";
        } else if (recurrence != null) {
            event.recurrence = Recurrence.read(recurrence, LocalDateTime.ofInstant(event.start, TimeZones.zone(event.startZone)).toLocalDate());
            event.type = "seriesMaster";
        }
        return changed;
    }

    private static void requireObject(String name, JsonNode v) {
        if (!v.isObject()) {
            throw GraphError.badRequest("RequestBodyRead", "Property '" + name + "' must be a dateTimeTimeZone object.");
        }
    }

    private static String enumValue(String property, JsonNode v, Set<String> allowed, String dflt) {
        if (v.isNull()) return dflt;
        String s = v.asText();
        if (!allowed.contains(s.toLowerCase(Locale.ROOT))) {
            throw GraphError.badRequest("RequestBodyRead", "Requested value '" + s + "' was not found for property '" + property + "'.");
        }
        // Graph answers enums in camelCase whatever the request's case.
        return s.equalsIgnoreCase("workingElsewhere") ? "workingElsewhere" : s.toLowerCase(Locale.ROOT);
    }

    private static ObjectNode body(JsonNode v) {
        if (!v.isObject()) return null;
        ObjectNode b = Json.object();
        String type = Json.text(v, "contentType");
        b.put("contentType", type == null ? "text" : type.toLowerCase(Locale.ROOT));
        String content = Json.text(v, "content");
        b.put("content", content == null ? "" : content);
        return b;
    }

    private static ObjectNode normaliseLocation(ObjectNode in) {
        ObjectNode l = in.deepCopy();
        l.remove("@odata.type");
        if (!l.has("displayName")) l.put("displayName", "");
        if (!l.has("locationType")) l.put("locationType", "default");
        if (!l.has("uniqueIdType")) l.put("uniqueIdType", l.has("uniqueId") ? "private" : "unknown");
        return l;
    }

    private static void readAttendees(SandboxEvent event, JsonNode v) {
        List<SandboxEvent.Attendee> previous = List.copyOf(event.attendees);
        event.attendees.clear();
        if (!v.isArray()) return;
        if (v.size() > 500) throw GraphError.invalidRequest("An event can have at most 500 attendees.");
        for (JsonNode a : v) {
            SandboxEvent.Attendee at = new SandboxEvent.Attendee();
            String type = Json.text(a, "type");
            if (type != null) {
                if (!ATTENDEE_TYPES.contains(type.toLowerCase(Locale.ROOT))) {
                    throw GraphError.badRequest("RequestBodyRead", "Requested value '" + type + "' was not found for property 'type'.");
                }
                at.type = type.toLowerCase(Locale.ROOT);
            }
            JsonNode email = a.get("emailAddress");
            at.address = Json.text(email, "address");
            at.name = Json.text(email, "name");
            if (at.address == null || at.address.isBlank()) {
                throw GraphError.badRequest("ErrorInvalidRecipients", "At least one recipient is not valid., Recipient '' is not resolved. All recipients must be resolved before a message can be submitted.");
            }
            if (at.name == null) at.name = at.address;
            // A re-sent attendee keeps the response it already had; clients cannot set responses.
            for (SandboxEvent.Attendee old : previous) {
                if (old.is(at.address)) {
                    at.response = old.response;
                    at.responseTime = old.responseTime;
                }
            }
            event.attendees.add(at);
        }
    }

    private static void readExtendedProperties(SandboxEvent event, JsonNode v) {
        if (!v.isArray()) return;
        for (JsonNode p : v) {
            String id = Json.text(p, "id");
            if (id == null || !ExtendedPropertyId.isValid(id)) {
                throw GraphError.badRequest("ErrorInvalidProperty", "The extended property id '" + id + "' is not valid.");
            }
            String existing = null;
            for (String k : event.extendedProperties.keySet()) if (ExtendedPropertyId.same(k, id)) existing = k;
            String value = Json.text(p, "value");
            if (existing != null) event.extendedProperties.remove(existing);
            if (value != null) event.extendedProperties.put(existing != null ? existing : id, value);
        }
    }

    /** How to render: the zone for start/end, selected fields, and which extended properties to expand. */
    static final class View {
        final ZoneId zone;
        final String zoneName;
        final Set<String> select;
        final ExtendedPropertyId.Filter expand;

        View(ZoneId zone, String zoneName, Set<String> select, ExtendedPropertyId.Filter expand) {
            this.zone = zone;
            this.zoneName = zoneName;
            this.select = select;
            this.expand = expand;
        }

        static final View DEFAULT = new View(java.time.ZoneOffset.UTC, "UTC", null, null);
    }

    static ObjectNode render(SandboxEvent e, String origin, View view) {
        ObjectNode o = Json.object();
        o.put("@odata.etag", "W/\"" + e.changeKey + "\"");
        o.put("id", e.id);
        o.put("createdDateTime", Json.instant(e.created));
        o.put("lastModifiedDateTime", Json.instant(e.lastModified));
        o.put("changeKey", e.changeKey);
        o.set("categories", e.categories == null ? Json.array() : e.categories.deepCopy());
        if (e.transactionId != null) o.put("transactionId", e.transactionId);
        o.put("originalStartTimeZone", e.startZone);
        o.put("originalEndTimeZone", e.endZone);
        o.put("iCalUId", e.iCalUId);
        o.put("uid", e.uid);
        o.put("reminderMinutesBeforeStart", e.other.path("reminderMinutesBeforeStart").asInt(15));
        o.put("isReminderOn", e.other.path("isReminderOn").asBoolean(!"free".equals(e.showAs)));
        o.put("hasAttachments", false);
        o.put("subject", e.subject);
        String content = e.body == null ? "" : e.body.path("content").asText("");
        o.put("bodyPreview", preview(content));
        o.put("importance", e.importance);
        o.put("sensitivity", e.sensitivity);
        o.put("isAllDay", e.isAllDay);
        o.put("isCancelled", e.isCancelled);
        o.put("isOrganizer", e.isOrganizer);
        o.put("responseRequested", e.responseRequested);
        if (e.seriesMasterId == null) o.putNull("seriesMasterId");
        else o.put("seriesMasterId", e.seriesMasterId);
        o.put("showAs", e.showAs);
        o.put("type", e.type);
        if (e.originalStart != null) {
            o.put("originalStart", Json.instant(e.originalStart));
        }
        o.put("webLink", origin + "/owa/?itemid=" + e.id + "&exvsurl=1&path=/calendar/item");
        o.putNull("onlineMeetingUrl");
        o.put("isOnlineMeeting", e.other.path("isOnlineMeeting").asBoolean(false));
        o.put("onlineMeetingProvider", e.other.path("onlineMeetingProvider").asText("unknown"));
        o.put("allowNewTimeProposals", e.allowNewTimeProposals);
        o.put("isDraft", false);
        o.put("hideAttendees", e.other.path("hideAttendees").asBoolean(false));
        ObjectNode rs = o.putObject("responseStatus");
        rs.put("response", e.response);
        rs.put("time", Json.instant(e.responseTime).replace(".0000000Z", "Z"));
        ObjectNode body = o.putObject("body");
        body.put("contentType", e.body == null ? "html" : e.body.path("contentType").asText("html"));
        body.put("content", content);
        o.set("start", dateTimeTimeZone(e.start, view));
        o.set("end", dateTimeTimeZone(e.end, view));
        o.set("location", e.location == null ? emptyLocation() : e.location.deepCopy());
        o.set("locations", e.locations == null ? Json.array() : e.locations.deepCopy());
        if (e.recurrence == null) o.putNull("recurrence");
        else o.set("recurrence", e.recurrence.deepCopy());
        ArrayNode attendees = o.putArray("attendees");
        for (SandboxEvent.Attendee a : e.attendees) {
            ObjectNode an = attendees.addObject();
            an.put("type", a.type);
            ObjectNode st = an.putObject("status");
            st.put("response", a.response);
            st.put("time", Json.instant(a.responseTime).replace(".0000000Z", "Z"));
            ObjectNode em = an.putObject("emailAddress");
            em.put("name", a.name);
            em.put("address", a.address);
        }
        ObjectNode org = o.putObject("organizer").putObject("emailAddress");
        org.put("name", e.organizerName);
        org.put("address", e.organizerAddress);
        o.putNull("onlineMeeting");
        if (view.expand != null) {
            ArrayNode props = Json.array();
            for (Map.Entry<String, String> p : e.extendedProperties.entrySet()) {
                if (view.expand.matches(p.getKey(), p.getValue())) {
                    ObjectNode pn = props.addObject();
                    pn.put("id", p.getKey());
                    pn.put("value", p.getValue());
                }
            }
            if (props.size() > 0) o.set("singleValueExtendedProperties", props);
        }
        if (view.select != null) {
            ObjectNode selected = Json.object();
            selected.set("@odata.etag", o.get("@odata.etag"));
            selected.set("id", o.get("id"));
            for (String s : view.select) if (o.has(s)) selected.set(s, o.get(s));
            if (o.has("singleValueExtendedProperties")) selected.set("singleValueExtendedProperties", o.get("singleValueExtendedProperties"));
            return selected;
        }
        return o;
    }

    private static ObjectNode emptyLocation() {
        ObjectNode l = Json.object();
        l.put("displayName", "");
        l.put("locationType", "default");
        l.put("uniqueIdType", "unknown");
        l.putObject("address");
        l.putObject("coordinates");
        return l;
    }

    private static ObjectNode dateTimeTimeZone(Instant instant, View view) {
        ObjectNode d = Json.object();
        d.put("dateTime", Json.local(LocalDateTime.ofInstant(instant, view.zone)));
        d.put("timeZone", view.zoneName);
        return d;
    }

    private static String preview(String content) {
        String text = content.replaceAll("<[^>]*>", " ").replaceAll("\\s+", " ").trim();
        return text.length() > 255 ? text.substring(0, 255) : text;
    }

    /** The removed-item shape of delta responses. */
    static ObjectNode removed(String id) {
        ObjectNode o = Json.object();
        o.put("@odata.type", "#microsoft.graph.event");
        o.put("id", id);
        o.putObject("@removed").put("reason", "deleted");
        return o;
    }
}
