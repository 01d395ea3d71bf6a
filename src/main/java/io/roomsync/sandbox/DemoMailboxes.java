package io.roomsync.sandbox;

import io.roomsync.db.Tx;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires the demo tenant to the sandbox: its people (users with an e-mail) and its rooms (reservables with a mailbox
 * e-mail) become mailboxes of {@link DemoDirectory}'s tenant. Also knows each mailbox's time zone in Roomsync (a
 * person's own, a room's building's), which is how the sandbox page shows a mailbox's week.
 */
public final class DemoMailboxes {
    private static final Logger log = LoggerFactory.getLogger(DemoMailboxes.class);

    private final Tx tx;
    private final ExchangeSandbox sandbox;
    private final String tenantSlug;

    /** What the demo tenant's data says, read in one transaction. */
    public record Snapshot(Long tenantId, List<DemoDirectory.Person> people, List<DemoDirectory.Room> rooms, Map<String, ZoneId> zones) {
        /** The Roomsync time zone of a mailbox (lower-cased address), or null if Roomsync does not know it. */
        public ZoneId zone(String address) {
            return address == null ? null : zones.get(address.toLowerCase(Locale.ROOT));
        }
    }

    public DemoMailboxes(Tx tx, ExchangeSandbox sandbox, String tenantSlug) {
        this.tx = tx;
        this.sandbox = sandbox;
        this.tenantSlug = tenantSlug;
    }

    public ExchangeSandbox sandbox() {
        return sandbox;
    }

    public Directory.Tenant sandboxTenant() {
        return sandbox.tenant(DemoDirectory.TENANT_ID);
    }

    /** Adds the demo tenant's people and rooms the sandbox does not have yet; returns the data it read. */
    public Snapshot sync() {
        Snapshot s = read();
        int added = DemoDirectory.addMissing(sandbox, s.people(), s.rooms());
        if (added > 0) log.info("Exchange sandbox: added {} mailboxes of the demo tenant '{}'", added, tenantSlug);
        return s;
    }

    public Snapshot read() {
        return tx.call(session -> {
            List<Long> ids = session.createSelectionQuery("select t.id from Tenant t where t.slug = :slug", Long.class)
                    .setParameter("slug", tenantSlug).getResultList();
            if (ids.isEmpty()) return new Snapshot(null, List.of(), List.of(), Map.of());
            long tenantId = ids.get(0);
            List<DemoDirectory.Person> people = new ArrayList<>();
            List<DemoDirectory.Room> rooms = new ArrayList<>();
            Map<String, ZoneId> zones = new HashMap<>();
            for (Object[] row : session.createSelectionQuery(
                            "select u.email, u.displayName, u.timeZone from User u where u.tenantId = :t and u.email is not null order by u.id",
                            Object[].class)
                    .setParameter("t", tenantId).getResultList()) {
                String email = (String) row[0];
                people.add(new DemoDirectory.Person(email, row[1] == null ? email : (String) row[1]));
                putZone(zones, email, (String) row[2]);
            }
            for (Object[] row : session.createSelectionQuery(
                            "select r.email, r.name, r.capacity, b.name, f.levelNumber, f.name, b.timeZone from Reservable r "
                                    + "join Building b on b.id = r.buildingId left join Floor f on f.id = r.floorId "
                                    + "where r.tenantId = :t and r.email is not null order by r.id", Object[].class)
                    .setParameter("t", tenantId).getResultList()) {
                String email = (String) row[0];
                rooms.add(new DemoDirectory.Room(email, (String) row[1], (Integer) row[2], (String) row[3], (Integer) row[4], (String) row[5]));
                putZone(zones, email, (String) row[6]);
            }
            return new Snapshot(tenantId, List.copyOf(people), List.copyOf(rooms), Map.copyOf(zones));
        });
    }

    private static void putZone(Map<String, ZoneId> zones, String email, String zone) {
        if (email == null || zone == null) return;
        try {
            zones.put(email.toLowerCase(Locale.ROOT), ZoneId.of(zone));
        } catch (java.time.DateTimeException e) {
            // An unknown zone in old data: the page falls back to the viewer's zone.
        }
    }
}
