package io.roomsync.reservation;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** How reservation times read to people: always in a named zone, never a bare UTC value. */
public final class Times {
    public static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm", Locale.ENGLISH);
    public static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("EEE d MMM yyyy", Locale.ENGLISH);
    public static final DateTimeFormatter SHORT_DAY = DateTimeFormatter.ofPattern("EEE d MMM", Locale.ENGLISH);

    private Times() {}

    /** "09:00–10:00" on one day, "Mon 3 May 22:00 – Tue 4 May 01:00" across days. */
    public static String range(Instant start, Instant end, ZoneId zone) {
        ZonedDateTime s = start.atZone(zone);
        ZonedDateTime e = end.atZone(zone);
        if (s.toLocalDate().equals(e.toLocalDate())) return TIME.format(s) + "–" + TIME.format(e);
        return SHORT_DAY.format(s) + " " + TIME.format(s) + " – " + SHORT_DAY.format(e) + " " + TIME.format(e);
    }

    /** "Mon 3 May 2027, 09:00–10:00". */
    public static String when(Instant start, Instant end, ZoneId zone) {
        return DAY.format(start.atZone(zone)) + ", " + range(start, end, zone);
    }

    /** "Europe/Berlin (CEST)": the zone and its abbreviation on that day (which changes with DST). */
    public static String zoneLabel(ZoneId zone, LocalDate day) {
        ZonedDateTime noon = day.atTime(12, 0).atZone(zone);
        String shortName = DateTimeFormatter.ofPattern("zzz", Locale.ENGLISH).format(noon);
        return shortName.equals(zone.getId()) ? zone.getId() : zone.getId() + " (" + shortName + ")";
    }

    /** For audit lines: unambiguous, with the zone. */
    public static String stamp(Instant instant, ZoneId zone) {
        if (instant == null) return null;
        ZonedDateTime z = instant.atZone(zone);
        return z.toLocalDate() + " " + TIME.format(z) + " " + zone.getId();
    }
}
