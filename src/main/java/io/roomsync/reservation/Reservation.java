package io.roomsync.reservation;

import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;

/** A booking of one reservable for a time span. Times are UTC instants; timeZone is the zone they were entered in. */
// Dynamic updates: sync workers set the sync columns with bulk updates meanwhile; a person's edit writes only what
// it changed, so it never puts back stale sync columns.
@Entity
@org.hibernate.annotations.DynamicUpdate
@Table(name = "reservation")
public class Reservation {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    public Long tenantId;
    public Long reservableId;
    public Long requestedById;
    public Long requestedForId;
    public String externalOrganizerEmail;
    public String externalOrganizerName;
    public String subject;
    public String notes;
    public Instant startAt;
    public Instant endAt;
    public String timeZone;
    public boolean allDay;
    @Enumerated(EnumType.STRING)
    public ReservationState state;
    @Enumerated(EnumType.STRING)
    public ReservationType reservationType = ReservationType.NORMAL;
    public Long parentId;
    public String seriesId;
    @Enumerated(EnumType.STRING)
    public Source createdSource;
    public String createdSubSource;
    @Enumerated(EnumType.STRING)
    public Source updatedSource;
    public String updatedSubSource;
    @Enumerated(EnumType.STRING)
    public SyncState syncState = SyncState.NOT_SYNCED;
    @Enumerated(EnumType.STRING)
    public SyncMailbox syncMailbox;
    public String externalEventId;
    public String externalIcalUid;
    /** The id of the room mailbox's copy of the meeting (inbound sync finds removed copies by it). */
    public String roomEventId;
    /** When it last started waiting for the room's answer: the confirmation time limits count from here. */
    public Instant awaitingSince;
    public Instant createdAt;
    public Instant updatedAt;
    @Version
    public long version;

    /** The room's mailbox has to accept it (again): the confirmation time limits start over. */
    public void awaitConfirmation(Instant now) {
        state = ReservationState.AWAITING_CONFIRMATION;
        awaitingSince = now;
    }
}
