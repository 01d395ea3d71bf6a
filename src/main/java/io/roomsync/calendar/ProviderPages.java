package io.roomsync.calendar;

import io.roomsync.web.FormState;
import io.javalin.http.Context;
import io.roomsync.common.ValidationException;
import io.roomsync.reservation.Source;
import io.roomsync.tenant.CurrentUser;
import io.roomsync.tenant.Role;
import io.roomsync.web.Layout;
import io.roomsync.web.Pages;
import io.roomsync.web.Web;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Admin pages for calendar providers. Tenant admins edit; calendar sync admins see the same pages read-only.
 * The proxy password is write-only: the form shows only whether one is stored.
 */
public final class ProviderPages {
    static final String[] FIELDS = {"name", "description", "active", "processor", "cloud", "customAuthorityHost", "customGraphBaseUrl",
            "entraTenantId", "systemConnectionId", "delegatedConnectionId", "delegatedUserEmail", "removeTrustedCa", "proxyHost",
            "proxyPort", "proxyUser", "syncPastReservations", "syncStart", "syncEnd"};
    /** Fields the form shows an error next to; other errors go into the alert above it. */
    static final Set<String> SHOWN = Set.of("name", "description", "processor", "cloud", "customAuthorityHost", "customGraphBaseUrl",
            "entraTenantId", "systemConnectionId", "delegatedConnectionId", "delegatedUserEmail", "trustedCaPem", "proxyHost",
            "proxyPort", "proxyUser", "proxyPassword", "syncStart", "syncEnd");

    public record Option(String value, String label) {}

    /** A status hint: level ok, warn or bad (the badge colours of app.css). */
    public record Hint(String text, String level) {}

    public record Row(long id, String name, String description, String cloud, boolean active, String system, String delegated,
                      List<Hint> hints) {}

    public record ProvidersPage(Layout layout, List<Row> rows, boolean canEdit, String mode, int connectionCount) {}

    public record CertificateLine(String subject, String expires, boolean expired) {}

    /** id null = a new provider. proxyPasswordStatus null = none stored. */
    public record ProviderPage(Layout layout, Long id, String heading, FormState form, boolean canEdit, List<Option> clouds,
                               List<Option> processors, List<Option> systemOptions, List<Option> delegatedOptions,
                               List<CertificateLine> trustedCertificates, String proxyPasswordStatus, String mode,
                               List<Hint> hints, List<String> otherErrors, String error, ProviderCheck.Result check) {
        /** A step's outcome as a badge level of app.css. */
        public static String level(ProviderCheck.Outcome outcome) {
            return switch (outcome) {
                case OK -> "ok";
                case WARNING -> "warn";
                case FAILED -> "bad";
                case SKIPPED -> "muted";
            };
        }
    }

    private final Pages pages;
    private final ProviderService providers;
    private final ConnectionService connections;
    private final Clock clock;
    private final ProviderCheck check;

    public ProviderPages(Pages pages, ProviderService providers, ConnectionService connections, Clock clock, ProviderCheck check) {
        this.pages = pages;
        this.providers = providers;
        this.connections = connections;
        this.clock = clock;
        this.check = check;
    }

    // ------------------------------------------------------------------------------------------------ list

    public void list(Context ctx) {
        CurrentUser user = Web.user(ctx);
        long tenantId = user.tenant();
        Instant now = clock.instant();
        List<Row> rows = new ArrayList<>();
        String mode = null;
        for (ProviderService.ProviderView v : providers.list(tenantId)) {
            mode = v.mode().label();
            CalendarProvider p = v.provider();
            rows.add(new Row(p.id, p.name, p.description, p.cloud.label, p.active, connectionLabel(v.systemConnection(), v.systemIsDefault()),
                    connectionLabel(v.delegatedConnection(), v.delegatedIsDefault()), hints(v, now)));
        }
        if (mode == null) mode = providers.mode(tenantId).label();
        pages.render(ctx, "calendar/providers.jte", new ProvidersPage(pages.layout(ctx, "Calendar providers", "sync-providers"), rows,
                user.has(Role.TENANT_ADMIN), mode, connections.list(tenantId).size()));
    }

    private static String connectionLabel(Connection c, boolean viaDefault) {
        if (c == null) return null;
        return viaDefault ? c.name + " (tenant default)" : c.name;
    }

    /** What an admin should know at a glance: inactive, what the mode lacks, expired or expiring certificates. */
    static List<Hint> hints(ProviderService.ProviderView v, Instant now) {
        List<Hint> out = new ArrayList<>();
        if (!v.provider().active) out.add(new Hint("Inactive", "muted"));
        v.problems().values().forEach(m -> out.add(new Hint(m, v.provider().active ? "bad" : "warn")));
        for (Certificates.CertificateInfo c : v.trustedCertificates()) {
            if (c.notAfter().isBefore(now)) out.add(new Hint("Trusted CA certificate expired", "bad"));
            else if (c.notAfter().isBefore(now.plus(Duration.ofDays(30)))) out.add(new Hint("Trusted CA certificate expires soon", "warn"));
        }
        for (Connection c : new Connection[] {v.systemConnection(), v.delegatedConnection()}) {
            if (c == null || c.certificateNotAfter == null || c.credentialType != CredentialType.CERTIFICATE) continue;
            if (c.certificateNotAfter.isBefore(now)) out.add(new Hint("Certificate of '" + c.name + "' expired", "bad"));
            else if (c.certificateNotAfter.isBefore(now.plus(Duration.ofDays(30)))) out.add(new Hint("Certificate of '" + c.name + "' expires soon", "warn"));
        }
        if (out.isEmpty()) out.add(new Hint("Ready", "ok"));
        return out;
    }

    // ---------------------------------------------------------------------------------------------- forms

    public void newForm(Context ctx) {
        Map<String, String> v = new HashMap<>();
        v.put("active", "on");
        v.put("cloud", Cloud.GLOBAL.name());
        v.put("processor", Processor.MICROSOFT_GRAPH.name());
        render(ctx, null, FormState.of(v), null);
    }

    public void create(Context ctx) {
        CurrentUser user = Web.user(ctx);
        FormState form = FormState.posted(ctx, FIELDS);
        Map<String, String> parseErrors = new LinkedHashMap<>();
        ProviderService.ProviderInput in = input(ctx, form, parseErrors);
        try {
            if (!parseErrors.isEmpty()) throw new ValidationException(merge(parseErrors, providers.check(user, null, in)));
            CalendarProvider p = providers.create(user, Source.PORTAL.subSource, in);
            pages.redirectWithFlash(ctx, "/admin/providers/" + p.id, "Calendar provider '" + p.name + "' added.");
        } catch (ValidationException e) {
            ctx.status(400);
            render(ctx, null, form.withErrors(e.fieldErrors()), null);
        }
    }

    public void show(Context ctx) {
        CurrentUser user = Web.user(ctx);
        CalendarProvider p = providers.get(user.tenant(), Web.pathId(ctx, "id"));
        render(ctx, p.id, FormState.of(values(p)), null);
    }

    /** Runs "Test connection" and shows its result on the provider's page (nothing is saved, so no redirect). */
    public void test(Context ctx) {
        CurrentUser user = Web.user(ctx);
        CalendarProvider p = providers.get(user.tenant(), Web.pathId(ctx, "id"));
        ProviderCheck.Result result = check.run(user.tenant(), p.id, ProviderCheck.DEFAULT_TIMEOUT);
        render(ctx, p.id, FormState.of(values(p)), null, result);
    }

    public void update(Context ctx) {
        CurrentUser user = Web.user(ctx);
        long id = Web.pathId(ctx, "id");
        providers.get(user.tenant(), id); // 404 before reading the form
        FormState form = FormState.posted(ctx, FIELDS);
        Map<String, String> parseErrors = new LinkedHashMap<>();
        ProviderService.ProviderInput in = input(ctx, form, parseErrors);
        try {
            if (!parseErrors.isEmpty()) throw new ValidationException(merge(parseErrors, providers.check(user, id, in)));
            CalendarProvider p = providers.update(user, Source.PORTAL.subSource, id, in);
            pages.redirectWithFlash(ctx, "/admin/providers/" + p.id, "Calendar provider '" + p.name + "' saved.");
        } catch (ValidationException e) {
            ctx.status(400);
            render(ctx, id, form.withErrors(e.fieldErrors()), null);
        }
    }

    public void delete(Context ctx) {
        CurrentUser user = Web.user(ctx);
        long id = Web.pathId(ctx, "id");
        CalendarProvider p = providers.get(user.tenant(), id);
        providers.delete(user, Source.PORTAL.subSource, id);
        pages.redirectWithFlash(ctx, "/admin/providers", "Calendar provider '" + p.name + "' deleted.");
    }

    private static Map<String, String> merge(Map<String, String> first, Map<String, String> second) {
        Map<String, String> all = new LinkedHashMap<>(first);
        second.forEach(all::putIfAbsent);
        return all;
    }

    /**
     * Form -> service input. Text that cannot be parsed (a date, a port) records an error; the handler then only
     * checks the rest with the service (nothing is saved) so the form shows every problem at once.
     */
    private static ProviderService.ProviderInput input(Context ctx, FormState f, Map<String, String> errors) {
        Integer port = null;
        String rawPort = f.value("proxyPort").strip();
        if (!rawPort.isEmpty()) {
            try {
                port = Integer.parseInt(rawPort);
            } catch (NumberFormatException e) {
                errors.put("proxyPort", "Proxy port must be a whole number from 1 to 65535.");
                port = -1;
            }
        }
        return new ProviderService.ProviderInput(f.value("name"), f.value("description"), f.checked("active"), f.value("processor"),
                f.value("cloud"), f.value("customAuthorityHost"), f.value("customGraphBaseUrl"), f.value("entraTenantId"),
                id(f.value("systemConnectionId")), id(f.value("delegatedConnectionId")), f.value("delegatedUserEmail"),
                ctx.formParam("trustedCaPem"), f.checked("removeTrustedCa"), f.value("proxyHost"), port, f.value("proxyUser"),
                ctx.formParam("proxyPassword"), f.checked("syncPastReservations"), date(f, "syncStart", "Sync start", errors),
                date(f, "syncEnd", "Sync end", errors));
    }

    private static Long id(String raw) {
        if (raw == null || raw.isBlank()) return null;
        try {
            return Long.parseLong(raw.strip());
        } catch (NumberFormatException e) {
            return -1L; // "no such connection"
        }
    }

    private static LocalDate date(FormState f, String field, String label, Map<String, String> errors) {
        String raw = f.value(field).strip();
        if (raw.isEmpty()) return null;
        try {
            return LocalDate.parse(raw);
        } catch (DateTimeParseException e) {
            errors.put(field, label + " must be a date (YYYY-MM-DD).");
            return null;
        }
    }

    private static Map<String, String> values(CalendarProvider p) {
        Map<String, String> v = new HashMap<>();
        v.put("name", p.name);
        v.put("description", p.description);
        if (p.active) v.put("active", "on");
        v.put("processor", p.processor.name());
        v.put("cloud", p.cloud.name());
        v.put("customAuthorityHost", p.customAuthorityHost);
        v.put("customGraphBaseUrl", p.customGraphBaseUrl);
        v.put("entraTenantId", p.entraTenantId);
        v.put("systemConnectionId", p.systemConnectionId == null ? "" : p.systemConnectionId.toString());
        v.put("delegatedConnectionId", p.delegatedConnectionId == null ? "" : p.delegatedConnectionId.toString());
        v.put("delegatedUserEmail", p.delegatedUserEmail);
        v.put("proxyHost", p.proxyHost);
        v.put("proxyPort", p.proxyPort == null ? null : p.proxyPort.toString());
        v.put("proxyUser", p.proxyUser);
        if (p.syncPastReservations) v.put("syncPastReservations", "on");
        v.put("syncStart", p.syncStart == null ? null : p.syncStart.toString());
        v.put("syncEnd", p.syncEnd == null ? null : p.syncEnd.toString());
        v.values().removeIf(x -> x == null);
        return v;
    }

    private void render(Context ctx, Long id, FormState form, String error) {
        render(ctx, id, form, error, null);
    }

    private void render(Context ctx, Long id, FormState form, String error, ProviderCheck.Result result) {
        CurrentUser user = Web.user(ctx);
        long tenantId = user.tenant();
        Instant now = clock.instant();
        ZoneId zone = zone(user);
        List<Option> clouds = new ArrayList<>();
        for (Cloud c : Cloud.values()) clouds.add(new Option(c.name(), c.label));
        List<Option> processors = new ArrayList<>();
        for (Processor p : Processor.values()) processors.add(new Option(p.name(), p.label));
        List<Connection> all = connections.list(tenantId);
        List<Option> system = connectionOptions(all, ConnectionKind.APP_ONLY);
        List<Option> delegated = connectionOptions(all, ConnectionKind.DELEGATED);

        List<CertificateLine> certs = List.of();
        String proxyStatus = null;
        List<Hint> hints = List.of();
        String heading = "New calendar provider";
        String mode;
        if (id != null) {
            ProviderService.ProviderView v = providers.view(tenantId, id);
            CalendarProvider p = v.provider();
            heading = p.name;
            mode = v.mode().label();
            certs = v.trustedCertificates().stream().map(c -> new CertificateLine(c.subject(), date(c.notAfter(), zone), c.notAfter().isBefore(now))).toList();
            if (p.proxyPasswordEnc != null) proxyStatus = storedLabel(p.proxyPasswordUpdatedAt, zone);
            hints = hints(v, now);
        } else {
            mode = providers.mode(tenantId).label();
        }
        pages.render(ctx, "calendar/provider.jte", new ProviderPage(pages.layout(ctx, heading, "sync-providers"), id, heading, form,
                user.has(Role.TENANT_ADMIN), clouds, processors, system, delegated, certs, proxyStatus, mode, hints,
                form.otherErrors(SHOWN), error, result));
    }

    private static List<Option> connectionOptions(List<Connection> all, ConnectionKind kind) {
        List<Option> out = new ArrayList<>();
        Connection def = all.stream().filter(c -> c.kind == kind && c.tenantDefault).findFirst().orElse(null);
        out.add(new Option("", def == null ? "Tenant default (none set yet)" : "Tenant default: " + def.name));
        for (Connection c : all) {
            if (c.kind == kind) out.add(new Option(c.id.toString(), c.name));
        }
        return out;
    }

    static ZoneId zone(CurrentUser user) {
        try {
            return user.timeZone() == null ? ZoneId.of("UTC") : ZoneId.of(user.timeZone());
        } catch (RuntimeException e) {
            return ZoneId.of("UTC");
        }
    }

    static String date(Instant instant, ZoneId zone) {
        return instant == null ? "" : instant.atZone(zone).toLocalDate().toString();
    }

    /** How a write-only secret appears: that it is stored, and since when. */
    static String storedLabel(Instant setAt, ZoneId zone) {
        return setAt == null ? "•••• stored" : "•••• stored (set " + date(setAt, zone) + ")";
    }
}
