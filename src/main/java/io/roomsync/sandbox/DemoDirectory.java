package io.roomsync.sandbox;

import java.util.List;

/**
 * The directory a fresh demo sandbox starts with: one tenant, the Roomsync app registration, a few people and
 * rooms. The demo tenant's calendar provider is configured with these values.
 */
public final class DemoDirectory {
    public static final String TENANT_ID = "5b3e7c1a-2f4d-4e8a-9c6b-0d1e2f3a4b5c";
    public static final String DOMAIN = "contoso.example";
    public static final String CLIENT_ID = "0f7d6c5b-4a39-4281-b7e6-d5c4b3a29180";
    /** A sandbox-only secret: it opens nothing but the local sandbox. */
    public static final String CLIENT_SECRET = "sandbox-demo-secret-not-for-production";
    public static final String ROOM_LIST = "rooms-hq@" + DOMAIN;

    private DemoDirectory() {}

    static void seed(ExchangeSandbox sandbox) {
        Directory.Tenant t = sandbox.addTenant(TENANT_ID, DOMAIN, "Contoso (sandbox)");
        sandbox.addApp(t, CLIENT_ID, "Roomsync", CLIENT_SECRET);
        sandbox.addUser(t, "adele.vance@" + DOMAIN, "Adele Vance");
        sandbox.addUser(t, "alex.wilber@" + DOMAIN, "Alex Wilber");
        sandbox.addUser(t, "megan.bowen@" + DOMAIN, "Megan Bowen");
        sandbox.addUser(t, "roomsync.delegate@" + DOMAIN, "Roomsync Delegate");
        sandbox.addRoom(t, "aurora@" + DOMAIN, "Aurora", r -> { r.capacity = 8; r.building = "HQ"; r.floorNumber = 1; });
        sandbox.addRoom(t, "borealis@" + DOMAIN, "Borealis", r -> { r.capacity = 4; r.building = "HQ"; r.floorNumber = 1; });
        sandbox.addRoom(t, "cirrus@" + DOMAIN, "Cirrus", r -> { r.capacity = 12; r.building = "HQ"; r.floorNumber = 2; });
        sandbox.addRoom(t, "nimbus@" + DOMAIN, "Nimbus", r -> {
            r.capacity = 20;
            r.building = "HQ";
            r.floorNumber = 2;
            r.maximumDurationInMinutes = 240;
        });
        sandbox.addRoomList(t, ROOM_LIST, "HQ rooms", List.of("aurora@" + DOMAIN, "borealis@" + DOMAIN,
                "cirrus@" + DOMAIN, "nimbus@" + DOMAIN));
    }
}
