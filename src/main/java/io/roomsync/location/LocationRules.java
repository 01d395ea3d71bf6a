package io.roomsync.location;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The field rules of buildings, floors, modules and reservables, shared by the service, the forms and the CSV
 * import so every door into the data says the same thing about the same mistake. Each check returns a message, or
 * null when the value is fine.
 */
public final class LocationRules {
    public static final int BUILDING_NAME_MAX = 200;
    public static final int ADDRESS_MAX = 500;
    public static final int FLOOR_NAME_MAX = 100;
    public static final int MODULE_NAME_MAX = 100;
    public static final int RESERVABLE_NAME_MAX = 200;
    public static final int EMAIL_MAX = 320;
    public static final int TAG_MAX = 40;
    public static final int EQUIPMENT_MAX = 1000;
    public static final int CAPACITY_MIN = 1;
    public static final int CAPACITY_MAX = 10_000;
    public static final int LEVEL_MIN = -20;
    public static final int LEVEL_MAX = 300;
    public static final int MAX_DURATION_MIN = 15;
    public static final int MAX_DURATION_MAX = 1440;
    public static final int WINDOW_MIN = 1;
    public static final int WINDOW_MAX = 1825;

    // Deliberately simple: the mailbox must look like an address; Exchange is the judge of whether it exists.
    private static final Pattern EMAIL = Pattern.compile("^[^@\\s\"<>(),;:]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$");
    private static final Pattern TAG = Pattern.compile("^[\\p{L}\\p{N}][\\p{L}\\p{N} ._+/-]*$");
    private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}");

    private LocationRules() {}

    /** Trims; blank becomes null. */
    public static String clean(String s) {
        if (s == null) return null;
        String t = s.strip();
        return t.isEmpty() ? null : t;
    }

    public static String name(String value, String what, int max) {
        if (value == null) return what + " name is required.";
        if (value.length() > max) return what + " name can be at most " + max + " characters.";
        if (CONTROL.matcher(value).find()) return what + " name cannot contain line breaks or control characters.";
        return null;
    }

    public static String timeZone(String value) {
        if (value == null) return "Time zone is required.";
        if (!ZoneId.getAvailableZoneIds().contains(value)) {
            return "'" + value + "' is not an IANA time zone (for example Europe/Berlin or America/New_York).";
        }
        return null;
    }

    public static String address(String value) {
        if (value != null && value.length() > ADDRESS_MAX) return "Address can be at most " + ADDRESS_MAX + " characters.";
        return null;
    }

    public static String capacity(Integer value) {
        if (value == null) return "Capacity is required.";
        if (value < CAPACITY_MIN || value > CAPACITY_MAX) {
            return "Capacity must be between " + CAPACITY_MIN + " and " + CAPACITY_MAX + ".";
        }
        return null;
    }

    public static String level(Integer value) {
        if (value != null && (value < LEVEL_MIN || value > LEVEL_MAX)) {
            return "Level must be between " + LEVEL_MIN + " and " + LEVEL_MAX + ".";
        }
        return null;
    }

    public static String maxDuration(Integer value) {
        if (value == null) return "Maximum duration is required.";
        if (value < MAX_DURATION_MIN || value > MAX_DURATION_MAX) {
            return "Maximum duration must be between " + MAX_DURATION_MIN + " and " + MAX_DURATION_MAX + " minutes.";
        }
        return null;
    }

    public static String bookingWindow(Integer value) {
        if (value == null) return "Booking window is required.";
        if (value < WINDOW_MIN || value > WINDOW_MAX) {
            return "Booking window must be between " + WINDOW_MIN + " and " + WINDOW_MAX + " days.";
        }
        return null;
    }

    public static String email(String value) {
        if (value == null) return null;
        if (value.length() > EMAIL_MAX) return "E-mail can be at most " + EMAIL_MAX + " characters.";
        if (!EMAIL.matcher(value).matches()) return "'" + value + "' is not an e-mail address (like room.1@example.com).";
        return null;
    }

    /** Normalizes tags (trimmed, lower case, no duplicates, sorted by the entity) and checks them. */
    public static String equipment(List<String> tags) {
        if (tags == null) return null;
        int total = 0;
        for (String raw : tags) {
            String t = raw == null ? "" : raw.strip();
            if (t.isEmpty()) continue;
            if (t.length() > TAG_MAX) return "Equipment tag '" + t + "' is longer than " + TAG_MAX + " characters.";
            if (!TAG.matcher(t).matches() || t.contains(",")) {
                return "Equipment tag '" + t + "' may contain only letters, digits, spaces and . _ + / -";
            }
            total += t.length() + 1;
        }
        if (total > EQUIPMENT_MAX) return "Too much equipment: at most " + EQUIPMENT_MAX + " characters of tags in all.";
        return null;
    }

    public static List<String> normalizeTags(List<String> tags) {
        if (tags == null) return List.of();
        Set<String> out = new LinkedHashSet<>();
        for (String raw : tags) {
            if (raw == null) continue;
            String t = raw.strip().toLowerCase(Locale.ROOT);
            if (!t.isEmpty()) out.add(t);
        }
        List<String> sorted = new ArrayList<>(out);
        sorted.sort(null);
        return sorted;
    }

    /** Splits free text ("display, video; whiteboard") into tags. */
    public static List<String> splitTags(String text, String separators) {
        if (text == null || text.isBlank()) return List.of();
        List<String> out = new ArrayList<>();
        for (String part : text.split("[" + Pattern.quote(separators) + "]")) {
            if (!part.isBlank()) out.add(part.strip());
        }
        return out;
    }

    public static ReservableKind kind(String value) {
        if (value == null) return null;
        for (ReservableKind k : ReservableKind.values()) {
            if (k.name().equalsIgnoreCase(value.strip())) return k;
        }
        return null;
    }

    public static ShowAs showAs(String value) {
        if (value == null) return null;
        for (ShowAs s : ShowAs.values()) {
            if (s.name().equalsIgnoreCase(value.strip())) return s;
        }
        return null;
    }

    public static String kindMessage() {
        return "Kind must be one of ROOM, DESK or OTHER.";
    }
}
