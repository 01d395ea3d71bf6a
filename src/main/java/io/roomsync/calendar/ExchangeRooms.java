package io.roomsync.calendar;

import com.microsoft.graph.models.Room;
import com.microsoft.graph.models.RoomCollectionResponse;
import com.microsoft.graph.models.RoomList;
import com.microsoft.graph.models.RoomListCollectionResponse;
import io.roomsync.graph.GraphCalls;
import io.roomsync.graph.GraphClientFactory.GraphApp;
import io.roomsync.graph.GraphErrors;
import io.roomsync.graph.GraphFailure;
import io.roomsync.location.DirectoryRoomImport;
import io.roomsync.location.DirectoryRoomImport.DirectoryRoom;
import io.roomsync.tenant.CurrentUser;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Room import from Exchange: reads a provider's rooms and room lists through the Places API (every page), then
 * previews or applies them with {@link DirectoryRoomImport}. A room's building is its Places building, else the
 * name of the room list it is in. Graph is read before the import's transaction starts, never inside it.
 */
public final class ExchangeRooms {
    /** Pages followed at most per listing (100 rooms each), so a runaway nextLink cannot loop forever. */
    private static final int MAX_PAGES = 200;

    private final ProviderService providers;
    private final ProviderClients clients;
    private final GraphCalls calls;
    private final DirectoryRoomImport importer;

    public ExchangeRooms(ProviderService providers, ProviderClients clients, GraphCalls calls, DirectoryRoomImport importer) {
        this.providers = providers;
        this.clients = clients;
        this.calls = calls;
        this.importer = importer;
    }

    /** What importing the provider's rooms would do; GraphFailure when Exchange cannot be read. */
    public DirectoryRoomImport.Preview preview(long tenantId, long providerId, String timeZone) {
        providers.get(tenantId, providerId);
        DirectoryRoomImport.checkZone(timeZone);
        return importer.preview(tenantId, read(tenantId, providerId), timeZone);
    }

    public DirectoryRoomImport.Preview apply(CurrentUser actor, String source, long providerId, String timeZone) {
        providers.get(actor.tenant(), providerId);
        DirectoryRoomImport.checkZone(timeZone);
        return importer.apply(actor, source, read(actor.tenant(), providerId), timeZone);
    }

    /** The time zone suggested for buildings the import creates. */
    public String suggestedTimeZone(CurrentUser user) {
        return importer.suggestedTimeZone(user.tenant(), user.timeZone());
    }

    /** Every room the Places API lists for the provider, with its building (or room list) and floor. */
    List<DirectoryRoom> read(long tenantId, long providerId) {
        try {
            return readPlaces(tenantId, providerId);
        } catch (RuntimeException e) {
            // Building the client already talks to the identity platform, and msal4j's failures come unwrapped.
            throw GraphErrors.translate(e);
        }
    }

    /** What to tell an admin when Exchange could not be read. */
    public static String failureMessage(GraphFailure f) {
        return "The rooms could not be read from Exchange: " + f.getMessage()
                + (f.requestId() == null ? "" : " (Graph request-id " + f.requestId() + ")")
                + ". Run \"Test connection\" on the calendar provider to see what is wrong and how to fix it.";
    }

    private List<DirectoryRoom> readPlaces(long tenantId, long providerId) {
        GraphApp app = clients.app(tenantId, providerId);
        Map<String, String> listOf = new HashMap<>();
        for (RoomList list : roomLists(app)) {
            if (list.getEmailAddress() == null) continue;
            String address = list.getEmailAddress();
            RoomCollectionResponse page = calls.call(app, ProviderCheck.PLACES, "places.roomList.rooms",
                    c -> c.places().byPlaceId(address).graphRoomList().rooms().get(rc -> rc.queryParameters.top = 100));
            for (Room r : rooms(app, page)) {
                if (r.getEmailAddress() != null) listOf.putIfAbsent(r.getEmailAddress().toLowerCase(Locale.ROOT), list.getDisplayName());
            }
        }
        RoomCollectionResponse first = calls.call(app, ProviderCheck.PLACES, "places.rooms",
                c -> c.places().graphRoom().get(rc -> rc.queryParameters.top = 100));
        List<DirectoryRoom> out = new ArrayList<>();
        for (Room r : rooms(app, first)) {
            String email = r.getEmailAddress();
            String building = r.getBuilding() != null && !r.getBuilding().isBlank() ? r.getBuilding()
                    : email == null ? null : listOf.get(email.toLowerCase(Locale.ROOT));
            out.add(new DirectoryRoom(email, r.getDisplayName(), r.getCapacity(), building, r.getFloorLabel(), r.getFloorNumber()));
        }
        return out;
    }

    private List<RoomList> roomLists(GraphApp app) {
        List<RoomList> out = new ArrayList<>();
        RoomListCollectionResponse page = calls.call(app, ProviderCheck.PLACES, "places.roomLists",
                c -> c.places().graphRoomList().get(rc -> rc.queryParameters.top = 100));
        for (int pages = 1; page != null; pages++) {
            if (page.getValue() != null) out.addAll(page.getValue());
            String next = page.getOdataNextLink();
            if (next == null || pages >= MAX_PAGES) break;
            page = calls.call(app, ProviderCheck.PLACES, "places.roomLists", c -> c.places().graphRoomList().withUrl(next).get());
        }
        return out;
    }

    /** The rooms of a first page and of every page its @odata.nextLink leads to. */
    private List<Room> rooms(GraphApp app, RoomCollectionResponse first) {
        List<Room> out = new ArrayList<>();
        RoomCollectionResponse page = first;
        for (int pages = 1; page != null; pages++) {
            if (page.getValue() != null) out.addAll(page.getValue());
            String next = page.getOdataNextLink();
            if (next == null || pages >= MAX_PAGES) break;
            page = calls.call(app, ProviderCheck.PLACES, "places.rooms", c -> c.places().graphRoom().withUrl(next).get());
        }
        return out;
    }
}
