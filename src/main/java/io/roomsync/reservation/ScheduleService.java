package io.roomsync.reservation;

import io.roomsync.db.Tx;
import io.roomsync.location.Building;
import io.roomsync.tenant.CurrentUser;
import io.roomsync.tenant.User;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A building's day at a glance: its reservables as rows, the hours 07:00-20:00 (building time) as columns, and
 * each reservation placed where it falls. Reservations the viewer may not change carry the policy's reason.
 */
public final class ScheduleService {
    public static final int FIRST_HOUR = 7;
    public static final int LAST_HOUR = 20;
    private static final int SPAN_MINUTES = (LAST_HOUR - FIRST_HOUR) * 60;
    private static final List<ReservationState> HOLDING = Arrays.stream(ReservationState.values())
            .filter(ReservationState::holdsSlot).toList();

    private final Tx tx;
    private final BookingRules rules;
    private final ReservationPolicy policy;

    public ScheduleService(Tx tx, BookingRules rules, ReservationPolicy policy) {
        this.tx = tx;
        this.rules = rules;
        this.policy = policy;
    }

    /** A reservation placed on the grid: left and width are percentages of the 07:00-20:00 lane. */
    public record Slot(long reservationId, String subject, String organizer, String range, double left, double width,
                       boolean dimmed, String reason) {
        public String style() {
            return String.format(java.util.Locale.ROOT, "left:%.3f%%;width:%.3f%%", left, width);
        }
    }

    /** An hour of a lane that is free and still ahead: it links to the booking form. */
    public record OpenHour(int hour, String start, String end, double left, double width) {
        public String style() {
            return String.format(java.util.Locale.ROOT, "left:%.3f%%;width:%.3f%%", left, width);
        }
    }

    public record Row(long reservableId, String name, String floorName, int capacity, List<Slot> slots, List<OpenHour> open) {}

    public record Day(List<Building> buildings, Building building, LocalDate date, ZoneId zone, List<Row> rows) {
        public List<String> hours() {
            List<String> h = new ArrayList<>();
            for (int i = FIRST_HOUR; i < LAST_HOUR; i++) h.add(String.format("%02d:00", i));
            return h;
        }
    }

    /** The day schedule; buildingId null = the first building; date null = today in that building. */
    public Day day(CurrentUser viewer, Long buildingId, LocalDate date) {
        Instant now = rules.now();
        return tx.call(s -> {
            List<Building> buildings = s.createSelectionQuery("from Building where tenantId = :t order by name", Building.class)
                    .setParameter("t", viewer.tenant()).getResultList();
            if (buildings.isEmpty()) {
                if (buildingId != null) throw new io.roomsync.common.NotFoundException("Building");
                return new Day(buildings, null, date, null, List.of());
            }
            Building building = buildings.get(0);
            if (buildingId != null) {
                building = buildings.stream().filter(b -> b.id.equals(buildingId)).findFirst()
                        .orElseThrow(() -> new io.roomsync.common.NotFoundException("Building"));
            }
            ZoneId zone = building.zone();
            LocalDate day = date != null ? date : now.atZone(zone).toLocalDate();
            Instant from = day.atTime(FIRST_HOUR, 0).atZone(zone).toInstant();
            Instant to = day.atTime(LAST_HOUR, 0).atZone(zone).toInstant();

            List<Object[]> reservables = s.createSelectionQuery("select r.id, r.name, f.name, r.capacity, r.longestReservationMinutes from Reservable r"
                            + " left join Floor f on f.id = r.floorId where r.tenantId = :t and r.buildingId = :b and r.active = true"
                            + " order by f.levelNumber, f.name, r.name", Object[].class)
                    .setParameter("t", viewer.tenant()).setParameter("b", building.id).getResultList();
            Map<Long, List<Reservation>> byReservable = new HashMap<>();
            Set<Long> userIds = new LinkedHashSet<>();
            if (!reservables.isEmpty()) {
                s.createSelectionQuery("from Reservation x where x.tenantId = :t and x.reservableId in :ids and x.state in :holding"
                                + " and x.startAt < :to and x.startAt > :lookback and x.endAt > :from order by x.startAt", Reservation.class)
                        .setParameter("t", viewer.tenant()).setParameterList("ids", reservables.stream().map(r -> (Long) r[0]).toList())
                        .setParameterList("holding", HOLDING).setParameter("from", from).setParameter("to", to)
                        .setParameter("lookback", BookingRules.lookback(from, reservables.stream().map(r -> (Integer) r[4])
                                .filter(java.util.Objects::nonNull).max(Integer::compare).orElse(null)))
                        .getResultList().forEach(x -> {
                            byReservable.computeIfAbsent(x.reservableId, k -> new ArrayList<>()).add(x);
                            if (x.requestedForId != null) userIds.add(x.requestedForId);
                        });
            }
            Map<Long, String> names = new LinkedHashMap<>();
            if (!userIds.isEmpty()) {
                s.createSelectionQuery("from User where id in :ids", User.class).setParameterList("ids", userIds)
                        .getResultList().forEach(u -> names.put(u.id, u.displayName));
            }

            List<Row> rows = new ArrayList<>();
            for (Object[] r : reservables) {
                long id = (Long) r[0];
                List<Reservation> list = byReservable.getOrDefault(id, List.of());
                List<Slot> slots = new ArrayList<>();
                for (Reservation x : list) {
                    double left = position(x.startAt, day, zone);
                    double right = position(x.endAt, day, zone);
                    ReservationPolicy.Decision d = policy.mayChange(viewer, x, now);
                    String organizer = x.requestedForId != null ? names.getOrDefault(x.requestedForId, "Unknown")
                            : (x.externalOrganizerName != null ? x.externalOrganizerName
                            : (x.externalOrganizerEmail != null ? x.externalOrganizerEmail : "Unknown"));
                    slots.add(new Slot(x.id, x.subject, organizer, Times.range(x.startAt, x.endAt, zone), left,
                            Math.max(0.8, right - left), !d.allowed(), d.reason()));
                }
                List<OpenHour> open = new ArrayList<>();
                for (int h = FIRST_HOUR; h < LAST_HOUR; h++) {
                    Instant hs = day.atTime(h, 0).atZone(zone).toInstant();
                    Instant he = day.atTime(h + 1, 0).atZone(zone).toInstant();
                    if (hs.isBefore(now.minus(Duration.ofMinutes(5)))) continue;
                    boolean taken = list.stream().anyMatch(x -> x.startAt.isBefore(he) && x.endAt.isAfter(hs));
                    if (!taken) {
                        open.add(new OpenHour(h, String.format("%02d:00", h), String.format("%02d:00", h + 1),
                                100.0 * (h - FIRST_HOUR) / (LAST_HOUR - FIRST_HOUR), 100.0 / (LAST_HOUR - FIRST_HOUR)));
                    }
                }
                rows.add(new Row(id, (String) r[1], (String) r[2], (Integer) r[3], slots, open));
            }
            return new Day(buildings, building, day, zone, rows);
        });
    }

    /** Where an instant falls on the lane, in percent, clipped to the visible hours; by wall-clock time. */
    private static double position(Instant t, LocalDate day, ZoneId zone) {
        java.time.LocalDateTime local = java.time.LocalDateTime.ofInstant(t, zone);
        if (local.toLocalDate().isBefore(day)) return 0;
        if (local.toLocalDate().isAfter(day)) return 100;
        long minutes = Duration.between(LocalTime.of(FIRST_HOUR, 0), local.toLocalTime()).toMinutes();
        return Math.max(0, Math.min(100, 100.0 * minutes / SPAN_MINUTES));
    }
}
