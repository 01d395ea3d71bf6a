package io.roomsync.reservation;

import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** Someone invited to a reservation: a tenant user (userId set) or a visitor known by e-mail only. */
@Entity
@Table(name = "reservation_attendee")
public class Attendee {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    public Long reservationId;
    public Long userId;
    public String email;
    public String displayName;
}
