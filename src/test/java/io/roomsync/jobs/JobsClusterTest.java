package io.roomsync.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.roomsync.App;
import io.roomsync.db.Database;
import io.roomsync.support.TestDatabases;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Jobs on Quartz's clustered JDBC store: nodes sharing one database run each firing once between them. */
class JobsClusterTest {

    private record Run(String node, long startedAt, long endedAt) {}

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void two_nodes_on_one_database_run_a_periodic_job_once_per_period_between_them(TestDatabases.Kind kind) throws Exception {
        TestDatabases.TestDb db = TestDatabases.create(kind);
        List<Run> runs = new CopyOnWriteArrayList<>();
        CountDownLatch enough = new CountDownLatch(6);
        try (Database one = Database.open(db.url(), db.user(), db.password(), 5, App.entities());
             Database two = Database.open(db.url(), db.user(), db.password(), 5, App.entities());
             Jobs nodeA = new Jobs(one.dataSource(), 2);
             Jobs nodeB = new Jobs(two.dataSource(), 2)) {
            for (var node : List.of(nodeA, nodeB)) {
                String name = node == nodeA ? "A" : "B";
                node.register("tick", Duration.ofSeconds(1), () -> {
                    long start = System.nanoTime();
                    sleepQuietly(50);
                    runs.add(new Run(name, start, System.nanoTime()));
                    enough.countDown();
                });
            }
            nodeA.start();
            nodeB.start();
            assertTrue(enough.await(30, TimeUnit.SECONDS), "the periodic job ran: " + runs);
        }
        List<Run> sorted = runs.stream().sorted((a, b) -> Long.compare(a.startedAt, b.startedAt)).toList();
        for (int i = 1; i < sorted.size(); i++) {
            long gapMs = (sorted.get(i).startedAt - sorted.get(i - 1).endedAt) / 1_000_000;
            // A firing run by both nodes, or a burst of catch-up runs, would start right after the previous one.
            assertTrue(gapMs > 300, "runs " + (i - 1) + " and " + i + " are " + gapMs + " ms apart: " + sorted);
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void a_woken_job_runs_at_once_and_a_wake_while_it_runs_runs_it_again(TestDatabases.Kind kind) throws Exception {
        TestDatabases.TestDb db = TestDatabases.create(kind);
        CountDownLatch first = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch second = new CountDownLatch(2);
        try (Database database = Database.open(db.url(), db.user(), db.password(), 5, App.entities());
             Jobs jobs = new Jobs(database.dataSource(), 2)) {
            jobs.register("drain", Duration.ofHours(1), () -> {
                first.countDown();
                awaitQuietly(release);
                second.countDown();
            });
            jobs.start();
            jobs.wake("drain");
            assertTrue(first.await(20, TimeUnit.SECONDS), "woken long before its hourly period");
            jobs.wake("drain");
            jobs.wake("drain");
            release.countDown();
            assertTrue(second.await(20, TimeUnit.SECONDS), "a wake during the run makes it run again");
            assertEquals(0, second.getCount());
        }
    }

    @Test
    void periods_missed_while_every_node_was_down_are_not_caught_up_in_a_burst() throws Exception {
        TestDatabases.TestDb db = TestDatabases.create(TestDatabases.Kind.MARIADB);
        CountDownLatch ranBefore = new CountDownLatch(1);
        try (Database one = Database.open(db.url(), db.user(), db.password(), 5, App.entities());
             Jobs before = new Jobs(one.dataSource(), 2)) {
            before.register("tick", Duration.ofSeconds(1), ranBefore::countDown);
            before.start();
            assertTrue(ranBefore.await(20, TimeUnit.SECONDS), "the job ran before the outage");
        }
        // Eight periods pass with no node up, longer than the misfire threshold (5 s).
        Thread.sleep(8_000);
        List<Long> runs = new CopyOnWriteArrayList<>();
        CountDownLatch resumed = new CountDownLatch(4);
        try (Database two = Database.open(db.url(), db.user(), db.password(), 5, App.entities());
             Jobs after = new Jobs(two.dataSource(), 2)) {
            after.register("tick", Duration.ofSeconds(1), () -> {
                runs.add(System.nanoTime());
                resumed.countDown();
            });
            after.start();
            // A trigger the stopped node had acquired comes back at the cluster's first check-in (5 s).
            assertTrue(resumed.await(30, TimeUnit.SECONDS), "the job resumed its period: " + runs.size() + " runs");
        }
        for (int i = 1; i < runs.size(); i++) {
            long gapMs = (runs.get(i) - runs.get(i - 1)) / 1_000_000;
            // Catching up the eight missed periods would run them back to back.
            assertTrue(gapMs > 500, "runs " + (i - 1) + " and " + i + " are only " + gapMs + " ms apart");
        }
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
