package io.roomsync.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.roomsync.support.TestApp;
import io.roomsync.support.TestDatabases;
import io.roomsync.tenant.Tenant;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class DatabaseTest {

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void migrations_run_and_instants_keep_their_microseconds_in_utc(TestDatabases.Kind kind) {
        try (TestApp app = TestApp.start(kind)) {
            Instant precise = Instant.parse("2027-03-28T01:30:00.123456Z");
            long id = app.app.tx.call(s -> {
                Tenant t = new Tenant();
                t.name = "Precise";
                t.slug = "precise";
                t.createdAt = precise;
                s.persist(t);
                return t.id;
            });
            Instant read = app.app.tx.call(s -> s.find(Tenant.class, id).createdAt);
            assertEquals(precise.truncatedTo(ChronoUnit.MICROS), read);
            Integer migrations = app.app.tx.call(s -> s.createNativeQuery(
                    "select count(*) from flyway_schema_history where success = true", Integer.class).getSingleResult());
            assertEquals(true, migrations >= 1);
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void a_failed_transaction_leaves_nothing_behind(TestDatabases.Kind kind) {
        try (TestApp app = TestApp.start(kind)) {
            assertThrows(IllegalStateException.class, () -> app.app.tx.run(s -> {
                Tenant t = new Tenant();
                t.name = "Half";
                t.slug = "half";
                t.createdAt = Instant.now();
                s.persist(t);
                s.flush();
                throw new IllegalStateException("boom");
            }));
            long count = app.app.tx.call(s -> s.createSelectionQuery("select count(*) from Tenant where slug = 'half'", Long.class).getSingleResult());
            assertEquals(0, count);
        }
    }
}
