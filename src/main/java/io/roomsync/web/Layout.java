package io.roomsync.web;

import io.roomsync.tenant.CurrentUser;
import io.roomsync.tenant.Role;

/**
 * What every page's frame needs: the title, who is signed in (null on public pages), the CSRF token for forms,
 * which navigation entry is current, and a one-shot flash message.
 */
public record Layout(String title, CurrentUser user, String csrfToken, String nav, String flash, boolean demo, long unreadNotifications) {
    public boolean signedIn() {
        return user != null;
    }

    public boolean can(Role role) {
        return user != null && user.has(role);
    }

    public boolean isAdmin() {
        return can(Role.TENANT_ADMIN);
    }
}
