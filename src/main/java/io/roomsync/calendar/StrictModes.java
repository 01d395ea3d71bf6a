package io.roomsync.calendar;

import io.roomsync.reservation.ReservationPolicy;
import io.roomsync.tenant.SyncIntegrationMode;
import io.roomsync.tenant.TenantProperties;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Whether a tenant is in Strict mode, for {@link ReservationPolicy}. A schedule page asks once per synced
 * reservation it shows, so the answer is kept for a moment (a changed mode applies within {@link #FRESH}).
 */
public final class StrictModes implements ReservationPolicy.Modes {
    static final Duration FRESH = Duration.ofSeconds(2);

    private record Known(boolean strict, Instant at) {}

    private final TenantProperties properties;
    private final ConcurrentHashMap<Long, Known> known = new ConcurrentHashMap<>();

    public StrictModes(TenantProperties properties) {
        this.properties = properties;
    }

    @Override
    public boolean strict(long tenantId) {
        Instant now = Instant.now();
        Known k = known.get(tenantId);
        if (k != null && k.at().plus(FRESH).isAfter(now) && !k.at().isAfter(now)) return k.strict();
        boolean strict = properties.mode(tenantId) == SyncIntegrationMode.Strict;
        known.put(tenantId, new Known(strict, now));
        return strict;
    }
}
