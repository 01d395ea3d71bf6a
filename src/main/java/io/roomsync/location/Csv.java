package io.roomsync.location;

import java.util.ArrayList;
import java.util.List;

/**
 * An RFC 4180 reader: comma-separated fields, fields in double quotes may hold commas, line breaks and doubled
 * quotes (""), records end with CRLF or LF. Blank lines are skipped. Each record remembers the line it starts on,
 * so errors can point at the line a person sees in their editor.
 */
public final class Csv {
    public record Record(int line, List<String> fields) {}

    /** The text is not well-formed CSV; line is where the problem is. */
    public static final class FormatException extends RuntimeException {
        public final int line;

        FormatException(int line, String message) {
            super(message);
            this.line = line;
        }
    }

    private Csv() {}

    /** Parses at most maxRecords records (the rest is not read); throws FormatException on malformed quoting. */
    public static List<Record> parse(String text, int maxRecords) {
        List<Record> records = new ArrayList<>();
        int i = 0;
        int n = text.length();
        if (n > 0 && text.charAt(0) == '\uFEFF') i = 1; // byte order mark from spreadsheet exports
        int line = 1;
        while (i < n && records.size() < maxRecords) {
            int start = line;
            List<String> fields = new ArrayList<>();
            StringBuilder field = new StringBuilder();
            boolean endOfRecord = false;
            while (!endOfRecord) {
                if (i < n && text.charAt(i) == '"') {
                    int quoteLine = line;
                    i++;
                    while (true) {
                        if (i >= n) throw new FormatException(quoteLine, "A quoted value starts here but its closing quote is missing.");
                        char c = text.charAt(i);
                        if (c == '"') {
                            if (i + 1 < n && text.charAt(i + 1) == '"') {
                                field.append('"');
                                i += 2;
                                continue;
                            }
                            i++;
                            break;
                        }
                        if (c == '\n') line++;
                        field.append(c);
                        i++;
                    }
                    if (i < n && text.charAt(i) != ',' && text.charAt(i) != '\n' && text.charAt(i) != '\r') {
                        throw new FormatException(line, "Unexpected text after a closing quote; a quote inside a quoted value must be doubled (\"\").");
                    }
                } else {
                    while (i < n) {
                        char c = text.charAt(i);
                        if (c == ',' || c == '\n' || c == '\r') break;
                        if (c == '"') throw new FormatException(line, "A quote inside an unquoted value; put the whole value in quotes and double the quote (\"\").");
                        field.append(c);
                        i++;
                    }
                }
                fields.add(field.toString());
                field.setLength(0);
                if (i >= n) {
                    endOfRecord = true;
                } else if (text.charAt(i) == ',') {
                    i++;
                } else {
                    if (text.charAt(i) == '\r') i++;
                    if (i < n && text.charAt(i) == '\n') i++;
                    line++;
                    endOfRecord = true;
                }
            }
            // Spreadsheets export empty rows as ",,,,"; they carry nothing and are skipped like blank lines.
            boolean blank = fields.stream().allMatch(String::isBlank);
            if (!blank) records.add(new Record(start, fields));
        }
        return records;
    }

    /** Quotes a value for writing when needed. */
    public static String quote(String value) {
        if (value == null) return "";
        if (value.contains(",") || value.contains("\"") || value.contains("\n") || value.contains("\r")) {
            return "\"" + value.replace("\"", "\"\"") + "\"";
        }
        return value;
    }
}
