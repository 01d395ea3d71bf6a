package io.roomsync.calendar;

import io.roomsync.audit.AuditLog;
import io.roomsync.common.ConflictException;
import io.roomsync.common.NotFoundException;
import io.roomsync.common.ValidationException;
import io.roomsync.config.SecretBox;
import io.roomsync.db.Tx;
import io.roomsync.tenant.CurrentUser;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.hibernate.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connections: the Entra app registrations (client id + secret or certificate) providers sign in with. Secrets
 * are sealed with the master key on write and opened only by {@link #credentialsFor} for the Graph layer; every
 * other read sees ciphertext at most, and pages and the API show only that a secret is stored and since when.
 */
public final class ConnectionService {
    private static final Logger log = LoggerFactory.getLogger(ConnectionService.class);
    static final int MAX_SECRET = 1000;
    static final int MAX_PKCS12_BYTES = 64 * 1024;
    static final int MAX_PEM_CHARS = 100_000;

    /**
     * What a form or API call asks for. Enum fields are text (validated here). Secret fields: null or blank keeps
     * the stored value. tenantDefault null: keep (on create: default if the tenant has none of this kind yet).
     */
    public record ConnectionInput(String name, String kind, String clientId, String credentialType, String clientSecret,
                                  String certificateFormat, byte[] certificatePkcs12, String certificatePassword,
                                  String certificatePem, String redirectUri, Boolean tenantDefault) {
        @Override
        public String toString() {
            // Only what identifies the request: unvalidated fields may hold a secret pasted into the wrong box.
            return "ConnectionInput[name=" + name + ", kind=" + kind + ", credentialType=" + credentialType + ", secrets=****]";
        }
    }

    /** Opened credentials for the Graph layer. Hold briefly; never log (toString hides the secret parts). */
    public record Credentials(long connectionId, String name, ConnectionKind kind, String clientId, CredentialType credentialType,
                              String clientSecret, Certificates.KeyMaterial certificate, String redirectUri) {
        @Override
        public String toString() {
            return "Credentials[connection=" + connectionId + ", kind=" + kind + ", clientId=" + clientId + ", credential="
                    + credentialType + " ****]";
        }
    }

    /** A connection and the providers that depend on it, by name or as the tenant default. */
    public record ConnectionUsage(Connection connection, List<CalendarProvider> namedBy, List<CalendarProvider> viaDefault) {
        public List<CalendarProvider> all() {
            List<CalendarProvider> out = new ArrayList<>(namedBy);
            out.addAll(viaDefault);
            return out;
        }
    }

    private final Tx tx;
    private final AuditLog audit;
    private final SecretBox secrets;
    private final Clock clock;

    public ConnectionService(Tx tx, AuditLog audit, SecretBox secrets, Clock clock) {
        this.tx = tx;
        this.audit = audit;
        this.secrets = secrets;
        this.clock = clock;
    }

    // ------------------------------------------------------------------------------------------------ reads

    public List<Connection> list(long tenantId) {
        return tx.call(s -> list(s, tenantId));
    }

    static List<Connection> list(Session s, long tenantId) {
        return s.createSelectionQuery("from Connection where tenantId = :t order by kind, nameLower", Connection.class)
                .setParameter("t", tenantId).getResultList();
    }

    public List<ConnectionUsage> listWithUsage(long tenantId) {
        return tx.call(s -> {
            List<ConnectionUsage> out = new ArrayList<>();
            for (Connection c : list(s, tenantId)) out.add(usage(s, c));
            return out;
        });
    }

    public Connection get(long tenantId, long id) {
        return tx.call(s -> require(s, tenantId, id));
    }

    public ConnectionUsage usage(long tenantId, long id) {
        return tx.call(s -> usage(s, require(s, tenantId, id)));
    }

    static Connection find(Session s, long tenantId, long id) {
        Connection c = s.find(Connection.class, id);
        return c == null || !c.tenantId.equals(tenantId) ? null : c;
    }

    static Connection require(Session s, long tenantId, long id) {
        Connection c = find(s, tenantId, id);
        if (c == null) throw new NotFoundException("Connection");
        return c;
    }

    /** The tenant's default connection of this kind, or null. */
    static Connection defaultOf(Session s, long tenantId, ConnectionKind kind) {
        return s.createSelectionQuery("from Connection where tenantId = :t and kind = :k and tenantDefault = true", Connection.class)
                .setParameter("t", tenantId).setParameter("k", kind).getResultStream().findFirst().orElse(null);
    }

    static ConnectionUsage usage(Session s, Connection c) {
        List<CalendarProvider> named = s.createSelectionQuery(
                        "from CalendarProvider where tenantId = :t and (systemConnectionId = :id or delegatedConnectionId = :id) order by nameLower",
                        CalendarProvider.class)
                .setParameter("t", c.tenantId).setParameter("id", c.id).getResultList();
        List<CalendarProvider> viaDefault = List.of();
        if (c.tenantDefault) {
            String column = c.kind == ConnectionKind.APP_ONLY ? "systemConnectionId" : "delegatedConnectionId";
            viaDefault = s.createSelectionQuery("from CalendarProvider where tenantId = :t and " + column + " is null order by nameLower",
                    CalendarProvider.class).setParameter("t", c.tenantId).getResultList();
        }
        return new ConnectionUsage(c, named, viaDefault);
    }

    /**
     * Providers that would stop working without this connection as the default: active ones that rely on the
     * default of this kind and need that kind in the tenant's integration mode.
     */
    private static List<CalendarProvider> dependingOnDefault(Session s, ConnectionUsage usage) {
        IntegrationMode mode = IntegrationMode.of(s, usage.connection().tenantId);
        if (!mode.needs(usage.connection().kind)) return List.of();
        return usage.viaDefault().stream().filter(p -> p.active).toList();
    }

    // ------------------------------------------------------------------------------------------- the secrets

    /** The opened credentials of a connection of the tenant, for the Graph layer only. */
    public Credentials credentialsFor(long tenantId, long connectionId) {
        return tx.call(s -> open(require(s, tenantId, connectionId)));
    }

    Credentials open(Connection c) {
        String secret = null;
        Certificates.KeyMaterial material = null;
        if (c.credentialType == CredentialType.SECRET) {
            secret = c.clientSecretEnc == null ? null : secrets.decrypt(c.clientSecretEnc);
        } else if (c.certificateEnc != null) {
            String stored = secrets.decrypt(c.certificateEnc);
            try {
                material = c.certificateFormat == CertificateFormat.PKCS12
                        ? Certificates.parsePkcs12(Base64.getDecoder().decode(stored),
                                c.certificatePasswordEnc == null ? "" : secrets.decrypt(c.certificatePasswordEnc))
                        : Certificates.parsePemKeyMaterial(stored);
            } catch (Certificates.InvalidCertificate | IllegalArgumentException e) {
                throw new IllegalStateException("The stored certificate of connection " + c.id + " cannot be read");
            }
        }
        return new Credentials(c.id, c.name, c.kind, c.clientId, c.credentialType, secret, material, c.redirectUri);
    }

    // ---------------------------------------------------------------------------------------------- changes

    public Connection create(CurrentUser actor, String source, ConnectionInput in) {
        long tenantId = actor.tenant();
        log.debug("Creating a connection in tenant {}: {}", tenantId, in);
        Connection created = guarded(() -> tx.call(s -> {
            Connection c = new Connection();
            c.tenantId = tenantId;
            c.createdAt = clock.instant();
            AuditLog.Changes changes = apply(s, actor, source, c, in, true);
            audit.record(s, actor, source, null, "Connection", c.id, "create", changes);
            return c;
        }));
        log.info("{} created by {} in tenant {}", created, actor.email(), tenantId);
        return created;
    }

    public Connection update(CurrentUser actor, String source, long id, ConnectionInput in) {
        long tenantId = actor.tenant();
        log.debug("Updating connection {} in tenant {}: {}", id, tenantId, in);
        Connection updated = guarded(() -> tx.call(s -> {
            Connection c = require(s, tenantId, id);
            AuditLog.Changes changes = apply(s, actor, source, c, in, false);
            if (!changes.isEmpty()) audit.record(s, actor, source, null, "Connection", c.id, "update", changes);
            return c;
        }));
        log.info("{} updated by {}", updated, actor.email());
        return updated;
    }

    /** Refused (409) while a provider names this connection or an active provider needs it as the tenant default. */
    public void delete(CurrentUser actor, String source, long id) {
        long tenantId = actor.tenant();
        tx.run(s -> {
            Connection c = require(s, tenantId, id);
            ConnectionUsage usage = usage(s, c);
            if (!usage.namedBy().isEmpty()) {
                throw new ConflictException("Connection '" + c.name + "' is used by " + names(usage.namedBy())
                        + ". Choose another connection on those providers first.");
            }
            List<CalendarProvider> needing = dependingOnDefault(s, usage);
            if (!needing.isEmpty()) {
                throw new ConflictException("Connection '" + c.name + "' is the tenant default " + kindWord(c.kind) + " connection used by "
                        + names(needing) + ". Make another " + kindWord(c.kind) + " connection the default first.");
            }
            audit.record(s, actor, source, null, "Connection", c.id, "delete", new AuditLog.Changes()
                    .field("name", c.name, null).field("kind", c.kind, null).field("clientId", c.clientId, null)
                    .secret(c.credentialType == CredentialType.SECRET ? "clientSecret" : "certificate", c.secretStored()));
            s.remove(c);
            log.info("{} deleted by {}", c, actor.email());
        });
    }

    private AuditLog.Changes apply(Session s, CurrentUser actor, String source, Connection c, ConnectionInput in, boolean creating) {
        ValidationException.Errors errors = new ValidationException.Errors();
        long tenantId = c.tenantId;
        Instant now = clock.instant();

        String name = CalendarRules.requiredText(errors, "name", "Name", in.name(), 100);
        if (name != null && !errors.has("name")) {
            Long same = s.createSelectionQuery("select count(*) from Connection where tenantId = :t and nameLower = :n and id <> :id", Long.class)
                    .setParameter("t", tenantId).setParameter("n", name.toLowerCase(Locale.ROOT))
                    .setParameter("id", c.id == null ? -1L : c.id).getSingleResult();
            if (same > 0) errors.add("name", "Another connection is already named '" + name + "'.");
        }

        ConnectionKind kind = CalendarRules.choice(errors, "kind", "Kind", in.kind(), ConnectionKind.class);
        if (!errors.has("kind")) {
            if (creating && kind == null) errors.add("kind", "Choose the kind: app-only or delegated.");
            else if (!creating && kind != null && kind != c.kind) {
                errors.add("kind", "The kind of a connection cannot be changed. Create a new connection instead.");
            }
            if (!creating) kind = c.kind;
        }

        String clientId = CalendarRules.clean(in.clientId());
        if (clientId == null) errors.add("clientId", "Client id is required.");
        else if (!CalendarRules.isGuid(clientId)) {
            errors.add("clientId", "Client id must be the application (client) id of the app registration, a GUID like 00000000-0000-0000-0000-000000000000.");
        } else clientId = clientId.toLowerCase(Locale.ROOT);

        CredentialType type = CalendarRules.choice(errors, "credentialType", "Credential", in.credentialType(), CredentialType.class);
        if (type == null && !errors.has("credentialType")) type = creating ? CredentialType.SECRET : c.credentialType;

        String redirectUri = null;
        if (kind == ConnectionKind.DELEGATED) redirectUri = redirectUri(errors, in.redirectUri());

        // Credential material: validated fully before anything is sealed or stored.
        String newSecret = null;
        CertificateFormat format = null;
        Certificates.KeyMaterial material = null;
        String sealedCertificate = null;
        String newCertificatePassword = null;
        if (type == CredentialType.SECRET) {
            newSecret = CalendarRules.clean(in.clientSecret());
            if (newSecret != null) {
                if (newSecret.length() > MAX_SECRET) errors.add("clientSecret", "Client secret must be at most " + MAX_SECRET + " characters.");
                else if (CalendarRules.hasControlChars(newSecret)) errors.add("clientSecret", "Client secret must be a single line.");
            } else if (c.clientSecretEnc == null || c.credentialType != CredentialType.SECRET) {
                errors.add("clientSecret", "Client secret is required.");
            }
        } else if (type == CredentialType.CERTIFICATE) {
            byte[] pkcs12 = in.certificatePkcs12() == null || in.certificatePkcs12().length == 0 ? null : in.certificatePkcs12();
            String pem = CalendarRules.clean(in.certificatePem());
            format = CalendarRules.choice(errors, "certificateFormat", "Certificate format", in.certificateFormat(), CertificateFormat.class);
            if (format == null && !errors.has("certificateFormat")) {
                format = pkcs12 != null ? CertificateFormat.PKCS12 : pem != null ? CertificateFormat.PEM
                        : c.certificateFormat != null ? c.certificateFormat : CertificateFormat.PKCS12;
            }
            if (format == CertificateFormat.PKCS12) {
                String password = in.certificatePassword() == null ? "" : in.certificatePassword();
                if (pkcs12 != null) {
                    if (pkcs12.length > MAX_PKCS12_BYTES) {
                        errors.add("certificatePkcs12", "The PKCS#12 file must be at most " + MAX_PKCS12_BYTES / 1024 + " KB.");
                    } else {
                        try {
                            material = Certificates.parsePkcs12(pkcs12, password);
                            sealedCertificate = Base64.getEncoder().encodeToString(pkcs12);
                            newCertificatePassword = password;
                        } catch (Certificates.InvalidCertificate e) {
                            errors.add("certificatePkcs12", e.getMessage());
                        }
                    }
                } else if (!password.isEmpty()) {
                    errors.add("certificatePkcs12", "Upload the PKCS#12 file this password belongs to (passwords are not kept without their file).");
                } else if (!hasStoredCertificate(c, CertificateFormat.PKCS12)) {
                    errors.add("certificatePkcs12", "Upload the certificate as a PKCS#12 file (.pfx or .p12).");
                }
            } else if (format == CertificateFormat.PEM) {
                if (pem != null) {
                    if (pem.length() > MAX_PEM_CHARS) {
                        errors.add("certificatePem", "The PEM text must be at most " + MAX_PEM_CHARS + " characters.");
                    } else {
                        try {
                            material = Certificates.parsePemKeyMaterial(pem);
                            sealedCertificate = pem;
                        } catch (Certificates.InvalidCertificate e) {
                            errors.add("certificatePem", e.getMessage());
                        }
                    }
                } else if (!hasStoredCertificate(c, CertificateFormat.PEM)) {
                    errors.add("certificatePem", "Paste the certificate and its private key in PEM.");
                }
            }
            if (material != null && material.certificate().getNotAfter().toInstant().isBefore(now)) {
                errors.add(format == CertificateFormat.PEM ? "certificatePem" : "certificatePkcs12",
                        "The certificate expired on " + material.certificate().getNotAfter().toInstant().toString().substring(0, 10) + ".");
            }
        }

        boolean makeDefault;
        if (in.tenantDefault() != null) makeDefault = in.tenantDefault();
        else if (creating) makeDefault = kind != null && defaultOf(s, tenantId, kind) == null;
        else makeDefault = c.tenantDefault;
        Connection previousDefault = null;
        if (kind != null && makeDefault && !c.tenantDefault) {
            previousDefault = defaultOf(s, tenantId, kind);
        } else if (!creating && !makeDefault && c.tenantDefault) {
            List<CalendarProvider> needing = dependingOnDefault(s, usage(s, c));
            if (!needing.isEmpty()) {
                errors.add("tenantDefault", names(needing) + " use this connection as the tenant default. Make another "
                        + kindWord(c.kind) + " connection the default instead.");
            }
        }

        errors.throwIfAny();

        // All valid: change the record and say what changed, secrets only as "changed".
        AuditLog.Changes changes = new AuditLog.Changes()
                .field("name", c.name, name).field("kind", c.kind, kind).field("clientId", c.clientId, clientId)
                .field("credentialType", c.credentialType, type).field("redirectUri", c.redirectUri, redirectUri)
                .field("tenantDefault", creating ? null : c.tenantDefault, makeDefault);
        c.name = name;
        c.nameLower = name.toLowerCase(Locale.ROOT);
        c.kind = kind;
        c.clientId = clientId;
        c.redirectUri = redirectUri;
        boolean secretChanged = false;
        boolean certificateChanged = false;
        if (type == CredentialType.SECRET) {
            if (newSecret != null) {
                c.clientSecretEnc = secrets.encrypt(newSecret);
                secretChanged = true;
            }
            certificateChanged = c.certificateEnc != null;
            clearCertificate(c);
        } else {
            if (sealedCertificate != null) {
                c.certificateFormat = format;
                c.certificateEnc = secrets.encrypt(sealedCertificate);
                c.certificatePasswordEnc = newCertificatePassword == null ? null : secrets.encrypt(newCertificatePassword);
                Certificates.CertificateInfo info = Certificates.info(material.certificate());
                changes.field("certificateThumbprint", c.certificateThumbprint, info.thumbprint());
                c.certificateSubject = info.subject().length() > 500 ? info.subject().substring(0, 500) : info.subject();
                c.certificateThumbprint = info.thumbprint();
                c.certificateNotAfter = info.notAfter();
                certificateChanged = true;
            }
            secretChanged = c.clientSecretEnc != null;
            c.clientSecretEnc = null;
        }
        changes.secret("clientSecret", secretChanged).secret("certificate", certificateChanged);
        if (secretChanged && c.clientSecretEnc != null || certificateChanged && c.certificateEnc != null) c.secretUpdatedAt = now;
        c.credentialType = type;
        c.updatedAt = now;

        if (previousDefault != null) {
            previousDefault.tenantDefault = false;
            previousDefault.defaultKind = null;
            previousDefault.updatedAt = now;
            s.flush(); // free the tenant's default slot before this connection takes it
            audit.record(s, actor, source, null, "Connection", previousDefault.id, "update",
                    new AuditLog.Changes().field("tenantDefault", true, false));
        }
        c.tenantDefault = makeDefault;
        c.defaultKind = makeDefault ? kind.name() : null;
        if (creating) s.persist(c);
        s.flush();
        return changes;
    }

    private static boolean hasStoredCertificate(Connection c, CertificateFormat format) {
        return c.credentialType == CredentialType.CERTIFICATE && c.certificateEnc != null && c.certificateFormat == format;
    }

    private static void clearCertificate(Connection c) {
        c.certificateFormat = null;
        c.certificateEnc = null;
        c.certificatePasswordEnc = null;
        c.certificateSubject = null;
        c.certificateThumbprint = null;
        c.certificateNotAfter = null;
    }

    /** https anywhere; plain http only on this machine (loopback), as Entra itself allows. */
    private static String redirectUri(ValidationException.Errors errors, String raw) {
        String v = CalendarRules.clean(raw);
        if (v == null) {
            errors.add("redirectUri", "Redirect URI is required for a delegated connection.");
            return null;
        }
        URI u = v.length() > 500 ? null : CalendarRules.uri(v);
        if (u == null || u.getHost() == null || u.getRawFragment() != null) {
            errors.add("redirectUri", "Redirect URI must be an absolute URL such as https://roomsync.example.com/oauth/callback (at most 500 characters, no #fragment).");
            return null;
        }
        String scheme = u.getScheme().toLowerCase(Locale.ROOT);
        if (scheme.equals("https")) return v;
        if (scheme.equals("http") && CalendarRules.isLoopback(u.getHost())) return v;
        errors.add("redirectUri", "Redirect URI must use https (plain http is allowed only for localhost).");
        return null;
    }

    static String kindWord(ConnectionKind kind) {
        return kind == ConnectionKind.APP_ONLY ? "app-only" : "delegated";
    }

    static String names(List<CalendarProvider> providers) {
        String list = providers.stream().map(p -> "'" + p.name + "'").collect(Collectors.joining(", "));
        return (providers.size() == 1 ? "provider " : "providers ") + list;
    }

    /** Two admins saving the same name or default at once: the unique keys decide, the loser gets a clear 409. */
    static <T> T guarded(java.util.function.Supplier<T> work) {
        try {
            return work.get();
        } catch (jakarta.persistence.PersistenceException e) {
            if (e instanceof org.hibernate.exception.ConstraintViolationException || e.getCause() instanceof org.hibernate.exception.ConstraintViolationException) {
                throw new ConflictException("Someone else saved a record with this name, or changed the default, at the same time. Reload and try again.");
            }
            throw e;
        }
    }
}
