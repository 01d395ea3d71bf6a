package io.roomsync.sandbox;

import static io.roomsync.sandbox.GraphModels.day;
import static io.roomsync.sandbox.GraphModels.meeting;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.graph.models.Event;
import com.microsoft.graph.models.ResponseType;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import io.roomsync.graph.GraphClientFactory;
import io.roomsync.graph.GraphConnection;
import io.roomsync.graph.GraphEndpoints;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Demo mode: certificate and state live in the data folder and survive a restart. */
class SandboxDemoModeTest {
    private static final String ADELE = "adele@" + DemoDirectory.DOMAIN;
    private static final String ATLAS = "room-atlas@" + DemoDirectory.DOMAIN;
    private static final String PUGET = "room-puget@" + DemoDirectory.DOMAIN;

    @TempDir
    Path data;

    /** Configured the way the demo tenant's provider will be: custom cloud, demo app, the PEM file as trusted CA. */
    private static GraphServiceClient demoClient(ExchangeSandbox sandbox) {
        return new GraphClientFactory().appClient(new GraphConnection(
                GraphEndpoints.custom(sandbox.authorityHost(), sandbox.graphBaseUrl()), DemoDirectory.TENANT_ID,
                DemoDirectory.CLIENT_ID, DemoDirectory.CLIENT_SECRET,
                read(sandbox.dataDir().resolve(SandboxCertificate.PEM_FILE)), null)).client();
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void the_demo_sandbox_keeps_its_certificate_and_mailboxes_across_a_restart() throws Exception {
        String pem;
        String eventId;
        try (ExchangeSandbox first = ExchangeSandbox.startDemo(data, 0)) {
            pem = first.certificatePem();
            DemoDirectory.addMissing(first, List.of(new DemoDirectory.Person(ADELE, "Adele Vance")),
                    List.of(new DemoDirectory.Room(ATLAS, "Atlas", 12, "Contoso HQ Seattle", 1, "Floor 1"),
                            new DemoDirectory.Room(PUGET, "Puget", 4, "Contoso HQ Seattle", 1, "Floor 1")));
            GraphServiceClient graph = demoClient(first);
            Event created = graph.users().byUserId(ADELE).events()
                    .post(meeting("Kick-off", day(2, 9, 0), day(2, 10, 0), ATLAS));
            eventId = created.getId();
            String series = "{\"subject\":\"Stand-up\",\"start\":{\"dateTime\":\"" + day(5, 9, 0) + "\",\"timeZone\":\"UTC\"},"
                    + "\"end\":{\"dateTime\":\"" + day(5, 9, 15) + "\",\"timeZone\":\"UTC\"},\"recurrence\":{\"pattern\":{\"type\":\"daily\",\"interval\":1},"
                    + "\"range\":{\"type\":\"numbered\",\"startDate\":\"" + day(5, 0, 0).toLocalDate() + "\",\"numberOfOccurrences\":3}}}";
            assertEquals(201, first.outlook(ADELE, "POST", "events", series).status());
            String firstOccurrence = first.calendar(ADELE, java.time.Instant.parse(day(5, 0, 0) + ":00Z"),
                    java.time.Instant.parse(day(6, 0, 0) + ":00Z")).get(0).id();
            assertEquals(202, first.outlook(ADELE, "POST", "events/" + firstOccurrence + "/cancel", "{}").status());
            assertTrue(first.awaitIdle(Duration.ofSeconds(20)));
        }
        assertTrue(Files.exists(data.resolve(SandboxCertificate.KEYSTORE_FILE)));
        assertEquals(pem, Files.readString(data.resolve(SandboxCertificate.PEM_FILE)));
        assertTrue(Files.exists(data.resolve(Snapshots.FILE)));

        try (ExchangeSandbox second = ExchangeSandbox.startDemo(data, 0)) {
            assertEquals(pem, second.certificatePem(), "the certificate is generated once");
            GraphServiceClient graph = demoClient(second);
            Event again = graph.users().byUserId(ADELE).events().byEventId(eventId).get();
            assertEquals("Kick-off", again.getSubject());
            assertEquals(ResponseType.Accepted, again.getAttendees().get(0).getStatus().getResponse());
            List<Event> room = graph.users().byUserId(ATLAS).calendarView().get(rc -> {
                rc.queryParameters.startDateTime = day(2, 0, 0) + "Z";
                rc.queryParameters.endDateTime = day(3, 0, 0) + "Z";
            }).getValue();
            assertEquals(List.of("Adele Vance"), room.stream().map(Event::getSubject).toList());
            List<Event> standUps = graph.users().byUserId(ADELE).calendarView().get(rc -> {
                rc.queryParameters.startDateTime = day(5, 0, 0) + "Z";
                rc.queryParameters.endDateTime = day(8, 0, 0) + "Z";
            }).getValue();
            assertEquals(List.of(day(6, 9, 0) + ":00.0000000", day(7, 9, 0) + ":00.0000000"),
                    standUps.stream().map(e -> e.getStart().getDateTime()).toList(), "the series and its cancelled occurrence survive a restart");
            assertEquals(List.of(ATLAS, PUGET), graph.places().byPlaceId(DemoDirectory.roomListAddress("Contoso HQ Seattle"))
                    .graphRoomList().rooms().get().getValue().stream().map(r -> r.getEmailAddress()).toList());
            assertEquals(0, DemoDirectory.addMissing(second, List.of(new DemoDirectory.Person(ADELE, "Adele Vance")), List.of()),
                    "mailboxes that exist are left alone");
        }
    }
}
