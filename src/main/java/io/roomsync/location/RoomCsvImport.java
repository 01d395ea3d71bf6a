package io.roomsync.location;

import io.roomsync.db.Tx;
import io.roomsync.tenant.CurrentUser;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.hibernate.Session;

/**
 * Onboarding a building from a spreadsheet: a CSV of rooms and desks is first previewed (what would be created,
 * updated, and which lines are wrong and why), then applied in one transaction. A file with any bad line changes
 * nothing. A row whose name already exists in the building updates that reservable instead of adding a second one,
 * so the same file can be imported again after corrections.
 */
public final class RoomCsvImport {
    public static final int MAX_ROWS = 5000;
    public static final int MAX_BYTES = 2_000_000;
    public static final List<String> COLUMNS = List.of("name", "kind", "capacity", "floor", "equipment", "email", "module");
    public static final String EXAMPLE = "name,kind,capacity,floor,equipment,email,module\n"
            + "\"Board room, north\",ROOM,12,3rd floor,display;video;whiteboard,boardroom@example.com,Rooms\n"
            + "Desk 3.14,DESK,1,3rd floor,monitor|dock,,\n";

    public enum Action { CREATE, UPDATE, UNCHANGED }

    /** One valid row as it will be written. floor is null for none; newFloor = the floor will be created. */
    public record Row(int line, Action action, String name, ReservableKind kind, int capacity, String floor, boolean newFloor,
                      List<String> equipment, String email, String module, String changes) implements ImportPreview.Item {}

    /** A problem on a line of the file; line 0 means the file as a whole. */
    public record LineError(int line, String message) {
        public String where() {
            return line == 0 ? "File" : "Line " + line;
        }
    }

    public record Preview(long buildingId, String buildingName, List<Row> rows, List<String> newFloors, List<LineError> errors)
            implements ImportPreview<Row> {
        public boolean ok() {
            return errors.isEmpty();
        }
    }

    /** The file was not applied because of the errors in the preview; nothing was written. */
    public static final class Rejected extends RuntimeException {
        public final Preview preview;

        Rejected(Preview preview) {
            super(preview.errors().size() + " problem(s) in the file");
            this.preview = preview;
        }
    }

    private final Tx tx;
    private final LocationService locations;

    public RoomCsvImport(Tx tx, LocationService locations) {
        this.tx = tx;
        this.locations = locations;
    }

    /** What applying the file would do; writes nothing. Unknown or foreign building: NotFoundException. */
    public Preview preview(long tenantId, long buildingId, String csv) {
        return tx.call(s -> plan(s, tenantId, locations.building(s, tenantId, buildingId), csv).preview());
    }

    /** Applies the whole file in one transaction, or throws {@link Rejected} and writes nothing. */
    public Preview apply(CurrentUser actor, String source, long buildingId, String csv) {
        long tenantId = actor.tenant();
        return tx.call(s -> {
            Building building = locations.building(s, tenantId, buildingId);
            Plan plan = plan(s, tenantId, building, csv);
            if (!plan.preview().ok()) throw new Rejected(plan.preview());
            Map<String, Floor> floors = new HashMap<>(plan.floors());
            int level = locations.nextLevel(s, building);
            for (String name : plan.preview().newFloors()) {
                floors.put(key(name), locations.insertFloor(s, actor, source, building, name, level));
                level = Math.min(level + 1, LocationRules.LEVEL_MAX);
            }
            for (Planned p : plan.planned()) {
                Row row = p.row();
                if (row.action() == Action.UNCHANGED) continue;
                Reservable r = p.existing() != null ? p.existing() : new Reservable();
                Reservable before = p.existing() != null ? LocationService.copy(r) : null;
                r.tenantId = tenantId;
                r.buildingId = building.id;
                r.floorId = row.floor() == null ? null : floors.get(key(row.floor())).id;
                r.moduleId = p.module().id;
                r.kind = row.kind();
                r.name = row.name();
                r.capacity = row.capacity();
                r.setEquipmentTags(row.equipment());
                r.email = row.email();
                locations.saveImported(s, actor, source, r, before);
            }
            LocationService.flushImport(s);
            return plan.preview();
        });
    }

    /** Decodes an uploaded file; null when it is not UTF-8 text. */
    public static String decode(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private record Planned(Row row, Reservable existing, ReservableModule module) {}

    private record Plan(Preview preview, List<Planned> planned, Map<String, Floor> floors) {}

    private Plan plan(Session s, long tenantId, Building building, String csv) {
        List<LineError> errors = new ArrayList<>();
        List<Planned> planned = new ArrayList<>();
        List<String> newFloors = new ArrayList<>();
        Map<String, Floor> floors = new HashMap<>();
        for (Floor f : locations.floors(s, tenantId, building.id)) floors.put(key(f.name), f);

        List<Csv.Record> records = read(csv, errors);
        Map<String, Integer> columns = records.isEmpty() ? Map.of() : header(records.get(0), errors);
        if (!errors.isEmpty()) return new Plan(new Preview(building.id, building.name, List.of(), List.of(), errors), List.of(), floors);

        Map<String, Reservable> existing = new HashMap<>();
        for (Reservable r : s.createSelectionQuery("from Reservable where tenantId = :t and buildingId = :b", Reservable.class)
                .setParameter("t", tenantId).setParameter("b", building.id).getResultList()) {
            existing.put(key(r.name), r);
        }
        Map<String, Reservable> mailboxes = new HashMap<>();
        for (Reservable r : s.createSelectionQuery("from Reservable where tenantId = :t and email is not null", Reservable.class)
                .setParameter("t", tenantId).getResultList()) {
            mailboxes.put(key(r.email), r);
        }
        Map<String, ReservableModule> modules = new LinkedHashMap<>();
        for (ReservableModule m : locations.modules(s, tenantId)) modules.put(key(m.name), m);
        Map<Long, Floor> floorsById = new HashMap<>();
        floors.values().forEach(f -> floorsById.put(f.id, f));
        Map<ReservableKind, Optional<ReservableModule>> defaults = new EnumMap<>(ReservableKind.class);
        Map<String, Integer> namesSeen = new HashMap<>();
        Map<String, Integer> emailsSeen = new HashMap<>();

        for (Csv.Record record : records.subList(1, records.size())) {
            List<String> problems = new ArrayList<>();
            if (record.fields().size() != columns.size()) {
                errors.add(new LineError(record.line(), "Has " + record.fields().size() + " values but the header has "
                        + columns.size() + " columns (put values that contain commas in double quotes)."));
                continue;
            }
            String name = LocationRules.clean(value(record, columns, "name"));
            String kindText = LocationRules.clean(value(record, columns, "kind"));
            String capacityText = LocationRules.clean(value(record, columns, "capacity"));
            String floorName = LocationRules.clean(value(record, columns, "floor"));
            String equipmentText = value(record, columns, "equipment");
            String email = LocationRules.clean(value(record, columns, "email"));
            email = email == null ? null : email.toLowerCase(Locale.ROOT);
            String moduleName = LocationRules.clean(value(record, columns, "module"));

            addIf(problems, LocationRules.name(name, "Room or desk", LocationRules.RESERVABLE_NAME_MAX));
            if (name != null && namesSeen.containsKey(key(name))) {
                problems.add("The name '" + name + "' is also on line " + namesSeen.get(key(name)) + ".");
            }
            ReservableKind kind = kindText == null ? ReservableKind.ROOM : LocationRules.kind(kindText);
            if (kind == null) problems.add("Kind '" + kindText + "' is not ROOM, DESK or OTHER.");
            Integer capacity = null;
            if (capacityText == null) {
                problems.add("Capacity is required.");
            } else {
                try {
                    capacity = Integer.parseInt(capacityText);
                    addIf(problems, LocationRules.capacity(capacity));
                } catch (NumberFormatException e) {
                    problems.add("Capacity '" + capacityText + "' is not a whole number.");
                }
            }
            List<String> tags = LocationRules.splitTags(equipmentText, ";|");
            addIf(problems, LocationRules.equipment(tags));
            addIf(problems, LocationRules.email(email));
            Reservable same = name == null ? null : existing.get(key(name));
            if (email != null && LocationRules.email(email) == null) {
                Reservable holder = mailboxes.get(key(email));
                if (holder != null && (same == null || !holder.id.equals(same.id))) {
                    problems.add("E-mail " + email + " is already the mailbox of '" + holder.name + "'.");
                } else if (emailsSeen.containsKey(key(email))) {
                    problems.add("E-mail " + email + " is also on line " + emailsSeen.get(key(email)) + ".");
                }
            }
            Floor floor = null;
            boolean newFloor = false;
            if (floorName != null) {
                String floorProblem = LocationRules.name(floorName, "Floor", LocationRules.FLOOR_NAME_MAX);
                if (floorProblem != null) {
                    problems.add(floorProblem);
                } else {
                    floor = floors.get(key(floorName));
                    newFloor = floor == null;
                    if (newFloor && newFloors.stream().noneMatch(f -> key(f).equals(key(floorName)))) newFloors.add(floorName);
                }
            }
            ReservableModule module = null;
            if (moduleName != null) {
                module = modules.get(key(moduleName));
                if (module == null) {
                    problems.add("There is no module named '" + moduleName + "' (modules: "
                            + String.join(", ", modules.values().stream().map(m -> m.name).toList()) + ").");
                }
            } else if (kind != null) {
                module = defaults.computeIfAbsent(kind, k -> Optional.ofNullable(locations.defaultModule(s, tenantId, k))).orElse(null);
                if (module == null) {
                    problems.add("There is no module for " + kind.label.toLowerCase(Locale.ROOT) + "s; name one in the module column.");
                }
            }
            if (name != null) namesSeen.putIfAbsent(key(name), record.line());
            if (email != null) emailsSeen.putIfAbsent(key(email), record.line());
            if (!problems.isEmpty()) {
                errors.add(new LineError(record.line(), String.join(" ", problems)));
                continue;
            }
            String shownFloor = floor != null ? floor.name : floorName;
            List<String> normalized = LocationRules.normalizeTags(tags);
            Action action = Action.CREATE;
            String changes = null;
            if (same != null) {
                changes = describeChanges(same, name, kind, capacity, floor == null ? null : floor.id, newFloor, shownFloor,
                        floorsById, String.join(",", normalized), email, module);
                action = changes.isEmpty() ? Action.UNCHANGED : Action.UPDATE;
            }
            planned.add(new Planned(new Row(record.line(), action, name, kind, capacity, shownFloor, newFloor, normalized,
                    email, module.name, changes), same, module));
        }
        List<Row> rows = planned.stream().map(Planned::row).toList();
        if (rows.isEmpty() && errors.isEmpty()) errors.add(new LineError(0, "The file has a header but no rows."));
        // A file with errors creates no floors, so only a clean preview announces them.
        return new Plan(new Preview(building.id, building.name, rows, errors.isEmpty() ? newFloors : List.of(), errors), planned, floors);
    }

    private static List<Csv.Record> read(String csv, List<LineError> errors) {
        if (csv == null || csv.isBlank()) {
            errors.add(new LineError(0, "The file is empty. Its first line must be the header: " + String.join(",", COLUMNS) + "."));
            return List.of();
        }
        if (csv.length() > MAX_BYTES) {
            errors.add(new LineError(0, "The file is larger than " + (MAX_BYTES / 1_000_000) + " MB. Split it into several files."));
            return List.of();
        }
        List<Csv.Record> records;
        try {
            records = Csv.parse(csv, MAX_ROWS + 2);
        } catch (Csv.FormatException e) {
            errors.add(new LineError(e.line, e.getMessage()));
            return List.of();
        }
        if (records.size() > MAX_ROWS + 1) {
            errors.add(new LineError(0, "The file has more than " + MAX_ROWS + " rows. Split it into several files of at most "
                    + MAX_ROWS + " rows."));
            return List.of();
        }
        return records;
    }

    private static Map<String, Integer> header(Csv.Record header, List<LineError> errors) {
        Map<String, Integer> columns = new LinkedHashMap<>();
        if (header.fields().size() == 1 && header.fields().get(0).contains(";")) {
            errors.add(new LineError(header.line(), "The header has no commas. Save the file as comma-separated values (CSV), not separated by semicolons."));
            return columns;
        }
        for (int i = 0; i < header.fields().size(); i++) {
            String column = header.fields().get(i).strip().toLowerCase(Locale.ROOT);
            if (!COLUMNS.contains(column)) {
                errors.add(new LineError(header.line(), "Unknown column '" + header.fields().get(i).strip() + "'. The columns are: "
                        + String.join(", ", COLUMNS) + "."));
            } else if (columns.containsKey(column)) {
                errors.add(new LineError(header.line(), "Column '" + column + "' appears twice."));
            } else {
                columns.put(column, i);
            }
        }
        for (String required : List.of("name", "capacity")) {
            if (errors.isEmpty() && !columns.containsKey(required)) {
                errors.add(new LineError(header.line(), "The header has no '" + required + "' column. Expected: " + String.join(",", COLUMNS) + "."));
            }
        }
        return columns;
    }

    private static String value(Csv.Record record, Map<String, Integer> columns, String column) {
        Integer index = columns.get(column);
        return index == null ? null : record.fields().get(index);
    }

    private static String describeChanges(Reservable r, String name, ReservableKind kind, int capacity, Long floorId, boolean newFloor,
                                          String floorName, Map<Long, Floor> floorsById, String equipment, String email,
                                          ReservableModule module) {
        Floor old = r.floorId == null ? null : floorsById.get(r.floorId);
        return new ImportChanges()
                .change("name", r.name, name)
                .change("kind", r.kind.label.toLowerCase(Locale.ROOT), kind.label.toLowerCase(Locale.ROOT))
                .change("capacity", r.capacity, capacity)
                .changeIf(newFloor || !Objects.equals(r.floorId, floorId), "floor", old == null ? null : old.name, floorName)
                .flag("equipment", r.equipment, equipment)
                .flag("e-mail", r.email, email)
                .flag("module", r.moduleId, module.id)
                .text();
    }

    private static void addIf(List<String> problems, String message) {
        if (message != null) problems.add(message);
    }

    private static String key(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
