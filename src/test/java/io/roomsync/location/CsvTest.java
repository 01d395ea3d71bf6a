package io.roomsync.location;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class CsvTest {
    @Test
    void quoted_values_keep_their_commas_quotes_and_line_breaks() {
        List<Csv.Record> records = Csv.parse("name,equipment\r\n\"Board room, north\",\"say \"\"hi\"\"\"\r\n\"Two\nlines\",x\r\n", 100);
        assertEquals(3, records.size());
        assertEquals(List.of("Board room, north", "say \"hi\""), records.get(1).fields());
        assertEquals(List.of("Two\nlines", "x"), records.get(2).fields());
        assertEquals(3, records.get(2).line(), "a record starts on the line where its first value starts");
    }

    @Test
    void lines_are_counted_as_an_editor_shows_them_across_blank_and_multi_line_records() {
        List<Csv.Record> records = Csv.parse("\uFEFFa,b\n\n\"1\n2\",3\n,\nlast,x", 100);
        assertEquals(List.of("a", "b"), records.get(0).fields(), "the byte order mark is not part of the first column");
        assertEquals(3, records.get(1).line());
        assertEquals(6, records.get(2).line(), "empty rows like ',' are skipped but still counted");
        assertEquals(List.of("last", "x"), records.get(2).fields());
    }

    @Test
    void empty_values_and_a_trailing_comma_are_kept_as_empty_fields() {
        assertEquals(List.of("a", "", "c", ""), Csv.parse("a,,c,\n", 10).get(0).fields());
    }

    @Test
    void a_missing_closing_quote_is_reported_at_the_line_where_the_value_starts() {
        Csv.FormatException e = assertThrows(Csv.FormatException.class, () -> Csv.parse("a,b\nx,y\n\"open,z\nmore\n", 10));
        assertEquals(3, e.line);
    }

    @Test
    void stray_quotes_are_reported_with_their_line() {
        assertEquals(2, assertThrows(Csv.FormatException.class, () -> Csv.parse("a,b\n\"x\"y,z\n", 10)).line);
        assertEquals(2, assertThrows(Csv.FormatException.class, () -> Csv.parse("a,b\nx\"y,z\n", 10)).line);
    }

    @Test
    void reading_stops_after_the_requested_number_of_records() {
        assertEquals(2, Csv.parse("a\nb\nc\nd\n", 2).size());
    }
}
