package io.roomsync.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Demo mode keeps the sandbox's state in {@code exchange-sandbox-state.json} in the data folder: the directory,
 * every mailbox's events and tombstones, subscriptions and refresh tokens (so a connected user stays connected).
 * Access tokens, delta links and throttling counters are not kept: after a restart clients fetch new tokens and
 * delta links answer 410, exactly the recovery paths the app needs anyway.
 */
final class Snapshots {
    static final String FILE = "exchange-sandbox-state.json";
    private static final Logger LOG = LoggerFactory.getLogger(Snapshots.class);
    private final ExchangeSandbox sandbox;
    private final Path file;
    private ScheduledExecutorService saver;
    private String lastWritten;

    Snapshots(ExchangeSandbox sandbox, Path folder) {
        this.sandbox = sandbox;
        this.file = folder.resolve(FILE);
    }

    /** Loads the snapshot if there is one; false for a fresh folder. */
    boolean load() {
        if (!Files.exists(file)) return false;
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            restore(Json.MAPPER.readTree(text));
            lastWritten = text;
            return true;
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("Cannot read the Exchange sandbox state " + file + ": " + e.getMessage(), e);
        }
    }

    void startSaving() {
        saver = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "exchange-sandbox-snapshot");
            t.setDaemon(true);
            return t;
        });
        saver.scheduleWithFixedDelay(this::saveQuietly, 5, 5, TimeUnit.SECONDS);
    }

    void stop() {
        if (saver != null) saver.shutdownNow();
        saveQuietly();
    }

    private void saveQuietly() {
        try {
            save();
        } catch (IOException | RuntimeException e) {
            LOG.warn("Could not save the Exchange sandbox state to {}", file, e);
        }
    }

    synchronized void save() throws IOException {
        String text = Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(capture());
        if (text.equals(lastWritten)) return;
        Path tmp = Files.createTempFile(file.getParent(), "sandbox-state", ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        lastWritten = text;
    }

    private ObjectNode capture() {
        SandboxState state = sandbox.state();
        ObjectNode root = Json.object();
        root.put("version", 1);
        synchronized (state) {
            root.put("sequence", state.sequence());
            Directory d = state.directory;
            ArrayNode tenants = root.putArray("tenants");
            for (Directory.Tenant t : d.tenants()) tenants.addObject().put("id", t.id).put("domain", t.domain).put("displayName", t.displayName);
            ArrayNode apps = root.putArray("apps");
            for (Directory.App a : d.apps()) {
                ObjectNode o = apps.addObject().put("clientId", a.clientId).put("tenantId", a.tenantId).put("displayName", a.displayName);
                ArrayNode secrets = o.putArray("secrets");
                a.secrets().forEach(secrets::add);
                ArrayNode uris = o.putArray("redirectUris");
                a.redirectUris().forEach(uris::add);
                Directory.AccessPolicy p = a.accessPolicy;
                if (p != null) {
                    ObjectNode po = o.putObject("accessPolicy").put("right", p.right.name());
                    ArrayNode m = po.putArray("mailboxes");
                    p.mailboxes.forEach(m::add);
                }
            }
            ArrayNode mailboxes = root.putArray("mailboxes");
            for (Directory.Mailbox m : d.mailboxes()) {
                ObjectNode o = mailboxes.addObject().put("id", m.id).put("tenantId", m.tenantId).put("address", m.address)
                        .put("displayName", m.displayName).put("kind", m.kind.name()).put("mailboxEnabled", m.mailboxEnabled);
                if (m.room != null) o.set("room", Json.MAPPER.valueToTree(roomSettings(m.room)));
            }
            ArrayNode lists = root.putArray("roomLists");
            for (Directory.RoomList l : d.roomLists()) {
                ObjectNode o = lists.addObject().put("id", l.id).put("tenantId", l.tenantId).put("address", l.address).put("displayName", l.displayName);
                ArrayNode rooms = o.putArray("rooms");
                l.rooms().forEach(rooms::add);
            }
            ArrayNode events = root.putArray("events");
            ObjectNode tombstones = root.putObject("tombstones");
            for (Map.Entry<String, SandboxState.MailboxCalendar> c : state.calendarsView().entrySet()) {
                for (SandboxEvent e : c.getValue().all()) events.add(event(e));
                if (!c.getValue().tombstones.isEmpty()) {
                    ObjectNode t = tombstones.putObject(c.getKey());
                    c.getValue().tombstones.forEach(t::put);
                }
            }
            ArrayNode subs = root.putArray("subscriptions");
            for (Subscription s : sandbox.subscriptions().all()) {
                ObjectNode o = subs.addObject().put("id", s.id).put("appId", s.appId).put("tenantId", s.tenantId)
                        .put("creatorId", s.creatorId).put("resource", s.resource).put("mailboxId", s.mailboxId)
                        .put("changeType", s.changeType).put("notificationUrl", s.notificationUrl)
                        .put("lifecycleNotificationUrl", s.lifecycleNotificationUrl).put("clientState", s.clientState)
                        .put("latestSupportedTlsVersion", s.latestSupportedTlsVersion).put("expiration", s.expiration.toString());
                ArrayNode types = o.putArray("changeTypes");
                s.changeTypes.forEach(types::add);
            }
        }
        ObjectNode refresh = root.putObject("refreshTokens");
        for (Map.Entry<String, Identity.RefreshGrant> r : sandbox.identity().refreshTokensView().entrySet()) {
            refresh.putObject(r.getKey()).put("appId", r.getValue().appId).put("tenantId", r.getValue().tenantId).put("userId", r.getValue().userId);
        }
        return root;
    }

    private static Map<String, Object> roomSettings(Directory.RoomSettings s) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("automateProcessing", s.automateProcessing.name());
        m.put("allowConflicts", s.allowConflicts);
        m.put("bookingWindowInDays", s.bookingWindowInDays);
        m.put("maximumDurationInMinutes", s.maximumDurationInMinutes);
        m.put("addOrganizerToSubject", s.addOrganizerToSubject);
        m.put("deleteSubject", s.deleteSubject);
        m.put("processExternalMeetingMessages", s.processExternalMeetingMessages);
        m.put("capacity", s.capacity);
        m.put("building", s.building);
        m.put("floorNumber", s.floorNumber);
        m.put("floorLabel", s.floorLabel);
        m.put("bookingType", s.bookingType);
        m.put("hiddenFromAddressLists", s.hiddenFromAddressLists);
        m.put("allowRecurringMeetings", s.allowRecurringMeetings);
        m.put("enforceSchedulingHorizon", s.enforceSchedulingHorizon);
        return m;
    }

    private static ObjectNode event(SandboxEvent e) {
        ObjectNode o = Json.object();
        o.put("id", e.id).put("mailboxId", e.mailboxId).put("iCalUId", e.iCalUId).put("created", e.created.toString())
                .put("transactionId", e.transactionId).put("lastModified", e.lastModified.toString()).put("changeKey", e.changeKey)
                .put("changeSeq", e.changeSeq).put("subject", e.subject).put("start", e.start.toString()).put("end", e.end.toString())
                .put("startZone", e.startZone).put("endZone", e.endZone).put("isAllDay", e.isAllDay).put("showAs", e.showAs)
                .put("sensitivity", e.sensitivity).put("importance", e.importance).put("organizerName", e.organizerName)
                .put("organizerAddress", e.organizerAddress).put("isOrganizer", e.isOrganizer).put("response", e.response)
                .put("responseTime", e.responseTime.toString()).put("isCancelled", e.isCancelled)
                .put("responseRequested", e.responseRequested).put("allowNewTimeProposals", e.allowNewTimeProposals)
                .put("copiedFromMailboxId", e.copiedFromMailboxId).put("copiedFromEventId", e.copiedFromEventId);
        o.put("type", e.type).put("seriesMasterId", e.seriesMasterId).put("uid", e.uid)
                .put("originalStart", e.originalStart == null ? null : e.originalStart.toString());
        o.set("recurrence", e.recurrence);
        ArrayNode cancelled = o.putArray("cancelledOccurrences");
        e.cancelledOccurrences.forEach(c -> cancelled.add(c.toString()));
        o.set("body", e.body);
        o.set("location", e.location);
        o.set("locations", e.locations);
        o.set("categories", e.categories);
        o.set("other", e.other);
        ObjectNode props = o.putObject("extendedProperties");
        e.extendedProperties.forEach(props::put);
        ArrayNode attendees = o.putArray("attendees");
        for (SandboxEvent.Attendee a : e.attendees) {
            attendees.addObject().put("type", a.type).put("name", a.name).put("address", a.address)
                    .put("response", a.response).put("responseTime", a.responseTime.toString());
        }
        return o;
    }

    private void restore(JsonNode root) {
        SandboxState state = sandbox.state();
        synchronized (state) {
            Directory d = state.directory;
            for (JsonNode t : root.path("tenants")) d.addTenant(t.get("id").asText(), t.get("domain").asText(), t.get("displayName").asText());
            for (JsonNode a : root.path("apps")) {
                Directory.Tenant t = d.tenant(a.get("tenantId").asText()).orElseThrow();
                Directory.App app = d.addApp(t, a.get("clientId").asText(), a.get("displayName").asText(), null);
                for (JsonNode s : a.path("secrets")) app.secrets.add(s.asText());
                for (JsonNode u : a.path("redirectUris")) app.redirectUris.add(u.asText());
                JsonNode p = a.get("accessPolicy");
                if (p != null && p.isObject()) {
                    List<String> m = new ArrayList<>();
                    p.path("mailboxes").forEach(x -> m.add(x.asText()));
                    app.accessPolicy = new Directory.AccessPolicy(Directory.AccessPolicy.Right.valueOf(p.get("right").asText()), m);
                }
            }
            for (JsonNode m : root.path("mailboxes")) {
                Directory.Tenant t = d.tenant(m.get("tenantId").asText()).orElseThrow();
                Directory.Mailbox mb = d.addMailbox(t, m.get("id").asText(), m.get("address").asText(), m.get("displayName").asText(),
                        Directory.Kind.valueOf(m.get("kind").asText()));
                mb.mailboxEnabled = m.path("mailboxEnabled").asBoolean(true);
                JsonNode r = m.get("room");
                if (mb.room != null && r != null) {
                    Directory.RoomSettings s = mb.room;
                    s.automateProcessing = Directory.RoomSettings.Processing.valueOf(r.path("automateProcessing").asText("AUTO_ACCEPT"));
                    s.allowConflicts = r.path("allowConflicts").asBoolean(false);
                    s.bookingWindowInDays = r.path("bookingWindowInDays").asInt(180);
                    s.maximumDurationInMinutes = r.path("maximumDurationInMinutes").asInt(1440);
                    s.addOrganizerToSubject = r.path("addOrganizerToSubject").asBoolean(true);
                    s.deleteSubject = r.path("deleteSubject").asBoolean(true);
                    s.processExternalMeetingMessages = r.path("processExternalMeetingMessages").asBoolean(false);
                    s.capacity = r.hasNonNull("capacity") ? r.get("capacity").asInt() : null;
                    s.building = r.hasNonNull("building") ? r.get("building").asText() : null;
                    s.floorNumber = r.hasNonNull("floorNumber") ? r.get("floorNumber").asInt() : null;
                    s.floorLabel = r.hasNonNull("floorLabel") ? r.get("floorLabel").asText() : null;
                    s.bookingType = r.path("bookingType").asText("standard");
                    s.hiddenFromAddressLists = r.path("hiddenFromAddressLists").asBoolean(false);
                    s.allowRecurringMeetings = r.path("allowRecurringMeetings").asBoolean(true);
                    s.enforceSchedulingHorizon = r.path("enforceSchedulingHorizon").asBoolean(true);
                }
            }
            for (JsonNode l : root.path("roomLists")) {
                Directory.Tenant t = d.tenant(l.get("tenantId").asText()).orElseThrow();
                List<String> rooms = new ArrayList<>();
                l.path("rooms").forEach(x -> rooms.add(x.asText()));
                d.addRoomList(t, l.get("id").asText(), l.get("address").asText(), l.get("displayName").asText(), rooms);
            }
            for (JsonNode e : root.path("events")) state.restore(event(e));
            for (Iterator<Map.Entry<String, JsonNode>> it = root.path("tombstones").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> c = it.next();
                for (Iterator<Map.Entry<String, JsonNode>> t = c.getValue().fields(); t.hasNext(); ) {
                    Map.Entry<String, JsonNode> ts = t.next();
                    state.restoreTombstone(c.getKey(), ts.getKey(), ts.getValue().asLong());
                }
            }
            state.restoreSequence(root.path("sequence").asLong());
        }
        for (JsonNode s : root.path("subscriptions")) {
            Set<String> types = new LinkedHashSet<>();
            s.path("changeTypes").forEach(x -> types.add(x.asText()));
            sandbox.subscriptions().restore(new Subscription(s.get("id").asText(), s.get("appId").asText(), s.get("tenantId").asText(),
                    s.get("creatorId").asText(), s.get("resource").asText(), s.get("mailboxId").asText(), s.get("changeType").asText(),
                    types, s.get("notificationUrl").asText(), text(s, "lifecycleNotificationUrl"), text(s, "clientState"),
                    s.path("latestSupportedTlsVersion").asText("v1_2"), Instant.parse(s.get("expiration").asText())));
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = root.path("refreshTokens").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> r = it.next();
            JsonNode g = r.getValue();
            sandbox.identity().restoreRefreshToken(r.getKey(), new Identity.RefreshGrant(g.get("appId").asText(), g.get("tenantId").asText(), g.get("userId").asText()));
        }
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static SandboxEvent event(JsonNode o) {
        SandboxEvent e = new SandboxEvent(o.get("id").asText(), o.get("mailboxId").asText(), o.get("iCalUId").asText(),
                Instant.parse(o.get("created").asText()));
        e.transactionId = text(o, "transactionId");
        e.lastModified = Instant.parse(o.get("lastModified").asText());
        e.changeKey = o.get("changeKey").asText();
        e.changeSeq = o.get("changeSeq").asLong();
        e.subject = o.path("subject").asText("");
        e.start = Instant.parse(o.get("start").asText());
        e.end = Instant.parse(o.get("end").asText());
        e.startZone = o.path("startZone").asText("UTC");
        e.endZone = o.path("endZone").asText("UTC");
        e.isAllDay = o.path("isAllDay").asBoolean();
        e.showAs = o.path("showAs").asText("busy");
        e.sensitivity = o.path("sensitivity").asText("normal");
        e.importance = o.path("importance").asText("normal");
        e.organizerName = text(o, "organizerName");
        e.organizerAddress = text(o, "organizerAddress");
        e.isOrganizer = o.path("isOrganizer").asBoolean(true);
        e.response = o.path("response").asText("organizer");
        e.responseTime = Instant.parse(o.get("responseTime").asText());
        e.isCancelled = o.path("isCancelled").asBoolean();
        e.responseRequested = o.path("responseRequested").asBoolean(true);
        e.allowNewTimeProposals = o.path("allowNewTimeProposals").asBoolean(true);
        e.copiedFromMailboxId = text(o, "copiedFromMailboxId");
        e.copiedFromEventId = text(o, "copiedFromEventId");
        e.type = o.path("type").asText("singleInstance");
        e.seriesMasterId = text(o, "seriesMasterId");
        if (o.hasNonNull("uid")) e.uid = o.get("uid").asText();
        if (o.hasNonNull("originalStart")) e.originalStart = Instant.parse(o.get("originalStart").asText());
        e.recurrence = o.get("recurrence") instanceof ObjectNode ? (ObjectNode) o.get("recurrence") : null;
        for (JsonNode c : o.path("cancelledOccurrences")) e.cancelledOccurrences.add(Instant.parse(c.asText()));
        e.body = o.get("body") instanceof ObjectNode ? (ObjectNode) o.get("body") : null;
        e.location = o.get("location") instanceof ObjectNode ? (ObjectNode) o.get("location") : null;
        e.locations = o.get("locations") instanceof ArrayNode ? (ArrayNode) o.get("locations") : null;
        e.categories = o.get("categories") instanceof ArrayNode ? (ArrayNode) o.get("categories") : null;
        if (o.get("other") instanceof ObjectNode) e.other.setAll((ObjectNode) o.get("other"));
        for (Iterator<Map.Entry<String, JsonNode>> it = o.path("extendedProperties").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> p = it.next();
            e.extendedProperties.put(p.getKey(), p.getValue().asText());
        }
        for (JsonNode a : o.path("attendees")) {
            SandboxEvent.Attendee at = new SandboxEvent.Attendee();
            at.type = a.path("type").asText("required");
            at.name = text(a, "name");
            at.address = text(a, "address");
            at.response = a.path("response").asText("none");
            at.responseTime = Instant.parse(a.get("responseTime").asText());
            e.attendees.add(at);
        }
        return e;
    }
}
