package io.roomsync.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.roomsync.common.NotFoundException;
import io.roomsync.common.ValidationException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a person does in Outlook, done in the sandbox: read a mailbox's week, create, move and cancel meetings, and
 * (standing in for Graph's own housekeeping) send lifecycle events. Every change goes through
 * {@link ExchangeSandbox#outlook}, the code path of a real client, so the booking assistant, delta and change
 * notifications react as they would to a change made in Outlook. Knows nothing of HTTP.
 */
public final class SandboxOutlook {
    public static final List<String> LIFECYCLE_EVENTS = List.of("reauthorizationRequired", "subscriptionRemoved", "missed");
    static final int MAX_SUBJECT = 255;
    static final int MAX_ATTENDEES = 50;
    private static final Pattern EMAIL = Pattern.compile("^[^@\\s,;<>\"]+@[^@\\s,;<>\"]+\\.[^@\\s,;<>\"]+$");
    /** Graph item ids are URL-safe base64; anything else never came from this sandbox. */
    private static final Pattern EVENT_ID = Pattern.compile("^[A-Za-z0-9_=-]{1,512}$");

    private final ExchangeSandbox sandbox;
    private final Directory.Tenant tenant;

    public SandboxOutlook(ExchangeSandbox sandbox, Directory.Tenant tenant) {
        this.sandbox = sandbox;
        this.tenant = tenant;
    }

    /** A person or room of the tenant's directory. */
    public record Mailbox(String address, String displayName, boolean room) {}

    /** The meeting form as typed; rooms are addresses of room mailboxes, attendees free text of e-mail addresses. */
    public record MeetingInput(String subject, String date, String start, String end, String timeZone,
                               List<String> rooms, String attendees, String repeat, String count) {}

    /** Outlook's simple repeat choices; a repeating meeting ends after a number of occurrences. */
    public static final List<String> REPEATS = List.of("none", "daily", "weekly");
    static final int MAX_OCCURRENCES = 52;

    /** What an invitee can answer, as Graph's actions name them. */
    public static final List<String> RESPONSES = List.of("accept", "tentativelyAccept", "decline");

    /** A new time for a meeting, typed in {@code timeZone}. */
    public record MoveInput(String date, String start, String end, String timeZone) {}

    /** A week of a mailbox's calendar in one zone, Monday first. */
    public record Week(LocalDate monday, ZoneId zone, List<Day> days) {}

    public record Day(LocalDate date, List<ExchangeSandbox.OutlookEvent> events) {}

    public List<Mailbox> mailboxes() {
        List<Mailbox> out = new ArrayList<>();
        for (Directory.Mailbox m : sandbox.mailboxes(tenant)) out.add(new Mailbox(m.address, m.displayName, m.isRoom()));
        return out;
    }

    public Optional<Mailbox> mailbox(String address) {
        if (address == null || address.isBlank()) return Optional.empty();
        return mailboxes().stream().filter(m -> m.address().equalsIgnoreCase(address.strip())).findFirst();
    }

    public List<Mailbox> rooms() {
        return mailboxes().stream().filter(Mailbox::room).toList();
    }

    /** The week (Monday to Sunday in {@code zone}) that contains {@code day}; an event shows on every day it touches. */
    public Week week(Mailbox mailbox, LocalDate day, ZoneId zone) {
        LocalDate monday = day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
        Instant from = monday.atStartOfDay(zone).toInstant();
        Instant to = monday.plusDays(7).atStartOfDay(zone).toInstant();
        List<ExchangeSandbox.OutlookEvent> events = sandbox.calendar(mailbox.address(), from, to);
        List<Day> days = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            LocalDate date = monday.plusDays(i);
            Instant dayStart = date.atStartOfDay(zone).toInstant();
            Instant dayEnd = date.plusDays(1).atStartOfDay(zone).toInstant();
            List<ExchangeSandbox.OutlookEvent> today = new ArrayList<>();
            for (ExchangeSandbox.OutlookEvent e : events) {
                boolean overlaps = e.start().isBefore(dayEnd) && e.end().isAfter(dayStart);
                boolean instantAtDay = e.start().equals(e.end()) && !e.start().isBefore(dayStart) && e.start().isBefore(dayEnd);
                if (overlaps || instantAtDay) today.add(e);
            }
            days.add(new Day(date, List.copyOf(today)));
        }
        return new Week(monday, zone, List.copyOf(days));
    }

    /** Creates a meeting in the organizer's calendar, inviting rooms (as resources) and people; returns its id. */
    public String createMeeting(Mailbox organizer, MeetingInput in) {
        if (organizer.room()) throw new ValidationException("", "A room does not organize meetings: pick a person's mailbox.");
        ValidationException.Errors errors = new ValidationException.Errors();
        String subject = in.subject() == null ? "" : in.subject().strip();
        if (subject.isEmpty()) errors.add("subject", "Enter a subject.");
        else if (subject.length() > MAX_SUBJECT) errors.add("subject", "Keep the subject to " + MAX_SUBJECT + " characters.");
        Slot slot = slot(in.date(), in.start(), in.end(), in.timeZone(), errors);
        List<Mailbox> rooms = new ArrayList<>();
        for (String address : in.rooms() == null ? List.<String>of() : in.rooms()) {
            if (address == null || address.isBlank()) continue;
            Optional<Mailbox> room = mailbox(address).filter(Mailbox::room);
            if (room.isEmpty()) errors.add("rooms", "'" + address.strip() + "' is not a room mailbox of this directory.");
            else if (!rooms.contains(room.get())) rooms.add(room.get());
        }
        Set<String> people = new LinkedHashSet<>();
        String attendees = in.attendees() == null ? "" : in.attendees().strip();
        if (!attendees.isEmpty()) {
            for (String a : attendees.split("[,;\\s]+")) {
                if (a.isEmpty()) continue;
                if (!EMAIL.matcher(a).matches()) {
                    errors.add("attendees", "'" + a + "' is not an e-mail address.");
                    continue;
                }
                Optional<Mailbox> known = mailbox(a);
                if (known.isPresent() && known.get().room()) {
                    if (!rooms.contains(known.get())) rooms.add(known.get());
                } else if (!a.equalsIgnoreCase(organizer.address())) {
                    people.add(a.toLowerCase(Locale.ROOT));
                }
            }
        }
        if (rooms.size() + people.size() > MAX_ATTENDEES) {
            errors.add("attendees", "Invite at most " + MAX_ATTENDEES + " rooms and people.");
        }
        String repeat = in.repeat() == null || in.repeat().isBlank() ? "none" : in.repeat().strip();
        int count = 0;
        if (!REPEATS.contains(repeat)) {
            errors.add("repeat", "Choose does not repeat, daily or weekly.");
        } else if (!repeat.equals("none")) {
            try {
                count = Integer.parseInt(blankToEmpty(in.count()));
            } catch (NumberFormatException e) {
                count = -1;
            }
            if (count < 2 || count > MAX_OCCURRENCES) errors.add("count", "Enter how many times it happens: 2 to " + MAX_OCCURRENCES + ".");
        }
        errors.throwIfAny();

        ObjectNode body = Json.object();
        body.put("subject", subject);
        body.set("start", dateTimeTimeZone(slot.start(), slot.zone()));
        body.set("end", dateTimeTimeZone(slot.end(), slot.zone()));
        if (!rooms.isEmpty()) {
            // Outlook's room finder puts the rooms in the location as well as in the attendees.
            body.putObject("location").put("displayName", String.join("; ", rooms.stream().map(Mailbox::displayName).toList()))
                    .put("locationType", "conferenceRoom").put("locationEmailAddress", rooms.get(0).address());
            ArrayNode locations = body.putArray("locations");
            for (Mailbox r : rooms) {
                locations.addObject().put("displayName", r.displayName()).put("locationType", "conferenceRoom")
                        .put("locationEmailAddress", r.address());
            }
        }
        if (!repeat.equals("none")) {
            ObjectNode recurrence = body.putObject("recurrence");
            ObjectNode pattern = recurrence.putObject("pattern").put("type", repeat).put("interval", 1);
            if (repeat.equals("weekly")) pattern.putArray("daysOfWeek").add(slot.start().getDayOfWeek().name().toLowerCase(Locale.ROOT));
            recurrence.putObject("range").put("type", "numbered").put("startDate", slot.start().toLocalDate().toString())
                    .put("numberOfOccurrences", count).put("recurrenceTimeZone", slot.zone().getId());
        }
        ArrayNode list = body.putArray("attendees");
        for (Mailbox r : rooms) attendee(list, r.address(), r.displayName(), "resource");
        for (String p : people) {
            Optional<Mailbox> known = mailbox(p);
            attendee(list, known.map(Mailbox::address).orElse(p), known.map(Mailbox::displayName).orElse(p), "required");
        }
        ExchangeSandbox.OutlookResult r = sandbox.outlook(organizer.address(), "POST", "events", body.toString());
        refuseUnlessOk(r, "create the meeting");
        return parse(r.json()).path("id").asText();
    }

    /** Gives an organizer's meeting a new time; the rooms are asked again. */
    public ExchangeSandbox.OutlookEvent moveMeeting(Mailbox mailbox, String eventId, MoveInput in) {
        ExchangeSandbox.OutlookEvent event = event(mailbox, eventId);
        if (!event.organizer()) {
            throw new ValidationException("", "Only the organizer can move a meeting; " + event.organizerName() + " organizes this one.");
        }
        ValidationException.Errors errors = new ValidationException.Errors();
        Slot slot = slot(in.date(), in.start(), in.end(), in.timeZone(), errors);
        errors.throwIfAny();
        ObjectNode body = Json.object();
        body.set("start", dateTimeTimeZone(slot.start(), slot.zone()));
        body.set("end", dateTimeTimeZone(slot.end(), slot.zone()));
        ExchangeSandbox.OutlookResult r = sandbox.outlook(mailbox.address(), "PATCH", "events/" + enc(event.id()), body.toString());
        refuseUnlessOk(r, "move the meeting");
        return event;
    }

    /**
     * Cancels a meeting the mailbox organizes (attendees get the cancellation, rooms free the slot), or deletes an
     * attendee's copy or an appointment without attendees. True if it was a cancellation.
     */
    public boolean cancelMeeting(Mailbox mailbox, String eventId) {
        ExchangeSandbox.OutlookEvent event = event(mailbox, eventId);
        boolean cancel = event.organizer() && !event.attendees().isEmpty();
        ExchangeSandbox.OutlookResult r = cancel
                ? sandbox.outlook(mailbox.address(), "POST", "events/" + enc(event.id()) + "/cancel",
                        Json.object().put("comment", "Cancelled in Outlook (Exchange sandbox).").toString())
                : sandbox.outlook(mailbox.address(), "DELETE", "events/" + enc(event.id()), null);
        refuseUnlessOk(r, cancel ? "cancel the meeting" : "delete the event");
        return cancel;
    }

    /**
     * Answers an invitation in the mailbox: accept, tentativelyAccept or decline, with the response sent to the
     * organizer. Outlook answers for the whole series when the invitation is one of its occurrences.
     */
    public ExchangeSandbox.OutlookEvent respond(Mailbox mailbox, String eventId, String response) {
        if (!RESPONSES.contains(response)) throw new ValidationException("response", "Choose accept, tentative or decline.");
        ExchangeSandbox.OutlookEvent event = event(mailbox, eventId);
        if (event.organizer()) throw new ValidationException("", "You organize this meeting; there is nothing to answer.");
        String target = event.seriesMasterId() != null ? event.seriesMasterId() : event.id();
        ExchangeSandbox.OutlookResult r = sandbox.outlook(mailbox.address(), "POST", "events/" + enc(target) + "/" + response,
                Json.object().put("sendResponse", true).toString());
        refuseUnlessOk(r, "send the response");
        return event;
    }

    public ExchangeSandbox.OutlookEvent event(Mailbox mailbox, String eventId) {
        if (eventId == null || !EVENT_ID.matcher(eventId).matches()) throw new NotFoundException("Event");
        return sandbox.event(mailbox.address(), eventId).orElseThrow(() -> new NotFoundException("Event"));
    }

    public List<ExchangeSandbox.SubscriptionInfo> subscriptions() {
        return sandbox.subscriptionsOf(tenant);
    }

    /** Sends a lifecycle event for a subscription on this directory's mailboxes, as Graph would. */
    public void sendLifecycleEvent(String subscriptionId, String lifecycleEvent) {
        if (!LIFECYCLE_EVENTS.contains(lifecycleEvent)) {
            throw new ValidationException("lifecycleEvent", "Choose reauthorizationRequired, subscriptionRemoved or missed.");
        }
        boolean ours = subscriptions().stream().anyMatch(s -> s.id().equals(subscriptionId));
        if (!ours || !sandbox.sendLifecycleNotification(subscriptionId, lifecycleEvent)) throw new NotFoundException("Subscription");
    }

    // ---------------------------------------------------------------------------------------------------------

    private record Slot(LocalDateTime start, LocalDateTime end, ZoneId zone) {}

    /** Date and times of a form in a zone; errors are recorded per field and the slot is null if any. */
    private static Slot slot(String dateText, String startText, String endText, String zoneText, ValidationException.Errors errors) {
        LocalDate date = null;
        LocalTime start = null;
        LocalTime end = null;
        ZoneId zone = null;
        try {
            date = LocalDate.parse(blankToEmpty(dateText));
        } catch (DateTimeParseException e) {
            errors.add("date", blankToEmpty(dateText).isEmpty() ? "Enter a date." : "Enter the date as YYYY-MM-DD.");
        }
        try {
            start = LocalTime.parse(blankToEmpty(startText));
        } catch (DateTimeParseException e) {
            errors.add("start", "Enter the start as HH:MM.");
        }
        try {
            end = LocalTime.parse(blankToEmpty(endText));
        } catch (DateTimeParseException e) {
            errors.add("end", "Enter the end as HH:MM.");
        }
        try {
            zone = ZoneId.of(blankToEmpty(zoneText));
        } catch (DateTimeException e) {
            errors.add("timeZone", "Choose a time zone from the list.");
        }
        if (start != null && end != null && !end.isAfter(start)) errors.add("end", "The end must be after the start.");
        if (date == null || start == null || end == null || zone == null || !end.isAfter(start)) return null;
        return new Slot(date.atTime(start), date.atTime(end), zone);
    }

    private static String blankToEmpty(String s) {
        return s == null ? "" : s.strip();
    }

    private static ObjectNode dateTimeTimeZone(LocalDateTime at, ZoneId zone) {
        return Json.object().put("dateTime", Json.local(at)).put("timeZone", zone.getId());
    }

    private static void attendee(ArrayNode list, String address, String name, String type) {
        ObjectNode a = list.addObject();
        a.put("type", type);
        a.putObject("emailAddress").put("address", address).put("name", name);
    }

    /** A refusal from Exchange becomes a message on the form, in Exchange's own words. */
    private static void refuseUnlessOk(ExchangeSandbox.OutlookResult r, String what) {
        if (r.ok()) return;
        String message = "";
        try {
            JsonNode error = parse(r.json()).path("error");
            message = error.path("message").asText("") + " (" + r.status() + " " + error.path("code").asText("") + ")";
        } catch (RuntimeException e) {
            message = "HTTP " + r.status();
        }
        throw new ValidationException("", "Exchange did not " + what + ": " + message.strip());
    }

    private static JsonNode parse(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("The sandbox answered something that is not JSON", e);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
