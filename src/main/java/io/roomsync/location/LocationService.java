package io.roomsync.location;

import io.roomsync.audit.AuditLog;
import io.roomsync.common.ConflictException;
import io.roomsync.common.NotFoundException;
import io.roomsync.common.ValidationException;
import io.roomsync.db.Tx;
import io.roomsync.reservation.Source;
import io.roomsync.tenant.CurrentUser;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.hibernate.Session;
import org.hibernate.query.SelectionQuery;

/**
 * Buildings, floors, reservable modules and reservables of a tenant: validation, changes with their audit entries,
 * and the reads other features use. Every query is scoped to a tenant; a record of another tenant is "not found".
 */
public final class LocationService {
    /** Audit sources: a change made in the portal's admin pages, and one made through the REST API. */
    public static final String PORTAL = Source.PORTAL.subSource;
    public static final String REST_API = Source.REST_API.subSource;

    public record BuildingInput(String name, String timeZone, String address) {}

    public record FloorInput(String name, Integer levelNumber) {}

    /** kind and showAs as text so a wrong value is a field error, not a parse failure. Null booleans keep their value. */
    public record ModuleInput(String name, String kind, String showAs, Boolean groupReservations, Boolean checkInRequired,
                              Integer maxDurationMinutes, Integer bookingWindowDays) {}

    /** moduleId null = the tenant's first module of the kind; active null = true on create, unchanged on update. */
    public record ReservableInput(Long buildingId, Long floorId, Long moduleId, String kind, String name, Integer capacity,
                                  List<String> equipment, String email, Boolean active) {}

    public record BuildingSummary(Building building, long floors, long reservables) {}

    public record FloorSummary(Floor floor, long reservables) {}

    public record ModuleSummary(ReservableModule module, long reservables) {}

    /** A reservable with the records it points at; floor may be null. */
    public record ReservableView(Reservable reservable, Building building, Floor floor, ReservableModule module) {}

    /** Filters of the reservable list; null = no filter. Equipment: every tag must be present. */
    public record ReservableFilter(Long buildingId, ReservableKind kind, Boolean active, Integer minCapacity,
                                   List<String> equipment, String search) {
        public static ReservableFilter all() {
            return new ReservableFilter(null, null, null, null, List.of(), null);
        }
    }

    private final Tx tx;
    private final AuditLog audit;
    private final Clock clock;

    public LocationService(Tx tx, AuditLog audit, Clock clock) {
        this.tx = tx;
        this.audit = audit;
        this.clock = clock;
    }

    // ---------------------------------------------------------------------------------------------- buildings

    public List<Building> listBuildings(long tenantId) {
        return tx.call(s -> listBuildings(s, tenantId));
    }

    public List<Building> listBuildings(Session s, long tenantId) {
        return s.createSelectionQuery("from Building where tenantId = :t order by name", Building.class)
                .setParameter("t", tenantId).getResultList();
    }

    public List<BuildingSummary> buildingSummaries(long tenantId) {
        return tx.call(s -> {
            Map<Long, Long> floors = countBy(s, "select buildingId, count(*) from Floor where tenantId = :t group by buildingId", tenantId);
            Map<Long, Long> rooms = countBy(s, "select buildingId, count(*) from Reservable where tenantId = :t group by buildingId", tenantId);
            return listBuildings(s, tenantId).stream()
                    .map(b -> new BuildingSummary(b, floors.getOrDefault(b.id, 0L), rooms.getOrDefault(b.id, 0L))).toList();
        });
    }

    public BuildingSummary buildingSummary(long tenantId, long id) {
        return tx.call(s -> {
            Building b = building(s, tenantId, id);
            return new BuildingSummary(b, count(s, "select count(*) from Floor where tenantId = :t and buildingId = :id", tenantId, id),
                    count(s, "select count(*) from Reservable where tenantId = :t and buildingId = :id", tenantId, id));
        });
    }

    /** The building, or NotFoundException when it does not exist or belongs to another tenant. */
    public Building building(long tenantId, long id) {
        return tx.call(s -> building(s, tenantId, id));
    }

    public Building building(Session s, long tenantId, long id) {
        Building b = s.find(Building.class, id);
        if (b == null || !b.tenantId.equals(tenantId)) throw new NotFoundException("Building");
        return b;
    }

    public Building createBuilding(CurrentUser actor, String source, BuildingInput in) {
        long tenantId = actor.tenant();
        return tx.call(s -> {
            BuildingInput c = checkBuilding(s, tenantId, null, in);
            return insertBuilding(s, actor, source, tenantId, c);
        });
    }

    /** Inserts and audits a checked building; also used by imports that create missing buildings in their transaction. */
    Building insertBuilding(Session s, CurrentUser actor, String source, long tenantId, BuildingInput c) {
        Building b = new Building();
        b.tenantId = tenantId;
        b.name = c.name();
        b.timeZone = c.timeZone();
        b.address = c.address();
        b.createdAt = clock.instant();
        persist(s, b, "A building named '" + b.name + "' was just created by someone else.");
        audit.record(s, actor, source, null, "Building", b.id, "create", new AuditLog.Changes()
                .field("name", null, b.name).field("timeZone", null, b.timeZone).field("address", null, b.address));
        return b;
    }

    public Building updateBuilding(CurrentUser actor, String source, long id, BuildingInput in) {
        long tenantId = actor.tenant();
        return tx.call(s -> {
            Building b = building(s, tenantId, id);
            BuildingInput c = checkBuilding(s, tenantId, id, in);
            AuditLog.Changes changes = new AuditLog.Changes().field("name", b.name, c.name())
                    .field("timeZone", b.timeZone, c.timeZone()).field("address", b.address, c.address());
            b.name = c.name();
            b.timeZone = c.timeZone();
            b.address = c.address();
            flush(s, "A building named '" + b.name + "' was just created by someone else.");
            if (!changes.isEmpty()) audit.record(s, actor, source, null, "Building", b.id, "update", changes);
            return b;
        });
    }

    /** Deletes an empty building and its floors; a building that still has rooms or desks is kept. */
    public void deleteBuilding(CurrentUser actor, String source, long id) {
        long tenantId = actor.tenant();
        tx.run(s -> {
            Building b = building(s, tenantId, id);
            long rooms = count(s, "select count(*) from Reservable where tenantId = :t and buildingId = :id", tenantId, id);
            if (rooms > 0) {
                throw new ConflictException("Building '" + b.name + "' still has " + plural(rooms, "room or desk", "rooms and desks")
                        + ". Move or delete them first.");
            }
            for (Floor f : floors(s, tenantId, id)) {
                audit.record(s, actor, source, null, "Floor", f.id, "delete", new AuditLog.Changes().field("name", f.name, null));
                s.remove(f);
            }
            audit.record(s, actor, source, null, "Building", b.id, "delete", new AuditLog.Changes().field("name", b.name, null));
            s.remove(b);
            s.flush();
        });
    }

    private BuildingInput checkBuilding(Session s, long tenantId, Long selfId, BuildingInput in) {
        String name = LocationRules.clean(in.name());
        String zone = LocationRules.clean(in.timeZone());
        String address = LocationRules.clean(in.address());
        ValidationException.Errors errors = new ValidationException.Errors();
        addIf(errors, "name", LocationRules.name(name, "Building", LocationRules.BUILDING_NAME_MAX));
        addIf(errors, "timeZone", LocationRules.timeZone(zone));
        addIf(errors, "address", LocationRules.address(address));
        if (!errors.has("name") && exists(s, "from Building where tenantId = :t and lower(name) = :n", tenantId, null, name, selfId)) {
            errors.add("name", "There is already a building named '" + name + "'.");
        }
        errors.throwIfAny();
        return new BuildingInput(name, zone, address);
    }

    // ------------------------------------------------------------------------------------------------- floors

    public List<Floor> floors(long tenantId, long buildingId) {
        return tx.call(s -> {
            building(s, tenantId, buildingId);
            return floors(s, tenantId, buildingId);
        });
    }

    public List<Floor> floors(Session s, long tenantId, long buildingId) {
        return s.createSelectionQuery("from Floor where tenantId = :t and buildingId = :b order by levelNumber, name", Floor.class)
                .setParameter("t", tenantId).setParameter("b", buildingId).getResultList();
    }

    /** Every floor of the tenant, for pickers that cover all buildings. */
    public List<Floor> allFloors(long tenantId) {
        return tx.call(s -> s.createSelectionQuery("from Floor where tenantId = :t order by buildingId, levelNumber, name", Floor.class)
                .setParameter("t", tenantId).getResultList());
    }

    public List<FloorSummary> floorSummaries(long tenantId, long buildingId) {
        return tx.call(s -> {
            building(s, tenantId, buildingId);
            Map<Long, Long> rooms = countBy(s, "select floorId, count(*) from Reservable where tenantId = :t and floorId is not null group by floorId", tenantId);
            return floors(s, tenantId, buildingId).stream().map(f -> new FloorSummary(f, rooms.getOrDefault(f.id, 0L))).toList();
        });
    }

    public Floor floor(long tenantId, long id) {
        return tx.call(s -> floor(s, tenantId, id));
    }

    public Floor floor(Session s, long tenantId, long id) {
        Floor f = s.find(Floor.class, id);
        if (f == null || !f.tenantId.equals(tenantId)) throw new NotFoundException("Floor");
        return f;
    }

    public Floor createFloor(CurrentUser actor, String source, long buildingId, FloorInput in) {
        long tenantId = actor.tenant();
        return tx.call(s -> {
            Building b = building(s, tenantId, buildingId);
            FloorInput c = checkFloor(s, b, null, in);
            return insertFloor(s, actor, source, b, c.name(), c.levelNumber() == null ? nextLevel(s, b) : c.levelNumber());
        });
    }

    public Floor updateFloor(CurrentUser actor, String source, long floorId, FloorInput in) {
        long tenantId = actor.tenant();
        return tx.call(s -> {
            Floor f = floor(s, tenantId, floorId);
            Building b = building(s, tenantId, f.buildingId);
            FloorInput c = checkFloor(s, b, f.id, in);
            int level = c.levelNumber() == null ? f.levelNumber : c.levelNumber();
            AuditLog.Changes changes = new AuditLog.Changes().field("name", f.name, c.name()).field("levelNumber", f.levelNumber, level);
            f.name = c.name();
            f.levelNumber = level;
            flush(s, "A floor named '" + f.name + "' was just created by someone else.");
            if (!changes.isEmpty()) audit.record(s, actor, source, null, "Floor", f.id, "update", changes);
            return f;
        });
    }

    public void deleteFloor(CurrentUser actor, String source, long floorId) {
        long tenantId = actor.tenant();
        tx.run(s -> {
            Floor f = floor(s, tenantId, floorId);
            long rooms = count(s, "select count(*) from Reservable where tenantId = :t and floorId = :id", tenantId, floorId);
            if (rooms > 0) {
                throw new ConflictException("Floor '" + f.name + "' still has " + plural(rooms, "room or desk", "rooms and desks")
                        + ". Move or delete them first.");
            }
            audit.record(s, actor, source, null, "Floor", f.id, "delete", new AuditLog.Changes().field("name", f.name, null));
            s.remove(f);
            s.flush();
        });
    }

    /** Also used by the CSV import, which creates missing floors in its own transaction. */
    Floor insertFloor(Session s, CurrentUser actor, String source, Building b, String name, int level) {
        Floor f = new Floor();
        f.tenantId = b.tenantId;
        f.buildingId = b.id;
        f.name = name;
        f.levelNumber = level;
        persist(s, f, "A floor named '" + name + "' was just created by someone else.");
        audit.record(s, actor, source, null, "Floor", f.id, "create", new AuditLog.Changes()
                .field("building", null, b.name).field("name", null, name).field("levelNumber", null, level));
        return f;
    }

    int nextLevel(Session s, Building b) {
        Integer max = s.createSelectionQuery("select max(levelNumber) from Floor where tenantId = :t and buildingId = :b", Integer.class)
                .setParameter("t", b.tenantId).setParameter("b", b.id).getSingleResult();
        return max == null ? 0 : Math.min(max + 1, LocationRules.LEVEL_MAX);
    }

    private FloorInput checkFloor(Session s, Building b, Long selfId, FloorInput in) {
        String name = LocationRules.clean(in.name());
        ValidationException.Errors errors = new ValidationException.Errors();
        addIf(errors, "name", LocationRules.name(name, "Floor", LocationRules.FLOOR_NAME_MAX));
        addIf(errors, "levelNumber", LocationRules.level(in.levelNumber()));
        if (!errors.has("name") && exists(s, "from Floor where tenantId = :t and buildingId = :scope and lower(name) = :n", b.tenantId, b.id, name, selfId)) {
            errors.add("name", "Building '" + b.name + "' already has a floor named '" + name + "'.");
        }
        errors.throwIfAny();
        return new FloorInput(name, in.levelNumber());
    }

    // ------------------------------------------------------------------------------------------------ modules

    public List<ReservableModule> modules(long tenantId) {
        return tx.call(s -> modules(s, tenantId));
    }

    public List<ReservableModule> modules(Session s, long tenantId) {
        return s.createSelectionQuery("from ReservableModule where tenantId = :t order by name", ReservableModule.class)
                .setParameter("t", tenantId).getResultList();
    }

    public List<ModuleSummary> moduleSummaries(long tenantId) {
        return tx.call(s -> {
            Map<Long, Long> rooms = countBy(s, "select moduleId, count(*) from Reservable where tenantId = :t group by moduleId", tenantId);
            return modules(s, tenantId).stream().map(m -> new ModuleSummary(m, rooms.getOrDefault(m.id, 0L))).toList();
        });
    }

    public ModuleSummary moduleSummary(long tenantId, long id) {
        return tx.call(s -> new ModuleSummary(module(s, tenantId, id),
                count(s, "select count(*) from Reservable where tenantId = :t and moduleId = :id", tenantId, id)));
    }

    public ReservableModule module(long tenantId, long id) {
        return tx.call(s -> module(s, tenantId, id));
    }

    public ReservableModule module(Session s, long tenantId, long id) {
        ReservableModule m = s.find(ReservableModule.class, id);
        if (m == null || !m.tenantId.equals(tenantId)) throw new NotFoundException("Module");
        return m;
    }

    /**
     * The modules every new tenant starts with. Called inside the transaction that creates the tenant; modules that
     * already exist by name are left alone, so calling it twice is harmless.
     */
    public void createDefaultModules(Session s, long tenantId) {
        List<String> existing = modules(s, tenantId).stream().map(m -> m.name.toLowerCase(Locale.ROOT)).toList();
        if (!existing.contains("rooms")) {
            insertDefaultModule(s, tenantId, "Rooms", ReservableKind.ROOM, false, 480, 90);
        }
        if (!existing.contains("desks")) {
            insertDefaultModule(s, tenantId, "Desks", ReservableKind.DESK, true, 600, 30);
        }
    }

    private void insertDefaultModule(Session s, long tenantId, String name, ReservableKind kind, boolean checkIn, int maxMinutes, int windowDays) {
        ReservableModule m = new ReservableModule();
        m.tenantId = tenantId;
        m.name = name;
        m.kind = kind;
        m.showAs = ShowAs.BUSY;
        m.groupReservations = false;
        m.checkInRequired = checkIn;
        m.maxDurationMinutes = maxMinutes;
        m.bookingWindowDays = windowDays;
        s.persist(m);
        audit.recordSystem(s, tenantId, Source.SYSTEM.subSource, null, "ReservableModule", m.id, "create", moduleChanges(null, m));
    }

    public ReservableModule createModule(CurrentUser actor, String source, ModuleInput in) {
        long tenantId = actor.tenant();
        return tx.call(s -> {
            ReservableModule m = new ReservableModule();
            m.tenantId = tenantId;
            applyModule(s, tenantId, null, m, in);
            persist(s, m, "A module named '" + m.name + "' was just created by someone else.");
            audit.record(s, actor, source, null, "ReservableModule", m.id, "create", moduleChanges(null, m));
            return m;
        });
    }

    public ReservableModule updateModule(CurrentUser actor, String source, long id, ModuleInput in) {
        long tenantId = actor.tenant();
        return tx.call(s -> {
            ReservableModule m = module(s, tenantId, id);
            ReservableModule before = copy(m);
            applyModule(s, tenantId, id, m, in);
            flush(s, "A module named '" + m.name + "' was just created by someone else.");
            AuditLog.Changes changes = moduleChanges(before, m);
            if (!changes.isEmpty()) audit.record(s, actor, source, null, "ReservableModule", m.id, "update", changes);
            return m;
        });
    }

    public void deleteModule(CurrentUser actor, String source, long id) {
        long tenantId = actor.tenant();
        tx.run(s -> {
            ReservableModule m = module(s, tenantId, id);
            long rooms = count(s, "select count(*) from Reservable where tenantId = :t and moduleId = :id", tenantId, id);
            if (rooms > 0) {
                throw new ConflictException("Module '" + m.name + "' is used by " + plural(rooms, "room or desk", "rooms and desks")
                        + ". Move them to another module first.");
            }
            audit.record(s, actor, source, null, "ReservableModule", m.id, "delete", new AuditLog.Changes().field("name", m.name, null));
            s.remove(m);
            s.flush();
        });
    }

    private void applyModule(Session s, long tenantId, Long selfId, ReservableModule m, ModuleInput in) {
        String name = LocationRules.clean(in.name());
        String kindText = LocationRules.clean(in.kind());
        String showAsText = LocationRules.clean(in.showAs());
        ReservableKind kind = LocationRules.kind(kindText);
        ShowAs showAs = showAsText == null ? (m.showAs == null ? ShowAs.BUSY : m.showAs) : LocationRules.showAs(showAsText);
        ValidationException.Errors errors = new ValidationException.Errors();
        addIf(errors, "name", LocationRules.name(name, "Module", LocationRules.MODULE_NAME_MAX));
        if (kindText == null) errors.add("kind", "Kind is required (ROOM, DESK or OTHER).");
        else if (kind == null) errors.add("kind", LocationRules.kindMessage());
        if (showAs == null) errors.add("showAs", "Show as must be BUSY or FREE.");
        addIf(errors, "maxDurationMinutes", LocationRules.maxDuration(in.maxDurationMinutes()));
        addIf(errors, "bookingWindowDays", LocationRules.bookingWindow(in.bookingWindowDays()));
        if (!errors.has("name") && exists(s, "from ReservableModule where tenantId = :t and lower(name) = :n", tenantId, null, name, selfId)) {
            errors.add("name", "There is already a module named '" + name + "'.");
        }
        errors.throwIfAny();
        m.name = name;
        m.kind = kind;
        m.showAs = showAs;
        if (in.groupReservations() != null) m.groupReservations = in.groupReservations();
        if (in.checkInRequired() != null) m.checkInRequired = in.checkInRequired();
        m.maxDurationMinutes = in.maxDurationMinutes();
        m.bookingWindowDays = in.bookingWindowDays();
    }

    private static ReservableModule copy(ReservableModule m) {
        ReservableModule c = new ReservableModule();
        c.name = m.name;
        c.kind = m.kind;
        c.showAs = m.showAs;
        c.groupReservations = m.groupReservations;
        c.checkInRequired = m.checkInRequired;
        c.maxDurationMinutes = m.maxDurationMinutes;
        c.bookingWindowDays = m.bookingWindowDays;
        return c;
    }

    private static AuditLog.Changes moduleChanges(ReservableModule before, ReservableModule m) {
        boolean created = before == null;
        return new AuditLog.Changes()
                .field("name", created ? null : before.name, m.name)
                .field("kind", created ? null : before.kind, m.kind)
                .field("showAs", created ? null : before.showAs, m.showAs)
                .field("groupReservations", created ? null : before.groupReservations, m.groupReservations)
                .field("checkInRequired", created ? null : before.checkInRequired, m.checkInRequired)
                .field("maxDurationMinutes", created ? null : before.maxDurationMinutes, m.maxDurationMinutes)
                .field("bookingWindowDays", created ? null : before.bookingWindowDays, m.bookingWindowDays);
    }

    /** The module a reservable of this kind gets when none is named: the tenant's first module of that kind. */
    ReservableModule defaultModule(Session s, long tenantId, ReservableKind kind) {
        return s.createSelectionQuery("from ReservableModule where tenantId = :t and kind = :k order by id", ReservableModule.class)
                .setParameter("t", tenantId).setParameter("k", kind).setMaxResults(1).getResultList().stream().findFirst().orElse(null);
    }

    // -------------------------------------------------------------------------------------------- reservables

    public Reservable reservable(long tenantId, long id) {
        return tx.call(s -> reservable(s, tenantId, id));
    }

    public Reservable reservable(Session s, long tenantId, long id) {
        Reservable r = s.find(Reservable.class, id);
        if (r == null || !r.tenantId.equals(tenantId)) throw new NotFoundException("Room or desk");
        return r;
    }

    public ReservableView reservableView(long tenantId, long id) {
        return tx.call(s -> view(s, reservable(s, tenantId, id)));
    }

    private ReservableView view(Session s, Reservable r) {
        return new ReservableView(r, s.find(Building.class, r.buildingId), r.floorId == null ? null : s.find(Floor.class, r.floorId),
                s.find(ReservableModule.class, r.moduleId));
    }

    public List<ReservableView> reservables(long tenantId, ReservableFilter f) {
        return tx.call(s -> reservables(s, tenantId, f));
    }

    public List<ReservableView> reservables(Session s, long tenantId, ReservableFilter f) {
        StringBuilder hql = new StringBuilder("select r, b, f, m from Reservable r join Building b on b.id = r.buildingId "
                + "left join Floor f on f.id = r.floorId join ReservableModule m on m.id = r.moduleId where r.tenantId = :t");
        Map<String, Object> params = new HashMap<>();
        params.put("t", tenantId);
        if (f.buildingId() != null) {
            hql.append(" and r.buildingId = :b");
            params.put("b", f.buildingId());
        }
        if (f.kind() != null) {
            hql.append(" and r.kind = :k");
            params.put("k", f.kind());
        }
        if (f.active() != null) {
            hql.append(" and r.active = :a");
            params.put("a", f.active());
        }
        if (f.minCapacity() != null) {
            hql.append(" and r.capacity >= :c");
            params.put("c", f.minCapacity());
        }
        List<String> tags = LocationRules.normalizeTags(f.equipment());
        for (int i = 0; i < tags.size(); i++) {
            // Tags are stored comma-joined; bracketing with commas matches whole tags only.
            hql.append(" and concat(',', r.equipment, ',') like :tag").append(i).append(" escape '!'");
            params.put("tag" + i, "%," + likeEscape(tags.get(i)) + ",%");
        }
        String search = LocationRules.clean(f.search());
        if (search != null) {
            hql.append(" and lower(r.name) like :q escape '!'");
            params.put("q", "%" + likeEscape(search.toLowerCase(Locale.ROOT)) + "%");
        }
        hql.append(" order by b.name, r.name");
        SelectionQuery<Object[]> q = s.createSelectionQuery(hql.toString(), Object[].class);
        params.forEach(q::setParameter);
        List<ReservableView> out = new ArrayList<>();
        for (Object[] row : q.getResultList()) {
            out.add(new ReservableView((Reservable) row[0], (Building) row[1], (Floor) row[2], (ReservableModule) row[3]));
        }
        return out;
    }

    public Reservable createReservable(CurrentUser actor, String source, ReservableInput in) {
        long tenantId = actor.tenant();
        return tx.call(s -> {
            Reservable r = new Reservable();
            r.tenantId = tenantId;
            r.active = in.active() == null || in.active();
            r.createdAt = clock.instant();
            Checked c = checkReservable(s, tenantId, null, in);
            c.applyTo(r);
            insertReservable(s, actor, source, r);
            return r;
        });
    }

    public Reservable updateReservable(CurrentUser actor, String source, long id, ReservableInput in) {
        long tenantId = actor.tenant();
        return tx.call(s -> {
            Reservable r = reservable(s, tenantId, id);
            Checked c = checkReservable(s, tenantId, id, in);
            Reservable before = copy(r);
            c.applyTo(r);
            if (in.active() != null) r.active = in.active();
            saveReservableChanges(s, actor, source, before, r);
            return r;
        });
    }

    public Reservable setActive(CurrentUser actor, String source, long id, boolean active) {
        long tenantId = actor.tenant();
        return tx.call(s -> {
            Reservable r = reservable(s, tenantId, id);
            Reservable before = copy(r);
            r.active = active;
            saveReservableChanges(s, actor, source, before, r);
            return r;
        });
    }

    /** Deletes a reservable that was never reserved; one with reservations must be deactivated instead. */
    public void deleteReservable(CurrentUser actor, String source, long id) {
        long tenantId = actor.tenant();
        tx.run(s -> {
            Reservable r = reservable(s, tenantId, id);
            long reservations = count(s, "select count(*) from Reservation where tenantId = :t and reservableId = :id", tenantId, id);
            if (reservations > 0) {
                throw new ConflictException("'" + r.name + "' has " + plural(reservations, "reservation", "reservations")
                        + ", so it can't be deleted. Deactivate it instead: it stays in the history but can no longer be booked.");
            }
            audit.record(s, actor, source, null, "Reservable", r.id, "delete", new AuditLog.Changes().field("name", r.name, null));
            s.remove(r);
            s.flush();
        });
    }

    private static final String RESERVABLE_CONFLICT = "A room or desk with this name or e-mail was just saved by someone else. Reload and try again.";

    /** Inserts and audits a checked reservable; the CSV import calls this for each new row. */
    void insertReservable(Session s, CurrentUser actor, String source, Reservable r) {
        persist(s, r, RESERVABLE_CONFLICT);
        audit.record(s, actor, source, null, "Reservable", r.id, "create", reservableChanges(null, r));
    }

    private void saveReservableChanges(Session s, CurrentUser actor, String source, Reservable before, Reservable r) {
        flush(s, RESERVABLE_CONFLICT);
        auditReservableUpdate(s, actor, source, before, r);
    }

    /** Audits an update without flushing, so the CSV import can flush thousands of rows once at the end. */
    void auditReservableUpdate(Session s, CurrentUser actor, String source, Reservable before, Reservable r) {
        AuditLog.Changes changes = reservableChanges(before, r);
        if (!changes.isEmpty()) audit.record(s, actor, source, null, "Reservable", r.id, "update", changes);
    }

    /**
     * Saves one reservable of an import: a new one (before null) is inserted active, an existing one gets an audit
     * entry for what changed. Imports flush once at the end ({@link #flushImport}).
     */
    void saveImported(Session s, CurrentUser actor, String source, Reservable r, Reservable before) {
        if (before == null) {
            r.active = true;
            r.createdAt = clock.instant();
            insertReservable(s, actor, source, r);
        } else {
            auditReservableUpdate(s, actor, source, before, r);
        }
    }

    static void flushImport(Session s) {
        flush(s, RESERVABLE_CONFLICT);
    }

    static Reservable copy(Reservable r) {
        Reservable c = new Reservable();
        c.buildingId = r.buildingId;
        c.floorId = r.floorId;
        c.moduleId = r.moduleId;
        c.kind = r.kind;
        c.name = r.name;
        c.capacity = r.capacity;
        c.equipment = r.equipment;
        c.email = r.email;
        c.active = r.active;
        return c;
    }

    private static AuditLog.Changes reservableChanges(Reservable before, Reservable r) {
        boolean created = before == null;
        return new AuditLog.Changes()
                .field("name", created ? null : before.name, r.name)
                .field("kind", created ? null : before.kind, r.kind)
                .field("buildingId", created ? null : before.buildingId, r.buildingId)
                .field("floorId", created ? null : before.floorId, r.floorId)
                .field("moduleId", created ? null : before.moduleId, r.moduleId)
                .field("capacity", created ? null : before.capacity, r.capacity)
                .field("equipment", created ? null : before.equipment, r.equipment)
                .field("email", created ? null : before.email, r.email)
                .field("active", created ? null : before.active, r.active);
    }

    /** A reservable input that passed every check, with its references resolved. */
    private record Checked(Building building, Floor floor, ReservableModule module, ReservableKind kind, String name,
                           int capacity, List<String> equipment, String email) {
        void applyTo(Reservable r) {
            r.buildingId = building.id;
            r.floorId = floor == null ? null : floor.id;
            r.moduleId = module.id;
            r.kind = kind;
            r.name = name;
            r.capacity = capacity;
            r.setEquipmentTags(equipment);
            r.email = email;
        }
    }

    private Checked checkReservable(Session s, long tenantId, Long selfId, ReservableInput in) {
        ValidationException.Errors errors = new ValidationException.Errors();
        String name = LocationRules.clean(in.name());
        String kindText = LocationRules.clean(in.kind());
        ReservableKind kind = kindText == null ? ReservableKind.ROOM : LocationRules.kind(kindText);
        String email = LocationRules.clean(in.email());
        email = email == null ? null : email.toLowerCase(Locale.ROOT);

        addIf(errors, "name", LocationRules.name(name, "Room or desk", LocationRules.RESERVABLE_NAME_MAX));
        if (kind == null) errors.add("kind", LocationRules.kindMessage());
        addIf(errors, "capacity", LocationRules.capacity(in.capacity()));
        addIf(errors, "equipment", LocationRules.equipment(in.equipment()));
        addIf(errors, "email", LocationRules.email(email));

        Building building = null;
        if (in.buildingId() == null) {
            errors.add("buildingId", "Choose a building.");
        } else {
            building = s.find(Building.class, in.buildingId());
            if (building == null || !building.tenantId.equals(tenantId)) {
                building = null;
                errors.add("buildingId", "There is no such building.");
            }
        }
        Floor floor = null;
        if (in.floorId() != null) {
            floor = s.find(Floor.class, in.floorId());
            if (floor == null || !floor.tenantId.equals(tenantId)) {
                floor = null;
                errors.add("floorId", "There is no such floor.");
            } else if (building != null && !floor.buildingId.equals(building.id)) {
                errors.add("floorId", "Floor '" + floor.name + "' is not in building '" + building.name + "'.");
            }
        }
        ReservableModule module = null;
        if (in.moduleId() != null) {
            module = s.find(ReservableModule.class, in.moduleId());
            if (module == null || !module.tenantId.equals(tenantId)) {
                module = null;
                errors.add("moduleId", "There is no such module.");
            }
        } else if (kind != null) {
            module = defaultModule(s, tenantId, kind);
            if (module == null) errors.add("moduleId", "Choose a module: there is no module for " + kind.label.toLowerCase(Locale.ROOT) + "s yet.");
        }
        if (name != null && !errors.has("name") && building != null
                && exists(s, "from Reservable where tenantId = :t and buildingId = :scope and lower(name) = :n", tenantId, building.id, name, selfId)) {
            errors.add("name", "Building '" + building.name + "' already has a room or desk named '" + name + "'.");
        }
        if (email != null && !errors.has("email")) {
            String holder = emailHolder(s, tenantId, email, selfId);
            if (holder != null) errors.add("email", "E-mail " + email + " is already the mailbox of '" + holder + "'.");
        }
        errors.throwIfAny();
        return new Checked(building, floor, module, kind, name, in.capacity(), LocationRules.normalizeTags(in.equipment()), email);
    }

    /** Name of the reservable (other than selfId) whose mailbox is this e-mail, or null. */
    String emailHolder(Session s, long tenantId, String emailLower, Long selfId) {
        return s.createSelectionQuery("select name from Reservable where tenantId = :t and lower(email) = :e and (:self is null or id <> :self)", String.class)
                .setParameter("t", tenantId).setParameter("e", emailLower).setParameter("self", selfId)
                .setMaxResults(1).getResultList().stream().findFirst().orElse(null);
    }

    // ---------------------------------------------------------------------------------------------- helpers

    private static void addIf(ValidationException.Errors errors, String field, String message) {
        if (message != null) errors.add(field, message);
    }

    /** Case-insensitive duplicate check (MariaDB compares names without case, H2 with; we want the same answer on both). */
    private static boolean exists(Session s, String fromWhere, long tenantId, Long scopeId, String name, Long selfId) {
        String hql = "select count(*) " + fromWhere + " and (:self is null or id <> :self)";
        SelectionQuery<Long> q = s.createSelectionQuery(hql, Long.class)
                .setParameter("t", tenantId).setParameter("n", name.toLowerCase(Locale.ROOT)).setParameter("self", selfId);
        if (scopeId != null) q.setParameter("scope", scopeId);
        return q.getSingleResult() > 0;
    }

    private static long count(Session s, String hql, long tenantId, long id) {
        return s.createSelectionQuery(hql, Long.class).setParameter("t", tenantId).setParameter("id", id).getSingleResult();
    }

    private static Map<Long, Long> countBy(Session s, String hql, long tenantId) {
        Map<Long, Long> out = new HashMap<>();
        for (Object[] row : s.createSelectionQuery(hql, Object[].class).setParameter("t", tenantId).getResultList()) {
            out.put((Long) row[0], (Long) row[1]);
        }
        return out;
    }

    private static String likeEscape(String s) {
        return s.replace("!", "!!").replace("%", "!%").replace("_", "!_");
    }

    static String plural(long n, String one, String many) {
        return n + " " + (n == 1 ? one : many);
    }

    /**
     * The checks above make a unique-key violation rare, but two admins saving at the same moment can still meet
     * the database constraint; that is a conflict to retry, not a server error.
     */
    private static void persist(Session s, Object entity, String conflictMessage) {
        try {
            s.persist(entity); // identity ids: the insert runs right here
        } catch (org.hibernate.exception.ConstraintViolationException e) {
            throw new ConflictException(conflictMessage);
        }
    }

    private static void flush(Session s, String conflictMessage) {
        try {
            s.flush();
        } catch (org.hibernate.exception.ConstraintViolationException e) {
            throw new ConflictException(conflictMessage);
        }
    }
}
