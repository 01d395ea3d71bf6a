package io.roomsync.sandbox;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Time zone names as Graph accepts them in dateTimeTimeZone and {@code Prefer: outlook.timezone}: Windows names
 * (a common subset is mapped here) and IANA names.
 */
final class TimeZones {
    private static final Map<String, String> WINDOWS = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    private static final DateTimeFormatter LOCAL = new DateTimeFormatterBuilder()
            .appendPattern("yyyy-MM-dd'T'HH:mm")
            .optionalStart().appendPattern(":ss").optionalEnd()
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
            .toFormatter(Locale.ROOT);

    static {
        String[][] pairs = {
                {"UTC", "UTC"}, {"Coordinated Universal Time", "UTC"}, {"tzone://Microsoft/Utc", "UTC"},
                {"GMT Standard Time", "Europe/London"}, {"Greenwich Standard Time", "Atlantic/Reykjavik"},
                {"W. Europe Standard Time", "Europe/Berlin"}, {"Central Europe Standard Time", "Europe/Budapest"},
                {"Romance Standard Time", "Europe/Paris"}, {"Central European Standard Time", "Europe/Warsaw"},
                {"E. Europe Standard Time", "Europe/Chisinau"}, {"FLE Standard Time", "Europe/Kiev"},
                {"GTB Standard Time", "Europe/Bucharest"}, {"Russian Standard Time", "Europe/Moscow"},
                {"Turkey Standard Time", "Europe/Istanbul"}, {"Israel Standard Time", "Asia/Jerusalem"},
                {"Egypt Standard Time", "Africa/Cairo"}, {"South Africa Standard Time", "Africa/Johannesburg"},
                {"Arabian Standard Time", "Asia/Dubai"}, {"India Standard Time", "Asia/Kolkata"},
                {"SE Asia Standard Time", "Asia/Bangkok"}, {"Singapore Standard Time", "Asia/Singapore"},
                {"China Standard Time", "Asia/Shanghai"}, {"Taipei Standard Time", "Asia/Taipei"},
                {"Tokyo Standard Time", "Asia/Tokyo"}, {"Korea Standard Time", "Asia/Seoul"},
                {"W. Australia Standard Time", "Australia/Perth"}, {"AUS Eastern Standard Time", "Australia/Sydney"},
                {"New Zealand Standard Time", "Pacific/Auckland"}, {"Hawaiian Standard Time", "Pacific/Honolulu"},
                {"Alaskan Standard Time", "America/Anchorage"}, {"Pacific Standard Time", "America/Los_Angeles"},
                {"US Mountain Standard Time", "America/Phoenix"}, {"Mountain Standard Time", "America/Denver"},
                {"Central Standard Time", "America/Chicago"}, {"Central Standard Time (Mexico)", "America/Mexico_City"},
                {"Canada Central Standard Time", "America/Regina"}, {"Eastern Standard Time", "America/New_York"},
                {"SA Pacific Standard Time", "America/Bogota"}, {"Atlantic Standard Time", "America/Halifax"},
                {"Newfoundland Standard Time", "America/St_Johns"}, {"E. South America Standard Time", "America/Sao_Paulo"},
                {"Argentina Standard Time", "America/Argentina/Buenos_Aires"},
        };
        for (String[] p : pairs) WINDOWS.put(p[0], p[1]);
    }

    private TimeZones() {}

    /** The zone for a Graph time zone name, or a 400 TimeZoneNotSupportedException like Graph's. */
    static ZoneId zone(String name) {
        if (name == null || name.isBlank()) return ZoneOffset.UTC;
        String mapped = WINDOWS.get(name.trim());
        try {
            return ZoneId.of(mapped != null ? mapped : name.trim());
        } catch (DateTimeException e) {
            throw GraphError.badRequest("TimeZoneNotSupportedException",
                    "A valid TimeZone value must be specified. The following TimeZone value is not supported: '" + name + "'.");
        }
    }

    /** A dateTimeTimeZone's dateTime text (no offset; up to 9 fractional digits) in its zone, as an instant. */
    static Instant toInstant(String dateTime, String timeZone) {
        if (dateTime == null) throw GraphError.invalidRequest("dateTime is required in start and end.");
        ZoneId zone = zone(timeZone);
        try {
            return LocalDateTime.parse(dateTime.trim(), LOCAL).atZone(zone).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return OffsetDateTime.parse(dateTime.trim()).toInstant();
            } catch (DateTimeParseException e2) {
                throw GraphError.badRequest("UnableToDeserializePostBody",
                        "Cannot convert the literal '" + dateTime + "' to the expected type 'Edm.DateTime'.");
            }
        }
    }

    /** A query-string date-time (calendarView startDateTime/endDateTime): an offset or Z, or no offset = UTC. */
    static Instant queryInstant(String name, String value) {
        try {
            return OffsetDateTime.parse(value.trim()).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return LocalDateTime.parse(value.trim(), LOCAL).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e2) {
                throw GraphError.badRequest("ErrorInvalidParameter",
                        "The value '" + value + "' of parameter '" + name + "' is invalid.");
            }
        }
    }
}
