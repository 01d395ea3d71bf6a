package io.roomsync.reservation;

import java.util.Map;

/** Per-field messages for a re-rendered form, with the bits templates need for accessible markup. */
public record FormErrors(Map<String, String> map) {
    public static final FormErrors NONE = new FormErrors(Map.of());

    public boolean has(String field) {
        return map.containsKey(field);
    }

    public String get(String field) {
        return map.get(field);
    }

    /** Value for aria-invalid: "true" or null (null omits the attribute). */
    public String invalid(String field) {
        return map.containsKey(field) ? "true" : null;
    }

    /** Value for aria-describedby: the error element's id, or null. */
    public String describedBy(String field) {
        return map.containsKey(field) ? field + "-error" : null;
    }

    public boolean isEmpty() {
        return map.isEmpty();
    }
}
