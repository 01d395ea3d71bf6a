package io.roomsync.location;

import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A reservable module (Rooms, Desks, ...) and the booking options its reservables share. */
@Entity
@Table(name = "reservable_module")
public class ReservableModule {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    public Long tenantId;
    public String name;
    @Enumerated(EnumType.STRING)
    public ReservableKind kind;
    @Enumerated(EnumType.STRING)
    public ShowAs showAs = ShowAs.BUSY;
    public boolean groupReservations;
    public boolean checkInRequired;
    public int maxDurationMinutes = 480;
    public int bookingWindowDays = 90;
}
