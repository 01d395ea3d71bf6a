package io.roomsync.calendar;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.roomsync.common.ValidationException;
import io.roomsync.reservation.Source;
import io.roomsync.tenant.CurrentUser;
import io.roomsync.web.Web;
import io.roomsync.web.WebServer;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * REST API v1 for calendar providers and connections. Secrets are accepted on write and never returned: responses
 * say only whether one is stored and since when. A secret field left out (or null) keeps the stored value.
 */
public final class CalendarApi {
    // ------------------------------------------------------------------------------------------------ DTOs

    /**
     * cloud: GLOBAL, US_GOV_GCC_HIGH, US_GOV_DOD, CHINA or CUSTOM (then customAuthorityHost and customGraphBaseUrl).
     * Connection ids null = the tenant default. trustedCaPem: PEM certificates; null keeps, "" removes.
     * proxyPassword: write-only, null keeps. active / syncPastReservations / processor / cloud: null keeps.
     */
    public record ProviderRequest(String name, String description, Boolean active, String processor, String cloud,
                                  String customAuthorityHost, String customGraphBaseUrl, String entraTenantId,
                                  Long systemConnectionId, Long delegatedConnectionId, String delegatedUserEmail,
                                  String trustedCaPem, String proxyHost, Integer proxyPort, String proxyUser,
                                  String proxyPassword, Boolean syncPastReservations, LocalDate syncStart, LocalDate syncEnd) {
        @Override
        public String toString() {
            return "ProviderRequest[name=" + name + ", proxyPassword=****]";
        }
    }

    public record CertificateResponse(String subject, String issuer, Instant notAfter, String thumbprint) {}

    public record FieldProblem(String field, String message) {}

    /** problems: what the provider lacks for the tenant's integration mode (empty = ready). */
    public record ProviderResponse(long id, String name, String description, boolean active, Processor processor, Cloud cloud,
                                   String customAuthorityHost, String customGraphBaseUrl, String authorityHost, String graphBaseUrl,
                                   String entraTenantId, Long systemConnectionId, Long delegatedConnectionId,
                                   Long effectiveSystemConnectionId, Long effectiveDelegatedConnectionId, String delegatedUserEmail,
                                   List<CertificateResponse> trustedCertificates, String proxyHost, Integer proxyPort, String proxyUser,
                                   boolean proxyPasswordStored, Instant proxyPasswordUpdatedAt, boolean syncPastReservations,
                                   LocalDate syncStart, LocalDate syncEnd, String integrationMode, List<FieldProblem> problems,
                                   Instant createdAt, Instant updatedAt) {}

    /**
     * kind: APP_ONLY or DELEGATED (fixed once created). credentialType: SECRET (clientSecret) or CERTIFICATE
     * (certificatePkcs12 = base64 of a .pfx/.p12 with certificatePassword, or certificatePem = certificate and
     * unencrypted private key). Secret fields are write-only; null keeps the stored value. redirectUri: delegated only.
     * tenantDefault: null keeps (a new connection becomes the default when its kind has none yet).
     */
    public record ConnectionRequest(String name, String kind, String clientId, String credentialType, String clientSecret,
                                    String certificateFormat, String certificatePkcs12, String certificatePassword,
                                    String certificatePem, String redirectUri, Boolean tenantDefault) {
        @Override
        public String toString() {
            return "ConnectionRequest[name=" + name + ", kind=" + kind + ", secrets=****]";
        }
    }

    public record ConnectionResponse(long id, String name, ConnectionKind kind, String clientId, CredentialType credentialType,
                                     boolean secretStored, Instant secretUpdatedAt, CertificateFormat certificateFormat,
                                     String certificateSubject, String certificateThumbprint, Instant certificateNotAfter,
                                     String redirectUri, boolean tenantDefault, List<Long> usedByProviderIds,
                                     Instant createdAt, Instant updatedAt) {}

    private final ProviderService providers;
    private final ConnectionService connections;

    public CalendarApi(ProviderService providers, ConnectionService connections) {
        this.providers = providers;
        this.connections = connections;
    }

    // ------------------------------------------------------------------------------------------- providers

    public void listProviders(Context ctx) {
        ctx.json(providers.list(Web.user(ctx).tenant()).stream().map(CalendarApi::provider).toList());
    }

    public void getProvider(Context ctx) {
        ctx.json(provider(providers.view(Web.user(ctx).tenant(), Web.pathId(ctx, "id"))));
    }

    public void createProvider(Context ctx) {
        CurrentUser user = Web.user(ctx);
        ProviderRequest in = body(ctx, ProviderRequest.class);
        CalendarProvider p = providers.create(user, Source.REST_API.subSource, providerInput(in));
        created(ctx, "/api/v1/providers/" + p.id, provider(providers.view(user.tenant(), p.id)));
    }

    public void updateProvider(Context ctx) {
        CurrentUser user = Web.user(ctx);
        long id = Web.pathId(ctx, "id");
        providers.get(user.tenant(), id);
        ProviderRequest in = body(ctx, ProviderRequest.class);
        providers.update(user, Source.REST_API.subSource, id, providerInput(in));
        ctx.json(provider(providers.view(user.tenant(), id)));
    }

    public void deleteProvider(Context ctx) {
        providers.delete(Web.user(ctx), Source.REST_API.subSource, Web.pathId(ctx, "id"));
        ctx.status(204);
    }

    private static ProviderService.ProviderInput providerInput(ProviderRequest in) {
        boolean removeCa = in.trustedCaPem() != null && in.trustedCaPem().isBlank();
        return new ProviderService.ProviderInput(in.name(), in.description(), in.active(), in.processor(), in.cloud(),
                in.customAuthorityHost(), in.customGraphBaseUrl(), in.entraTenantId(), in.systemConnectionId(),
                in.delegatedConnectionId(), in.delegatedUserEmail(), removeCa ? null : in.trustedCaPem(), removeCa, in.proxyHost(),
                in.proxyPort(), in.proxyUser(), in.proxyPassword(), in.syncPastReservations(), in.syncStart(), in.syncEnd());
    }

    static ProviderResponse provider(ProviderService.ProviderView v) {
        CalendarProvider p = v.provider();
        return new ProviderResponse(p.id, p.name, p.description, p.active, p.processor, p.cloud, p.customAuthorityHost,
                p.customGraphBaseUrl, p.effectiveAuthorityHost(), p.effectiveGraphBaseUrl(), p.entraTenantId, p.systemConnectionId,
                p.delegatedConnectionId, v.systemConnection() == null ? null : v.systemConnection().id,
                v.delegatedConnection() == null ? null : v.delegatedConnection().id, p.delegatedUserEmail,
                v.trustedCertificates().stream().map(c -> new CertificateResponse(c.subject(), c.issuer(), c.notAfter(), c.thumbprint())).toList(),
                p.proxyHost, p.proxyPort, p.proxyUser, p.proxyPasswordEnc != null, p.proxyPasswordUpdatedAt, p.syncPastReservations,
                p.syncStart, p.syncEnd, v.mode().label(),
                v.problems().entrySet().stream().map(e -> new FieldProblem(e.getKey(), e.getValue())).toList(),
                p.createdAt, p.updatedAt);
    }

    // ----------------------------------------------------------------------------------------- connections

    public void listConnections(Context ctx) {
        ctx.json(connections.listWithUsage(Web.user(ctx).tenant()).stream().map(CalendarApi::connection).toList());
    }

    public void getConnection(Context ctx) {
        ctx.json(connection(connections.usage(Web.user(ctx).tenant(), Web.pathId(ctx, "id"))));
    }

    public void createConnection(Context ctx) {
        CurrentUser user = Web.user(ctx);
        ConnectionRequest in = body(ctx, ConnectionRequest.class);
        Connection c = connections.create(user, Source.REST_API.subSource, connectionInput(in));
        created(ctx, "/api/v1/connections/" + c.id, connection(connections.usage(user.tenant(), c.id)));
    }

    public void updateConnection(Context ctx) {
        CurrentUser user = Web.user(ctx);
        long id = Web.pathId(ctx, "id");
        connections.get(user.tenant(), id);
        ConnectionRequest in = body(ctx, ConnectionRequest.class);
        connections.update(user, Source.REST_API.subSource, id, connectionInput(in));
        ctx.json(connection(connections.usage(user.tenant(), id)));
    }

    public void deleteConnection(Context ctx) {
        connections.delete(Web.user(ctx), Source.REST_API.subSource, Web.pathId(ctx, "id"));
        ctx.status(204);
    }

    private static ConnectionService.ConnectionInput connectionInput(ConnectionRequest in) {
        byte[] pkcs12 = null;
        if (in.certificatePkcs12() != null && !in.certificatePkcs12().isBlank()) {
            try {
                pkcs12 = Base64.getMimeDecoder().decode(in.certificatePkcs12().strip());
            } catch (IllegalArgumentException e) {
                throw new ValidationException("certificatePkcs12", "certificatePkcs12 must be the PKCS#12 file in base64.");
            }
        }
        return new ConnectionService.ConnectionInput(in.name(), in.kind(), in.clientId(), in.credentialType(), in.clientSecret(),
                in.certificateFormat(), pkcs12, in.certificatePassword(), in.certificatePem(), in.redirectUri(), in.tenantDefault());
    }

    static ConnectionResponse connection(ConnectionService.ConnectionUsage u) {
        Connection c = u.connection();
        return new ConnectionResponse(c.id, c.name, c.kind, c.clientId, c.credentialType, c.secretStored(), c.secretUpdatedAt,
                c.certificateFormat, c.certificateSubject, c.certificateThumbprint, c.certificateNotAfter, c.redirectUri, c.tenantDefault,
                u.all().stream().map(p -> p.id).distinct().toList(), c.createdAt, c.updatedAt);
    }

    // ---------------------------------------------------------------------------------------------- helpers

    /**
     * The JSON body. Parse errors name the field and position only: Jackson's own messages quote the offending
     * input, which may be a secret, so they never reach the response.
     */
    static <T> T body(Context ctx, Class<T> type) {
        byte[] raw = ctx.bodyAsBytes();
        if (raw.length == 0 || new String(raw, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
            throw new ValidationException(Map.of("", "The request needs a JSON body."));
        }
        try {
            return WebServer.JSON.readValue(raw, type);
        } catch (UnrecognizedPropertyException e) {
            throw new BadRequestResponse("unknown field '" + e.getPropertyName() + "'");
        } catch (JsonMappingException e) {
            String path = e.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .collect(Collectors.joining("."));
            throw new BadRequestResponse(path.isEmpty() ? "the body must be a JSON object" : "field '" + path + "' has the wrong type or format");
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new BadRequestResponse("malformed JSON" + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr()));
        } catch (IOException e) {
            throw new BadRequestResponse("the body cannot be read");
        }
    }

    private static void created(Context ctx, String location, Object body) {
        ctx.status(201);
        ctx.header("Location", location);
        ctx.json(body);
    }
}
