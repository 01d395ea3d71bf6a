package io.roomsync.calendar;

import io.roomsync.audit.AuditLog;
import io.roomsync.common.ConflictException;
import io.roomsync.common.NotFoundException;
import io.roomsync.common.ValidationException;
import io.roomsync.db.Tx;
import io.roomsync.location.Reservable;
import io.roomsync.location.ReservableKind;
import io.roomsync.tenant.CurrentUser;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.hibernate.Session;

/**
 * Reservable sync configurations: which room syncs with which provider's room mailbox. Created inactive;
 * Activate/Deactivate (one or many) create and delete the Graph subscription through {@link SubscriptionService}.
 * The room's mailbox e-mail and the configuration's must agree: saving fills an empty one on the room and refuses
 * a different one. A configuration of an inactive provider can be neither activated nor deactivated.
 */
public final class SyncConfigurationService {
    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");
    private static final String ENTITY = "sync_configuration";

    public record Input(Long reservableId, Long providerId, String mailboxEmail, Boolean noRequest) {}

    /** A configuration with what the list shows next to it. */
    public record View(SyncConfiguration configuration, String roomName, String providerName, boolean providerActive,
                       SubscriptionStatus subscriptionStatus, Long subscriptionId, Instant expiresAt, String lastError) {}

    private final Tx tx;
    private final AuditLog audit;
    private final Clock clock;
    private final SubscriptionService subscriptions;

    public SyncConfigurationService(Tx tx, AuditLog audit, Clock clock, SubscriptionService subscriptions) {
        this.tx = tx;
        this.audit = audit;
        this.clock = clock;
        this.subscriptions = subscriptions;
    }

    public record Option(long id, String label) {}

    /** Rooms and providers a configuration can use. */
    public record Options(List<Option> rooms, List<Option> providers) {}

    public Options options(long tenantId) {
        return tx.call(s -> new Options(
                s.createSelectionQuery("select r.id, r.name, r.email from Reservable r where r.tenantId = :t and r.kind = :room order by r.name",
                                Object[].class).setParameter("t", tenantId).setParameter("room", ReservableKind.ROOM).getResultList().stream()
                        .map(r -> new Option((Long) r[0], r[2] == null ? (String) r[1] : r[1] + " (" + r[2] + ")")).toList(),
                s.createSelectionQuery("select p.id, p.name, p.active from CalendarProvider p where p.tenantId = :t order by p.name",
                                Object[].class).setParameter("t", tenantId).getResultList().stream()
                        .map(r -> new Option((Long) r[0], Boolean.TRUE.equals(r[2]) ? (String) r[1] : r[1] + " (inactive)")).toList()));
    }

    public List<View> list(long tenantId) {
        return tx.call(s -> {
            List<Object[]> rows = s.createSelectionQuery("""
                    select c, r.name, p.name, p.active from SyncConfiguration c join Reservable r on r.id = c.reservableId
                    join CalendarProvider p on p.id = c.providerId where c.tenantId = :t order by r.name""", Object[].class)
                    .setParameter("t", tenantId).getResultList();
            List<View> out = new ArrayList<>();
            for (Object[] r : rows) out.add(view(s, (SyncConfiguration) r[0], (String) r[1], (String) r[2], (Boolean) r[3]));
            return out;
        });
    }

    public View get(long tenantId, long id) {
        return tx.call(s -> {
            SyncConfiguration c = find(s, tenantId, id);
            Reservable room = s.find(Reservable.class, c.reservableId);
            CalendarProvider p = s.find(CalendarProvider.class, c.providerId);
            return view(s, c, room.name, p.name, p.active);
        });
    }

    private static View view(Session s, SyncConfiguration c, String room, String provider, boolean providerActive) {
        Subscription sub = SubscriptionService.subscriptionOf(s, c.id);
        return new View(c, room, provider, providerActive, sub == null ? null : sub.status, sub == null ? null : sub.id,
                sub == null ? null : sub.expiresAt, sub == null ? null : sub.lastError);
    }

    public SyncConfiguration create(CurrentUser user, String source, Input in) {
        return tx.call(s -> {
            SyncConfiguration c = new SyncConfiguration();
            c.tenantId = user.tenant();
            apply(s, user, c, in, null);
            c.active = false;
            c.createdAt = c.updatedAt = clock.instant();
            s.persist(c);
            audit.record(s, user, source, null, ENTITY, c.id, "create", new AuditLog.Changes()
                    .field("reservableId", null, c.reservableId).field("providerId", null, c.providerId)
                    .field("mailboxEmail", null, c.mailboxEmail).field("noRequest", null, c.noRequest));
            return c;
        });
    }

    /** Saves changes; the mailbox's stored delta state is cleared, so the next pull reads the whole window again. */
    public SyncConfiguration update(CurrentUser user, String source, long id, Input in) {
        return tx.call(s -> {
            SyncConfiguration c = find(s, user.tenant(), id);
            Long oldRoom = c.reservableId;
            Long oldProvider = c.providerId;
            String oldMailbox = c.mailboxEmail;
            boolean oldNoRequest = c.noRequest;
            apply(s, user, c, in, c.id);
            if (c.active && (!c.providerId.equals(oldProvider) || !c.mailboxLower.equals(oldMailbox.toLowerCase(Locale.ROOT))
                    || !c.reservableId.equals(oldRoom))) {
                throw new ValidationException("mailboxEmail", "Deactivate the configuration before changing its room, provider or mailbox.");
            }
            c.updatedAt = clock.instant();
            Subscription sub = SubscriptionService.subscriptionOf(s, c.id);
            if (sub != null) {
                sub.deltaLink = null;
                sub.updatedAt = clock.instant();
            }
            audit.record(s, user, source, null, ENTITY, c.id, "update", new AuditLog.Changes()
                    .field("reservableId", oldRoom, c.reservableId).field("providerId", oldProvider, c.providerId)
                    .field("mailboxEmail", oldMailbox, c.mailboxEmail).field("noRequest", oldNoRequest, c.noRequest));
            return c;
        });
    }

    /** Deletes an inactive configuration. */
    public void delete(CurrentUser user, String source, long id) {
        tx.run(s -> {
            SyncConfiguration c = find(s, user.tenant(), id);
            if (c.active) throw new ConflictException("Deactivate the sync configuration before deleting it.");
            Subscription sub = SubscriptionService.subscriptionOf(s, c.id);
            if (sub != null) {
                s.createMutationQuery("delete from InboxItem where subscriptionId = :id").setParameter("id", sub.id).executeUpdate();
                s.remove(sub);
            }
            s.remove(c);
            audit.record(s, user, source, null, ENTITY, id, "delete", null);
        });
    }

    public SubscriptionService.Outcome activate(CurrentUser user, String source, long id) {
        checkProvider(user.tenant(), id, "activated");
        audited(user, source, id, "activate");
        return subscriptions.activate(user.tenant(), id);
    }

    public SubscriptionService.Outcome deactivate(CurrentUser user, String source, long id) {
        checkProvider(user.tenant(), id, "deactivated");
        audited(user, source, id, "deactivate");
        return subscriptions.deactivate(user.tenant(), id);
    }

    /** Activates or deactivates several configurations; each succeeds or fails on its own. */
    public List<SubscriptionService.Outcome> bulk(CurrentUser user, String source, List<Long> ids, boolean activate) {
        List<SubscriptionService.Outcome> out = new ArrayList<>();
        for (Long id : ids) {
            try {
                out.add(activate ? activate(user, source, id) : deactivate(user, source, id));
            } catch (ConflictException | NotFoundException e) {
                out.add(new SubscriptionService.Outcome(id, false, e.getMessage()));
            }
        }
        return out;
    }

    private void checkProvider(long tenantId, long id, String verb) {
        tx.run(s -> {
            SyncConfiguration c = find(s, tenantId, id);
            CalendarProvider p = s.find(CalendarProvider.class, c.providerId);
            if (!p.active) {
                throw new ConflictException("The provider \"" + p.name + "\" is inactive: configurations of an inactive provider "
                        + "can't be " + verb + ". Activate the provider first.");
            }
        });
    }

    private void audited(CurrentUser user, String source, long id, String action) {
        tx.run(s -> audit.record(s, user, source, null, ENTITY, id, action, null));
    }

    private void apply(Session s, CurrentUser user, SyncConfiguration c, Input in, Long selfId) {
        ValidationException.Errors errors = new ValidationException.Errors();
        Reservable room = null;
        if (in.reservableId() == null) {
            errors.add("reservableId", "Choose a room.");
        } else {
            room = s.find(Reservable.class, in.reservableId());
            if (room == null || !room.tenantId.equals(user.tenant())) {
                errors.add("reservableId", "Choose a room.");
                room = null;
            } else if (room.kind != ReservableKind.ROOM) {
                errors.add("reservableId", "Only rooms have a mailbox to sync with.");
            } else {
                Long taken = s.createSelectionQuery("select id from SyncConfiguration where reservableId = :r", Long.class)
                        .setParameter("r", room.id).uniqueResult();
                if (taken != null && !taken.equals(selfId)) errors.add("reservableId", "This room already has a sync configuration.");
            }
        }
        CalendarProvider provider = in.providerId() == null ? null : s.find(CalendarProvider.class, in.providerId());
        if (provider == null || !provider.tenantId.equals(user.tenant())) errors.add("providerId", "Choose a calendar provider.");
        String email = in.mailboxEmail() == null ? "" : in.mailboxEmail().trim();
        if (email.isEmpty() && room != null && room.email != null) email = room.email.trim();
        if (email.isEmpty()) {
            errors.add("mailboxEmail", "Enter the room mailbox's e-mail address.");
        } else if (email.length() > 320 || !EMAIL.matcher(email).matches()) {
            errors.add("mailboxEmail", "Enter a valid e-mail address.");
        } else if (room != null && room.email != null && !room.email.isBlank() && !room.email.trim().equalsIgnoreCase(email)) {
            errors.add("mailboxEmail", "The room's mailbox e-mail is " + room.email.trim()
                    + "; the sync configuration must use the same address (or change the room's e-mail first).");
        } else if (provider != null) {
            Long taken = s.createSelectionQuery("select id from SyncConfiguration where providerId = :p and mailboxLower = :m", Long.class)
                    .setParameter("p", provider.id).setParameter("m", email.toLowerCase(Locale.ROOT)).uniqueResult();
            if (taken != null && !taken.equals(selfId)) errors.add("mailboxEmail", "Another room already syncs with this mailbox.");
        }
        errors.throwIfAny();
        if (room.email == null || room.email.isBlank()) room.email = email;
        c.reservableId = room.id;
        c.providerId = provider.id;
        c.mailboxEmail = email;
        c.mailboxLower = email.toLowerCase(Locale.ROOT);
        c.noRequest = Boolean.TRUE.equals(in.noRequest());
    }

    private static SyncConfiguration find(Session s, long tenantId, long id) {
        SyncConfiguration c = s.find(SyncConfiguration.class, id);
        if (c == null || c.tenantId != tenantId) throw new NotFoundException("Sync configuration");
        return c;
    }
}
