package io.roomsync.sandbox;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Recurring series as Exchange keeps them: only the master and its exceptions are stored; occurrences are expanded
 * from the master's pattern on every read, with ids derived from the master's id and their original start (so they
 * are stable, like Graph's) and the iCalUId of the series with the occurrence's date written into it, as Exchange's
 * global object ids carry the instance date (graph-facts §2.1: iCalUId differs per occurrence; uid is the series').
 * Everything here runs under the sandbox lock.
 */
final class Series {
    private static final String OCCURRENCE_MARK = "_OCC";
    private static final String GLOBAL_ID_CLASS = "040000008200E00074C5B7101A82E008";

    private Series() {}

    static String occurrenceId(SandboxEvent master, Instant originalStart) {
        String base = master.id.endsWith("=") ? master.id.substring(0, master.id.length() - 1) : master.id;
        return base + OCCURRENCE_MARK + originalStart.getEpochSecond() + "=";
    }

    static String occurrenceICalUId(String seriesICalUId, LocalDate date) {
        if (seriesICalUId.length() >= 40 && seriesICalUId.startsWith(GLOBAL_ID_CLASS)) {
            return seriesICalUId.substring(0, 32) + String.format("%04X%02X%02X", date.getYear(), date.getMonthValue(), date.getDayOfMonth())
                    + seriesICalUId.substring(40);
        }
        return seriesICalUId + "_" + date;
    }

    private static ZoneId zone(SandboxEvent master) {
        return TimeZones.zone(master.startZone);
    }

    /** Every start the pattern gives, cancelled ones included, first to last. */
    static List<Instant> originalStarts(SandboxEvent master) {
        ZoneId zone = zone(master);
        LocalTime time = LocalDateTime.ofInstant(master.start, zone).toLocalTime();
        List<Instant> out = new ArrayList<>();
        for (LocalDate d : Recurrence.dates(master.recurrence)) out.add(LocalDateTime.of(d, time).atZone(zone).toInstant());
        return out;
    }

    /** One occurrence as Graph shows it: the master's properties at the occurrence's time. */
    static SandboxEvent occurrence(SandboxEvent master, Instant originalStart) {
        LocalDate date = LocalDateTime.ofInstant(originalStart, zone(master)).toLocalDate();
        SandboxEvent o = master.copyAs(occurrenceId(master, originalStart), master.mailboxId, occurrenceICalUId(master.iCalUId, date));
        o.type = "occurrence";
        o.recurrence = null;
        o.cancelledOccurrences.clear();
        o.seriesMasterId = master.id;
        o.originalStart = originalStart;
        o.uid = master.iCalUId;
        o.start = originalStart;
        o.end = originalStart.plus(master.duration());
        o.transactionId = null;
        return o;
    }

    /** An exception starts as a copy of the occurrence it replaces, under the same id. */
    static SandboxEvent exceptionFrom(SandboxEvent occurrence) {
        SandboxEvent e = occurrence.copy();
        e.type = "exception";
        return e;
    }

    static List<SandboxEvent> exceptions(SandboxState state, SandboxEvent master) {
        List<SandboxEvent> out = new ArrayList<>();
        for (SandboxEvent e : state.calendar(master.mailboxId).events.values()) {
            if (master.id.equals(e.seriesMasterId)) out.add(e);
        }
        return out;
    }

    /** What calendarView shows of a series: its occurrences that were neither cancelled nor changed, and its exceptions. */
    static List<SandboxEvent> instances(SandboxState state, SandboxEvent master) {
        Map<Instant, SandboxEvent> exceptions = new HashMap<>();
        for (SandboxEvent e : exceptions(state, master)) exceptions.put(e.originalStart, e);
        List<SandboxEvent> out = new ArrayList<>();
        for (Instant s : originalStarts(master)) {
            if (master.cancelledOccurrences.contains(s)) continue;
            SandboxEvent ex = exceptions.get(s);
            out.add(ex != null ? ex : occurrence(master, s));
        }
        out.sort(Comparator.comparing((SandboxEvent e) -> e.start).thenComparing(e -> e.id));
        return out;
    }

    /** A stored event, or an occurrence of a stored series; null when there is no such item. */
    static SandboxEvent resolve(SandboxState state, String mailboxId, String id) {
        SandboxEvent stored = state.event(mailboxId, id);
        if (stored != null) return stored;
        int mark = id.lastIndexOf(OCCURRENCE_MARK);
        if (mark < 0 || !id.endsWith("=")) return null;
        Instant originalStart;
        try {
            originalStart = Instant.ofEpochSecond(Long.parseLong(id.substring(mark + OCCURRENCE_MARK.length(), id.length() - 1)));
        } catch (NumberFormatException e) {
            return null;
        }
        String prefix = id.substring(0, mark);
        SandboxEvent master = state.event(mailboxId, prefix + "=");
        if (master == null) master = state.event(mailboxId, prefix);
        if (master == null || !master.isSeriesMaster() || master.cancelledOccurrences.contains(originalStart)) return null;
        if (!originalStarts(master).contains(originalStart)) return null;
        return occurrence(master, originalStart);
    }

    /** The ids calendarView would show for the series' occurrences (exceptions keep their occurrence's id). */
    static Set<String> instanceIds(SandboxEvent master) {
        Set<String> ids = new LinkedHashSet<>();
        if (master == null || !master.isSeriesMaster()) return ids;
        for (Instant s : originalStarts(master)) if (!master.cancelledOccurrences.contains(s)) ids.add(occurrenceId(master, s));
        return ids;
    }

    /** The whole series goes: exceptions, occurrences (recorded for delta) and the master. */
    static void remove(SandboxState state, SandboxEvent master) {
        for (SandboxEvent e : exceptions(state, master)) state.removed(e);
        for (String id : instanceIds(master)) state.instanceRemoved(master.mailboxId, id);
        state.removed(master);
    }

    /**
     * Before a changed master is saved: a new time or pattern rebuilds the series, as Outlook warns it does, so
     * exceptions and cancellations are dropped; occurrences the new pattern no longer has are recorded as removed.
     */
    static void masterChanging(SandboxState state, SandboxEvent before, SandboxEvent after) {
        if (!before.isSeriesMaster()) return;
        boolean rebuilt = !after.isSeriesMaster() || !before.start.equals(after.start) || !before.end.equals(after.end)
                || !Objects.equals(before.startZone, after.startZone) || !Objects.equals(before.recurrence, after.recurrence);
        if (!rebuilt) return;
        for (SandboxEvent e : exceptions(state, before)) state.removed(e);
        after.cancelledOccurrences.clear();
        Set<String> remaining = instanceIds(after);
        for (String id : instanceIds(before)) if (!remaining.contains(id)) state.instanceRemoved(before.mailboxId, id);
    }

    /** The series an event belongs to (its master), or the event itself. */
    static SandboxEvent masterOf(SandboxState state, SandboxEvent e) {
        if (e.seriesMasterId == null) return e;
        SandboxEvent m = state.event(e.mailboxId, e.seriesMasterId);
        return m != null ? m : e;
    }
}
