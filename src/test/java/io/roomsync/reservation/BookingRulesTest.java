package io.roomsync.reservation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.roomsync.common.ValidationException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BookingRulesTest {
    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
    static final Instant NOW = Instant.parse("2027-03-01T10:00:00Z");
    static final BookingRules RULES = new BookingRules(Clock.fixed(NOW, ZoneOffset.UTC));
    static final BookingRules.Limits ATLAS = new BookingRules.Limits("Atlas", true, 4, 480, 365);

    static LocalDateTime at(String localDateTime) {
        return LocalDateTime.parse(localDateTime);
    }

    static BookingRules.Span book(String start, String end, ZoneId zone) {
        return RULES.check(at(start), at(end), zone, ATLAS, 1, null);
    }

    static ValidationException refused(String start, String end, ZoneId zone, BookingRules.Limits limits, int people) {
        return assertThrows(ValidationException.class, () -> RULES.check(at(start), at(end), zone, limits, people, null));
    }

    @Test
    void half_past_two_on_the_berlin_spring_change_day_does_not_exist() {
        ValidationException e = refused("2027-03-28T02:30", "2027-03-28T03:30", BERLIN, ATLAS, 1);
        assertEquals(Set.of("start"), e.fieldErrors().keySet());
        assertTrue(e.fieldErrors().get("start").contains("02:30 does not exist on 2027-03-28 in Europe/Berlin"), e.getMessage());
    }

    @Test
    void an_end_in_the_spring_gap_is_refused_on_the_end_field() {
        ValidationException e = refused("2027-03-28T01:00", "2027-03-28T02:15", BERLIN, ATLAS, 1);
        assertEquals(Set.of("end"), e.fieldErrors().keySet());
    }

    @Test
    void half_past_two_on_the_berlin_autumn_change_day_happens_twice_and_the_earlier_one_is_used() {
        BookingRules.Span span = book("2027-10-31T02:30", "2027-10-31T04:00", BERLIN);
        assertEquals(Instant.parse("2027-10-31T00:30:00Z"), span.start(), "the first 02:30 is still summer time (UTC+02:00)");
        assertEquals(Instant.parse("2027-10-31T03:00:00Z"), span.end());
        assertEquals(Duration.ofMinutes(150), span.duration(), "the repeated hour is really spent");
        assertEquals(1, span.notes().size());
        assertTrue(span.notes().get(0).contains("happens twice") && span.notes().get(0).contains("+02:00"), span.notes().get(0));
    }

    @Test
    void a_nine_to_ten_meeting_on_either_berlin_change_day_lasts_one_hour() {
        BookingRules.Span spring = book("2027-03-28T09:00", "2027-03-28T10:00", BERLIN);
        assertEquals(Instant.parse("2027-03-28T07:00:00Z"), spring.start(), "after the change Berlin is UTC+2");
        assertEquals(Duration.ofHours(1), spring.duration());
        assertTrue(spring.notes().isEmpty());

        BookingRules.Span autumn = book("2027-10-31T09:00", "2027-10-31T10:00", BERLIN);
        assertEquals(Instant.parse("2027-10-31T08:00:00Z"), autumn.start(), "after the change Berlin is UTC+1");
        assertEquals(Duration.ofHours(1), autumn.duration());
    }

    @Test
    void a_meeting_across_the_spring_gap_lasts_the_real_elapsed_time() {
        BookingRules.Span span = book("2027-03-28T01:00", "2027-03-28T04:00", BERLIN);
        assertEquals(Duration.ofHours(2), span.duration());
    }

    @Test
    void new_york_changes_on_its_own_days_with_the_same_rules() {
        ValidationException gap = refused("2027-03-14T02:30", "2027-03-14T03:30", NEW_YORK, ATLAS, 1);
        assertTrue(gap.fieldErrors().get("start").contains("America/New_York"));

        BookingRules.Span ambiguous = book("2027-11-07T01:30", "2027-11-07T02:30", NEW_YORK);
        assertEquals(Instant.parse("2027-11-07T05:30:00Z"), ambiguous.start(), "the first 01:30 is daylight time (UTC-04:00)");
        assertEquals(Duration.ofHours(2), ambiguous.duration(), "01:30 EDT to 02:30 EST is two hours");
        assertEquals(1, ambiguous.notes().size());

        BookingRules.Span spring = book("2027-03-14T09:00", "2027-03-14T10:00", NEW_YORK);
        assertEquals(Instant.parse("2027-03-14T13:00:00Z"), spring.start());
        assertEquals(Duration.ofHours(1), spring.duration());
        BookingRules.Span before = book("2027-03-13T09:00", "2027-03-13T10:00", NEW_YORK);
        assertEquals(Instant.parse("2027-03-13T14:00:00Z"), before.start(), "the day before is still standard time");
    }

    @Test
    void the_end_must_come_after_the_start() {
        assertEquals(Set.of("end"), refused("2027-03-10T10:00", "2027-03-10T10:00", BERLIN, ATLAS, 1).fieldErrors().keySet());
        assertEquals(Set.of("end"), refused("2027-03-10T10:00", "2027-03-10T09:00", BERLIN, ATLAS, 1).fieldErrors().keySet());
    }

    @Test
    void a_start_in_the_past_is_refused_but_a_few_minutes_of_grace_are_allowed() {
        // NOW is 11:00 in Berlin (UTC+1 in March)
        ValidationException earlierToday = refused("2027-03-01T10:00", "2027-03-01T12:00", BERLIN, ATLAS, 1);
        assertEquals(Set.of("start"), earlierToday.fieldErrors().keySet());
        ValidationException yesterday = refused("2027-02-28T10:00", "2027-02-28T12:00", BERLIN, ATLAS, 1);
        assertTrue(yesterday.fieldErrors().containsKey("date"));
        BookingRules.Span justNow = book("2027-03-01T10:57", "2027-03-01T12:00", BERLIN);
        assertEquals(Instant.parse("2027-03-01T09:57:00Z"), justNow.start());
    }

    @Test
    void an_ongoing_reservation_may_be_extended_but_not_moved_into_the_past() {
        Instant started = Instant.parse("2027-03-01T09:30:00Z");
        BookingRules.Span extended = RULES.check(at("2027-03-01T10:30"), at("2027-03-01T12:30"), BERLIN, ATLAS, 1, started);
        assertEquals(started, extended.start());
        assertThrows(ValidationException.class,
                () -> RULES.check(at("2027-03-01T10:00"), at("2027-03-01T12:30"), BERLIN, ATLAS, 1, started));
    }

    @Test
    void a_reservation_longer_than_the_module_allows_is_refused_on_the_end() {
        book("2027-03-10T08:00", "2027-03-10T16:00", BERLIN);
        ValidationException e = refused("2027-03-10T08:00", "2027-03-10T16:01", BERLIN, ATLAS, 1);
        assertEquals(Set.of("end"), e.fieldErrors().keySet());
        assertTrue(e.fieldErrors().get("end").contains("at most 8 hours"), e.getMessage());
    }

    @Test
    void no_reservation_lasts_longer_than_two_days_whatever_the_module_allows() {
        BookingRules.Limits unlimited = new BookingRules.Limits("Hall", true, 100, 0, 365);
        RULES.check(at("2027-03-10T00:00"), at("2027-03-12T00:00"), BERLIN, unlimited, 1, null);
        ValidationException e = refused("2027-03-10T00:00", "2027-03-12T00:01", BERLIN, unlimited, 1);
        assertTrue(e.fieldErrors().get("end").contains("at most 2 days"));
    }

    @Test
    void a_date_beyond_the_booking_window_is_refused() {
        BookingRules.Limits twoWeeks = new BookingRules.Limits("Atlas", true, 4, 480, 14);
        RULES.check(at("2027-03-15T09:00"), at("2027-03-15T10:00"), BERLIN, twoWeeks, 1, null);
        ValidationException e = refused("2027-03-16T09:00", "2027-03-16T10:00", BERLIN, twoWeeks, 1);
        assertEquals(Set.of("date"), e.fieldErrors().keySet());
        assertTrue(e.fieldErrors().get("date").contains("14 days ahead"));
    }

    @Test
    void more_people_than_seats_is_refused_on_the_attendees() {
        RULES.check(at("2027-03-10T09:00"), at("2027-03-10T10:00"), BERLIN, ATLAS, 4, null);
        ValidationException e = refused("2027-03-10T09:00", "2027-03-10T10:00", BERLIN, ATLAS, 5);
        assertEquals(Set.of("attendees"), e.fieldErrors().keySet());
        assertTrue(e.fieldErrors().get("attendees").contains("room for 4 people"));
    }

    @Test
    void an_inactive_reservable_cannot_be_booked() {
        BookingRules.Limits inactive = new BookingRules.Limits("Atlas", false, 4, 480, 365);
        assertEquals(Set.of("reservable"), refused("2027-03-10T09:00", "2027-03-10T10:00", BERLIN, inactive, 1).fieldErrors().keySet());
    }

    @Test
    void every_broken_rule_is_reported_at_once() {
        BookingRules.Limits small = new BookingRules.Limits("Booth", false, 1, 30, 365);
        ValidationException e = refused("2027-03-10T09:00", "2027-03-10T10:00", BERLIN, small, 3);
        assertEquals(Set.of("reservable", "end", "attendees"), e.fieldErrors().keySet());
    }

    @Test
    void durations_read_like_people_say_them() {
        assertEquals(List.of("45 minutes", "1 hour", "1 hour 30 minutes", "8 hours"),
                List.of(BookingRules.describe(45), BookingRules.describe(60), BookingRules.describe(90), BookingRules.describe(480)));
    }
}
