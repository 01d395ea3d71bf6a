package io.roomsync.calendar;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A tenant's public callback base URL for Graph (null: the installation's ROOMSYNC_BASE_URL). */
@Entity
@Table(name = "webhook_registry")
public class WebhookRegistration {
    @Id
    public Long tenantId;
    public String callbackBaseUrl;
    public Instant updatedAt;
}
