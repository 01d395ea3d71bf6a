-- The public base URL Graph calls back (per tenant; NULL = ROOMSYNC_BASE_URL), and the webhook items that were
-- dropped, counted per tenant and day (tenant_id 0 = items of unknown subscriptions, which belong to no tenant).

CREATE TABLE webhook_registry (
    tenant_id BIGINT PRIMARY KEY,
    callback_base_url VARCHAR(500) NULL,
    updated_at DATETIME(6) NOT NULL,
    CONSTRAINT fk_webhook_registry_tenant FOREIGN KEY (tenant_id) REFERENCES tenant (id)
);

CREATE TABLE webhook_drop_count (
    id BIGINT AUTO_INCREMENT PRIMARY KEY,
    tenant_id BIGINT NOT NULL,
    count_date DATE NOT NULL,
    -- FORGED (wrong client state), UNKNOWN (no such subscription), MALFORMED
    reason VARCHAR(12) NOT NULL,
    dropped BIGINT NOT NULL,
    CONSTRAINT uq_webhook_drop_count UNIQUE (tenant_id, count_date, reason)
);
