package io.roomsync.calendar;

import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * A Microsoft Entra app registration's credentials (the "connection and credential alias" of the original
 * product). Providers name one, or use the tenant's default connection of the kind they need.
 * The *Enc fields hold SecretBox ciphertext; only {@link ConnectionService#credentialsFor} opens them.
 */
@Entity
@Table(name = "calendar_connection")
public class Connection {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    public Long tenantId;
    public String name;
    public String nameLower;
    @Enumerated(EnumType.STRING)
    public ConnectionKind kind;
    /** Application (client) id of the Entra app registration, a GUID. */
    public String clientId;
    @Enumerated(EnumType.STRING)
    public CredentialType credentialType;
    public String clientSecretEnc;
    @Enumerated(EnumType.STRING)
    public CertificateFormat certificateFormat;
    /** PKCS12: base64 of the file; PEM: certificate(s) and private key. Encrypted either way. */
    public String certificateEnc;
    public String certificatePasswordEnc;
    public String certificateSubject;
    /** SHA-1 thumbprint in upper-case hex, as the Entra admin center shows it. */
    public String certificateThumbprint;
    public Instant certificateNotAfter;
    /** Where Entra sends the authorization code (delegated connections only). */
    public String redirectUri;
    public boolean tenantDefault;
    /** Mirrors kind while tenantDefault, else null: backs the one-default-per-kind unique key. */
    public String defaultKind;
    /** When the client secret or certificate was last set. */
    public Instant secretUpdatedAt;
    public Instant createdAt;
    public Instant updatedAt;

    public boolean secretStored() {
        return credentialType == CredentialType.SECRET ? clientSecretEnc != null : certificateEnc != null;
    }

    @Override
    public String toString() {
        return "Connection[id=" + id + ", tenant=" + tenantId + ", name=" + name + ", kind=" + kind + ", credential=" + credentialType + "]";
    }
}
