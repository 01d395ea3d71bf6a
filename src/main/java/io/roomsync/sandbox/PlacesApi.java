package io.roomsync.sandbox;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** /places: rooms, room lists and the rooms of a list (addressed by the list's e-mail address), 100 per page. */
final class PlacesApi {
    private static final Set<String> ROOM = Set.of("microsoft.graph.room", "graph.room");
    private static final Set<String> ROOM_LIST = Set.of("microsoft.graph.roomlist", "graph.roomlist");
    private final SandboxState state;

    PlacesApi(SandboxState state) {
        this.state = state;
    }

    SandboxResponse route(SandboxRequest req, Identity.Grant grant, List<String> rest) {
        if (!req.method.equals("GET")) throw new GraphError(405, "Request_BadRequest", "The HTTP method is not allowed for this resource.");
        if (req.param("$filter") != null) throw new GraphError(501, "notSupported", "The Exchange sandbox does not support $filter on places.");
        String base = req.origin + "/v1.0";
        synchronized (state) {
            if (rest.size() == 1 && ROOM.contains(rest.get(0).toLowerCase(Locale.ROOT))) {
                List<ObjectNode> rooms = new ArrayList<>();
                for (Directory.Mailbox m : state.directory.mailboxes()) {
                    if (m.isRoom() && m.tenantId.equals(grant.tenantId) && !m.room.hiddenFromAddressLists) rooms.add(room(m));
                }
                return page(req, base, "places/microsoft.graph.room", rooms);
            }
            if (rest.size() == 1 && ROOM_LIST.contains(rest.get(0).toLowerCase(Locale.ROOT))) {
                List<ObjectNode> lists = new ArrayList<>();
                for (Directory.RoomList l : state.directory.roomLists(grant.tenantId)) lists.add(roomList(l));
                return page(req, base, "places/microsoft.graph.roomList", lists);
            }
            if (rest.size() == 3 && ROOM_LIST.contains(rest.get(1).toLowerCase(Locale.ROOT)) && rest.get(2).equalsIgnoreCase("rooms")) {
                Directory.RoomList list = state.directory.roomList(rest.get(0)).filter(l -> l.tenantId.equals(grant.tenantId))
                        .orElseThrow(() -> new GraphError(404, "ErrorItemNotFound", "The specified object was not found in the store."));
                List<ObjectNode> rooms = new ArrayList<>();
                for (String address : list.rooms()) {
                    state.directory.mailbox(address).filter(Directory.Mailbox::isRoom).ifPresent(m -> rooms.add(room(m)));
                }
                return page(req, base, "places('" + list.address + "')/microsoft.graph.roomList/rooms", rooms);
            }
            if (rest.size() == 1) {
                String key = rest.get(0);
                Directory.Mailbox m = state.directory.mailbox(key).filter(x -> x.isRoom() && x.tenantId.equals(grant.tenantId)).orElse(null);
                if (m != null) {
                    ObjectNode o = Json.object();
                    o.put("@odata.context", base + "/$metadata#places/$entity");
                    o.put("@odata.type", "#microsoft.graph.room");
                    o.setAll(room(m));
                    return SandboxResponse.json(200, o);
                }
                Directory.RoomList l = state.directory.roomList(key).filter(x -> x.tenantId.equals(grant.tenantId)).orElse(null);
                if (l != null) {
                    ObjectNode o = Json.object();
                    o.put("@odata.context", base + "/$metadata#places/$entity");
                    o.put("@odata.type", "#microsoft.graph.roomList");
                    o.setAll(roomList(l));
                    return SandboxResponse.json(200, o);
                }
                throw new GraphError(404, "ErrorItemNotFound", "The specified object was not found in the store.");
            }
        }
        throw GraphError.unknownSegment(rest.isEmpty() ? "places" : rest.get(rest.size() - 1));
    }

    private static SandboxResponse page(SandboxRequest req, String base, String context, List<ObjectNode> all) {
        int top = EventsApi.intParam(req, "$top", 100, 1, 1000);
        int skip = EventsApi.intParam(req, "$skip", 0, 0, Integer.MAX_VALUE);
        ObjectNode out = Json.object();
        out.put("@odata.context", base + "/$metadata#" + context);
        if ("true".equalsIgnoreCase(req.param("$count"))) out.put("@odata.count", all.size());
        ArrayNode value = out.putArray("value");
        for (int i = skip; i < Math.min(all.size(), skip + top); i++) value.add(all.get(i));
        if (skip + top < all.size()) {
            String path = "/" + String.join("/", req.segments.stream().map(EventsApi::enc).toList());
            out.put("@odata.nextLink", req.origin + path + "?" + EventsApi.withParam(req.query, "$skip", Integer.toString(skip + top)));
        }
        return SandboxResponse.json(200, out);
    }

    private static ObjectNode room(Directory.Mailbox m) {
        Directory.RoomSettings s = m.room;
        ObjectNode o = Json.object();
        o.put("id", m.id);
        o.put("emailAddress", m.address);
        o.put("displayName", m.displayName);
        o.put("nickname", m.displayName);
        o.putNull("label");
        if (s.capacity == null) o.putNull("capacity"); else o.put("capacity", s.capacity);
        if (s.building == null) o.putNull("building"); else o.put("building", s.building);
        if (s.floorNumber == null) o.putNull("floorNumber"); else o.put("floorNumber", s.floorNumber);
        if (s.floorLabel == null) o.putNull("floorLabel"); else o.put("floorLabel", s.floorLabel);
        o.put("bookingType", s.bookingType);
        o.put("isWheelChairAccessible", false);
        o.putNull("audioDeviceName");
        o.putNull("videoDeviceName");
        o.putNull("displayDeviceName");
        o.putNull("phone");
        o.putArray("tags");
        o.putNull("address");
        o.putNull("geoCoordinates");
        return o;
    }

    private static ObjectNode roomList(Directory.RoomList l) {
        ObjectNode o = Json.object();
        o.put("id", l.id);
        o.put("displayName", l.displayName);
        o.put("emailAddress", l.address);
        o.putNull("phone");
        o.putNull("address");
        o.putNull("geoCoordinates");
        return o;
    }
}
