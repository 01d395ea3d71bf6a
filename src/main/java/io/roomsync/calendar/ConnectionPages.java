package io.roomsync.calendar;

import io.roomsync.web.FormState;
import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import io.roomsync.common.ConflictException;
import io.roomsync.common.ValidationException;
import io.roomsync.reservation.Source;
import io.roomsync.tenant.CurrentUser;
import io.roomsync.tenant.Role;
import io.roomsync.web.Layout;
import io.roomsync.web.Pages;
import io.roomsync.web.Web;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Admin pages for connections (Entra app registrations and their credentials). Secrets are write-only: the form
 * never carries a stored secret back, a blank secret field keeps what is stored, and a rejected form asks again.
 */
public final class ConnectionPages {
    static final String[] FIELDS = {"name", "kind", "clientId", "credentialType", "certificateFormat", "redirectUri", "tenantDefault"};
    static final Set<String> SHOWN = Set.of("name", "kind", "clientId", "credentialType", "certificateFormat", "redirectUri",
            "tenantDefault", "clientSecret", "certificatePkcs12", "certificatePassword", "certificatePem");

    public record Row(long id, String name, String kind, String clientId, String credential, String secretStatus,
                      boolean tenantDefault, String usedBy, List<ProviderPages.Hint> hints) {}

    public record ConnectionsPage(Layout layout, List<Row> rows, boolean canEdit) {}

    /** id null = a new connection. secretStatus / certificateStatus null = nothing of that type stored. */
    public record ConnectionPage(Layout layout, Long id, String heading, FormState form, boolean canEdit,
                                 List<ProviderPages.Option> kinds, String kindLabel, List<ProviderPages.Option> credentialTypes,
                                 List<ProviderPages.Option> certificateFormats, String secretStatus, String certificateStatus,
                                 String certificateDetails, String usedBy, List<String> otherErrors, String error) {}

    private final Pages pages;
    private final ConnectionService connections;
    private final Clock clock;

    public ConnectionPages(Pages pages, ConnectionService connections, Clock clock) {
        this.pages = pages;
        this.connections = connections;
        this.clock = clock;
    }

    public void list(Context ctx) {
        CurrentUser user = Web.user(ctx);
        ZoneId zone = ProviderPages.zone(user);
        Instant now = clock.instant();
        List<Row> rows = new ArrayList<>();
        for (ConnectionService.ConnectionUsage u : connections.listWithUsage(user.tenant())) {
            Connection c = u.connection();
            List<ProviderPages.Hint> hints = new ArrayList<>();
            if (c.certificateNotAfter != null && c.credentialType == CredentialType.CERTIFICATE) {
                if (c.certificateNotAfter.isBefore(now)) hints.add(new ProviderPages.Hint("Certificate expired", "bad"));
                else if (c.certificateNotAfter.isBefore(now.plus(Duration.ofDays(30)))) {
                    hints.add(new ProviderPages.Hint("Certificate expires " + ProviderPages.date(c.certificateNotAfter, zone), "warn"));
                }
            }
            rows.add(new Row(c.id, c.name, c.kind.label, c.clientId, c.credentialType.label,
                    c.secretStored() ? ProviderPages.storedLabel(c.secretUpdatedAt, zone) : "not stored", c.tenantDefault,
                    usedBy(u), hints));
        }
        pages.render(ctx, "calendar/connections.jte", new ConnectionsPage(pages.layout(ctx, "Connections", "sync-providers"), rows,
                user.has(Role.TENANT_ADMIN)));
    }

    private static String usedBy(ConnectionService.ConnectionUsage u) {
        List<CalendarProvider> all = u.all();
        if (all.isEmpty()) return "";
        return all.stream().map(p -> p.name).distinct().collect(Collectors.joining(", "));
    }

    public void newForm(Context ctx) {
        Map<String, String> v = new HashMap<>();
        v.put("kind", ConnectionKind.APP_ONLY.name());
        v.put("credentialType", CredentialType.SECRET.name());
        v.put("certificateFormat", CertificateFormat.PKCS12.name());
        render(ctx, null, FormState.of(v), null);
    }

    public void create(Context ctx) {
        CurrentUser user = Web.user(ctx);
        FormState form = FormState.posted(ctx, FIELDS);
        try {
            // An unticked default box on a new connection means "as usual": the first of its kind becomes the default.
            Connection c = connections.create(user, Source.PORTAL.subSource, input(ctx, form, form.checked("tenantDefault") ? Boolean.TRUE : null));
            pages.redirectWithFlash(ctx, "/admin/connections/" + c.id, "Connection '" + c.name + "' added.");
        } catch (ValidationException e) {
            ctx.status(400);
            render(ctx, null, form.withErrors(e.fieldErrors()), null);
        }
    }

    public void show(Context ctx) {
        Connection c = connections.get(Web.user(ctx).tenant(), Web.pathId(ctx, "id"));
        render(ctx, c.id, FormState.of(values(c)), null);
    }

    public void update(Context ctx) {
        CurrentUser user = Web.user(ctx);
        long id = Web.pathId(ctx, "id");
        connections.get(user.tenant(), id); // 404 before reading the form
        FormState form = FormState.posted(ctx, FIELDS);
        try {
            Connection c = connections.update(user, Source.PORTAL.subSource, id, input(ctx, form, form.checked("tenantDefault")));
            pages.redirectWithFlash(ctx, "/admin/connections/" + c.id, "Connection '" + c.name + "' saved.");
        } catch (ValidationException e) {
            ctx.status(400);
            render(ctx, id, form.withErrors(e.fieldErrors()), null);
        }
    }

    public void delete(Context ctx) {
        CurrentUser user = Web.user(ctx);
        long id = Web.pathId(ctx, "id");
        Connection c = connections.get(user.tenant(), id);
        try {
            connections.delete(user, Source.PORTAL.subSource, id);
            pages.redirectWithFlash(ctx, "/admin/connections", "Connection '" + c.name + "' deleted.");
        } catch (ConflictException e) {
            ctx.status(409);
            render(ctx, id, FormState.of(values(c)), e.getMessage());
        }
    }

    private static ConnectionService.ConnectionInput input(Context ctx, FormState f, Boolean tenantDefault) {
        byte[] pkcs12 = null;
        if (ctx.isMultipartFormData()) {
            UploadedFile file = ctx.uploadedFile("certificatePkcs12");
            if (file != null && file.size() > 0) {
                if (file.size() > ConnectionService.MAX_PKCS12_BYTES) {
                    throw new ValidationException("certificatePkcs12", "The PKCS#12 file must be at most " + ConnectionService.MAX_PKCS12_BYTES / 1024 + " KB.");
                }
                try (InputStream in = file.content()) {
                    pkcs12 = in.readAllBytes();
                } catch (IOException e) {
                    throw new ValidationException("certificatePkcs12", "The uploaded file could not be read. Try again.");
                }
            }
        }
        return new ConnectionService.ConnectionInput(f.value("name"), f.value("kind"), f.value("clientId"), f.value("credentialType"),
                ctx.formParam("clientSecret"), f.value("certificateFormat"), pkcs12, ctx.formParam("certificatePassword"),
                ctx.formParam("certificatePem"), f.value("redirectUri"), tenantDefault);
    }

    private static Map<String, String> values(Connection c) {
        Map<String, String> v = new HashMap<>();
        v.put("name", c.name);
        v.put("kind", c.kind.name());
        v.put("clientId", c.clientId);
        v.put("credentialType", c.credentialType.name());
        v.put("certificateFormat", c.certificateFormat == null ? CertificateFormat.PKCS12.name() : c.certificateFormat.name());
        if (c.redirectUri != null) v.put("redirectUri", c.redirectUri);
        if (c.tenantDefault) v.put("tenantDefault", "on");
        return v;
    }

    private void render(Context ctx, Long id, FormState form, String error) {
        CurrentUser user = Web.user(ctx);
        ZoneId zone = ProviderPages.zone(user);
        List<ProviderPages.Option> kinds = new ArrayList<>();
        for (ConnectionKind k : ConnectionKind.values()) kinds.add(new ProviderPages.Option(k.name(), k.label));
        List<ProviderPages.Option> types = new ArrayList<>();
        for (CredentialType t : CredentialType.values()) types.add(new ProviderPages.Option(t.name(), t.label));
        List<ProviderPages.Option> formats = new ArrayList<>();
        for (CertificateFormat f : CertificateFormat.values()) formats.add(new ProviderPages.Option(f.name(), f.label));

        String heading = "New connection";
        String kindLabel = null;
        String secretStatus = null;
        String certificateStatus = null;
        String certificateDetails = null;
        String usedBy = "";
        if (id != null) {
            ConnectionService.ConnectionUsage u = connections.usage(user.tenant(), id);
            Connection c = u.connection();
            heading = c.name;
            kindLabel = c.kind.label;
            usedBy = usedBy(u);
            if (c.credentialType == CredentialType.SECRET && c.clientSecretEnc != null) {
                secretStatus = ProviderPages.storedLabel(c.secretUpdatedAt, zone);
            }
            if (c.credentialType == CredentialType.CERTIFICATE && c.certificateEnc != null) {
                certificateStatus = ProviderPages.storedLabel(c.secretUpdatedAt, zone) + " as " + c.certificateFormat.label;
                certificateDetails = c.certificateSubject + " · thumbprint " + c.certificateThumbprint + " · expires "
                        + ProviderPages.date(c.certificateNotAfter, zone);
            }
        }
        pages.render(ctx, "calendar/connection.jte", new ConnectionPage(pages.layout(ctx, heading, "sync-providers"), id, heading, form,
                user.has(Role.TENANT_ADMIN), kinds, kindLabel, types, formats, secretStatus, certificateStatus, certificateDetails,
                usedBy, form.otherErrors(SHOWN), error));
    }
}
