package io.roomsync.location;

import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** A room, desk or other space that can be reserved. */
@Entity
@Table(name = "reservable")
public class Reservable {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    public Long tenantId;
    public Long buildingId;
    public Long floorId;
    public Long moduleId;
    @Enumerated(EnumType.STRING)
    public ReservableKind kind;
    public String name;
    public int capacity;
    /** Equipment tags, lower case, comma separated ("display,video,whiteboard"). */
    public String equipment = "";
    /** The room mailbox in Exchange, if any. */
    public String email;
    public boolean active = true;
    /** The longest meeting this room has held, in minutes, when longer than the portal allows (booked in Outlook). */
    public Integer longestReservationMinutes;
    public Instant createdAt;

    public List<String> equipmentTags() {
        if (equipment == null || equipment.isBlank()) return List.of();
        return Arrays.stream(equipment.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    public void setEquipmentTags(List<String> tags) {
        this.equipment = tags.stream().map(t -> t.trim().toLowerCase(Locale.ROOT)).filter(t -> !t.isEmpty())
                .distinct().sorted().collect(Collectors.joining(","));
    }
}
