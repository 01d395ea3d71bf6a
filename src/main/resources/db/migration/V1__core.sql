-- Core schema. Runs unchanged on H2 (MySQL mode), MariaDB 10.11 and MySQL 8: no '#' comments, BOOLEAN for flags,
-- DATETIME(6) holding UTC instants.

CREATE TABLE tenant (
    id BIGINT AUTO_INCREMENT PRIMARY KEY,
    name VARCHAR(200) NOT NULL,
    slug VARCHAR(64) NOT NULL,
    created_at DATETIME(6) NOT NULL,
    CONSTRAINT uq_tenant_slug UNIQUE (slug)
);

CREATE TABLE tenant_property (
    tenant_id BIGINT NOT NULL,
    name VARCHAR(100) NOT NULL,
    prop_value VARCHAR(1000) NOT NULL,
    PRIMARY KEY (tenant_id, name),
    CONSTRAINT fk_tenant_property_tenant FOREIGN KEY (tenant_id) REFERENCES tenant (id)
);

-- Users of a tenant; platform operators have no tenant.
CREATE TABLE app_user (
    id BIGINT AUTO_INCREMENT PRIMARY KEY,
    tenant_id BIGINT NULL,
    email VARCHAR(320) NOT NULL,
    email_lower VARCHAR(320) NOT NULL,
    display_name VARCHAR(200) NOT NULL,
    time_zone VARCHAR(64) NULL,
    roles VARCHAR(200) NOT NULL,
    password_hash VARCHAR(255) NULL,
    active BOOLEAN NOT NULL,
    created_at DATETIME(6) NOT NULL,
    CONSTRAINT uq_user_tenant_email UNIQUE (tenant_id, email_lower),
    CONSTRAINT fk_user_tenant FOREIGN KEY (tenant_id) REFERENCES tenant (id)
);
CREATE INDEX ix_user_email ON app_user (email_lower);

-- Server-side sessions, shared by every node. id is the SHA-256 of the cookie value.
CREATE TABLE user_session (
    id VARCHAR(64) PRIMARY KEY,
    user_id BIGINT NOT NULL,
    tenant_id BIGINT NULL,
    csrf_token VARCHAR(64) NOT NULL,
    created_at DATETIME(6) NOT NULL,
    last_seen_at DATETIME(6) NOT NULL,
    expires_at DATETIME(6) NOT NULL,
    CONSTRAINT fk_session_user FOREIGN KEY (user_id) REFERENCES app_user (id)
);
CREATE INDEX ix_session_user ON user_session (user_id);
CREATE INDEX ix_session_expires ON user_session (expires_at);

-- Failed sign-in counters per account and per client address; key_hash is the SHA-256 of the key.
CREATE TABLE login_throttle (
    key_hash VARCHAR(64) PRIMARY KEY,
    failures INT NOT NULL,
    window_started_at DATETIME(6) NOT NULL,
    locked_until DATETIME(6) NULL
);

-- One-time links (operator set-up, password set-up); token_hash is the SHA-256 of the token.
CREATE TABLE one_time_token (
    token_hash VARCHAR(64) PRIMARY KEY,
    purpose VARCHAR(32) NOT NULL,
    user_id BIGINT NULL,
    expires_at DATETIME(6) NOT NULL,
    used_at DATETIME(6) NULL,
    created_at DATETIME(6) NOT NULL
);

-- Personal access tokens for the REST API, stored hashed.
CREATE TABLE api_token (
    id BIGINT AUTO_INCREMENT PRIMARY KEY,
    tenant_id BIGINT NOT NULL,
    user_id BIGINT NOT NULL,
    name VARCHAR(100) NOT NULL,
    token_hash VARCHAR(64) NOT NULL,
    token_prefix VARCHAR(16) NOT NULL,
    created_at DATETIME(6) NOT NULL,
    last_used_at DATETIME(6) NULL,
    revoked_at DATETIME(6) NULL,
    CONSTRAINT uq_api_token_hash UNIQUE (token_hash),
    CONSTRAINT fk_api_token_user FOREIGN KEY (user_id) REFERENCES app_user (id),
    CONSTRAINT fk_api_token_tenant FOREIGN KEY (tenant_id) REFERENCES tenant (id)
);

CREATE TABLE building (
    id BIGINT AUTO_INCREMENT PRIMARY KEY,
    tenant_id BIGINT NOT NULL,
    name VARCHAR(200) NOT NULL,
    time_zone VARCHAR(64) NOT NULL,
    address VARCHAR(500) NULL,
    created_at DATETIME(6) NOT NULL,
    CONSTRAINT uq_building_name UNIQUE (tenant_id, name),
    CONSTRAINT fk_building_tenant FOREIGN KEY (tenant_id) REFERENCES tenant (id)
);

CREATE TABLE floor (
    id BIGINT AUTO_INCREMENT PRIMARY KEY,
    tenant_id BIGINT NOT NULL,
    building_id BIGINT NOT NULL,
    name VARCHAR(100) NOT NULL,
    level_number INT NOT NULL,
    CONSTRAINT uq_floor_name UNIQUE (building_id, name),
    CONSTRAINT fk_floor_building FOREIGN KEY (building_id) REFERENCES building (id)
);

-- Reservable modules (Rooms, Desks, ...) and their options.
CREATE TABLE reservable_module (
    id BIGINT AUTO_INCREMENT PRIMARY KEY,
    tenant_id BIGINT NOT NULL,
    name VARCHAR(100) NOT NULL,
    kind VARCHAR(16) NOT NULL,
    show_as VARCHAR(16) NOT NULL,
    group_reservations BOOLEAN NOT NULL,
    check_in_required BOOLEAN NOT NULL,
    max_duration_minutes INT NOT NULL,
    booking_window_days INT NOT NULL,
    CONSTRAINT uq_module_name UNIQUE (tenant_id, name),
    CONSTRAINT fk_module_tenant FOREIGN KEY (tenant_id) REFERENCES tenant (id)
);

CREATE TABLE reservable (
    id BIGINT AUTO_INCREMENT PRIMARY KEY,
    tenant_id BIGINT NOT NULL,
    building_id BIGINT NOT NULL,
    floor_id BIGINT NULL,
    module_id BIGINT NOT NULL,
    kind VARCHAR(16) NOT NULL,
    name VARCHAR(200) NOT NULL,
    capacity INT NOT NULL,
    equipment VARCHAR(1000) NOT NULL,
    email VARCHAR(320) NULL,
    active BOOLEAN NOT NULL,
    created_at DATETIME(6) NOT NULL,
    CONSTRAINT uq_reservable_name UNIQUE (building_id, name),
    CONSTRAINT uq_reservable_email UNIQUE (tenant_id, email),
    CONSTRAINT fk_reservable_building FOREIGN KEY (building_id) REFERENCES building (id),
    CONSTRAINT fk_reservable_floor FOREIGN KEY (floor_id) REFERENCES floor (id),
    CONSTRAINT fk_reservable_module FOREIGN KEY (module_id) REFERENCES reservable_module (id)
);
CREATE INDEX ix_reservable_tenant_building ON reservable (tenant_id, building_id);

CREATE TABLE reservation (
    id BIGINT AUTO_INCREMENT PRIMARY KEY,
    tenant_id BIGINT NOT NULL,
    reservable_id BIGINT NOT NULL,
    requested_by_id BIGINT NULL,
    requested_for_id BIGINT NULL,
    -- an organizer who is not a tenant user (meetings created in Outlook by outsiders)
    external_organizer_email VARCHAR(320) NULL,
    external_organizer_name VARCHAR(200) NULL,
    subject VARCHAR(255) NOT NULL,
    notes TEXT NULL,
    start_at DATETIME(6) NOT NULL,
    end_at DATETIME(6) NOT NULL,
    time_zone VARCHAR(64) NOT NULL,
    all_day BOOLEAN NOT NULL,
    state VARCHAR(32) NOT NULL,
    reservation_type VARCHAR(16) NOT NULL,
    parent_id BIGINT NULL,
    series_id VARCHAR(255) NULL,
    created_source VARCHAR(32) NOT NULL,
    created_sub_source VARCHAR(64) NULL,
    updated_source VARCHAR(32) NOT NULL,
    updated_sub_source VARCHAR(64) NULL,
    sync_state VARCHAR(32) NOT NULL,
    sync_mailbox VARCHAR(16) NULL,
    external_event_id VARCHAR(500) NULL,
    external_ical_uid VARCHAR(500) NULL,
    created_at DATETIME(6) NOT NULL,
    updated_at DATETIME(6) NOT NULL,
    version BIGINT NOT NULL,
    CONSTRAINT fk_reservation_tenant FOREIGN KEY (tenant_id) REFERENCES tenant (id),
    CONSTRAINT fk_reservation_reservable FOREIGN KEY (reservable_id) REFERENCES reservable (id),
    CONSTRAINT fk_reservation_requested_by FOREIGN KEY (requested_by_id) REFERENCES app_user (id),
    CONSTRAINT fk_reservation_requested_for FOREIGN KEY (requested_for_id) REFERENCES app_user (id)
);
CREATE INDEX ix_reservation_reservable_time ON reservation (reservable_id, start_at, end_at);
CREATE INDEX ix_reservation_tenant_time ON reservation (tenant_id, start_at);
CREATE INDEX ix_reservation_requested_for ON reservation (requested_for_id, start_at);
CREATE INDEX ix_reservation_ical_uid ON reservation (external_ical_uid);

CREATE TABLE reservation_attendee (
    id BIGINT AUTO_INCREMENT PRIMARY KEY,
    reservation_id BIGINT NOT NULL,
    user_id BIGINT NULL,
    email VARCHAR(320) NOT NULL,
    display_name VARCHAR(200) NULL,
    CONSTRAINT fk_attendee_reservation FOREIGN KEY (reservation_id) REFERENCES reservation (id) ON DELETE CASCADE
);
CREATE INDEX ix_attendee_reservation ON reservation_attendee (reservation_id);

-- Who changed what, when, from which source.
CREATE TABLE audit_entry (
    id BIGINT AUTO_INCREMENT PRIMARY KEY,
    tenant_id BIGINT NULL,
    actor_user_id BIGINT NULL,
    actor_label VARCHAR(320) NOT NULL,
    source VARCHAR(32) NOT NULL,
    sub_source VARCHAR(64) NULL,
    entity_type VARCHAR(64) NOT NULL,
    entity_id BIGINT NULL,
    action VARCHAR(32) NOT NULL,
    changes TEXT NULL,
    created_at DATETIME(6) NOT NULL
);
CREATE INDEX ix_audit_entity ON audit_entry (tenant_id, entity_type, entity_id);
CREATE INDEX ix_audit_time ON audit_entry (tenant_id, created_at);
