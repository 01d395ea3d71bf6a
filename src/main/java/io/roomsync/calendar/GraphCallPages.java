package io.roomsync.calendar;

import io.javalin.http.Context;
import io.roomsync.graph.GraphCalls;
import io.roomsync.web.Layout;
import io.roomsync.web.Pages;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The platform operator's view of the Graph calls this node made since it started, by operation and outcome. The
 * counts cover every tenant, so tenants' sync admins don't see them; each tenant sees its own sync on its health page.
 */
public final class GraphCallPages {
    public record Row(String operation, String outcome, String sent, long count, String average, String max) {}

    public record GraphCallsPage(Layout layout, String since, long total, long failed, long refused, List<Row> rows) {}

    private final GraphCalls calls;
    private final Pages pages;
    private final Instant startedAt;

    public GraphCallPages(GraphCalls calls, Pages pages, Instant startedAt) {
        this.calls = calls;
        this.pages = pages;
        this.startedAt = startedAt;
    }

    public void page(Context ctx) {
        List<GraphCalls.CallCount> counts = calls.counts();
        List<Row> rows = counts.stream().map(c -> new Row(c.operation(), c.outcome(),
                c.sent() ? "Sent to Graph" : "Refused by Roomsync's limiter", c.count(), ms(c.average()), ms(c.max()))).toList();
        long total = counts.stream().mapToLong(GraphCalls.CallCount::count).sum();
        long failed = counts.stream().filter(c -> c.sent() && !"OK".equals(c.outcome())).mapToLong(GraphCalls.CallCount::count).sum();
        long refused = counts.stream().filter(c -> !c.sent()).mapToLong(GraphCalls.CallCount::count).sum();
        pages.render(ctx, "calendar/graphcalls.jte", new GraphCallsPage(pages.layout(ctx, "Graph calls", "graph-calls"),
                startedAt.toString(), total, failed, refused, rows));
    }

    private static String ms(Duration d) {
        return String.format(java.util.Locale.ROOT, "%.1f ms", d.toNanos() / 1e6);
    }
}
