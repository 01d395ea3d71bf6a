package io.roomsync.sandbox;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Single-value extended property ids ("String {guid} Name RoomSyncId", "String 0x4001") and the $filter forms the
 * sandbox understands on them. The type and GUID compare case-insensitively, the name case-sensitively.
 */
final class ExtendedPropertyId {
    private static final Pattern NAMED = Pattern.compile("^(\\w+)\\s+\\{([0-9A-Fa-f-]{36})\\}\\s+Name\\s+(\\S.*)$");
    private static final Pattern TAGGED = Pattern.compile("^(\\w+)\\s+(0x[0-9A-Fa-f]{1,4})$");
    private static final Pattern ID_EQ = Pattern.compile("^\\s*id\\s+eq\\s+'((?:[^']|'')*)'\\s*$");
    private static final Pattern ANY = Pattern.compile(
            "^\\s*singleValueExtendedProperties/Any\\s*\\(\\s*(\\w+)\\s*:\\s*\\1/id\\s+eq\\s+'((?:[^']|'')*)'"
                    + "(?:\\s+and\\s+\\1/value\\s+eq\\s+'((?:[^']|'')*)')?\\s*\\)\\s*$", Pattern.CASE_INSENSITIVE);

    private ExtendedPropertyId() {}

    static boolean isValid(String id) {
        return NAMED.matcher(id.trim()).matches() || TAGGED.matcher(id.trim()).matches();
    }

    static String key(String id) {
        String t = id.trim();
        Matcher m = NAMED.matcher(t);
        if (m.matches()) return m.group(1).toLowerCase(Locale.ROOT) + " {" + m.group(2).toLowerCase(Locale.ROOT) + "} Name " + m.group(3);
        return t.toLowerCase(Locale.ROOT);
    }

    static boolean same(String a, String b) {
        return key(a).equals(key(b));
    }

    /** A property match: by id, optionally by value (values compare case-insensitively, as in Exchange). */
    static final class Filter {
        final String id;
        final String value;

        Filter(String id, String value) {
            this.id = id;
            this.value = value;
        }

        boolean matches(String propertyId, String propertyValue) {
            return same(propertyId, id) && (value == null || value.equalsIgnoreCase(propertyValue));
        }
    }

    /** Parses {@code singleValueExtendedProperties($filter=id eq '...')} from a $expand value. */
    static Filter parseExpand(String expand) {
        if (expand == null) return null;
        String e = expand.trim();
        String prefix = "singleValueExtendedProperties";
        if (!e.regionMatches(true, 0, prefix, 0, prefix.length())) {
            throw GraphError.badRequest("BadRequest", "Could not find a property named '" + e + "' on type 'microsoft.graph.event'.");
        }
        String rest = e.substring(prefix.length()).trim();
        if (!rest.startsWith("(") || !rest.endsWith(")")) {
            throw GraphError.invalidRequest("Expanding extended properties requires a $filter on their id.");
        }
        String inner = rest.substring(1, rest.length() - 1).trim();
        if (!inner.regionMatches(true, 0, "$filter=", 0, 8)) {
            throw GraphError.invalidRequest("Expanding extended properties requires a $filter on their id.");
        }
        Matcher m = ID_EQ.matcher(inner.substring(8));
        if (!m.matches()) throw GraphError.invalidRequest("Unsupported extended property filter: " + inner);
        return new Filter(m.group(1).replace("''", "'"), null);
    }

    /** Parses {@code singleValueExtendedProperties/Any(ep: ep/id eq '...' and ep/value eq '...')}; null if not that form. */
    static Filter parseAny(String filter) {
        Matcher m = ANY.matcher(filter);
        if (!m.matches()) return null;
        return new Filter(m.group(2).replace("''", "'"), m.group(3) == null ? null : m.group(3).replace("''", "'"));
    }
}
