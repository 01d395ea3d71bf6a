package io.roomsync.calendar;

import io.javalin.http.Context;
import io.roomsync.common.ValidationException;
import io.roomsync.graph.GraphFailure;
import io.roomsync.location.DirectoryRoomImport;
import io.roomsync.reservation.Source;
import io.roomsync.web.Problem;
import io.roomsync.tenant.CurrentUser;
import io.roomsync.web.Web;
import java.time.Duration;
import java.util.List;

/** REST API v1 for what an admin does with a provider besides editing it: test its connection, import its rooms. */
public final class ProviderToolsApi {
    /** rooms: every room the directory lists that can be imported, with its action and the differences of an update. */
    public record RoomImportResponse(long providerId, boolean dryRun, String timeZone, int created, int updated, int unchanged,
                                     int skipped, List<String> newBuildings, List<String> newFloors,
                                     List<DirectoryRoomImport.Row> rooms, List<DirectoryRoomImport.Skipped> skippedRooms) {}

    private final ProviderService providers;
    private final ProviderCheck check;
    private final ExchangeRooms rooms;

    public ProviderToolsApi(ProviderService providers, ProviderCheck check, ExchangeRooms rooms) {
        this.providers = providers;
        this.check = check;
        this.rooms = rooms;
    }

    /**
     * POST /api/v1/providers/{id}/import-rooms?dryRun=&timeZone=: rooms from the Places API. Without an explicit
     * dryRun=false nothing is written. 502 when Exchange cannot be read.
     */
    public void importRooms(Context ctx) {
        CurrentUser user = Web.user(ctx);
        long id = Web.pathId(ctx, "id");
        providers.get(user.tenant(), id);
        String dry = ctx.queryParam("dryRun");
        if (dry != null && !dry.isBlank() && !dry.strip().equalsIgnoreCase("true") && !dry.strip().equalsIgnoreCase("false")) {
            throw new ValidationException("dryRun", "dryRun must be true or false.");
        }
        boolean dryRun = dry == null || dry.isBlank() || dry.strip().equalsIgnoreCase("true");
        String zone = ctx.queryParam("timeZone");
        if (zone == null || zone.isBlank()) zone = rooms.suggestedTimeZone(user);
        DirectoryRoomImport.Preview p;
        try {
            p = dryRun ? rooms.preview(user.tenant(), id, zone) : rooms.apply(user, Source.REST_API.subSource, id, zone);
        } catch (GraphFailure f) {
            ctx.status(502).contentType(Problem.CONTENT_TYPE)
                    .json(Problem.of(502, "Exchange could not be read", ExchangeRooms.failureMessage(f), ctx.path()));
            return;
        }
        ctx.json(new RoomImportResponse(id, dryRun, p.timeZone(), p.creates().size(), p.updates().size(), p.unchanged().size(),
                p.skipped().size(), p.newBuildings(), p.newFloors(), p.rows(), p.skipped()));
    }

    /** POST /api/v1/providers/{id}/test[?timeoutSeconds=]: 200 with the result whether the connection works or not. */
    public void test(Context ctx) {
        CurrentUser user = Web.user(ctx);
        long id = Web.pathId(ctx, "id");
        providers.get(user.tenant(), id);
        ctx.json(check.run(user.tenant(), id, timeout(ctx.queryParam("timeoutSeconds"))));
    }

    static Duration timeout(String raw) {
        if (raw == null || raw.isBlank()) return ProviderCheck.DEFAULT_TIMEOUT;
        try {
            int seconds = Integer.parseInt(raw.strip());
            if (seconds >= 1 && seconds <= ProviderCheck.MAX_TIMEOUT_SECONDS) return Duration.ofSeconds(seconds);
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ValidationException("timeoutSeconds", "timeoutSeconds must be a whole number from 1 to " + ProviderCheck.MAX_TIMEOUT_SECONDS + ".");
    }
}
