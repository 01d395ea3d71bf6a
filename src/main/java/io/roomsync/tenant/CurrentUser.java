package io.roomsync.tenant;

import java.util.Set;

/**
 * Who is making the request: signed in through a browser session or an API token. tenantId is null only for
 * platform operators. Every service call that touches tenant data takes the tenant from here.
 */
public record CurrentUser(long userId, Long tenantId, String email, String displayName, String timeZone,
                          Set<Role> roles, String csrfToken, boolean viaApiToken) {
    public boolean has(Role role) {
        return roles.contains(role);
    }

    public boolean isTenantAdmin() {
        return roles.contains(Role.TENANT_ADMIN);
    }

    public boolean isOperator() {
        return roles.contains(Role.PLATFORM_OPERATOR);
    }

    public long tenant() {
        if (tenantId == null) throw new IllegalStateException("a platform operator has no tenant");
        return tenantId;
    }
}
