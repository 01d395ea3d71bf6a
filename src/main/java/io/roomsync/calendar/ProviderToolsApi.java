package io.roomsync.calendar;

import io.javalin.http.Context;
import io.roomsync.common.ValidationException;
import io.roomsync.tenant.CurrentUser;
import io.roomsync.web.Web;
import java.time.Duration;

/** REST API v1 for what an admin does with a provider besides editing it: test its connection. */
public final class ProviderToolsApi {
    private final ProviderService providers;
    private final ProviderCheck check;

    public ProviderToolsApi(ProviderService providers, ProviderCheck check) {
        this.providers = providers;
        this.check = check;
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
