package io.roomsync.sandbox;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The directory of the demo sandbox: one tenant and the Roomsync app registration (the demo tenant's calendar
 * provider is configured with these values), plus the demo tenant's people and rooms as mailboxes. The people and
 * rooms are not listed here but taken from Roomsync's demo data ({@link #addMissing}), so the two never disagree.
 */
public final class DemoDirectory {
    public static final String TENANT_ID = "5b3e7c1a-2f4d-4e8a-9c6b-0d1e2f3a4b5c";
    public static final String DOMAIN = "contoso.example";
    public static final String CLIENT_ID = "0f7d6c5b-4a39-4281-b7e6-d5c4b3a29180";
    /** A sandbox-only secret: it opens nothing but the local sandbox. */
    public static final String CLIENT_SECRET = "sandbox-demo-secret-not-for-production";

    /** A person with a user mailbox. */
    public record Person(String address, String displayName) {}

    /** A room mailbox with its Places attributes; capacity, building and floor may be null. */
    public record Room(String address, String displayName, Integer capacity, String building, Integer floorNumber, String floorLabel) {}

    private DemoDirectory() {}

    static void seed(ExchangeSandbox sandbox) {
        Directory.Tenant t = sandbox.addTenant(TENANT_ID, DOMAIN, "Contoso (sandbox)");
        sandbox.addApp(t, CLIENT_ID, "Roomsync", CLIENT_SECRET);
    }

    /**
     * Adds the people and rooms the demo tenant's directory lacks (existing mailboxes are left as they are, with
     * whatever was booked in them). Rooms get Exchange Online's booking defaults: AutomateProcessing AutoAccept,
     * AllowConflicts false; each building's rooms form a room list "rooms-{building}@{domain}" for the Places API.
     * Returns how many mailboxes were added.
     */
    public static int addMissing(ExchangeSandbox sandbox, List<Person> people, List<Room> rooms) {
        Directory.Tenant tenant = sandbox.tenant(TENANT_ID);
        int added = 0;
        synchronized (sandbox.state()) {
            Directory directory = sandbox.state().directory;
            for (Person p : people) {
                if (directory.mailbox(p.address()).isPresent()) continue;
                directory.addMailbox(tenant, null, p.address(), p.displayName(), Directory.Kind.USER);
                added++;
            }
            Map<String, List<String>> lists = new LinkedHashMap<>();
            for (Room r : rooms) {
                if (directory.mailbox(r.address()).isEmpty()) {
                    Directory.Mailbox m = directory.addMailbox(tenant, null, r.address(), r.displayName(), Directory.Kind.ROOM);
                    m.room.automateProcessing = Directory.RoomSettings.Processing.AUTO_ACCEPT;
                    m.room.allowConflicts = false;
                    m.room.capacity = r.capacity();
                    m.room.building = r.building();
                    m.room.floorNumber = r.floorNumber();
                    m.room.floorLabel = r.floorLabel();
                    added++;
                }
                if (r.building() != null) lists.computeIfAbsent(r.building(), b -> new ArrayList<>()).add(r.address());
            }
            lists.forEach((building, addresses) -> {
                String address = roomListAddress(building);
                Directory.RoomList list = directory.roomList(address).orElse(null);
                if (list == null) {
                    directory.addRoomList(tenant, address, building + " rooms", addresses);
                    return;
                }
                for (String a : addresses) {
                    if (list.rooms.stream().noneMatch(a::equalsIgnoreCase)) list.rooms.add(a);
                }
            });
        }
        return added;
    }

    /** The room list of a building: "Contoso HQ Seattle" -> rooms-contoso-hq-seattle@contoso.example. */
    public static String roomListAddress(String building) {
        String slug = building.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-+|-+$)", "");
        return "rooms-" + (slug.isEmpty() ? "building" : slug) + "@" + DOMAIN;
    }
}
