package io.roomsync.demo;

import io.roomsync.audit.AuditLog;
import io.roomsync.db.Tx;
import io.roomsync.location.Building;
import io.roomsync.location.Floor;
import io.roomsync.location.Reservable;
import io.roomsync.location.ReservableKind;
import io.roomsync.location.ReservableModule;
import io.roomsync.location.ShowAs;
import io.roomsync.reservation.Attendee;
import io.roomsync.reservation.Reservation;
import io.roomsync.reservation.ReservationState;
import io.roomsync.reservation.ReservationType;
import io.roomsync.reservation.Source;
import io.roomsync.reservation.SyncState;
import io.roomsync.tenant.Passwords;
import io.roomsync.tenant.Role;
import io.roomsync.tenant.SignInPages;
import io.roomsync.tenant.Tenant;
import io.roomsync.tenant.User;
import jakarta.persistence.PersistenceException;
import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.hibernate.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Seeds the demo tenant "Contoso" (two buildings in two time zones, about 30 rooms and desks, a handful of
 * people and a week of reservations) the first time the app starts in demo mode. Everything is written in one
 * transaction, so a crash half-way leaves nothing behind and the next start simply seeds again; once the tenant
 * exists, later starts leave the data (and whatever people changed in it) alone.
 */
public final class DemoSeeder {
    private static final Logger log = LoggerFactory.getLogger(DemoSeeder.class);

    public static final String SLUG = "contoso";
    static final String DOMAIN = "contoso.example";
    static final LocalTime DAY_START = LocalTime.of(8, 0);
    static final LocalTime DAY_END = LocalTime.of(18, 0);
    static final int DAYS = 7;

    /** A demo person; the password is public on purpose (it is printed on the demo sign-in page). */
    record Person(String key, String name, String zone, Role extraRole) {
        String email() {
            return key + "@" + DOMAIN;
        }

        String password() {
            return "demo-" + key + "-2026";
        }

        String roleLabel() {
            return extraRole == null ? Role.EMPLOYEE.label : extraRole.label;
        }
    }

    static final String SEATTLE_ZONE = "America/Los_Angeles";
    static final String MUNICH_ZONE = "Europe/Berlin";

    static final List<Person> PEOPLE = List.of(
            new Person("alex", "Alex Wilber", SEATTLE_ZONE, null),
            new Person("adele", "Adele Vance", SEATTLE_ZONE, Role.TENANT_ADMIN),
            new Person("sam", "Sam Taylor", MUNICH_ZONE, Role.SYNC_ADMIN),
            new Person("megan", "Megan Bowen", SEATTLE_ZONE, null),
            new Person("diego", "Diego Siciliani", SEATTLE_ZONE, null),
            new Person("johanna", "Johanna Lorenz", MUNICH_ZONE, null),
            new Person("lukas", "Lukas Weber", MUNICH_ZONE, null));

    /** The accounts a visitor of the demo signs in with: one per role. */
    private static final List<String> LISTED = List.of("alex", "adele", "sam");

    private record Space(String name, ReservableKind kind, int capacity, String equipment) {}

    private record FloorPlan(String name, int level, List<Space> spaces) {}

    private record Site(String name, String zone, String address, List<FloorPlan> floors, List<String> regulars) {}

    private static final List<Site> SITES = List.of(
            new Site("Contoso HQ Seattle", SEATTLE_ZONE, "2211 Elliott Avenue, Seattle, WA 98121, United States", List.of(
                    new FloorPlan("Floor 1", 1, List.of(
                            room("Atlas", 12, "display,video,whiteboard,accessible"),
                            room("Rainier", 20, "display,video,phone,accessible"),
                            room("Puget", 4, "phone,accessible"),
                            room("Orcas", 6, "display,phone,accessible"))),
                    new FloorPlan("Floor 2", 2, List.of(
                            room("Olympic", 8, "display,whiteboard"),
                            room("Cascade", 6, "display,video"),
                            room("Baker", 10, "display,video,whiteboard"),
                            desk("Desk 2.01"), desk("Desk 2.02"), desk("Desk 2.03"), desk("Desk 2.04"))),
                    new FloorPlan("Floor 3", 3, List.of(
                            room("Whidbey", 8, "video,whiteboard,accessible"),
                            room("Columbia", 16, "display,video,phone,whiteboard"),
                            room("Hood", 4, "whiteboard"),
                            desk("Desk 3.01"), desk("Desk 3.02"), desk("Desk 3.03")))),
                    List.of("alex", "alex", "alex", "adele", "megan", "diego", "diego", "megan")),
            new Site("Contoso Munich", MUNICH_ZONE, "Leopoldstraße 250, 80807 München, Germany", List.of(
                    new FloorPlan("Ground floor", 0, List.of(
                            room("Wendelstein", 20, "display,video,phone,accessible"),
                            room("Marienplatz", 6, "display,whiteboard,accessible"),
                            room("Ammersee", 4, "phone,accessible"))),
                    new FloorPlan("Floor 1", 1, List.of(
                            room("Isar", 8, "display,video"),
                            room("Zugspitze", 14, "display,video,whiteboard"),
                            room("Watzmann", 4, "whiteboard"),
                            desk("Desk M1.01"), desk("Desk M1.02"), desk("Desk M1.03"))),
                    new FloorPlan("Floor 2", 2, List.of(
                            room("Nymphenburg", 10, "display,video,phone"),
                            room("Chiemsee", 12, "display,video,whiteboard,accessible"),
                            desk("Desk M2.01"), desk("Desk M2.02")))),
                    List.of("johanna", "johanna", "lukas", "lukas", "sam", "alex")));

    private static final List<String> SUBJECTS = List.of(
            "Weekly team sync", "Sprint planning", "Sprint review", "Design review: booking flow", "1:1",
            "Customer call: Fabrikam", "Quarterly business review", "Interview: backend engineer", "Budget planning",
            "Architecture deep dive", "Onboarding session", "Incident retrospective", "Product roadmap",
            "Marketing stand-up", "Partner workshop: Northwind", "Sales pipeline review", "Lunch & learn: accessibility",
            "Release readiness", "Hiring debrief", "Office hours", "Vendor demo", "All-hands prep",
            "UX research readout", "Security review", "Brainstorm: Q3 ideas");

    private static final List<String> VISITORS = List.of(
            "jordan@fabrikam.example", "priya@northwind.example", "chen@adatum.example", "maria@tailspin.example");

    private final Tx tx;
    private final Clock clock;
    private final AuditLog audit;

    public DemoSeeder(Tx tx, Clock clock, AuditLog audit) {
        this.tx = tx;
        this.clock = clock;
        this.audit = audit;
    }

    /** The demo accounts listed on the sign-in page in demo mode. */
    public static List<SignInPages.DemoAccount> accounts() {
        List<SignInPages.DemoAccount> accounts = new ArrayList<>();
        for (String key : LISTED) {
            Person p = person(key);
            accounts.add(new SignInPages.DemoAccount(SLUG, p.email(), p.password(), p.roleLabel()));
        }
        return accounts;
    }

    /** Seeds the demo tenant unless it exists; true if this call seeded it. */
    public boolean seedIfMissing() {
        if (exists()) return false;
        try {
            Summary summary = tx.call(this::seed);
            if (summary == null) return false;
            log.info("Seeded the demo tenant '{}': {} buildings, {} rooms and desks, {} people, {} reservations",
                    SLUG, summary.buildings, summary.reservables, summary.people, summary.reservations);
            return true;
        } catch (PersistenceException e) {
            // Another node seeding the same database at the same moment wins on the unique tenant slug.
            if (exists()) return false;
            throw e;
        }
    }

    private boolean exists() {
        return tx.call(s -> s.createSelectionQuery("select count(*) from Tenant where slug = :slug", Long.class)
                .setParameter("slug", SLUG).getSingleResult()) > 0;
    }

    private record Summary(int buildings, int reservables, int people, int reservations) {}

    private Summary seed(Session s) {
        if (s.createSelectionQuery("select count(*) from Tenant where slug = :slug", Long.class)
                .setParameter("slug", SLUG).getSingleResult() > 0) {
            return null;
        }
        Instant now = clock.instant();
        Tenant tenant = new Tenant();
        tenant.name = "Contoso";
        tenant.slug = SLUG;
        tenant.createdAt = now;
        s.persist(tenant);

        ReservableModule rooms = module(s, tenant, "Rooms", ReservableKind.ROOM, ShowAs.BUSY, false, 480, 90);
        // Desk bookings show as free so a desk day does not block the person's calendar.
        ReservableModule desks = module(s, tenant, "Desks", ReservableKind.DESK, ShowAs.FREE, true, 600, 30);

        Map<String, User> users = new LinkedHashMap<>();
        for (Person p : PEOPLE) {
            User u = new User();
            u.tenantId = tenant.id;
            u.setEmail(p.email());
            u.displayName = p.name();
            u.timeZone = p.zone();
            u.roles = EnumSet.of(Role.EMPLOYEE);
            if (p.extraRole() != null) u.roles.add(p.extraRole());
            u.passwordHash = Passwords.hash(p.password());
            u.active = true;
            u.createdAt = now;
            s.persist(u);
            users.put(p.key(), u);
        }

        // A fixed seed: every demo database looks the same, which keeps screenshots and bug reports comparable.
        Random random = new Random(2026);
        int reservables = 0;
        int reservations = 0;
        for (Site site : SITES) {
            Building b = new Building();
            b.tenantId = tenant.id;
            b.name = site.name();
            b.timeZone = site.zone();
            b.address = site.address();
            b.createdAt = now;
            s.persist(b);
            List<Reservable> spaces = new ArrayList<>();
            for (FloorPlan plan : site.floors()) {
                Floor f = new Floor();
                f.tenantId = tenant.id;
                f.buildingId = b.id;
                f.name = plan.name();
                f.levelNumber = plan.level();
                s.persist(f);
                for (Space space : plan.spaces()) {
                    Reservable r = new Reservable();
                    r.tenantId = tenant.id;
                    r.buildingId = b.id;
                    r.floorId = f.id;
                    r.kind = space.kind();
                    r.moduleId = space.kind() == ReservableKind.DESK ? desks.id : rooms.id;
                    r.name = space.name();
                    r.capacity = space.capacity();
                    r.setEquipmentTags(List.of(space.equipment().split(",")));
                    r.email = space.kind() == ReservableKind.ROOM ? mailbox(space.name()) : null;
                    r.active = true;
                    r.createdAt = now;
                    s.persist(r);
                    spaces.add(r);
                    reservables++;
                }
            }
            reservations += seedWeek(s, tenant, site, spaces, users, random, now);
        }
        audit.recordSystem(s, tenant.id, "system", "demo_seed", "Tenant", tenant.id, "create",
                new AuditLog.Changes().field("name", null, tenant.name).field("slug", null, tenant.slug));
        return new Summary(SITES.size(), reservables, users.size(), reservations);
    }

    /**
     * Today through six days ahead in the building's own zone: meetings back to back or with gaps inside working
     * hours (so no room is ever double-booked), desks for whole working days, and quiet weekends.
     */
    private int seedWeek(Session s, Tenant tenant, Site site, List<Reservable> spaces, Map<String, User> users,
                         Random random, Instant now) {
        ZoneId zone = ZoneId.of(site.zone());
        LocalDate today = LocalDate.ofInstant(now, zone);
        int count = 0;
        for (int day = 0; day < DAYS; day++) {
            LocalDate date = today.plusDays(day);
            boolean weekend = date.getDayOfWeek() == DayOfWeek.SATURDAY || date.getDayOfWeek() == DayOfWeek.SUNDAY;
            for (Reservable space : spaces) {
                if (space.kind == ReservableKind.DESK) {
                    if (weekend || random.nextInt(10) < 4) continue;
                    User who = users.get(pick(site.regulars(), random));
                    LocalTime start = LocalTime.of(8, 30).plusMinutes(30L * random.nextInt(3));
                    reserve(s, tenant, space, who, "Desk day", zone, date, start, start.plusHours(8), now);
                    count++;
                    continue;
                }
                if (weekend && random.nextInt(10) < 8) continue;
                LocalTime cursor = DAY_START;
                while (true) {
                    cursor = cursor.plusMinutes(30L * random.nextInt(weekend ? 8 : 4));
                    LocalTime end = cursor.plusMinutes(30L * (1 + random.nextInt(4)));
                    if (end.isAfter(DAY_END)) break;
                    User who = users.get(pick(site.regulars(), random));
                    Reservation r = reserve(s, tenant, space, who, pick(SUBJECTS, random), zone, date, cursor, end, now);
                    inviteSome(s, r, who, users, Math.min(space.capacity, 4), random);
                    count++;
                    cursor = end;
                }
            }
        }
        return count;
    }

    private static Reservation reserve(Session s, Tenant tenant, Reservable space, User who, String subject, ZoneId zone,
                                       LocalDate date, LocalTime start, LocalTime end, Instant now) {
        Reservation r = new Reservation();
        r.tenantId = tenant.id;
        r.reservableId = space.id;
        r.requestedById = who.id;
        r.requestedForId = who.id;
        r.subject = subject;
        r.startAt = ZonedDateTime.of(date, start, zone).toInstant();
        r.endAt = ZonedDateTime.of(date, end, zone).toInstant();
        r.timeZone = zone.getId();
        r.allDay = false;
        r.state = ReservationState.CONFIRMED;
        r.reservationType = ReservationType.NORMAL;
        r.createdSource = Source.PORTAL;
        r.createdSubSource = Source.PORTAL.subSource;
        r.updatedSource = Source.PORTAL;
        r.updatedSubSource = Source.PORTAL.subSource;
        r.syncState = SyncState.NOT_SYNCED;
        r.createdAt = now;
        r.updatedAt = now;
        s.persist(r);
        return r;
    }

    /** About half the meetings invite colleagues, now and then a visitor from outside. */
    private static void inviteSome(Session s, Reservation r, User organizer, Map<String, User> users, int max, Random random) {
        if (random.nextBoolean()) return;
        List<User> others = new ArrayList<>(users.values());
        others.remove(organizer);
        int invited = 1 + random.nextInt(Math.max(1, max - 1));
        for (int i = 0; i < invited && !others.isEmpty(); i++) {
            User u = others.remove(random.nextInt(others.size()));
            Attendee a = new Attendee();
            a.reservationId = r.id;
            a.userId = u.id;
            a.email = u.email;
            a.displayName = u.displayName;
            s.persist(a);
        }
        if (random.nextInt(5) == 0) {
            Attendee visitor = new Attendee();
            visitor.reservationId = r.id;
            visitor.email = pick(VISITORS, random);
            s.persist(visitor);
        }
    }

    private static ReservableModule module(Session s, Tenant tenant, String name, ReservableKind kind, ShowAs showAs,
                                           boolean checkIn, int maxMinutes, int windowDays) {
        ReservableModule m = new ReservableModule();
        m.tenantId = tenant.id;
        m.name = name;
        m.kind = kind;
        m.showAs = showAs;
        m.groupReservations = false;
        m.checkInRequired = checkIn;
        m.maxDurationMinutes = maxMinutes;
        m.bookingWindowDays = windowDays;
        s.persist(m);
        return m;
    }

    static String mailbox(String roomName) {
        return "room-" + roomName.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-") + "@" + DOMAIN;
    }

    private static Space room(String name, int capacity, String equipment) {
        return new Space(name, ReservableKind.ROOM, capacity, equipment);
    }

    private static Space desk(String name) {
        return new Space(name, ReservableKind.DESK, 1, "display");
    }

    private static Person person(String key) {
        return PEOPLE.stream().filter(p -> p.key().equals(key)).findFirst().orElseThrow();
    }

    private static <T> T pick(List<T> items, Random random) {
        return items.get(random.nextInt(items.size()));
    }
}
