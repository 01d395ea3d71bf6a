package io.roomsync.calendar;

import io.roomsync.audit.AuditLog;
import io.roomsync.common.NotFoundException;
import io.roomsync.common.ValidationException;
import io.roomsync.config.SecretBox;
import io.roomsync.db.Tx;
import io.roomsync.tenant.CurrentUser;
import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.hibernate.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calendar providers of a tenant: validation, audit, the connections each one effectively uses (its own or the
 * tenant default), and what an active provider lacks for the tenant's integration mode. No HTTP, no Graph calls.
 */
public final class ProviderService {
    private static final Logger log = LoggerFactory.getLogger(ProviderService.class);
    /** Longest past-sync window, as in the original product. */
    public static final int MAX_SYNC_DAYS = 1825;
    static final int MAX_CA_PEM_CHARS = 100_000;

    /**
     * What a form or API call asks for. Connection ids null = the tenant default. trustedCaPem blank keeps the
     * stored certificates unless removeTrustedCa; proxyPassword blank keeps the stored one (it goes with the proxy
     * user). active / syncPastReservations / processor / cloud null keep the stored value (defaults on create).
     */
    public record ProviderInput(String name, String description, Boolean active, String processor, String cloud,
                                String customAuthorityHost, String customGraphBaseUrl, String entraTenantId,
                                Long systemConnectionId, Long delegatedConnectionId, String delegatedUserEmail,
                                String trustedCaPem, boolean removeTrustedCa, String proxyHost, Integer proxyPort,
                                String proxyUser, String proxyPassword, Boolean syncPastReservations,
                                LocalDate syncStart, LocalDate syncEnd) {
        @Override
        public String toString() {
            return "ProviderInput[name=" + name + ", cloud=" + cloud + ", proxyHost=" + proxyHost + ", proxyPassword=****]";
        }
    }

    /** A provider with the connections it effectively uses and what it lacks in the tenant's mode (field -> message). */
    public record ProviderView(CalendarProvider provider, Connection systemConnection, boolean systemIsDefault,
                               Connection delegatedConnection, boolean delegatedIsDefault,
                               List<Certificates.CertificateInfo> trustedCertificates, IntegrationMode mode,
                               Map<String, String> problems) {}

    /** Proxy settings with the opened password; toString hides it. */
    public record Proxy(String host, int port, String user, String password) {
        @Override
        public String toString() {
            return "Proxy[" + host + ":" + port + (user == null ? "" : ", user=" + user + ", password=****") + "]";
        }
    }

    /**
     * Everything the Graph layer needs to reach a provider, secrets opened. Built per use; never log or keep it.
     * system / delegated are null when the provider has no such connection (own or default).
     */
    public record GraphSettings(long tenantId, long providerId, String providerName, boolean active, Cloud cloud,
                                String authorityHost, String authorityUrl, String graphBaseUrl, String entraTenantId,
                                String delegatedUserEmail, List<X509Certificate> trustedCertificates, Proxy proxy,
                                ConnectionService.Credentials system, ConnectionService.Credentials delegated) {
        @Override
        public String toString() {
            return "GraphSettings[provider=" + providerId + ", tenant=" + tenantId + ", graph=" + graphBaseUrl + ", authority="
                    + authorityHost + ", system=" + system + ", delegated=" + delegated + ", proxy=" + proxy + "]";
        }
    }

    private final Tx tx;
    private final AuditLog audit;
    private final SecretBox secrets;
    private final ConnectionService connections;
    private final Clock clock;

    public ProviderService(Tx tx, AuditLog audit, SecretBox secrets, ConnectionService connections, Clock clock) {
        this.tx = tx;
        this.audit = audit;
        this.secrets = secrets;
        this.connections = connections;
        this.clock = clock;
    }

    // ------------------------------------------------------------------------------------------------ reads

    public List<ProviderView> list(long tenantId) {
        return tx.call(s -> {
            IntegrationMode mode = IntegrationMode.of(s, tenantId);
            List<ProviderView> out = new ArrayList<>();
            for (CalendarProvider p : s.createSelectionQuery("from CalendarProvider where tenantId = :t order by nameLower", CalendarProvider.class)
                    .setParameter("t", tenantId).getResultList()) {
                out.add(view(s, p, mode));
            }
            return out;
        });
    }

    public ProviderView view(long tenantId, long id) {
        return tx.call(s -> view(s, require(s, tenantId, id), IntegrationMode.of(s, tenantId)));
    }

    public CalendarProvider get(long tenantId, long id) {
        return tx.call(s -> require(s, tenantId, id));
    }

    public IntegrationMode mode(long tenantId) {
        return tx.call(s -> IntegrationMode.of(s, tenantId));
    }

    static CalendarProvider require(Session s, long tenantId, long id) {
        CalendarProvider p = s.find(CalendarProvider.class, id);
        if (p == null || !p.tenantId.equals(tenantId)) throw new NotFoundException("Calendar provider");
        return p;
    }

    private ProviderView view(Session s, CalendarProvider p, IntegrationMode mode) {
        Connection system = effective(s, p.tenantId, p.systemConnectionId, ConnectionKind.APP_ONLY);
        Connection delegated = effective(s, p.tenantId, p.delegatedConnectionId, ConnectionKind.DELEGATED);
        return new ProviderView(p, system, p.systemConnectionId == null && system != null, delegated,
                p.delegatedConnectionId == null && delegated != null, trustedCertificates(p), mode, problems(s, p, mode));
    }

    /** The provider's own connection, else the tenant's default of the kind, else null. */
    static Connection effective(Session s, long tenantId, Long own, ConnectionKind kind) {
        return own != null ? ConnectionService.find(s, tenantId, own) : ConnectionService.defaultOf(s, tenantId, kind);
    }

    public Connection effectiveSystemConnection(long tenantId, long providerId) {
        return tx.call(s -> {
            CalendarProvider p = require(s, tenantId, providerId);
            return effective(s, tenantId, p.systemConnectionId, ConnectionKind.APP_ONLY);
        });
    }

    public Connection effectiveDelegatedConnection(long tenantId, long providerId) {
        return tx.call(s -> {
            CalendarProvider p = require(s, tenantId, providerId);
            return effective(s, tenantId, p.delegatedConnectionId, ConnectionKind.DELEGATED);
        });
    }

    static List<Certificates.CertificateInfo> trustedCertificates(CalendarProvider p) {
        if (p.trustedCaPem == null) return List.of();
        try {
            return Certificates.parseCertificates(p.trustedCaPem).stream().map(Certificates::info).toList();
        } catch (Certificates.InvalidCertificate e) {
            return List.of(); // validated on write; nothing to show if it was damaged in the database since
        }
    }

    /** What the provider lacks to work in the given integration mode, as field -> message (empty = nothing). */
    static Map<String, String> problems(Session s, CalendarProvider p, IntegrationMode mode) {
        Map<String, String> out = new LinkedHashMap<>();
        if (mode.needs(ConnectionKind.APP_ONLY) && effective(s, p.tenantId, p.systemConnectionId, ConnectionKind.APP_ONLY) == null) {
            out.put("systemConnectionId", "No app-only connection: choose one, or make an app-only connection the tenant default.");
        }
        if (mode.needs(ConnectionKind.DELEGATED) && effective(s, p.tenantId, p.delegatedConnectionId, ConnectionKind.DELEGATED) == null) {
            out.put("delegatedConnectionId", "The " + mode.label() + " integration mode needs a delegated connection: choose one, or make a delegated connection the tenant default.");
        }
        if (mode.needsDelegatedUser() && p.delegatedUserEmail == null) {
            out.put("delegatedUserEmail", "The " + mode.label() + " integration mode needs the delegated user's e-mail.");
        }
        return out;
    }

    /**
     * Checks that the provider has what the given mode (Normal, Strict or Personal) needs: an app-only connection
     * (Normal, Personal), a delegated connection and the delegated user's e-mail (Strict, Personal). For the
     * properties page before it switches modes, and for the instance scan.
     */
    public void validateForMode(long tenantId, long providerId, String mode) {
        IntegrationMode m = IntegrationMode.parse(mode);
        Map<String, String> problems = tx.call(s -> problems(s, require(s, tenantId, providerId), m));
        if (!problems.isEmpty()) throw new ValidationException(problems);
    }

    /**
     * What the tenant's active providers would lack in the given mode, one line per problem ("Provider 'X': ..."),
     * so a mode change can be refused or warned about before it is saved. Empty = every active provider is ready.
     */
    public List<String> problemsForMode(long tenantId, String mode) {
        IntegrationMode m = IntegrationMode.parse(mode);
        return tx.call(s -> {
            List<String> out = new ArrayList<>();
            for (CalendarProvider p : s.createSelectionQuery("from CalendarProvider where tenantId = :t and active = true order by nameLower",
                    CalendarProvider.class).setParameter("t", tenantId).getResultList()) {
                problems(s, p, m).values().forEach(msg -> out.add("Provider '" + p.name + "': " + msg));
            }
            return out;
        });
    }

    // ------------------------------------------------------------------------------------- for the Graph layer

    /** The provider's endpoints, trust, proxy and opened credentials, for the Graph client only. */
    public GraphSettings graphSettings(long tenantId, long providerId) {
        return tx.call(s -> {
            CalendarProvider p = require(s, tenantId, providerId);
            Connection system = effective(s, tenantId, p.systemConnectionId, ConnectionKind.APP_ONLY);
            Connection delegated = effective(s, tenantId, p.delegatedConnectionId, ConnectionKind.DELEGATED);
            List<X509Certificate> trusted = List.of();
            if (p.trustedCaPem != null) {
                try {
                    trusted = Certificates.parseCertificates(p.trustedCaPem);
                } catch (Certificates.InvalidCertificate e) {
                    throw new IllegalStateException("The trusted CA certificate of provider " + p.id + " cannot be read");
                }
            }
            Proxy proxy = p.proxyHost == null ? null : new Proxy(p.proxyHost, p.proxyPort, p.proxyUser,
                    p.proxyPasswordEnc == null ? null : secrets.decrypt(p.proxyPasswordEnc));
            return new GraphSettings(tenantId, p.id, p.name, p.active, p.cloud, p.effectiveAuthorityHost(), p.effectiveAuthorityUrl(),
                    p.effectiveGraphBaseUrl(), p.entraTenantId, p.delegatedUserEmail, trusted, proxy,
                    system == null ? null : connections.open(system), delegated == null ? null : connections.open(delegated));
        });
    }

    // ---------------------------------------------------------------------------------------------- changes

    public CalendarProvider create(CurrentUser actor, String source, ProviderInput in) {
        long tenantId = actor.tenant();
        log.debug("Creating a calendar provider in tenant {}: {}", tenantId, in);
        CalendarProvider created = ConnectionService.guarded(() -> tx.call(s -> {
            CalendarProvider p = new CalendarProvider();
            p.tenantId = tenantId;
            p.createdAt = clock.instant();
            AuditLog.Changes changes = apply(s, p, in, true);
            s.persist(p);
            s.flush();
            audit.record(s, actor, source, null, "CalendarProvider", p.id, "create", changes);
            return p;
        }));
        log.info("{} created by {}", created, actor.email());
        return created;
    }

    public CalendarProvider update(CurrentUser actor, String source, long id, ProviderInput in) {
        long tenantId = actor.tenant();
        log.debug("Updating calendar provider {} in tenant {}: {}", id, tenantId, in);
        CalendarProvider updated = ConnectionService.guarded(() -> tx.call(s -> {
            CalendarProvider p = require(s, tenantId, id);
            AuditLog.Changes changes = apply(s, p, in, false);
            s.flush();
            if (!changes.isEmpty()) audit.record(s, actor, source, null, "CalendarProvider", p.id, "update", changes);
            return p;
        }));
        log.info("{} updated by {}", updated, actor.email());
        return updated;
    }

    /** The field errors the input would get, without saving anything (for forms with fields that did not parse). */
    public Map<String, String> check(CurrentUser actor, Long id, ProviderInput in) {
        long tenantId = actor.tenant();
        try {
            tx.run(s -> {
                CalendarProvider p = id == null ? new CalendarProvider() : require(s, tenantId, id);
                if (id == null) p.tenantId = tenantId;
                apply(s, p, in, id == null);
                throw new DryRun(); // rolls the transaction back: nothing of a check is ever stored
            });
        } catch (DryRun e) {
            return Map.of();
        } catch (ValidationException e) {
            return e.fieldErrors();
        }
        return Map.of();
    }

    private static final class DryRun extends RuntimeException {
        DryRun() {
            super(null, null, false, false);
        }
    }

    public void delete(CurrentUser actor, String source, long id) {
        long tenantId = actor.tenant();
        tx.run(s -> {
            CalendarProvider p = require(s, tenantId, id);
            audit.record(s, actor, source, null, "CalendarProvider", p.id, "delete", new AuditLog.Changes()
                    .field("name", p.name, null).field("cloud", p.cloud, null).field("entraTenantId", p.entraTenantId, null)
                    .secret("proxyPassword", p.proxyPasswordEnc != null));
            s.remove(p);
            log.info("{} deleted by {}", p, actor.email());
        });
    }

    private AuditLog.Changes apply(Session s, CalendarProvider p, ProviderInput in, boolean creating) {
        ValidationException.Errors errors = new ValidationException.Errors();
        long tenantId = p.tenantId;
        Instant now = clock.instant();

        String name = CalendarRules.requiredText(errors, "name", "Name", in.name(), 100);
        if (name != null && !errors.has("name")) {
            Long same = s.createSelectionQuery("select count(*) from CalendarProvider where tenantId = :t and nameLower = :n and id <> :id", Long.class)
                    .setParameter("t", tenantId).setParameter("n", name.toLowerCase(Locale.ROOT))
                    .setParameter("id", p.id == null ? -1L : p.id).getSingleResult();
            if (same > 0) errors.add("name", "Another calendar provider is already named '" + name + "'.");
        }
        String description = CalendarRules.clean(in.description());
        if (description != null && description.length() > 1000) errors.add("description", "Description must be at most 1000 characters.");

        boolean active = in.active() != null ? in.active() : creating || p.active;
        Processor processor = CalendarRules.choice(errors, "processor", "Processor", in.processor(), Processor.class);
        if (processor == null) processor = creating ? Processor.MICROSOFT_GRAPH : p.processor;
        Cloud cloud = CalendarRules.choice(errors, "cloud", "Cloud", in.cloud(), Cloud.class);
        if (cloud == null && !errors.has("cloud")) cloud = creating ? Cloud.GLOBAL : p.cloud;

        // Custom endpoints belong to the Custom cloud only; with a national cloud they are dropped.
        String authorityHost = null;
        String graphBaseUrl = null;
        if (cloud == Cloud.CUSTOM) {
            authorityHost = authorityHost(errors, in.customAuthorityHost());
            graphBaseUrl = graphBaseUrl(errors, in.customGraphBaseUrl());
        }

        String entraTenant = CalendarRules.clean(in.entraTenantId());
        if (entraTenant == null) {
            errors.add("entraTenantId", "Microsoft Entra tenant id is required (the directory id, or a verified domain such as contoso.onmicrosoft.com).");
        } else {
            entraTenant = entraTenant.toLowerCase(Locale.ROOT);
            if (!CalendarRules.isGuid(entraTenant) && !CalendarRules.isDomain(entraTenant)) {
                errors.add("entraTenantId", "Microsoft Entra tenant id must be the directory (tenant) id, a GUID, or a verified domain such as contoso.onmicrosoft.com.");
            }
        }

        Long systemId = connectionChoice(s, errors, tenantId, "systemConnectionId", in.systemConnectionId(), ConnectionKind.APP_ONLY);
        Long delegatedId = connectionChoice(s, errors, tenantId, "delegatedConnectionId", in.delegatedConnectionId(), ConnectionKind.DELEGATED);

        String delegatedEmail = CalendarRules.clean(in.delegatedUserEmail());
        if (delegatedEmail != null) {
            if (!CalendarRules.isEmail(delegatedEmail)) errors.add("delegatedUserEmail", "Delegated user e-mail must be an e-mail address such as rooms-delegate@contoso.com.");
            else delegatedEmail = delegatedEmail.toLowerCase(Locale.ROOT);
        }

        String trustedCa = p.trustedCaPem;
        String newCa = CalendarRules.clean(in.trustedCaPem());
        if (in.removeTrustedCa()) trustedCa = null;
        if (newCa != null) {
            if (newCa.length() > MAX_CA_PEM_CHARS) {
                errors.add("trustedCaPem", "The CA certificate text must be at most " + MAX_CA_PEM_CHARS + " characters.");
            } else {
                try {
                    List<X509Certificate> certs = Certificates.parseCertificates(newCa);
                    for (X509Certificate c : certs) {
                        if (c.getNotAfter().toInstant().isBefore(now)) {
                            errors.add("trustedCaPem", "The certificate " + c.getSubjectX500Principal().getName() + " expired on "
                                    + c.getNotAfter().toInstant().toString().substring(0, 10) + ".");
                        }
                    }
                    trustedCa = newCa;
                } catch (Certificates.InvalidCertificate e) {
                    errors.add("trustedCaPem", e.getMessage());
                }
            }
        }

        String proxyHost = CalendarRules.clean(in.proxyHost());
        Integer proxyPort = null;
        String proxyUser = null;
        String newProxyPassword = null;
        if (proxyHost != null) {
            proxyHost = proxyHost.toLowerCase(Locale.ROOT);
            if (proxyHost.length() > 255 || !CalendarRules.isHost(proxyHost)) {
                errors.add("proxyHost", "Proxy host must be a host name or IP address, without http:// or a port.");
            }
            proxyPort = in.proxyPort();
            if (proxyPort == null) errors.add("proxyPort", "Proxy port is required with a proxy host.");
            else if (proxyPort < 1 || proxyPort > 65535) errors.add("proxyPort", "Proxy port must be from 1 to 65535.");
            proxyUser = CalendarRules.optionalText(errors, "proxyUser", "Proxy user", in.proxyUser(), 200);
            String password = in.proxyPassword() == null || in.proxyPassword().isEmpty() ? null : in.proxyPassword();
            if (password != null) {
                if (proxyUser == null) errors.add("proxyPassword", "A proxy password needs a proxy user.");
                else if (password.length() > ConnectionService.MAX_SECRET) errors.add("proxyPassword", "Proxy password must be at most " + ConnectionService.MAX_SECRET + " characters.");
                else if (CalendarRules.hasControlChars(password)) errors.add("proxyPassword", "Proxy password must be a single line.");
                else newProxyPassword = password;
            }
        } else if (in.proxyPort() != null || CalendarRules.clean(in.proxyUser()) != null) {
            errors.add("proxyHost", "Proxy host is required when a proxy port or user is given.");
        }

        boolean syncPast = in.syncPastReservations() != null ? in.syncPastReservations() : !creating && p.syncPastReservations;
        LocalDate syncStart = in.syncStart();
        LocalDate syncEnd = in.syncEnd();
        if (syncPast && syncStart == null) errors.add("syncStart", "Sync start is required to sync past reservations.");
        if (syncPast && syncEnd == null) errors.add("syncEnd", "Sync end is required to sync past reservations.");
        if (syncStart != null && syncEnd == null && !syncPast) errors.add("syncEnd", "Give both sync start and end, or neither.");
        if (syncEnd != null && syncStart == null && !syncPast) errors.add("syncStart", "Give both sync start and end, or neither.");
        if (syncStart != null && syncEnd != null) {
            if (!syncEnd.isAfter(syncStart)) errors.add("syncEnd", "Sync end must be after sync start.");
            else if (ChronoUnit.DAYS.between(syncStart, syncEnd) > MAX_SYNC_DAYS) {
                errors.add("syncEnd", "The sync window can be at most " + MAX_SYNC_DAYS + " days (about five years).");
            }
        }

        // An active provider must have what the tenant's integration mode needs; an inactive one may be incomplete.
        if (active && !errors.has("systemConnectionId") && !errors.has("delegatedConnectionId")) {
            CalendarProvider probe = new CalendarProvider();
            probe.tenantId = tenantId;
            probe.systemConnectionId = systemId;
            probe.delegatedConnectionId = delegatedId;
            probe.delegatedUserEmail = delegatedEmail;
            problems(s, probe, IntegrationMode.of(s, tenantId)).forEach((field, message) ->
                    errors.add(field, message + " Or save the provider as inactive for now."));
        }

        errors.throwIfAny();

        boolean proxyPasswordChanged;
        String proxyPasswordEnc = p.proxyPasswordEnc;
        // A stored password stays with the proxy it was given for: sent to another host it would be that host's to read.
        boolean sameProxy = proxyHost != null && proxyHost.equals(p.proxyHost) && java.util.Objects.equals(proxyPort, p.proxyPort)
                && java.util.Objects.equals(proxyUser, p.proxyUser);
        if (proxyHost == null || proxyUser == null || (newProxyPassword == null && !sameProxy)) {
            proxyPasswordChanged = proxyPasswordEnc != null;
            proxyPasswordEnc = null;
        } else if (newProxyPassword != null) {
            proxyPasswordChanged = true;
            proxyPasswordEnc = secrets.encrypt(newProxyPassword);
        } else {
            proxyPasswordChanged = false;
        }

        AuditLog.Changes changes = new AuditLog.Changes()
                .field("name", p.name, name).field("description", p.description, description)
                .field("active", creating ? null : p.active, active).field("processor", creating ? null : p.processor, processor)
                .field("cloud", creating ? null : p.cloud, cloud)
                .field("customAuthorityHost", p.customAuthorityHost, authorityHost).field("customGraphBaseUrl", p.customGraphBaseUrl, graphBaseUrl)
                .field("entraTenantId", p.entraTenantId, entraTenant)
                .field("systemConnectionId", p.systemConnectionId, systemId).field("delegatedConnectionId", p.delegatedConnectionId, delegatedId)
                .field("delegatedUserEmail", p.delegatedUserEmail, delegatedEmail)
                .field("trustedCa", caSummary(p.trustedCaPem), caSummary(trustedCa))
                .field("proxyHost", p.proxyHost, proxyHost).field("proxyPort", p.proxyPort, proxyPort).field("proxyUser", p.proxyUser, proxyUser)
                .secret("proxyPassword", proxyPasswordChanged)
                .field("syncPastReservations", creating ? null : p.syncPastReservations, syncPast)
                .field("syncStart", p.syncStart, syncStart).field("syncEnd", p.syncEnd, syncEnd);

        p.name = name;
        p.nameLower = name.toLowerCase(Locale.ROOT);
        p.description = description;
        p.active = active;
        p.processor = processor;
        p.cloud = cloud;
        p.customAuthorityHost = authorityHost;
        p.customGraphBaseUrl = graphBaseUrl;
        p.entraTenantId = entraTenant;
        p.systemConnectionId = systemId;
        p.delegatedConnectionId = delegatedId;
        p.delegatedUserEmail = delegatedEmail;
        p.trustedCaPem = trustedCa;
        p.proxyHost = proxyHost;
        p.proxyPort = proxyPort;
        p.proxyUser = proxyUser;
        if (proxyPasswordChanged) p.proxyPasswordUpdatedAt = proxyPasswordEnc == null ? null : now;
        p.proxyPasswordEnc = proxyPasswordEnc;
        p.syncPastReservations = syncPast;
        p.syncStart = syncStart;
        p.syncEnd = syncEnd;
        p.updatedAt = now;
        return changes;
    }

    /** Certificates as "subject (thumbprint)" for the audit trail: which CA, never the text. */
    private static String caSummary(String pem) {
        if (pem == null) return null;
        try {
            return Certificates.parseCertificates(pem).stream()
                    .map(c -> c.getSubjectX500Principal().getName() + " (" + Certificates.thumbprint(c) + ")")
                    .collect(Collectors.joining("; "));
        } catch (Certificates.InvalidCertificate e) {
            return "(unreadable)";
        }
    }

    private static Long connectionChoice(Session s, ValidationException.Errors errors, long tenantId, String field, Long id, ConnectionKind kind) {
        if (id == null) return null;
        Connection c = ConnectionService.find(s, tenantId, id);
        if (c == null) {
            errors.add(field, "There is no such connection.");
            return null;
        }
        if (c.kind != kind) {
            errors.add(field, "Connection '" + c.name + "' is not " + (kind == ConnectionKind.APP_ONLY ? "an app-only" : "a delegated") + " connection.");
            return null;
        }
        return c.id;
    }

    /** host[:port] from "host", "host:port" or "https://host[:port]"; never http. */
    private static String authorityHost(ValidationException.Errors errors, String raw) {
        String v = CalendarRules.clean(raw);
        String msg = "Authority host must be the https host of the identity platform, such as login.example.com or https://login.example.com:8443.";
        if (v == null) {
            errors.add("customAuthorityHost", "Authority host is required for a custom cloud.");
            return null;
        }
        String lower = v.toLowerCase(Locale.ROOT);
        if (lower.startsWith("http://")) {
            errors.add("customAuthorityHost", "The authority must use https.");
            return null;
        }
        URI u = CalendarRules.uri(lower.startsWith("https://") ? lower : "https://" + lower);
        if (u == null || u.getHost() == null || v.length() > 255 || u.getRawQuery() != null || u.getRawFragment() != null
                || u.getRawUserInfo() != null || !(u.getRawPath() == null || u.getRawPath().isEmpty() || u.getRawPath().equals("/"))) {
            errors.add("customAuthorityHost", msg);
            return null;
        }
        return u.getPort() == -1 ? u.getHost() : u.getHost() + ":" + u.getPort();
    }

    private static String graphBaseUrl(ValidationException.Errors errors, String raw) {
        String v = CalendarRules.clean(raw);
        if (v == null) {
            errors.add("customGraphBaseUrl", "Graph base URL is required for a custom cloud.");
            return null;
        }
        URI u = v.length() > 500 ? null : CalendarRules.uri(v);
        if (u == null || u.getHost() == null || u.getRawQuery() != null || u.getRawFragment() != null || u.getRawUserInfo() != null) {
            errors.add("customGraphBaseUrl", "Graph base URL must be an https URL such as https://graph.example.com (at most 500 characters).");
            return null;
        }
        if (!"https".equalsIgnoreCase(u.getScheme())) {
            errors.add("customGraphBaseUrl", "The Graph base URL must use https.");
            return null;
        }
        String url = v.replaceAll("/+$", "");
        String lower = url.toLowerCase(Locale.ROOT);
        if (lower.endsWith("/v1.0") || lower.endsWith("/beta")) {
            errors.add("customGraphBaseUrl", "Leave out the API version (/v1.0 is added when Graph is called).");
            return null;
        }
        return url;
    }
}
