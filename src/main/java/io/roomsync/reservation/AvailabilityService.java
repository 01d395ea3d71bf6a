package io.roomsync.reservation;

import io.roomsync.common.ValidationException;
import io.roomsync.db.Tx;
import io.roomsync.location.Building;
import io.roomsync.location.ReservableKind;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.hibernate.Session;

/**
 * Which reservables are free for a whole span. Built for speed: one query for the candidate reservables (with
 * building, floor and module joined in) and one for the reservations from the span to the end of that day (a
 * bounded range of the (reservable_id, start_at, end_at) index per room); equipment is matched in memory. No
 * query per room.
 */
public final class AvailabilityService {
    public static final int MAX_DURATION_MINUTES = 24 * 60;
    private static final List<ReservationState> HOLDING = Arrays.stream(ReservationState.values())
            .filter(ReservationState::holdsSlot).toList();

    private final Tx tx;
    private final BookingRules rules;

    public AvailabilityService(Tx tx, BookingRules rules) {
        this.tx = tx;
        this.rules = rules;
    }

    /** A search: times are local to each building; null building = all buildings, null kind = every kind. */
    public record Query(Long buildingId, LocalDate date, LocalTime start, int durationMinutes, int minCapacity,
                        Set<String> equipment, ReservableKind kind) {}

    /** A reservable free for the whole span, and when it is next booked that day (null = free for the rest of it). */
    public record Free(long reservableId, String name, ReservableKind kind, long buildingId, String buildingName,
                       String floorName, int capacity, List<String> equipment, ZoneId zone, Instant start, Instant end,
                       Instant nextBookedAt) {
        public LocalDateTime localStart() {
            return LocalDateTime.ofInstant(start, zone);
        }

        public LocalDateTime localEnd() {
            return LocalDateTime.ofInstant(end, zone);
        }

        public LocalDateTime localNextBookedAt() {
            return nextBookedAt == null ? null : LocalDateTime.ofInstant(nextBookedAt, zone);
        }

        /** "Free until 14:00" or "Free for the rest of the day". */
        public String freeUntil() {
            return nextBookedAt == null ? "Free for the rest of the day" : "Free until " + Times.TIME.format(nextBookedAt.atZone(zone));
        }
    }

    public record Result(List<Free> free, List<String> notes) {}

    /** What the search form offers: the tenant's buildings and the equipment tags in use. */
    public record Options(List<Building> buildings, List<String> equipment) {}

    public Options options(long tenantId) {
        return tx.call(s -> {
            List<Building> buildings = s.createSelectionQuery("from Building where tenantId = :t order by name", Building.class)
                    .setParameter("t", tenantId).getResultList();
            TreeSet<String> tags = new TreeSet<>();
            s.createSelectionQuery("select distinct r.equipment from Reservable r where r.tenantId = :t and r.active = true", String.class)
                    .setParameter("t", tenantId).getResultList()
                    .forEach(e -> Arrays.stream(e.split(",")).map(String::trim).filter(x -> !x.isEmpty()).forEach(tags::add));
            return new Options(buildings, List.copyOf(tags));
        });
    }

    public Result find(long tenantId, Query q) {
        ValidationException.Errors errors = new ValidationException.Errors();
        if (q.date() == null) errors.add("date", "Enter a date.");
        if (q.start() == null) errors.add("start", "Enter a start time.");
        if (q.durationMinutes() < 5 || q.durationMinutes() > MAX_DURATION_MINUTES) {
            errors.add("duration", "The duration must be between 5 minutes and 24 hours.");
        }
        if (q.minCapacity() < 0 || q.minCapacity() > 10_000) errors.add("capacity", "The capacity must be between 0 and 10000.");
        Set<String> wanted = new TreeSet<>();
        if (q.equipment() != null) {
            for (String e : q.equipment()) {
                if (e == null || e.isBlank()) continue;
                if (e.length() > 50) errors.add("equipment", "Equipment names are short words like 'display'.");
                wanted.add(e.trim().toLowerCase(Locale.ROOT));
            }
        }
        errors.throwIfAny();
        return tx.call(s -> search(s, tenantId, q, wanted));
    }

    private record Candidate(long id, String name, ReservableKind kind, int capacity, List<String> equipment, long buildingId,
                             String buildingName, ZoneId zone, String floorName, int maxDurationMinutes, int bookingWindowDays,
                             Integer longestReservationMinutes) {}

    private record Span(Instant start, Instant end, Instant dayEnd) {}

    private Result search(Session s, long tenantId, Query q, Set<String> wanted) {
        StringBuilder hql = new StringBuilder(
                "select r.id, r.name, r.kind, r.capacity, r.equipment, b.id, b.name, b.timeZone, f.name, m.maxDurationMinutes, m.bookingWindowDays,"
                        + " r.longestReservationMinutes from Reservable r join Building b on b.id = r.buildingId join ReservableModule m on m.id = r.moduleId"
                        + " left join Floor f on f.id = r.floorId"
                        + " where r.tenantId = :t and r.active = true and r.capacity >= :cap");
        if (q.buildingId() != null) hql.append(" and r.buildingId = :b");
        if (q.kind() != null) hql.append(" and r.kind = :kind");
        var query = s.createSelectionQuery(hql.toString(), Object[].class)
                .setParameter("t", tenantId).setParameter("cap", q.minCapacity());
        if (q.buildingId() != null) query.setParameter("b", q.buildingId());
        if (q.kind() != null) query.setParameter("kind", q.kind());
        List<Candidate> candidates = new ArrayList<>();
        for (Object[] row : query.getResultList()) {
            Candidate c = new Candidate((Long) row[0], (String) row[1], (ReservableKind) row[2], (Integer) row[3],
                    tags((String) row[4]), (Long) row[5], (String) row[6], ZoneId.of((String) row[7]), (String) row[8],
                    (Integer) row[9], (Integer) row[10], (Integer) row[11]);
            if (c.equipment().containsAll(wanted)) candidates.add(c);
        }
        if (candidates.isEmpty() && q.buildingId() != null) {
            Building b = s.find(Building.class, q.buildingId());
            if (b == null || !b.tenantId.equals(tenantId)) throw new ValidationException("building", "Choose one of your buildings.");
        }

        Instant now = rules.now();
        List<String> notes = new ArrayList<>();
        Map<ZoneId, Span> spans = new HashMap<>();
        ValidationException.Errors errors = new ValidationException.Errors();
        for (Candidate c : candidates) {
            spans.computeIfAbsent(c.zone(), z -> {
                Instant start = BookingRules.toInstant(q.date().atTime(q.start()), z, "start", errors, notes);
                if (start == null) return null;
                return new Span(start, start.plus(Duration.ofMinutes(q.durationMinutes())), q.date().plusDays(1).atStartOfDay(z).toInstant());
            });
        }
        errors.throwIfAny();
        if (q.buildingId() != null && !spans.isEmpty()) {
            Span only = spans.values().iterator().next();
            if (only.start().isBefore(now.minus(BookingRules.PAST_GRACE))) {
                throw new ValidationException("start", "This time has passed. Pick a later start.");
            }
        }
        List<Candidate> bookable = new ArrayList<>();
        for (Candidate c : candidates) {
            Span span = spans.get(c.zone());
            LocalDate today = now.atZone(c.zone()).toLocalDate();
            boolean past = span.start().isBefore(now.minus(BookingRules.PAST_GRACE));
            boolean tooLong = c.maxDurationMinutes() > 0 && q.durationMinutes() > c.maxDurationMinutes();
            boolean tooFar = q.date().isAfter(today.plusDays(Math.max(0, c.bookingWindowDays())));
            if (!past && !tooLong && !tooFar) bookable.add(c);
        }
        if (bookable.isEmpty()) return new Result(List.of(), List.copyOf(notes));

        // Per reservable, the earliest start among reservations that end after the span starts: it clashes when it
        // starts before the span ends, and otherwise it is the next booking. One query per time zone among the
        // candidates (usually exactly one). The reservable ids come from the tenant-scoped query above; a tenant_id
        // predicate here would steer MariaDB to the (tenant_id, start_at) index and a sort instead of one bounded
        // range of (reservable_id, start_at, end_at) per room.
        Map<ZoneId, List<Candidate>> byZone = new LinkedHashMap<>();
        bookable.forEach(c -> byZone.computeIfAbsent(c.zone(), z -> new ArrayList<>()).add(c));
        Map<Long, Instant> firstStart = new HashMap<>();
        for (Map.Entry<ZoneId, List<Candidate>> zone : byZone.entrySet()) {
            Span span = spans.get(zone.getKey());
            Instant to = span.end().isAfter(span.dayEnd()) ? span.end() : span.dayEnd();
            s.createSelectionQuery("select x.reservableId, x.startAt from Reservation x where x.reservableId in :ids"
                                    + " and x.state in :holding and x.startAt < :to and x.startAt > :lookback and x.endAt > :from",
                            Object[].class)
                    .setParameterList("ids", zone.getValue().stream().map(Candidate::id).toList())
                    .setParameterList("holding", HOLDING).setParameter("from", span.start()).setParameter("to", to)
                    .setParameter("lookback", BookingRules.lookback(span.start(), zone.getValue().stream()
                            .map(Candidate::longestReservationMinutes).filter(java.util.Objects::nonNull).max(Integer::compare).orElse(null)))
                    .getResultList()
                    .forEach(row -> firstStart.merge((Long) row[0], (Instant) row[1], (a, b) -> a.isBefore(b) ? a : b));
        }

        List<Free> free = new ArrayList<>();
        for (Candidate c : bookable) {
            Span span = spans.get(c.zone());
            Instant first = firstStart.get(c.id());
            if (first != null && first.isBefore(span.end())) continue;
            Instant next = first != null && first.isBefore(span.dayEnd()) ? first : null;
            free.add(new Free(c.id(), c.name(), c.kind(), c.buildingId(), c.buildingName(), c.floorName(), c.capacity(),
                    c.equipment(), c.zone(), span.start(), span.end(), next));
        }
        free.sort(Comparator.comparingInt(Free::capacity).thenComparing(Free::buildingName).thenComparing(Free::name));
        return new Result(free, List.copyOf(notes));
    }

    private static List<String> tags(String equipment) {
        if (equipment == null || equipment.isBlank()) return List.of();
        return Arrays.stream(equipment.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
    }
}
