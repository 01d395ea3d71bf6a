package io.roomsync.location;

import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.time.ZoneId;

@Entity
@Table(name = "building")
public class Building {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    public Long tenantId;
    public String name;
    /** IANA time zone; reservation times in this building are entered and shown in it. */
    public String timeZone;
    public String address;
    public Instant createdAt;

    public ZoneId zone() {
        return ZoneId.of(timeZone);
    }
}
