package io.roomsync.calendar;

import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.time.LocalDate;

/**
 * A calendar provider: which Microsoft cloud and Entra tenant to reach, with which connections, through which proxy
 * and trusting which extra CA. A tenant can have many. The Graph client reads its endpoints from
 * {@link #effectiveAuthorityHost()} and {@link #effectiveGraphBaseUrl()}.
 */
@Entity
@Table(name = "calendar_provider")
public class CalendarProvider {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    public Long tenantId;
    public String name;
    public String nameLower;
    public String description;
    public boolean active;
    @Enumerated(EnumType.STRING)
    public Processor processor = Processor.MICROSOFT_GRAPH;
    @Enumerated(EnumType.STRING)
    public Cloud cloud = Cloud.GLOBAL;
    /** CUSTOM cloud only: host[:port] of the identity platform (always reached over https). */
    public String customAuthorityHost;
    /** CUSTOM cloud only: https root of the Graph API, without the version. */
    public String customGraphBaseUrl;
    /** Directory (tenant) id as a GUID, or a verified domain such as contoso.onmicrosoft.com. */
    public String entraTenantId;
    /** App-only connection; null = the tenant's default app-only connection. */
    public Long systemConnectionId;
    /** Delegated connection; null = the tenant's default delegated connection. */
    public Long delegatedConnectionId;
    /** Mailbox that creates events and receives room updates in Strict and Personal modes. */
    public String delegatedUserEmail;
    /** Extra CA certificate(s) to trust for this provider's endpoints, PEM. Not secret, but shown summarized. */
    public String trustedCaPem;
    public String proxyHost;
    public Integer proxyPort;
    public String proxyUser;
    public String proxyPasswordEnc;
    public Instant proxyPasswordUpdatedAt;
    public boolean syncPastReservations;
    public LocalDate syncStart;
    public LocalDate syncEnd;
    public Instant createdAt;
    public Instant updatedAt;

    /** host[:port] of the identity platform: https://{host}/{entra tenant}/oauth2/v2.0/token. */
    public String effectiveAuthorityHost() {
        return cloud == Cloud.CUSTOM ? customAuthorityHost : cloud.authorityHost;
    }

    /** https://{authority host}, without the Entra tenant. */
    public String effectiveAuthorityUrl() {
        String host = effectiveAuthorityHost();
        return host == null ? null : "https://" + host;
    }

    /** Graph root without the version, e.g. https://graph.microsoft.com. */
    public String effectiveGraphBaseUrl() {
        return cloud == Cloud.CUSTOM ? customGraphBaseUrl : cloud.graphBaseUrl;
    }

    public boolean hasProxy() {
        return proxyHost != null;
    }

    @Override
    public String toString() {
        return "CalendarProvider[id=" + id + ", tenant=" + tenantId + ", name=" + name + ", cloud=" + cloud + ", active=" + active + "]";
    }
}
