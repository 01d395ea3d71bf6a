package io.roomsync.sandbox;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Everything the sandbox knows: the directory and each mailbox's calendar. One monitor (this object) guards all of
 * it; nothing slow (HTTP out, waiting) happens while holding it. Every change to a calendar gets the next number of
 * one global change sequence, which delta links and notifications are built on.
 */
final class SandboxState {
    enum Change { CREATED, UPDATED, DELETED }

    interface ChangeListener {
        /** Called under the lock; must only enqueue work. */
        void changed(Directory.Mailbox mailbox, String eventId, String changeKey, Change change);
    }

    final SandboxClock clock;
    final Directory directory = new Directory();
    private final Map<String, MailboxCalendar> calendars = new HashMap<>();
    private final List<ChangeListener> listeners = new CopyOnWriteArrayList<>();
    private long sequence;

    SandboxState(SandboxClock clock) {
        this.clock = clock;
    }

    /** Events and tombstones of one mailbox. */
    static final class MailboxCalendar {
        final Map<String, SandboxEvent> events = new LinkedHashMap<>();
        /** Deleted event id -> the change number of its deletion (delta answers @removed for these). */
        final Map<String, Long> tombstones = new LinkedHashMap<>();

        Collection<SandboxEvent> all() {
            return new ArrayList<>(events.values());
        }
    }

    Instant now() {
        return clock.instant();
    }

    synchronized MailboxCalendar calendar(String mailboxId) {
        return calendars.computeIfAbsent(mailboxId, k -> new MailboxCalendar());
    }

    synchronized long sequence() {
        return sequence;
    }

    void addListener(ChangeListener listener) {
        listeners.add(listener);
    }

    /** Stores a new event or records a change of one, stamping change number, change key and modification time. */
    synchronized void saved(SandboxEvent event, Change change) {
        MailboxCalendar cal = calendar(event.mailboxId);
        event.changeSeq = ++sequence;
        event.changeKey = Ids.changeKey();
        event.lastModified = now();
        cal.events.put(event.id, event);
        cal.tombstones.remove(event.id);
        fire(event.mailboxId, event.id, event.changeKey, change);
    }

    synchronized void removed(SandboxEvent event) {
        MailboxCalendar cal = calendar(event.mailboxId);
        if (cal.events.remove(event.id) == null) return;
        cal.tombstones.put(event.id, ++sequence);
        fire(event.mailboxId, event.id, event.changeKey, Change.DELETED);
    }

    /** Records that an instance of a series (never stored itself) is gone, for delta; its master carries the notification. */
    synchronized void instanceRemoved(String mailboxId, String instanceId) {
        MailboxCalendar cal = calendar(mailboxId);
        if (cal.events.containsKey(instanceId)) return;
        cal.tombstones.put(instanceId, ++sequence);
    }

    /** A stored event that calendarView no longer shows as itself (a single instance that became a series master). */
    synchronized void leftView(String mailboxId, String eventId) {
        calendar(mailboxId).tombstones.put(eventId, ++sequence);
    }

    private void fire(String mailboxId, String eventId, String changeKey, Change change) {
        Directory.Mailbox mailbox = directory.mailbox(mailboxId).orElse(null);
        if (mailbox == null) return;
        for (ChangeListener l : listeners) l.changed(mailbox, eventId, changeKey, change);
    }

    synchronized SandboxEvent event(String mailboxId, String eventId) {
        return calendar(mailboxId).events.get(eventId);
    }

    /** Events of every mailbox with this iCalUId (organizer copy, room copies). */
    synchronized List<SandboxEvent> byICalUId(String iCalUId) {
        List<SandboxEvent> out = new ArrayList<>();
        for (MailboxCalendar c : calendars.values()) {
            for (SandboxEvent e : c.events.values()) if (e.iCalUId.equals(iCalUId)) out.add(e);
        }
        return out;
    }

    synchronized Map<String, MailboxCalendar> calendarsView() {
        return new HashMap<>(calendars);
    }

    /** For snapshots: puts a stored event back without counting it as a change. */
    synchronized void restore(SandboxEvent event) {
        calendar(event.mailboxId).events.put(event.id, event);
    }

    synchronized void restoreTombstone(String mailboxId, String eventId, long seq) {
        calendar(mailboxId).tombstones.put(eventId, seq);
    }

    /** For snapshots: restores the sequence after loading. */
    synchronized void restoreSequence(long value) {
        sequence = Math.max(sequence, value);
    }
}
