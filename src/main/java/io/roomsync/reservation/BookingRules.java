package io.roomsync.reservation;

import io.roomsync.common.ValidationException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The rules every reservation time and size must satisfy, free of database and HTTP so they can be tested on
 * their own. Times are entered as local date-times in the building's zone and stored as UTC instants; the
 * conversion is where daylight saving time bites, so it lives here too.
 *
 * <p>Errors name the form fields: {@code date}, {@code start}, {@code end}, {@code attendees}, {@code reservable}.
 */
public final class BookingRules {
    /** A booking that starts a few minutes ago is still fine: the form may have been open for a while. */
    public static final Duration PAST_GRACE = Duration.ofMinutes(5);
    /**
     * No reservation lasts longer than this, whatever its module allows. Overlap searches rely on it: they look
     * back only this far for reservations that started earlier, so the (reservable_id, start_at, end_at) index is
     * scanned over a short range instead of a room's whole history. Two days leave room for overnight and all-day
     * reservations (25 hours on an autumn DST day); calendar sync must split or refuse anything longer.
     */
    public static final Duration LONGEST = Duration.ofDays(2);

    /**
     * Where an overlap search starts looking for reservations that began before a span and may still run into it:
     * {@link #LONGEST} back, or further for rooms that held a longer meeting booked in Outlook.
     */
    public static java.time.Instant lookback(java.time.Instant start, Integer longestMinutes) {
        long minutes = Math.max(LONGEST.toMinutes(), longestMinutes == null ? 0 : longestMinutes);
        return start.minus(Duration.ofMinutes(minutes));
    }
    private static final DateTimeFormatter HM = DateTimeFormatter.ofPattern("HH:mm", Locale.ENGLISH);

    private final Clock clock;

    public BookingRules(Clock clock) {
        this.clock = clock;
    }

    public Instant now() {
        return clock.instant();
    }

    /** A span of time resolved to instants, with notes about how ambiguous local times were read. */
    public record Span(Instant start, Instant end, ZoneId zone, List<String> notes) {
        public Duration duration() {
            return Duration.between(start, end);
        }

        public ZonedDateTime localStart() {
            return start.atZone(zone);
        }

        public ZonedDateTime localEnd() {
            return end.atZone(zone);
        }
    }

    /** What the reservable and its module allow. */
    public record Limits(String reservableName, boolean active, int capacity, int maxDurationMinutes, int bookingWindowDays) {}

    /**
     * Converts a local date-time in a zone to an instant. A time in the spring gap does not exist there and is
     * refused (the clocks jump over it); a time in the autumn overlap exists twice and the earlier one is used,
     * with a note saying so.
     */
    public static Instant toInstant(LocalDateTime local, ZoneId zone, String field, ValidationException.Errors errors, List<String> notes) {
        List<ZoneOffset> offsets = zone.getRules().getValidOffsets(local);
        if (offsets.isEmpty()) {
            errors.add(field, HM.format(local) + " does not exist on " + local.toLocalDate() + " in " + zone.getId()
                    + ": the clocks jump forward then. Pick a time outside the gap.");
            return null;
        }
        ZoneOffset offset = offsets.get(0);
        if (offsets.size() > 1) {
            // getValidOffsets lists the offset before the transition first, i.e. the earlier of the two instants.
            notes.add(HM.format(local) + " on " + local.toLocalDate() + " happens twice in " + zone.getId()
                    + " (the clocks go back); the first one (UTC" + offset.getId() + ") was used.");
        }
        return local.toInstant(offset);
    }

    /** Resolves start and end to instants and checks that the end comes after the start. */
    public Span span(LocalDateTime start, LocalDateTime end, ZoneId zone) {
        ValidationException.Errors errors = new ValidationException.Errors();
        Span span = span(start, end, zone, errors);
        errors.throwIfAny();
        return span;
    }

    private static Span span(LocalDateTime start, LocalDateTime end, ZoneId zone, ValidationException.Errors errors) {
        List<String> notes = new ArrayList<>();
        Instant s = toInstant(start, zone, "start", errors, notes);
        Instant e = toInstant(end, zone, "end", errors, notes);
        if (s != null && e != null && !e.isAfter(s)) errors.add("end", "The end must be after the start.");
        return s == null || e == null ? null : new Span(s, e, zone, List.copyOf(notes));
    }

    /**
     * Checks a new or changed reservation and returns its span. {@code keepStart} is the current start of a
     * reservation being changed (null for a new one): an ongoing meeting may still be extended, so only a start
     * that changes must lie in the future.
     */
    public Span check(LocalDateTime start, LocalDateTime end, ZoneId zone, Limits limits, int people, Instant keepStart) {
        ValidationException.Errors errors = new ValidationException.Errors();
        Instant now = clock.instant();
        if (!limits.active()) {
            errors.add("reservable", limits.reservableName() + " is not available for booking at the moment.");
        }
        Span span = span(start, end, zone, errors);
        if (span != null) {
            boolean startChanged = keepStart == null || !keepStart.equals(span.start());
            LocalDate today = now.atZone(zone).toLocalDate();
            if (startChanged && span.start().isBefore(now.minus(PAST_GRACE))) {
                if (start.toLocalDate().isBefore(today)) errors.add("date", "This date has passed.");
                else errors.add("start", "This time has passed. Pick a later start.");
            }
            if (!span.end().isAfter(now)) errors.add("end", "The end has passed.");
            LocalDate lastDay = today.plusDays(Math.max(0, limits.bookingWindowDays()));
            if (start.toLocalDate().isAfter(lastDay)) {
                errors.add("date", limits.reservableName() + " can be booked at most " + limits.bookingWindowDays()
                        + " days ahead (until " + lastDay + ").");
            }
            long minutes = span.duration().toMinutes();
            if (span.duration().compareTo(LONGEST) > 0) {
                errors.add("end", "A reservation can last at most " + LONGEST.toDays() + " days.");
            } else if (limits.maxDurationMinutes() > 0 && minutes > limits.maxDurationMinutes()) {
                errors.add("end", limits.reservableName() + " can be booked for at most " + describe(limits.maxDurationMinutes())
                        + " at a time; this is " + describe(minutes) + ".");
            }
        }
        if (people > limits.capacity()) {
            errors.add("attendees", limits.reservableName() + " has room for " + limits.capacity() + (limits.capacity() == 1 ? " person" : " people")
                    + "; this reservation is for " + people + " (the attendees and the person it is for).");
        }
        errors.throwIfAny();
        return span;
    }

    /** "90 minutes", "2 hours", "1 hour 30 minutes". */
    public static String describe(long minutes) {
        long h = minutes / 60;
        long m = minutes % 60;
        if (h == 0) return m + (m == 1 ? " minute" : " minutes");
        String hours = h + (h == 1 ? " hour" : " hours");
        return m == 0 ? hours : hours + " " + m + (m == 1 ? " minute" : " minutes");
    }
}
