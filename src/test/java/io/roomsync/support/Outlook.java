package io.roomsync.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.roomsync.sandbox.ExchangeSandbox;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * People using Outlook on the Exchange sandbox's mailboxes: they book, move and cancel meetings in their own
 * calendars through {@link ExchangeSandbox#outlook}, so the booking assistant, delta and notifications react as they
 * would to a person. A call Graph refuses fails the test with Graph's answer.
 */
public final class Outlook {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ExchangeSandbox sandbox;
    private final boolean settle;

    /**
     * With {@code settle}, each change returns only once the sandbox is idle (the room has answered, the notifications
     * are out), for tests that notify and pull by hand next; without, the change reaches Roomsync while the test goes on.
     */
    public Outlook(ExchangeSandbox sandbox, boolean settle) {
        this.sandbox = sandbox;
        this.settle = settle;
    }

    /** A meeting in the organizer's calendar: its event id, and the iCalUId that the room's copy carries too. */
    public record Meeting(String id, String iCalUId) {}

    /** The organizer books a meeting with the room as a resource and the people as required attendees. */
    public Meeting book(String organizer, String subject, Instant start, Instant end, String room, String... people) {
        ObjectNode body = JSON.createObjectNode();
        body.put("subject", subject);
        body.set("start", time(start));
        body.set("end", time(end));
        ArrayNode attendees = body.putArray("attendees");
        attendee(attendees, "resource", room);
        for (String person : people) attendee(attendees, "required", person);
        JsonNode made = change(organizer, "POST", "events", body.toString());
        return new Meeting(made.path("id").asText(), made.path("iCalUId").asText());
    }

    public void move(String organizer, String eventId, Instant start, Instant end) {
        ObjectNode body = JSON.createObjectNode();
        body.set("start", time(start));
        body.set("end", time(end));
        change(organizer, "PATCH", "events/" + eventId, body.toString());
    }

    public void cancel(String organizer, String eventId) {
        change(organizer, "POST", "events/" + eventId + "/cancel", "{\"comment\":\"Not needed\"}");
    }

    /** What Graph answers the user for a path under their mailbox, e.g. {@code events/{id}}. */
    public JsonNode get(String user, String path) {
        return call(user, "GET", path, null);
    }

    /** How many events of the mailbox carry the transactionId (Graph's guard against duplicate creates). */
    public long eventsWithTransaction(String mailbox, String transactionId) {
        long n = 0;
        for (JsonNode e : get(mailbox, "events?$top=1000").get("value")) {
            if (transactionId.equals(e.path("transactionId").asText(null))) n++;
        }
        return n;
    }

    private JsonNode change(String user, String method, String path, String body) {
        JsonNode answer = call(user, method, path, body);
        if (settle) {
            try {
                if (!sandbox.awaitIdle(Duration.ofSeconds(20))) throw new AssertionError("The sandbox did not settle");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        return answer;
    }

    private JsonNode call(String user, String method, String path, String body) {
        ExchangeSandbox.OutlookResult r = sandbox.outlook(user, method, path, body);
        if (!r.ok()) throw new AssertionError("Outlook " + method + " " + path + " answered " + r.status() + ": " + r.json());
        try {
            return r.json().isEmpty() ? JSON.createObjectNode() : JSON.readTree(r.json());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static void attendee(ArrayNode attendees, String type, String address) {
        ObjectNode a = attendees.addObject();
        a.put("type", type);
        a.putObject("emailAddress").put("address", address);
    }

    private static ObjectNode time(Instant t) {
        ObjectNode n = JSON.createObjectNode();
        n.put("dateTime", LocalDateTime.ofInstant(t, ZoneOffset.UTC).toString());
        n.put("timeZone", "UTC");
        return n;
    }
}
