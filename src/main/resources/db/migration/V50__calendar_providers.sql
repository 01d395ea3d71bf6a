-- Calendar providers and the connections (credentials) they use to reach Microsoft Graph.
-- Columns ending in _enc hold secrets sealed by SecretBox (AES-GCM under the master key, "v1:..."); they are
-- re-encrypted by --rotate-master-key and never leave the server in pages or API responses.

CREATE TABLE calendar_connection (
    id BIGINT AUTO_INCREMENT PRIMARY KEY,
    tenant_id BIGINT NOT NULL,
    name VARCHAR(100) NOT NULL,
    name_lower VARCHAR(100) NOT NULL,
    kind VARCHAR(16) NOT NULL,
    client_id VARCHAR(36) NOT NULL,
    credential_type VARCHAR(16) NOT NULL,
    client_secret_enc TEXT NULL,
    certificate_format VARCHAR(8) NULL,
    certificate_enc MEDIUMTEXT NULL,
    certificate_password_enc TEXT NULL,
    certificate_subject VARCHAR(500) NULL,
    certificate_thumbprint VARCHAR(64) NULL,
    certificate_not_after DATETIME(6) NULL,
    redirect_uri VARCHAR(500) NULL,
    tenant_default BOOLEAN NOT NULL,
    -- equals kind while this is the tenant's default connection of that kind, else NULL: the unique key below
    -- then allows one default per kind and tenant (NULLs never collide)
    default_kind VARCHAR(16) NULL,
    secret_updated_at DATETIME(6) NULL,
    created_at DATETIME(6) NOT NULL,
    updated_at DATETIME(6) NOT NULL,
    CONSTRAINT uq_connection_name UNIQUE (tenant_id, name_lower),
    CONSTRAINT uq_connection_default UNIQUE (tenant_id, default_kind),
    CONSTRAINT fk_connection_tenant FOREIGN KEY (tenant_id) REFERENCES tenant (id)
);

CREATE TABLE calendar_provider (
    id BIGINT AUTO_INCREMENT PRIMARY KEY,
    tenant_id BIGINT NOT NULL,
    name VARCHAR(100) NOT NULL,
    name_lower VARCHAR(100) NOT NULL,
    description VARCHAR(1000) NULL,
    active BOOLEAN NOT NULL,
    processor VARCHAR(32) NOT NULL,
    cloud VARCHAR(32) NOT NULL,
    custom_authority_host VARCHAR(255) NULL,
    custom_graph_base_url VARCHAR(500) NULL,
    entra_tenant_id VARCHAR(255) NOT NULL,
    -- NULL = the tenant's default connection of the matching kind
    system_connection_id BIGINT NULL,
    delegated_connection_id BIGINT NULL,
    delegated_user_email VARCHAR(320) NULL,
    trusted_ca_pem MEDIUMTEXT NULL,
    proxy_host VARCHAR(255) NULL,
    proxy_port INT NULL,
    proxy_user VARCHAR(200) NULL,
    proxy_password_enc TEXT NULL,
    proxy_password_updated_at DATETIME(6) NULL,
    sync_past_reservations BOOLEAN NOT NULL,
    sync_start DATE NULL,
    sync_end DATE NULL,
    created_at DATETIME(6) NOT NULL,
    updated_at DATETIME(6) NOT NULL,
    CONSTRAINT uq_provider_name UNIQUE (tenant_id, name_lower),
    CONSTRAINT fk_provider_tenant FOREIGN KEY (tenant_id) REFERENCES tenant (id),
    CONSTRAINT fk_provider_system_connection FOREIGN KEY (system_connection_id) REFERENCES calendar_connection (id),
    CONSTRAINT fk_provider_delegated_connection FOREIGN KEY (delegated_connection_id) REFERENCES calendar_connection (id)
);
CREATE INDEX ix_provider_tenant ON calendar_provider (tenant_id);
