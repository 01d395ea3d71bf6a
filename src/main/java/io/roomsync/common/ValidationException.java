package io.roomsync.common;

import java.util.LinkedHashMap;
import java.util.Map;

/** Input that breaks a rule. Carries one message per field (field "" = the input as a whole). */
public class ValidationException extends RuntimeException {
    private final Map<String, String> fieldErrors;

    public ValidationException(Map<String, String> fieldErrors) {
        super(String.join("; ", fieldErrors.values()));
        this.fieldErrors = Map.copyOf(fieldErrors);
    }

    public ValidationException(String field, String message) {
        this(Map.of(field, message));
    }

    public Map<String, String> fieldErrors() {
        return fieldErrors;
    }

    /** Collects errors while checking input; {@link #throwIfAny()} raises them all at once. */
    public static final class Errors {
        private final Map<String, String> errors = new LinkedHashMap<>();

        public Errors add(String field, String message) {
            errors.putIfAbsent(field, message);
            return this;
        }

        public boolean has(String field) {
            return errors.containsKey(field);
        }

        public boolean isEmpty() {
            return errors.isEmpty();
        }

        public void throwIfAny() {
            if (!errors.isEmpty()) throw new ValidationException(errors);
        }
    }
}
