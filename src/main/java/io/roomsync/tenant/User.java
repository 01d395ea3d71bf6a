package io.roomsync.tenant;

import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** A person who signs in. Platform operators have no tenant. E-mail is unique per tenant, case-insensitively. */
@Entity
@Table(name = "app_user")
public class User {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    public Long tenantId;
    public String email;
    public String emailLower;
    public String displayName;
    /** IANA zone the user prefers; null = the building's zone. */
    public String timeZone;
    @Convert(converter = RolesConverter.class)
    @Column(name = "roles")
    public Set<Role> roles = EnumSet.noneOf(Role.class);
    public String passwordHash;
    public boolean active = true;
    public Instant createdAt;

    public void setEmail(String email) {
        this.email = email.trim();
        this.emailLower = this.email.toLowerCase(Locale.ROOT);
    }

    public boolean has(Role role) {
        return roles.contains(role);
    }

    public boolean isTenantAdmin() {
        return roles.contains(Role.TENANT_ADMIN);
    }
}
