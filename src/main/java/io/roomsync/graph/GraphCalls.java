package io.roomsync.graph;

import com.microsoft.graph.serviceclient.GraphServiceClient;
import java.util.function.Function;

/**
 * The one way Roomsync calls Graph for a mailbox: every call goes through {@link #call}, which is where the
 * per-mailbox limits, the timing and outcome counters and the translation of failures into {@link GraphFailure}
 * live. A throttled call is never waited out here: the failure (with Retry-After) goes back to the caller, which
 * reschedules its work instead of holding a thread.
 */
public final class GraphCalls {

    /**
     * Runs one call against {@code mailbox} (the user or room whose data it touches) as {@code app}.
     * @param operation a short stable name for counters and logs, e.g. "events.create"
     * @throws GraphFailure for every failure, with Graph's request-id when there was a response
     */
    public <T> T call(GraphClientFactory.GraphApp app, String mailbox, String operation, Function<GraphServiceClient, T> call) {
        try {
            return call.apply(app.client());
        } catch (RuntimeException e) {
            throw GraphErrors.translate(e);
        }
    }
}
