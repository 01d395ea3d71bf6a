package io.roomsync.tenant;

import io.javalin.http.Context;
import io.roomsync.reservation.Source;
import io.roomsync.web.Web;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/** Small helpers shared by the tenant feature's handlers. */
final class TenantPages {
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("d MMM yyyy, HH:mm");
    /** Every IANA zone, for the time-zone pickers. */
    static final List<String> ZONES = ZoneId.getAvailableZoneIds().stream().filter(z -> z.contains("/") && !z.startsWith("Etc/")
            && !z.startsWith("SystemV/")).sorted().toList();

    private TenantPages() {}

    /** The audit source of a change: the REST API or the portal. */
    static String source(Context ctx) {
        return Web.isApi(ctx) ? Source.REST_API.subSource : Source.PORTAL.subSource;
    }

    /** An instant as the signed-in user reads it: in their own zone, else UTC. */
    static String when(Instant instant, CurrentUser user) {
        if (instant == null) return "";
        ZoneId zone = ZoneOffset.UTC;
        String label = " UTC";
        if (user != null && user.timeZone() != null) {
            zone = ZoneId.of(user.timeZone());
            label = "";
        }
        return WHEN.format(instant.atZone(zone)) + label;
    }
}
