package io.roomsync.notify;

import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A message to one person, shown in the app and e-mailed when SMTP is configured. */
@Entity
@Table(name = "notification")
public class Notification {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    public Long tenantId;
    public Long userId;
    public String kind;
    public String title;
    public String body;
    /** Where in the app the matter is seen or fixed (a path such as /admin/sync/events/12). */
    public String link;
    public Instant createdAt;
    public Instant readAt;
    public Instant emailedAt;
}
