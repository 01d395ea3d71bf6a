package io.roomsync.sandbox;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Who exists in the sandbox: tenants (directories), app registrations, users and room mailboxes, room lists and
 * application access policies. All reads and writes happen under the sandbox lock ({@link SandboxState}).
 */
public final class Directory {
    private final Map<String, Tenant> tenants = new LinkedHashMap<>();
    private final Map<String, App> apps = new LinkedHashMap<>();
    private final Map<String, Mailbox> mailboxesById = new LinkedHashMap<>();
    private final Map<String, Mailbox> mailboxesByAddress = new LinkedHashMap<>();
    private final Map<String, RoomList> roomLists = new LinkedHashMap<>();

    /** A directory (Entra tenant) with its primary domain. */
    public static final class Tenant {
        public final String id;
        public final String domain;
        public final String displayName;

        Tenant(String id, String domain, String displayName) {
            this.id = id;
            this.domain = domain;
            this.displayName = displayName;
        }
    }

    /** An app registration with application permission to calendars and places in its tenant. */
    public static final class App {
        public final String clientId;
        public final String tenantId;
        public final String displayName;
        final List<String> secrets = new CopyOnWriteArrayList<>();
        /** Certificate credentials: client assertions signed with their keys are accepted. */
        final List<java.security.cert.X509Certificate> certificates = new CopyOnWriteArrayList<>();
        final Set<String> redirectUris = new LinkedHashSet<>();
        volatile AccessPolicy accessPolicy;
        /**
         * Whether an admin granted the app's application permissions (Calendars.ReadWrite, Place.Read.All). Without
         * it the identity platform still issues app tokens, but they carry no roles and Graph answers 403.
         */
        volatile boolean adminConsent = true;

        App(String clientId, String tenantId, String displayName) {
            this.clientId = clientId;
            this.tenantId = tenantId;
            this.displayName = displayName;
        }

        public List<String> secrets() {
            return List.copyOf(secrets);
        }

        public List<java.security.cert.X509Certificate> certificates() {
            return List.copyOf(certificates);
        }

        public Set<String> redirectUris() {
            synchronized (redirectUris) {
                return Set.copyOf(redirectUris);
            }
        }
    }

    /** An application access policy (New-ApplicationAccessPolicy): restrict to, or deny, a set of mailboxes. */
    public static final class AccessPolicy {
        public enum Right { RESTRICT_ACCESS, DENY_ACCESS }

        public final Right right;
        public final Set<String> mailboxes;

        public AccessPolicy(Right right, Collection<String> mailboxAddresses) {
            this.right = right;
            Set<String> lower = new LinkedHashSet<>();
            for (String a : mailboxAddresses) lower.add(a.toLowerCase(Locale.ROOT));
            this.mailboxes = Set.copyOf(lower);
        }

        boolean allows(Mailbox mailbox) {
            boolean listed = mailboxes.contains(mailbox.address.toLowerCase(Locale.ROOT));
            return right == Right.RESTRICT_ACCESS ? listed : !listed;
        }
    }

    public enum Kind { USER, ROOM }

    /** A user or a room mailbox. Rooms carry their booking-assistant settings. */
    public static final class Mailbox {
        public final String id;
        public final String tenantId;
        public final String address;
        public final String displayName;
        public final Kind kind;
        /** False for users without an Exchange Online mailbox (licence missing, on-premises): MailboxNotEnabledForRESTAPI. */
        volatile boolean mailboxEnabled = true;
        final RoomSettings room;

        Mailbox(String id, String tenantId, String address, String displayName, Kind kind) {
            this.id = id;
            this.tenantId = tenantId;
            this.address = address;
            this.displayName = displayName;
            this.kind = kind;
            this.room = kind == Kind.ROOM ? new RoomSettings() : null;
        }

        public boolean isRoom() {
            return kind == Kind.ROOM;
        }

        public RoomSettings room() {
            return room;
        }

        public boolean mailboxEnabled() {
            return mailboxEnabled;
        }
    }

    /**
     * Set-CalendarProcessing values that the booking assistant uses, with Exchange Online's defaults for resource
     * mailboxes, plus the Places attributes of the room.
     */
    public static final class RoomSettings {
        public enum Processing { AUTO_ACCEPT, AUTO_UPDATE, NONE }

        public volatile Processing automateProcessing = Processing.AUTO_ACCEPT;
        public volatile boolean allowConflicts = false;
        public volatile int bookingWindowInDays = 180;
        public volatile int maximumDurationInMinutes = 1440;
        public volatile boolean addOrganizerToSubject = true;
        public volatile boolean deleteSubject = true;
        public volatile boolean processExternalMeetingMessages = false;
        public volatile Integer capacity;
        public volatile String building;
        public volatile Integer floorNumber;
        public volatile String floorLabel;
        public volatile String bookingType = "standard";
        public volatile boolean hiddenFromAddressLists = false;
        public volatile boolean allowRecurringMeetings = true;
        /** A series reaching past the booking window is declined ($true, Exchange's default). */
        public volatile boolean enforceSchedulingHorizon = true;
    }

    /** A room list (distribution group of rooms), addressed by its e-mail address in the Places API. */
    public static final class RoomList {
        public final String id;
        public final String tenantId;
        public final String address;
        public final String displayName;
        final List<String> rooms = new CopyOnWriteArrayList<>();

        RoomList(String id, String tenantId, String address, String displayName) {
            this.id = id;
            this.tenantId = tenantId;
            this.address = address;
            this.displayName = displayName;
        }

        public List<String> rooms() {
            return List.copyOf(rooms);
        }
    }

    Tenant addTenant(String id, String domain, String displayName) {
        Tenant t = new Tenant(id == null ? UUID.randomUUID().toString() : id, domain.toLowerCase(Locale.ROOT), displayName);
        if (tenant(t.id).isPresent() || tenant(t.domain).isPresent()) throw new IllegalArgumentException("Tenant exists: " + domain);
        tenants.put(t.id, t);
        return t;
    }

    /** By tenant id or by domain, case-insensitively. */
    Optional<Tenant> tenant(String idOrDomain) {
        if (idOrDomain == null) return Optional.empty();
        for (Tenant t : tenants.values()) {
            if (t.id.equalsIgnoreCase(idOrDomain) || t.domain.equalsIgnoreCase(idOrDomain)) return Optional.of(t);
        }
        return Optional.empty();
    }

    Collection<Tenant> tenants() {
        return List.copyOf(tenants.values());
    }

    App addApp(Tenant tenant, String clientId, String displayName, String secret) {
        App app = new App(clientId == null ? UUID.randomUUID().toString() : clientId, tenant.id, displayName);
        if (apps.containsKey(app.clientId)) throw new IllegalArgumentException("App exists: " + app.clientId);
        if (secret != null) app.secrets.add(secret);
        apps.put(app.clientId, app);
        return app;
    }

    Optional<App> app(String clientId) {
        return Optional.ofNullable(clientId == null ? null : apps.get(clientId));
    }

    Collection<App> apps() {
        return List.copyOf(apps.values());
    }

    Mailbox addMailbox(Tenant tenant, String id, String address, String displayName, Kind kind) {
        String key = address.toLowerCase(Locale.ROOT);
        if (mailboxesByAddress.containsKey(key)) throw new IllegalArgumentException("Mailbox exists: " + address);
        Mailbox m = new Mailbox(id == null ? UUID.randomUUID().toString() : id, tenant.id, address, displayName, kind);
        mailboxesById.put(m.id.toLowerCase(Locale.ROOT), m);
        mailboxesByAddress.put(key, m);
        return m;
    }

    /** By object id or by user principal name / address, case-insensitively (as Graph's /users/{id|upn}). */
    Optional<Mailbox> mailbox(String idOrAddress) {
        if (idOrAddress == null) return Optional.empty();
        String key = idOrAddress.toLowerCase(Locale.ROOT);
        Mailbox m = mailboxesById.get(key);
        return Optional.ofNullable(m != null ? m : mailboxesByAddress.get(key));
    }

    Collection<Mailbox> mailboxes() {
        return List.copyOf(mailboxesById.values());
    }

    RoomList addRoomList(Tenant tenant, String address, String displayName, List<String> roomAddresses) {
        return addRoomList(tenant, null, address, displayName, roomAddresses);
    }

    RoomList addRoomList(Tenant tenant, String id, String address, String displayName, List<String> roomAddresses) {
        String key = address.toLowerCase(Locale.ROOT);
        if (roomLists.containsKey(key)) throw new IllegalArgumentException("Room list exists: " + address);
        RoomList list = new RoomList(id == null ? UUID.randomUUID().toString() : id, tenant.id, address, displayName);
        list.rooms.addAll(roomAddresses);
        roomLists.put(key, list);
        return list;
    }

    Optional<RoomList> roomList(String address) {
        return Optional.ofNullable(address == null ? null : roomLists.get(address.toLowerCase(Locale.ROOT)));
    }

    Collection<RoomList> roomLists() {
        return List.copyOf(roomLists.values());
    }

    List<RoomList> roomLists(String tenantId) {
        List<RoomList> out = new ArrayList<>();
        for (RoomList l : roomLists.values()) if (l.tenantId.equals(tenantId)) out.add(l);
        return out;
    }
}
