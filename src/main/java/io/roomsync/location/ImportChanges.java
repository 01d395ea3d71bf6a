package io.roomsync.location;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** What an import would change on an existing reservable, as the preview shows it: "capacity 4 → 6, floor none → 2". */
final class ImportChanges {
    private final List<String> parts = new ArrayList<>();

    /** "label before → after" when the values differ (null shows as "none"). */
    ImportChanges change(String label, Object before, Object after) {
        return changeIf(!Objects.equals(before, after), label, before, after);
    }

    ImportChanges changeIf(boolean changed, String label, Object before, Object after) {
        if (changed) parts.add(label + " " + (before == null ? "none" : before) + " → " + (after == null ? "none" : after));
        return this;
    }

    /** Just "label" when the values differ (for values too long or too technical to show). */
    ImportChanges flag(String label, Object before, Object after) {
        if (!Objects.equals(before, after)) parts.add(label);
        return this;
    }

    /** Empty when nothing changes. */
    String text() {
        return String.join(", ", parts);
    }
}
