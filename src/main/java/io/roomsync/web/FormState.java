package io.roomsync.web;

import io.javalin.http.Context;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a form shows: the values typed (so a rejected form comes back as the user left it) and one message per
 * invalid field. Templates ask it for values, error texts and the aria-invalid attribute.
 */
public record FormState(Map<String, String> values, Map<String, String> errors) {
    /** Zones people pick most, offered first in time zone selects. */
    public static final List<String> COMMON_ZONES = List.of("UTC", "Europe/London", "Europe/Dublin", "Europe/Paris", "Europe/Berlin",
            "Europe/Amsterdam", "Europe/Madrid", "Europe/Zurich", "Europe/Stockholm", "Europe/Warsaw", "America/New_York",
            "America/Chicago", "America/Denver", "America/Los_Angeles", "America/Toronto", "America/Sao_Paulo", "Asia/Dubai",
            "Asia/Kolkata", "Asia/Singapore", "Asia/Shanghai", "Asia/Tokyo", "Australia/Sydney", "Pacific/Auckland");
    public static final List<String> ALL_ZONES = List.copyOf(new TreeSet<>(ZoneId.getAvailableZoneIds()));

    public static FormState empty() {
        return new FormState(Map.of(), Map.of());
    }

    public static FormState of(Map<String, String> values) {
        return new FormState(values, Map.of());
    }

    /** The posted form fields (first value of each), without the CSRF token. */
    public static FormState posted(Context ctx, String... fields) {
        Map<String, String> values = new HashMap<>();
        for (String f : fields) {
            String v = ctx.formParam(f);
            if (v != null) values.put(f, v);
        }
        return new FormState(values, Map.of());
    }

    public FormState withErrors(Map<String, String> more) {
        Map<String, String> all = new LinkedHashMap<>(errors);
        more.forEach(all::putIfAbsent);
        return new FormState(values, all);
    }

    public FormState with(String field, String value) {
        Map<String, String> v = new HashMap<>(values);
        v.put(field, value);
        return new FormState(v, errors);
    }

    public String value(String field) {
        String v = values.get(field);
        return v == null ? "" : v;
    }

    public boolean is(String field, String option) {
        return value(field).equals(option);
    }

    public boolean checked(String field) {
        String v = values.get(field);
        return "on".equals(v) || "true".equals(v);
    }

    public String error(String field) {
        return errors.get(field);
    }

    /** "true" for an invalid field, null otherwise (JTE then leaves the attribute out). */
    public String invalid(String field) {
        return errors.containsKey(field) ? "true" : null;
    }

    /** The id of the field's error text, for aria-describedby (prefix keeps ids unique when a page has several forms). */
    public String describedBy(String field) {
        return describedBy(field, "");
    }

    public String describedBy(String field, String prefix) {
        return errors.containsKey(field) ? prefix + field + "-error" : null;
    }

    public boolean hasErrors() {
        return !errors.isEmpty();
    }

    /** Errors that belong to no field of the form, shown above it. */
    public List<String> otherErrors(Set<String> fieldsShown) {
        List<String> out = new ArrayList<>();
        errors.forEach((k, v) -> {
            if (!fieldsShown.contains(k)) out.add(v);
        });
        return out;
    }

    // ------------------------------------------------------------------ parsing helpers for handlers

    /**
     * An optional whole number. Text that is not one records an error and yields a value outside every range the
     * service accepts, so the service rejects the input as a whole and reports the other fields as well.
     */
    public static Integer integer(FormState form, String field, String label, Map<String, String> errors) {
        String raw = form.value(field).strip();
        if (raw.isEmpty()) return null;
        try {
            return Integer.parseInt(raw);
        } catch (NumberFormatException e) {
            errors.put(field, label + " must be a whole number.");
            return Integer.MIN_VALUE;
        }
    }

    /** An optional id from a select; anything else is treated as "none chosen" (the service then says so). */
    public static Long id(FormState form, String field) {
        String raw = form.value(field).strip();
        if (raw.isEmpty()) return null;
        try {
            return Long.parseLong(raw);
        } catch (NumberFormatException e) {
            return -1L;
        }
    }
}
