package io.roomsync.location;

import io.roomsync.common.ValidationException;
import io.roomsync.db.Tx;
import io.roomsync.location.RoomCsvImport.Action;
import io.roomsync.tenant.CurrentUser;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.hibernate.Session;

/**
 * Rooms from a directory (Exchange's Places API) into reservables: each room is matched by its mailbox e-mail
 * (case-insensitively), so importing again updates the same reservables and never duplicates them. Missing buildings
 * and floors are created. Like the CSV import, a preview shows what would be created, updated or left unchanged,
 * and applying writes everything in one transaction. Rooms that cannot be imported (no e-mail, a name taken by
 * another room of the building) are listed as skipped and do not stop the others.
 */
public final class DirectoryRoomImport {
    /** Where rooms go that the directory places in no building (and that Roomsync does not have yet). */
    public static final String DEFAULT_BUILDING = "Exchange rooms";

    /** A room as the directory describes it; everything but the e-mail may be null. */
    public record DirectoryRoom(String email, String name, Integer capacity, String building, String floorLabel, Integer floorNumber) {}

    /** One room as it will be written; changes lists the differences for an update. */
    public record Row(String email, String name, Action action, String building, boolean newBuilding, String floor,
                      boolean newFloor, int capacity, String changes) implements ImportPreview.Item {}

    public record Skipped(String email, String name, String reason) {}

    public record Preview(String timeZone, List<Row> rows, List<String> newBuildings, List<String> newFloors, List<Skipped> skipped)
            implements ImportPreview<Row> {}

    private final Tx tx;
    private final LocationService locations;

    public DirectoryRoomImport(Tx tx, LocationService locations) {
        this.tx = tx;
        this.locations = locations;
    }

    /** What importing these rooms would do; writes nothing. timeZone: of the buildings that would be created. */
    public Preview preview(long tenantId, List<DirectoryRoom> rooms, String timeZone) {
        String zone = checkZone(timeZone);
        return tx.call(s -> plan(s, tenantId, rooms, zone).preview);
    }

    /** Imports the rooms in one transaction and returns what was done. */
    public Preview apply(CurrentUser actor, String source, List<DirectoryRoom> rooms, String timeZone) {
        String zone = checkZone(timeZone);
        long tenantId = actor.tenant();
        return tx.call(s -> {
            Plan plan = plan(s, tenantId, rooms, zone);
            Map<String, Building> buildings = new HashMap<>(plan.buildings);
            for (String name : plan.preview.newBuildings()) {
                buildings.put(key(name), locations.insertBuilding(s, actor, source, tenantId,
                        new LocationService.BuildingInput(name, zone, null)));
            }
            Map<String, Floor> floors = new HashMap<>();
            for (NewFloor f : plan.newFloors.values()) {
                Building b = buildings.get(f.buildingKey);
                int level = f.level != null ? f.level : locations.nextLevel(s, b);
                floors.put(f.buildingKey + "\n" + key(f.name), locations.insertFloor(s, actor, source, b, f.name, level));
            }
            for (Planned p : plan.planned) {
                if (p.row.action() == Action.UNCHANGED) continue;
                Reservable r = p.existing != null ? p.existing : new Reservable();
                Reservable before = p.existing != null ? LocationService.copy(r) : null;
                Building b = buildings.get(p.buildingKey);
                r.tenantId = tenantId;
                r.buildingId = b.id;
                r.floorId = p.floor != null ? p.floor.id : p.newFloorKey != null ? floors.get(p.newFloorKey).id : null;
                if (p.existing == null) {
                    r.kind = ReservableKind.ROOM;
                    r.moduleId = p.module.id;
                }
                r.name = p.row.name();
                r.capacity = p.row.capacity();
                r.email = p.row.email();
                locations.saveImported(s, actor, source, r, before);
            }
            LocationService.flushImport(s);
            return plan.preview;
        });
    }

    /** The zone for new buildings when the admin chose none: the tenant's most used building zone, else the given one. */
    public String suggestedTimeZone(long tenantId, String fallback) {
        return tx.call(s -> s.createSelectionQuery("select timeZone from Building where tenantId = :t group by timeZone "
                        + "order by count(*) desc, timeZone", String.class).setParameter("t", tenantId).setMaxResults(1)
                .getResultList().stream().findFirst()
                .orElse(fallback != null && LocationRules.timeZone(fallback) == null ? fallback : "UTC"));
    }

    /** The zone, checked; ValidationException (field timeZone) when it is not an IANA zone. */
    public static String checkZone(String timeZone) {
        String zone = LocationRules.clean(timeZone);
        String problem = LocationRules.timeZone(zone);
        if (problem != null) throw new ValidationException("timeZone", problem);
        return zone;
    }

    private record NewFloor(String buildingKey, String name, Integer level) {}

    private record Planned(Row row, Reservable existing, String buildingKey, Floor floor, String newFloorKey, ReservableModule module) {}

    private record Plan(Preview preview, List<Planned> planned, Map<String, Building> buildings, Map<String, NewFloor> newFloors) {}

    private Plan plan(Session s, long tenantId, List<DirectoryRoom> rooms, String zone) {
        Map<String, Building> buildings = new HashMap<>();
        Map<Long, Building> buildingsById = new HashMap<>();
        for (Building b : locations.listBuildings(s, tenantId)) {
            buildings.put(key(b.name), b);
            buildingsById.put(b.id, b);
        }
        Map<Long, List<Floor>> floorsByBuilding = new HashMap<>();
        Map<Long, Floor> floorsById = new HashMap<>();
        for (Floor f : s.createSelectionQuery("from Floor where tenantId = :t order by levelNumber, name", Floor.class)
                .setParameter("t", tenantId).getResultList()) {
            floorsByBuilding.computeIfAbsent(f.buildingId, k -> new ArrayList<>()).add(f);
            floorsById.put(f.id, f);
        }
        Map<String, Reservable> byEmail = new HashMap<>();
        Map<String, Reservable> byName = new HashMap<>();
        for (Reservable r : s.createSelectionQuery("from Reservable where tenantId = :t", Reservable.class)
                .setParameter("t", tenantId).getResultList()) {
            if (r.email != null) byEmail.put(key(r.email), r);
            byName.put(r.buildingId + "\n" + key(r.name), r);
        }
        ReservableModule module = locations.defaultModule(s, tenantId, ReservableKind.ROOM);

        List<DirectoryRoom> sorted = new ArrayList<>(rooms);
        sorted.sort(Comparator.comparing((DirectoryRoom r) -> String.valueOf(r.building()), String.CASE_INSENSITIVE_ORDER)
                .thenComparing(r -> String.valueOf(r.name()), String.CASE_INSENSITIVE_ORDER));
        Map<String, String> newBuildings = new LinkedHashMap<>();
        Map<String, NewFloor> newFloors = new LinkedHashMap<>();
        List<Planned> planned = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        Set<String> emailsSeen = new HashSet<>();
        Map<String, String> namesTaken = new HashMap<>();

        for (DirectoryRoom room : sorted) {
            String email = LocationRules.clean(room.email());
            email = email == null ? null : email.toLowerCase(Locale.ROOT);
            String name = cut(LocationRules.clean(room.name()), LocationRules.RESERVABLE_NAME_MAX);
            if (email == null || LocationRules.email(email) != null) {
                skipped.add(new Skipped(email, name, "The directory gives it no valid mailbox e-mail address."));
                continue;
            }
            if (!emailsSeen.add(email)) {
                skipped.add(new Skipped(email, name, "The directory lists this mailbox twice; it was imported once."));
                continue;
            }
            if (name == null) name = email.substring(0, email.indexOf('@'));
            String nameProblem = LocationRules.name(name, "Room", LocationRules.RESERVABLE_NAME_MAX);
            if (nameProblem != null) {
                skipped.add(new Skipped(email, name, nameProblem));
                continue;
            }
            Reservable existing = byEmail.get(email);

            // Building: the directory's, else where the room already is, else the default one.
            String buildingName = cut(LocationRules.clean(room.building()), LocationRules.BUILDING_NAME_MAX);
            Building building;
            if (buildingName == null && existing != null) {
                building = buildingsById.get(existing.buildingId);
                buildingName = building.name;
            } else {
                if (buildingName == null) buildingName = DEFAULT_BUILDING;
                building = buildings.get(key(buildingName));
            }
            String buildingKey = key(buildingName);
            boolean newBuilding = building == null;
            if (newBuilding) newBuildings.putIfAbsent(buildingKey, buildingName);
            else buildingName = building.name;

            // A room of the building with the same name: adopt it if it has no mailbox yet, else it is someone else's.
            if (building != null) {
                Reservable same = byName.get(building.id + "\n" + key(name));
                if (same != null && (existing == null || !same.id.equals(existing.id))) {
                    if (existing == null && same.email == null) {
                        existing = same;
                    } else {
                        skipped.add(new Skipped(email, name, "Building '" + buildingName + "' already has a room named '" + same.name
                                + "'" + (same.email == null ? "" : " with the mailbox " + same.email) + "."));
                        continue;
                    }
                }
            }
            String other = namesTaken.putIfAbsent(buildingKey + "\n" + key(name), email);
            if (other != null) {
                skipped.add(new Skipped(email, name, "The directory has another room named '" + name + "' in '" + buildingName
                        + "' (" + other + ")."));
                continue;
            }
            if (existing == null && module == null) {
                skipped.add(new Skipped(email, name, "There is no module for rooms; add one under Modules first."));
                continue;
            }

            // Floor: the directory's label, else its number; else the room keeps its floor if it stays in its building.
            Integer number = room.floorNumber() != null && LocationRules.level(room.floorNumber()) == null ? room.floorNumber() : null;
            String label = cut(LocationRules.clean(room.floorLabel()), LocationRules.FLOOR_NAME_MAX);
            Floor floor = null;
            String newFloorKey = null;
            String floorName = null;
            boolean newFloor = false;
            if (label != null || number != null) {
                List<Floor> candidates = building == null ? List.of() : floorsByBuilding.getOrDefault(building.id, List.of());
                String wanted = label;
                floor = wanted == null ? null : candidates.stream().filter(f -> key(f.name).equals(key(wanted))).findFirst().orElse(null);
                if (floor == null && label == null) {
                    floor = candidates.stream().filter(f -> f.levelNumber == number).findFirst().orElse(null);
                }
                if (floor != null) {
                    floorName = floor.name;
                } else {
                    floorName = label != null ? label : "Floor " + number;
                    newFloorKey = buildingKey + "\n" + key(floorName);
                    newFloors.putIfAbsent(newFloorKey, new NewFloor(buildingKey, floorName, number));
                    newFloor = true;
                }
            } else if (existing != null && building != null && existing.buildingId.equals(building.id) && existing.floorId != null) {
                floor = floorsById.get(existing.floorId);
                floorName = floor.name;
            }

            int capacity = room.capacity() != null && LocationRules.capacity(room.capacity()) == null ? room.capacity()
                    : existing != null ? existing.capacity : 1;
            Action action = Action.CREATE;
            String changes = null;
            if (existing != null) {
                Building was = buildingsById.get(existing.buildingId);
                Floor wasFloor = existing.floorId == null ? null : floorsById.get(existing.floorId);
                changes = new ImportChanges()
                        .change("name", existing.name, name)
                        .change("capacity", existing.capacity, capacity)
                        .changeIf(newBuilding || !existing.buildingId.equals(building.id), "building", was == null ? null : was.name, buildingName)
                        .changeIf(newFloor || !Objects.equals(existing.floorId, floor == null ? null : floor.id), "floor",
                                wasFloor == null ? null : wasFloor.name, floorName)
                        .change("e-mail", existing.email, email)
                        .text();
                action = changes.isEmpty() ? Action.UNCHANGED : Action.UPDATE;
            } else if (room.capacity() == null) {
                changes = "capacity not set in the directory: 1";
            }
            planned.add(new Planned(new Row(email, name, action, buildingName, newBuilding, floorName, newFloor, capacity, changes),
                    existing, buildingKey, floor, newFloorKey, module));
        }
        List<String> floorNames = newFloors.values().stream()
                .map(f -> f.name + " (" + newBuildings.getOrDefault(f.buildingKey, buildings.get(f.buildingKey) == null ? f.buildingKey
                        : buildings.get(f.buildingKey).name) + ")").toList();
        Preview preview = new Preview(zone, planned.stream().map(Planned::row).toList(), List.copyOf(newBuildings.values()),
                floorNames, List.copyOf(skipped));
        return new Plan(preview, planned, buildings, newFloors);
    }

    private static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max).strip();
    }

    private static String key(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
