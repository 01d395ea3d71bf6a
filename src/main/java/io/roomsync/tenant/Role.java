package io.roomsync.tenant;

import io.javalin.security.RouteRole;

/** What a user may do. Routes name the roles they allow; PUBLIC routes need no sign-in. */
public enum Role implements RouteRole {
    EMPLOYEE("Employee"),
    TENANT_ADMIN("Tenant admin"),
    SYNC_ADMIN("Calendar sync admin"),
    PLATFORM_OPERATOR("Platform operator"),
    /** Marks a route anyone may open without signing in. Never stored on a user. */
    PUBLIC("Public");

    public final String label;

    Role(String label) {
        this.label = label;
    }
}
