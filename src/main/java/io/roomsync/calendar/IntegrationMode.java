package io.roomsync.calendar;

import io.roomsync.tenant.TenantProperty;
import java.util.Locale;
import org.hibernate.Session;

/**
 * The tenant's sync integration mode (tenant property {@code sync_integration_mode}), as far as providers care:
 * which connections an active provider needs. Normal writes with the app-only connection; Strict writes into the
 * delegated user's mailbox with the delegated connection; Personal uses users' own tokens (obtained through the
 * delegated connection's app registration), the delegated mailbox and the app-only connection for system changes.
 */
public enum IntegrationMode {
    NORMAL, STRICT, PERSONAL;

    public static final String PROPERTY = "sync_integration_mode";

    /** Normal, Strict or Personal in any case. */
    public static IntegrationMode parse(String mode) {
        if (mode == null || mode.isBlank()) return NORMAL;
        try {
            return valueOf(mode.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown integration mode '" + mode + "' (Normal, Strict or Personal)");
        }
    }

    /** The tenant's stored mode; Normal when unset or unreadable (the properties page validates what it stores). */
    public static IntegrationMode of(Session s, long tenantId) {
        TenantProperty p = s.find(TenantProperty.class, new TenantProperty.Key(tenantId, PROPERTY));
        try {
            return p == null ? NORMAL : parse(p.value);
        } catch (IllegalArgumentException e) {
            return NORMAL;
        }
    }

    public String label() {
        return name().charAt(0) + name().substring(1).toLowerCase(Locale.ROOT);
    }

    public boolean needs(ConnectionKind kind) {
        return kind == ConnectionKind.APP_ONLY ? this != STRICT : this != NORMAL;
    }

    public boolean needsDelegatedUser() {
        return this != NORMAL;
    }
}
