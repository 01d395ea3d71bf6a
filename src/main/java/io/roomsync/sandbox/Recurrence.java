package io.roomsync.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Graph's patternedRecurrence: reads and validates it into the normalised shape Graph answers with, and expands it
 * into the dates of a series. Only endDate series may run past {@link #NO_END_HORIZON_DAYS} days from their start (noEnd
 * and numbered ones stop there), and no series has more than {@link #MAX_OCCURRENCES} occurrences: the sandbox's sane
 * horizon (Outlook also caps numbered series at 999).
 */
final class Recurrence {
    static final int NO_END_HORIZON_DAYS = 730;
    static final int MAX_OCCURRENCES = 999;
    private static final List<String> PATTERNS = List.of("daily", "weekly", "absoluteMonthly", "relativeMonthly", "absoluteYearly", "relativeYearly");
    private static final List<String> RANGES = List.of("endDate", "noEnd", "numbered");
    private static final Map<String, Integer> INDEX = Map.of("first", 0, "second", 1, "third", 2, "fourth", 3, "last", -1);
    private static final String NO_DATE = "0001-01-01";

    private Recurrence() {}

    /** The request's recurrence, normalised; {@code seriesStart} fills a missing range start as Graph requires it. */
    static ObjectNode read(JsonNode v, LocalDate seriesStart) {
        if (!v.isObject()) throw invalid("The recurrence must be a patternedRecurrence object.");
        JsonNode p = v.path("pattern");
        JsonNode r = v.path("range");
        if (!p.isObject() || !r.isObject()) throw invalid("A recurrence needs a pattern and a range.");
        ObjectNode out = Json.object();
        ObjectNode pattern = out.putObject("pattern");
        String type = oneOf("pattern.type", Json.text(p, "type"), PATTERNS);
        pattern.put("type", type);
        int interval = p.path("interval").asInt(1);
        if (interval < 1 || interval > 99) throw invalid("The recurrence interval must be between 1 and 99.");
        pattern.put("interval", interval);
        int month = p.path("month").asInt(0);
        int dayOfMonth = p.path("dayOfMonth").asInt(0);
        ArrayNode days = pattern.putArray("daysOfWeek");
        if (p.path("daysOfWeek").isArray()) {
            for (JsonNode d : p.path("daysOfWeek")) days.add(dayName(day(d.asText())));
        }
        String first = Json.text(p, "firstDayOfWeek");
        String index = Json.text(p, "index");
        switch (type) {
            case "weekly", "relativeMonthly", "relativeYearly" -> {
                if (days.isEmpty()) throw invalid("A " + type + " recurrence needs daysOfWeek.");
            }
            case "absoluteMonthly", "absoluteYearly" -> {
                if (dayOfMonth < 1 || dayOfMonth > 31) throw invalid("A " + type + " recurrence needs a dayOfMonth between 1 and 31.");
            }
            default -> { }
        }
        if (type.endsWith("Yearly") && (month < 1 || month > 12)) throw invalid("A " + type + " recurrence needs a month between 1 and 12.");
        pattern.put("month", month);
        pattern.put("dayOfMonth", dayOfMonth);
        pattern.put("firstDayOfWeek", dayName(first == null ? DayOfWeek.SUNDAY : day(first)));
        pattern.put("index", index == null ? "first" : oneOf("pattern.index", index, List.copyOf(INDEX.keySet())));

        ObjectNode range = out.putObject("range");
        String rangeType = oneOf("range.type", Json.text(r, "type"), RANGES);
        range.put("type", rangeType);
        String startText = Json.text(r, "startDate");
        LocalDate start = startText == null ? seriesStart : date("range.startDate", startText);
        range.put("startDate", start.toString());
        LocalDate end = null;
        if (rangeType.equals("endDate")) {
            end = date("range.endDate", Json.text(r, "endDate"));
            if (end.isBefore(start)) throw invalid("The recurrence end date is before its start date.");
        }
        range.put("endDate", end == null ? NO_DATE : end.toString());
        int count = r.path("numberOfOccurrences").asInt(0);
        if (rangeType.equals("numbered") && (count < 1 || count > MAX_OCCURRENCES)) {
            throw invalid("A numbered recurrence needs numberOfOccurrences between 1 and " + MAX_OCCURRENCES + ".");
        }
        range.put("numberOfOccurrences", rangeType.equals("numbered") ? count : 0);
        String zone = Json.text(r, "recurrenceTimeZone");
        range.put("recurrenceTimeZone", zone == null ? "UTC" : zone);
        return out;
    }

    /** The dates the series falls on, first to last. */
    static List<LocalDate> dates(ObjectNode recurrence) {
        JsonNode p = recurrence.path("pattern");
        JsonNode r = recurrence.path("range");
        String type = p.path("type").asText();
        int interval = p.path("interval").asInt(1);
        LocalDate start = LocalDate.parse(r.path("startDate").asText());
        String rangeType = r.path("type").asText();
        LocalDate last = rangeType.equals("endDate") ? LocalDate.parse(r.path("endDate").asText()) : start.plusDays(NO_END_HORIZON_DAYS);
        int limit = rangeType.equals("numbered") ? r.path("numberOfOccurrences").asInt() : MAX_OCCURRENCES;
        List<DayOfWeek> days = new ArrayList<>();
        for (JsonNode d : p.path("daysOfWeek")) days.add(day(d.asText()));
        DayOfWeek firstDay = day(p.path("firstDayOfWeek").asText("sunday"));
        int index = INDEX.getOrDefault(p.path("index").asText("first"), 0);
        int dayOfMonth = p.path("dayOfMonth").asInt();
        int month = p.path("month").asInt();
        List<LocalDate> out = new ArrayList<>();
        // Each step is one period (day, week, month or year); candidates before the start date do not count.
        for (int step = 0; out.size() < limit; step++) {
            List<LocalDate> candidates = new ArrayList<>();
            switch (type) {
                case "daily" -> candidates.add(start.plusDays((long) step * interval));
                case "weekly" -> {
                    LocalDate weekStart = start.with(TemporalAdjusters.previousOrSame(firstDay)).plusWeeks((long) step * interval);
                    for (int i = 0; i < 7; i++) if (days.contains(weekStart.plusDays(i).getDayOfWeek())) candidates.add(weekStart.plusDays(i));
                }
                case "absoluteMonthly", "relativeMonthly" -> {
                    YearMonth ym = YearMonth.from(start).plusMonths((long) step * interval);
                    candidates.add(inMonth(type.startsWith("absolute"), ym, dayOfMonth, days, index));
                }
                default -> {
                    YearMonth ym = YearMonth.of(start.getYear() + step * interval, month);
                    candidates.add(inMonth(type.startsWith("absolute"), ym, dayOfMonth, days, index));
                }
            }
            if (candidates.isEmpty()) continue;
            if (candidates.get(0).isAfter(last)) break;
            for (LocalDate d : candidates) {
                if (d.isBefore(start) || d.isAfter(last) || out.size() >= limit) continue;
                out.add(d);
            }
        }
        return out;
    }

    private static LocalDate inMonth(boolean absolute, YearMonth ym, int dayOfMonth, List<DayOfWeek> days, int index) {
        // Exchange puts a day-31 meeting on the last day of shorter months.
        if (absolute) return ym.atDay(Math.min(dayOfMonth, ym.lengthOfMonth()));
        List<LocalDate> matching = new ArrayList<>();
        for (int d = 1; d <= ym.lengthOfMonth(); d++) if (days.contains(ym.atDay(d).getDayOfWeek())) matching.add(ym.atDay(d));
        return index < 0 ? matching.get(matching.size() - 1) : matching.get(Math.min(index, matching.size() - 1));
    }

    private static String oneOf(String field, String value, List<String> allowed) {
        if (value == null) throw invalid("The recurrence " + field + " is required.");
        for (String a : allowed) if (a.equalsIgnoreCase(value)) return a;
        throw GraphError.badRequest("RequestBodyRead", "Requested value '" + value + "' was not found for property '" + field + "'.");
    }

    private static DayOfWeek day(String name) {
        try {
            return DayOfWeek.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw GraphError.badRequest("RequestBodyRead", "Requested value '" + name + "' was not found for property 'daysOfWeek'.");
        }
    }

    private static String dayName(DayOfWeek d) {
        return d.name().toLowerCase(Locale.ROOT);
    }

    private static LocalDate date(String field, String text) {
        if (text == null) throw invalid("The recurrence " + field + " is required.");
        try {
            return LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            throw GraphError.badRequest("RequestBodyRead", "Cannot convert '" + text + "' to a Date for '" + field + "'.");
        }
    }

    private static GraphError invalid(String message) {
        return GraphError.badRequest("ErrorInvalidRequest", message);
    }
}
