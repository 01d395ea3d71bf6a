package io.roomsync.calendar;

import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a provider or connection form shows: the values typed (so a rejected form comes back as the user left it)
 * and one message per invalid field. Secret fields are never part of it: a rejected form asks for them again.
 */
public record CalendarForm(Map<String, String> values, Map<String, String> errors) {
    public static CalendarForm of(Map<String, String> values) {
        return new CalendarForm(values, Map.of());
    }

    /** The named (non-secret) fields of the posted form. */
    public static CalendarForm posted(Context ctx, String... fields) {
        Map<String, String> values = new HashMap<>();
        for (String f : fields) {
            String v = ctx.formParam(f);
            if (v != null) values.put(f, v);
        }
        return new CalendarForm(values, Map.of());
    }

    public CalendarForm withErrors(Map<String, String> more) {
        Map<String, String> all = new LinkedHashMap<>(errors);
        more.forEach(all::putIfAbsent);
        return new CalendarForm(values, all);
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

    public String describedBy(String field) {
        return errors.containsKey(field) ? field + "-error" : null;
    }

    public boolean hasErrors() {
        return !errors.isEmpty();
    }

    /** Errors of fields the form does not show (or of the input as a whole), for the alert above the form. */
    public List<String> otherErrors(Set<String> shown) {
        List<String> out = new ArrayList<>();
        errors.forEach((k, v) -> {
            if (!shown.contains(k)) out.add(v);
        });
        return out;
    }
}
