package io.roomsync.sandbox;

import io.javalin.http.Context;
import io.roomsync.common.NotFoundException;
import io.roomsync.common.ValidationException;
import io.roomsync.web.FormState;
import io.roomsync.tenant.CurrentUser;
import io.roomsync.web.Layout;
import io.roomsync.web.Pages;
import io.roomsync.web.Web;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The sandbox page (demo mode only): a person acts as Outlook on the built-in Exchange sandbox. Pick a mailbox,
 * see its week, create, move and cancel meetings, and send the lifecycle events Graph would send. Open to every
 * signed-in user of the demo tenant; users of other tenants get 404, as for anything that is not theirs.
 */
public final class SandboxPages {
    static final String PATH = "/sandbox/outlook";
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("EEE d MMM", Locale.ENGLISH);
    private static final DateTimeFormatter DAY_YEAR = DateTimeFormatter.ofPattern("d MMM yyyy", Locale.ENGLISH);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm", Locale.ENGLISH);
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("EEE d MMM yyyy, HH:mm", Locale.ENGLISH);

    /** A choice in the mailbox and room selects. */
    public record MailboxOption(String address, String displayName, boolean room) {
        public String label() {
            return displayName + " <" + address + ">";
        }
    }

    /** How a room (or a person) answered: the text and the badge style. */
    public record Response(String name, String address, String label, String badge) {}

    /** One meeting in one day column; {@code key} is unique on the page (a meeting spanning days shows twice). */
    public record EventView(String key, String id, String subject, String time, String organizerName, boolean organizer,
                            String ownResponse, List<Response> rooms, List<String> people,
                            String moveDate, String moveStart, String moveEnd, boolean recurring, boolean canRespond) {}

    /** An option of a plain select: value and label. */
    public record Choice(String value, String label) {}

    private static final List<Choice> REPEAT_CHOICES = List.of(new Choice("none", "Does not repeat"),
            new Choice("daily", "Every day"), new Choice("weekly", "Every week on this weekday"));

    public record DayView(String heading, String date, boolean today, List<EventView> events) {}

    public record SubscriptionRow(String id, String resource, String mailbox, String changeType, String expires,
                                  boolean expired, String notificationUrl, String lifecycleUrl) {}

    /** The page. moveEventId + moveForm: a rejected move, shown open with its errors under that meeting. */
    public record OutlookPage(Layout layout, List<MailboxOption> mailboxes, MailboxOption mailbox, String zone,
                              String weekLabel, String week, String prevWeek, String nextWeek, String thisWeek,
                              boolean currentWeek, List<DayView> days, List<MailboxOption> rooms,
                              FormState meetingForm, List<String> chosenRooms, String moveEventId, FormState moveForm,
                              String error, List<SubscriptionRow> subscriptions, List<String> lifecycleEvents,
                              List<Choice> repeats) {
        public String weekUrl(String week) {
            return PATH + "?mailbox=" + enc(mailbox.address()) + "&week=" + week;
        }

        public boolean chosen(String roomAddress) {
            return chosenRooms.stream().anyMatch(roomAddress::equalsIgnoreCase);
        }

        public boolean anyEvents() {
            return days.stream().anyMatch(d -> !d.events().isEmpty());
        }
    }

    private final DemoMailboxes directory;
    private final SandboxOutlook outlook;
    private final Pages pages;
    private final Clock clock;

    public SandboxPages(DemoMailboxes directory, Pages pages, Clock clock) {
        this.directory = directory;
        this.outlook = new SandboxOutlook(directory.sandbox(), directory.sandboxTenant());
        this.pages = pages;
        this.clock = clock;
    }

    /** Who is looking, at which mailbox, in which zone and week. */
    private record Viewing(CurrentUser user, SandboxOutlook.Mailbox mailbox, ZoneId zone, LocalDate day) {}

    public void show(Context ctx) {
        Viewing v = viewing(ctx, ctx.queryParam("mailbox"), ctx.queryParam("week"), false);
        render(ctx, v, defaultMeetingForm(v), List.of(), null, FormState.empty(), null);
    }

    public void createMeeting(Context ctx) {
        Viewing v = viewing(ctx, ctx.formParam("mailbox"), ctx.formParam("week"), true);
        FormState form = FormState.posted(ctx, "subject", "date", "start", "end", "timeZone", "attendees", "repeat", "count");
        List<String> rooms = ctx.formParams("rooms");
        try {
            outlook.createMeeting(v.mailbox(), new SandboxOutlook.MeetingInput(form.value("subject"), form.value("date"),
                    form.value("start"), form.value("end"), form.value("timeZone"), rooms, form.value("attendees"),
                    form.value("repeat"), form.value("count")));
            boolean repeating = !form.value("repeat").isBlank() && !"none".equals(form.value("repeat").strip());
            String message = (repeating ? "Recurring meeting '" : "Meeting '") + form.value("subject").strip() + "' created in "
                    + v.mailbox().displayName() + "'s calendar."
                    + (rooms.isEmpty() ? "" : repeating ? " The rooms answer for the whole series in a moment." : " The rooms answer on their own in a moment.");
            pages.redirectWithFlash(ctx, url(v.mailbox(), form.value("date").strip()), message);
        } catch (ValidationException e) {
            ctx.status(400);
            render(ctx, v, form.withErrors(e.fieldErrors()), rooms, null, FormState.empty(), null);
        }
    }

    public void moveMeeting(Context ctx) {
        Viewing v = viewing(ctx, ctx.formParam("mailbox"), ctx.formParam("week"), true);
        String eventId = ctx.formParam("eventId");
        FormState form = FormState.posted(ctx, "date", "start", "end", "timeZone");
        try {
            ExchangeSandbox.OutlookEvent event = outlook.moveMeeting(v.mailbox(), eventId,
                    new SandboxOutlook.MoveInput(form.value("date"), form.value("start"), form.value("end"), form.value("timeZone")));
            pages.redirectWithFlash(ctx, url(v.mailbox(), form.value("date").strip()), "Meeting '" + subject(event) + "' moved to "
                    + form.value("date").strip() + ", " + form.value("start").strip() + "–" + form.value("end").strip()
                    + ". Its rooms are asked again.");
        } catch (ValidationException e) {
            ctx.status(400);
            render(ctx, v, defaultMeetingForm(v), List.of(), eventId, form.withErrors(e.fieldErrors()), null);
        } catch (NotFoundException e) {
            gone(ctx, v);
        }
    }

    public void cancelMeeting(Context ctx) {
        Viewing v = viewing(ctx, ctx.formParam("mailbox"), ctx.formParam("week"), true);
        String eventId = ctx.formParam("eventId");
        ExchangeSandbox.OutlookEvent event;
        try {
            event = outlook.event(v.mailbox(), eventId);
        } catch (NotFoundException e) {
            gone(ctx, v);
            return;
        }
        try {
            boolean cancelled = outlook.cancelMeeting(v.mailbox(), eventId);
            pages.redirectWithFlash(ctx, url(v.mailbox(), v.day().toString()), cancelled
                    ? "Meeting '" + subject(event) + "' cancelled; its attendees and rooms were told."
                    : "'" + subject(event) + "' deleted from " + v.mailbox().displayName() + "'s calendar.");
        } catch (ValidationException e) {
            ctx.status(400);
            render(ctx, v, defaultMeetingForm(v), List.of(), null, FormState.empty(), String.join(" ", e.fieldErrors().values()));
        }
    }

    public void respondToMeeting(Context ctx) {
        Viewing v = viewing(ctx, ctx.formParam("mailbox"), ctx.formParam("week"), true);
        String eventId = ctx.formParam("eventId");
        String response = ctx.formParam("response");
        try {
            ExchangeSandbox.OutlookEvent event = outlook.respond(v.mailbox(), eventId, response);
            String said = switch (response == null ? "" : response) {
                case "accept" -> "Accepted";
                case "tentativelyAccept" -> "Tentatively accepted";
                default -> "Declined";
            };
            pages.redirectWithFlash(ctx, url(v.mailbox(), v.day().toString()), said + " '" + subject(event) + "'"
                    + (event.recurring() ? " (the whole series)" : "") + "; " + event.organizerName() + " sees the response.");
        } catch (NotFoundException e) {
            gone(ctx, v);
        } catch (ValidationException e) {
            ctx.status(400);
            render(ctx, v, defaultMeetingForm(v), List.of(), null, FormState.empty(), String.join(" ", e.fieldErrors().values()));
        }
    }

    public void sendLifecycleEvent(Context ctx) {
        Viewing v = viewing(ctx, ctx.formParam("mailbox"), ctx.formParam("week"), true);
        String subscriptionId = ctx.formParam("subscriptionId");
        String lifecycleEvent = ctx.formParam("lifecycleEvent");
        try {
            outlook.sendLifecycleEvent(subscriptionId, lifecycleEvent);
            pages.redirectWithFlash(ctx, url(v.mailbox(), v.day().toString()) + "#lifecycle",
                    "Sent " + lifecycleEvent + " for subscription " + subscriptionId + "."
                            + ("subscriptionRemoved".equals(lifecycleEvent) ? " The subscription is gone." : ""));
        } catch (NotFoundException e) {
            pages.redirectWithFlash(ctx, url(v.mailbox(), v.day().toString()) + "#lifecycle",
                    "That subscription no longer exists (deleted or expired); nothing was sent.");
        } catch (ValidationException e) {
            ctx.status(400);
            render(ctx, v, defaultMeetingForm(v), List.of(), null, FormState.empty(), String.join(" ", e.fieldErrors().values()));
        }
    }

    /** A meeting changed meanwhile elsewhere (another tab, the organizer): say so rather than fail. */
    private void gone(Context ctx, Viewing v) {
        pages.redirectWithFlash(ctx, url(v.mailbox(), v.day().toString()),
                "That meeting is no longer in " + v.mailbox().displayName() + "'s calendar; nothing was changed.");
    }

    // ---------------------------------------------------------------------------------------------------------

    /** A change names its mailbox exactly (else 404); a page view of an unknown mailbox opens the person's own. */
    private Viewing viewing(Context ctx, String mailboxParam, String weekParam, boolean exact) {
        CurrentUser user = Web.user(ctx);
        // Rooms an admin added since start-up become mailboxes now.
        DemoMailboxes.Snapshot data = directory.sync();
        if (user.tenantId() == null || !user.tenantId().equals(data.tenantId())) throw new NotFoundException("Page");
        if (exact && outlook.mailbox(mailboxParam).isEmpty()) throw new NotFoundException("Mailbox");
        SandboxOutlook.Mailbox mailbox = outlook.mailbox(mailboxParam)
                .or(() -> outlook.mailbox(user.email()))
                .or(() -> outlook.mailboxes().stream().findFirst())
                .orElseThrow(() -> new NotFoundException("Mailbox"));
        ZoneId zone = data.zone(mailbox.address());
        if (zone == null) zone = zoneOr(user.timeZone());
        LocalDate day;
        try {
            day = weekParam == null || weekParam.isBlank() ? LocalDate.now(clock.withZone(zone)) : LocalDate.parse(weekParam.strip());
        } catch (DateTimeParseException e) {
            day = LocalDate.now(clock.withZone(zone));
        }
        return new Viewing(user, mailbox, zone, day);
    }

    private static ZoneId zoneOr(String zone) {
        try {
            return zone == null ? ZoneOffset.UTC : ZoneId.of(zone);
        } catch (DateTimeException e) {
            return ZoneOffset.UTC;
        }
    }

    /** A new meeting starts at the next full hour today (this week) or Monday 10:00 (another week), for 30 minutes. */
    private FormState defaultMeetingForm(Viewing v) {
        LocalDate monday = v.day().with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
        LocalDateTime now = LocalDateTime.now(clock.withZone(v.zone()));
        LocalDateTime start;
        if (!now.toLocalDate().isBefore(monday) && now.toLocalDate().isBefore(monday.plusDays(7))) {
            start = now.truncatedTo(ChronoUnit.HOURS).plusHours(1);
            if (start.getHour() >= 23 || start.getHour() == 0) start = now.toLocalDate().plusDays(1).atTime(9, 0);
        } else {
            start = monday.atTime(10, 0);
        }
        Map<String, String> values = new HashMap<>();
        values.put("date", start.toLocalDate().toString());
        values.put("start", TIME.format(start));
        values.put("end", TIME.format(start.plusMinutes(30)));
        values.put("timeZone", v.zone().getId());
        values.put("repeat", "none");
        values.put("count", "4");
        return FormState.of(values);
    }

    private void render(Context ctx, Viewing v, FormState meetingForm, List<String> chosenRooms, String moveEventId,
                        FormState moveForm, String error) {
        SandboxOutlook.Week week = outlook.week(v.mailbox(), v.day(), v.zone());
        LocalDate today = LocalDate.now(clock.withZone(v.zone()));
        List<DayView> days = new ArrayList<>();
        int dayIndex = 0;
        for (SandboxOutlook.Day d : week.days()) {
            List<EventView> events = new ArrayList<>();
            int i = 0;
            for (ExchangeSandbox.OutlookEvent e : d.events()) events.add(eventView(dayIndex + "-" + i++, e, v.zone()));
            days.add(new DayView(DAY.format(d.date()), d.date().toString(), d.date().equals(today), events));
            dayIndex++;
        }
        List<MailboxOption> mailboxes = outlook.mailboxes().stream()
                .map(m -> new MailboxOption(m.address(), m.displayName(), m.room())).toList();
        MailboxOption current = new MailboxOption(v.mailbox().address(), v.mailbox().displayName(), v.mailbox().room());
        LocalDate monday = week.monday();
        Instant now = clock.instant();
        List<SubscriptionRow> subscriptions = outlook.subscriptions().stream()
                .map(s -> new SubscriptionRow(s.id(), s.resource(), s.mailboxAddress(), s.changeType(),
                        WHEN.format(s.expiration().atZone(v.zone())) + " (" + v.zone().getId() + ")",
                        !s.expiration().isAfter(now), s.notificationUrl(), s.lifecycleNotificationUrl()))
                .toList();
        pages.render(ctx, "sandbox/outlook.jte", new OutlookPage(pages.layout(ctx, "Outlook (Exchange sandbox)", "sandbox"),
                mailboxes, current, v.zone().getId(),
                DAY_YEAR.format(monday) + " – " + DAY_YEAR.format(monday.plusDays(6)), monday.toString(),
                monday.minusWeeks(1).toString(), monday.plusWeeks(1).toString(), today.toString(),
                !today.isBefore(monday) && today.isBefore(monday.plusDays(7)), days,
                mailboxes.stream().filter(MailboxOption::room).toList(), meetingForm, chosenRooms, moveEventId, moveForm,
                error, subscriptions, SandboxOutlook.LIFECYCLE_EVENTS, REPEAT_CHOICES));
    }

    private static EventView eventView(String key, ExchangeSandbox.OutlookEvent e, ZoneId zone) {
        ZonedDateTime start = e.start().atZone(zone);
        ZonedDateTime end = e.end().atZone(zone);
        String time;
        if (e.allDay()) time = "All day";
        else if (start.toLocalDate().equals((end.isAfter(start) ? end.minusNanos(1) : end).toLocalDate())) {
            time = TIME.format(start) + "–" + TIME.format(end);
        } else {
            time = DAY.format(start) + " " + TIME.format(start) + " – " + DAY.format(end) + " " + TIME.format(end);
        }
        List<Response> rooms = new ArrayList<>();
        List<String> people = new ArrayList<>();
        for (ExchangeSandbox.OutlookAttendee a : e.attendees()) {
            if (a.room()) rooms.add(response(a));
            else people.add(a.name() == null || a.name().equals(a.address()) ? a.address() : a.name());
        }
        return new EventView(key, e.id(), subject(e), time, e.organizerName(), e.organizer(), label(e.response()), rooms, people,
                start.toLocalDate().toString(), TIME.format(start), TIME.format(end), e.recurring(), e.awaitsResponse());
    }

    private static Response response(ExchangeSandbox.OutlookAttendee a) {
        String r = a.response() == null ? "none" : a.response();
        String badge = switch (r) {
            case "accepted" -> "ok";
            case "declined" -> "bad";
            default -> "warn";
        };
        return new Response(a.name() == null ? a.address() : a.name(), a.address(), label(r), badge);
    }

    /** Graph's responseStatus values in words; no answer yet is "Pending". */
    private static String label(String response) {
        if (response == null) return "Pending";
        return switch (response) {
            case "accepted" -> "Accepted";
            case "declined" -> "Declined";
            case "tentativelyAccepted" -> "Tentative";
            case "organizer" -> "Organizer";
            default -> "Pending";
        };
    }

    private static String subject(ExchangeSandbox.OutlookEvent e) {
        return e.subject() == null || e.subject().isBlank() ? "(no subject)" : e.subject();
    }

    private static String url(SandboxOutlook.Mailbox mailbox, String week) {
        String w;
        try {
            w = LocalDate.parse(week).toString();
        } catch (DateTimeParseException e) {
            w = "";
        }
        return PATH + "?mailbox=" + enc(mailbox.address()) + (w.isEmpty() ? "" : "&week=" + w);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
