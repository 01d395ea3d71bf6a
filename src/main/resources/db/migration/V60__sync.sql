-- Two-way sync: which rooms sync with which provider's mailbox, the Graph subscription that tells us about changes
-- in each room mailbox, and the sync events (outbox + work log) of every create/update/delete/read.

CREATE TABLE sync_configuration (
    id BIGINT AUTO_INCREMENT PRIMARY KEY,
    tenant_id BIGINT NOT NULL,
    reservable_id BIGINT NOT NULL,
    provider_id BIGINT NOT NULL,
    mailbox_email VARCHAR(320) NOT NULL,
    mailbox_lower VARCHAR(320) NOT NULL,
    active BOOLEAN NOT NULL,
    -- build and store the Graph payloads, send nothing
    no_request BOOLEAN NOT NULL,
    created_at DATETIME(6) NOT NULL,
    updated_at DATETIME(6) NOT NULL,
    version BIGINT NOT NULL,
    CONSTRAINT uq_sync_configuration_reservable UNIQUE (reservable_id),
    CONSTRAINT uq_sync_configuration_mailbox UNIQUE (provider_id, mailbox_lower),
    CONSTRAINT fk_sync_configuration_tenant FOREIGN KEY (tenant_id) REFERENCES tenant (id),
    CONSTRAINT fk_sync_configuration_reservable FOREIGN KEY (reservable_id) REFERENCES reservable (id),
    CONSTRAINT fk_sync_configuration_provider FOREIGN KEY (provider_id) REFERENCES calendar_provider (id)
);
CREATE INDEX ix_sync_configuration_tenant ON sync_configuration (tenant_id, active);

CREATE TABLE subscription (
    id BIGINT AUTO_INCREMENT PRIMARY KEY,
    tenant_id BIGINT NOT NULL,
    sync_configuration_id BIGINT NOT NULL,
    provider_id BIGINT NOT NULL,
    mailbox_lower VARCHAR(320) NOT NULL,
    -- Graph's subscription id; NULL until Graph created it
    graph_subscription_id VARCHAR(100) NULL,
    resource VARCHAR(500) NULL,
    change_type VARCHAR(100) NULL,
    -- as Graph returned it (Graph may shorten what we asked for)
    expires_at DATETIME(6) NULL,
    status VARCHAR(16) NOT NULL,
    -- SHA-256 (hex) of the random client state sent to Graph; notifications are checked against it
    client_state_hash CHAR(64) NULL,
    last_renewed_at DATETIME(6) NULL,
    last_error TEXT NULL,
    last_error_at DATETIME(6) NULL,
    failed_since DATETIME(6) NULL,
    last_digest_at DATETIME(6) NULL,
    last_notification_at DATETIME(6) NULL,
    sync_start DATE NULL,
    sync_end DATE NULL,
    -- calendarView/delta state of the room mailbox; NULL = the next pull is a full-window sync
    delta_link TEXT NULL,
    last_delta_at DATETIME(6) NULL,
    created_at DATETIME(6) NOT NULL,
    updated_at DATETIME(6) NOT NULL,
    version BIGINT NOT NULL,
    CONSTRAINT uq_subscription_configuration UNIQUE (sync_configuration_id),
    CONSTRAINT uq_subscription_graph_id UNIQUE (graph_subscription_id),
    CONSTRAINT fk_subscription_tenant FOREIGN KEY (tenant_id) REFERENCES tenant (id),
    CONSTRAINT fk_subscription_configuration FOREIGN KEY (sync_configuration_id) REFERENCES sync_configuration (id)
);
CREATE INDEX ix_subscription_expiry ON subscription (status, expires_at);
CREATE INDEX ix_subscription_mailbox ON subscription (provider_id, mailbox_lower);

CREATE TABLE sync_event (
    id BIGINT AUTO_INCREMENT PRIMARY KEY,
    tenant_id BIGINT NOT NULL,
    reservation_id BIGINT NULL,
    sync_configuration_id BIGINT NULL,
    provider_id BIGINT NULL,
    -- the mailbox the call goes to (the organizer's or the room's)
    mailbox VARCHAR(320) NULL,
    direction VARCHAR(8) NOT NULL,
    event_type VARCHAR(8) NOT NULL,
    state VARCHAR(12) NOT NULL,
    attempts INT NOT NULL,
    next_attempt_at DATETIME(6) NOT NULL,
    claimed_by VARCHAR(100) NULL,
    claimed_until DATETIME(6) NULL,
    -- the reservation as we saw it (JSON), the Graph request body, Graph's answer
    our_payload MEDIUMTEXT NULL,
    provider_payload MEDIUMTEXT NULL,
    provider_response MEDIUMTEXT NULL,
    error_message TEXT NULL,
    -- NOT_SENT (failed before Graph answered) or REJECTED (Graph refused it)
    error_origin VARCHAR(12) NULL,
    graph_request_id VARCHAR(100) NULL,
    external_event_id VARCHAR(500) NULL,
    created_at DATETIME(6) NOT NULL,
    updated_at DATETIME(6) NOT NULL,
    processed_at DATETIME(6) NULL,
    CONSTRAINT fk_sync_event_tenant FOREIGN KEY (tenant_id) REFERENCES tenant (id)
);
CREATE INDEX ix_sync_event_due ON sync_event (state, next_attempt_at);
CREATE INDEX ix_sync_event_tenant_time ON sync_event (tenant_id, created_at);
CREATE INDEX ix_sync_event_reservation ON sync_event (reservation_id, id);

-- Raw webhook items, durable before Graph gets its 202; claimed by workers (SKIP LOCKED) and deleted once handled.
-- kind: CHANGE (a created/updated/deleted notification), LIFECYCLE (reauthorizationRequired, subscriptionRemoved,
-- missed), RESYNC (pull the mailbox's delta although no notification came, e.g. after missed).
CREATE TABLE inbox_item (
    id BIGINT AUTO_INCREMENT PRIMARY KEY,
    tenant_id BIGINT NOT NULL,
    subscription_id BIGINT NOT NULL,
    kind VARCHAR(12) NOT NULL,
    change_type VARCHAR(16) NULL,
    lifecycle_event VARCHAR(40) NULL,
    -- Graph's resource id of the changed event, when given
    resource_id VARCHAR(500) NULL,
    received_at DATETIME(6) NOT NULL,
    attempts INT NOT NULL,
    next_attempt_at DATETIME(6) NOT NULL,
    claimed_by VARCHAR(100) NULL,
    claimed_until DATETIME(6) NULL
);
CREATE INDEX ix_inbox_item_due ON inbox_item (kind, next_attempt_at);
CREATE INDEX ix_inbox_item_subscription ON inbox_item (subscription_id);

-- In-app notifications to people (sync admins, the user whose reservation was rejected); e-mailed when SMTP is set.
CREATE TABLE notification (
    id BIGINT AUTO_INCREMENT PRIMARY KEY,
    tenant_id BIGINT NOT NULL,
    user_id BIGINT NOT NULL,
    kind VARCHAR(40) NOT NULL,
    title VARCHAR(300) NOT NULL,
    body TEXT NULL,
    link VARCHAR(500) NULL,
    created_at DATETIME(6) NOT NULL,
    read_at DATETIME(6) NULL,
    emailed_at DATETIME(6) NULL,
    CONSTRAINT fk_notification_user FOREIGN KEY (user_id) REFERENCES app_user (id)
);
CREATE INDEX ix_notification_user ON notification (user_id, read_at, created_at);
