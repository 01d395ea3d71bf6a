package io.roomsync.calendar;

import io.roomsync.common.ValidationException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Field checks shared by providers and connections. Messages name the field, never echo secret input. */
final class CalendarRules {
    static final Pattern GUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern DOMAIN = Pattern.compile("(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}");
    private static final Pattern HOST = Pattern.compile("(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");
    private static final Pattern IPV6 = Pattern.compile("\\[[0-9a-f:.]+]");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]{1,64}@[^@\\s]+\\.[^@\\s]+");
    private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "[::1]", "::1");

    private CalendarRules() {}

    /** Trimmed text, or null when blank. */
    static String clean(String s) {
        if (s == null) return null;
        String t = s.strip();
        return t.isEmpty() ? null : t;
    }

    static boolean hasControlChars(String s) {
        return s.chars().anyMatch(c -> c < 0x20 && c != '\t' || c == 0x7f);
    }

    /** A required single-line text of at most max characters. */
    static String requiredText(ValidationException.Errors errors, String field, String label, String raw, int max) {
        String v = clean(raw);
        if (v == null) {
            errors.add(field, label + " is required.");
            return null;
        }
        return checkedText(errors, field, label, v, max);
    }

    static String optionalText(ValidationException.Errors errors, String field, String label, String raw, int max) {
        String v = clean(raw);
        return v == null ? null : checkedText(errors, field, label, v, max);
    }

    private static String checkedText(ValidationException.Errors errors, String field, String label, String v, int max) {
        if (v.length() > max) errors.add(field, label + " must be at most " + max + " characters.");
        else if (hasControlChars(v)) errors.add(field, label + " must be a single line of text.");
        return v;
    }

    static boolean isGuid(String s) {
        return GUID.matcher(s).matches();
    }

    static boolean isDomain(String s) {
        return DOMAIN.matcher(s).matches();
    }

    static boolean isEmail(String s) {
        return s.length() <= 320 && EMAIL.matcher(s).matches();
    }

    /** A host name, IPv4 address or bracketed IPv6 address (lower case). */
    static boolean isHost(String s) {
        return HOST.matcher(s).matches() || IPV6.matcher(s).matches();
    }

    static boolean isLoopback(String host) {
        return host != null && LOOPBACK.contains(host.toLowerCase(Locale.ROOT));
    }

    /** Parses an enum by name (case-insensitive); null input = null; unknown records an error listing the choices. */
    static <E extends Enum<E>> E choice(ValidationException.Errors errors, String field, String label, String raw, Class<E> type) {
        String v = clean(raw);
        if (v == null) return null;
        try {
            return Enum.valueOf(type, v.toUpperCase(Locale.ROOT).replace('-', '_').replace(' ', '_'));
        } catch (IllegalArgumentException e) {
            errors.add(field, label + " must be one of " + Arrays.stream(type.getEnumConstants()).map(Enum::name)
                    .collect(Collectors.joining(", ")) + ".");
            return null;
        }
    }

    /** An absolute URI or null when it does not parse. */
    static URI uri(String s) {
        try {
            URI u = new URI(s);
            return u.isAbsolute() ? u : null;
        } catch (URISyntaxException e) {
            return null;
        }
    }
}
