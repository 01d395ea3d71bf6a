package io.roomsync.tenant;

import io.roomsync.audit.AuditLog;
import io.roomsync.common.ValidationException;
import io.roomsync.db.Tx;
import java.time.Clock;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;
import org.hibernate.Session;

/**
 * Tenants, as platform operators create them. A new tenant comes with its first tenant admin and whatever the
 * other features set up for every tenant (the initializers, e.g. default reservable modules), all in one
 * transaction: a tenant is created whole or not at all.
 */
public final class TenantService {
    private static final Pattern SLUG = Pattern.compile("^[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?$");

    private final Tx tx;
    private final Clock clock;
    private final AuditLog audit;
    private final UserService users;
    private final List<BiConsumer<Session, Long>> tenantInitializers;

    public TenantService(Tx tx, Clock clock, AuditLog audit, UserService users,
                         List<BiConsumer<Session, Long>> tenantInitializers) {
        this.tx = tx;
        this.clock = clock;
        this.audit = audit;
        this.users = users;
        this.tenantInitializers = List.copyOf(tenantInitializers);
    }

    /** What an operator enters: the tenant and its first tenant admin. */
    public record NewTenant(String name, String slug, String adminName, String adminEmail, String adminPassword) {}

    public record Created(Tenant tenant, User admin) {}

    /** A tenant in the operator's list. */
    public record Summary(Tenant tenant, long users, long activeUsers) {}

    public List<Summary> list() {
        return tx.call(s -> s.createSelectionQuery("from Tenant order by lower(name), id", Tenant.class).getResultList().stream()
                .map(t -> new Summary(t,
                        s.createSelectionQuery("select count(*) from User where tenantId = :t", Long.class).setParameter("t", t.id).getSingleResult(),
                        s.createSelectionQuery("select count(*) from User where tenantId = :t and active = true", Long.class).setParameter("t", t.id).getSingleResult()))
                .toList());
    }

    /** actor is the operator, or null when the app itself creates a tenant (demo data). */
    public Created createTenant(CurrentUser actor, NewTenant input) {
        return tx.call(s -> createTenant(s, actor, input));
    }

    /** The same inside the caller's transaction (for seeders that create more in the same breath). */
    public Created createTenant(Session s, CurrentUser actor, NewTenant input) {
        ValidationException.Errors errors = new ValidationException.Errors();
        String name = input.name() == null ? "" : input.name().trim();
        if (name.isEmpty()) errors.add("name", "Enter the organization's name.");
        else if (name.length() > 200) errors.add("name", "Use at most 200 characters.");
        String slug = input.slug() == null ? "" : input.slug().trim().toLowerCase(Locale.ROOT);
        if (slug.length() < 2 || !SLUG.matcher(slug).matches()) {
            errors.add("slug", "Use 2 to 64 lower-case letters, digits and hyphens (not at the start or end), like acme-corp.");
        } else if (s.createSelectionQuery("select count(*) from Tenant where slug = :s", Long.class).setParameter("s", slug).getSingleResult() > 0) {
            errors.add("slug", "Another organization already uses this short name.");
        }
        // The admin's fields are checked with the tenant's so one submit shows every problem.
        UserService.checkName(input.adminName(), "adminName", errors);
        UserService.checkEmail(input.adminEmail(), "adminEmail", errors);
        String pw = Passwords.problem(input.adminPassword());
        if (pw != null) errors.add("password", pw);
        errors.throwIfAny();

        Tenant t = new Tenant();
        t.name = name;
        t.slug = slug;
        t.createdAt = clock.instant();
        s.persist(t);
        User admin = users.create(s, t.id, new UserService.NewUser(input.adminEmail(), input.adminName(), null,
                EnumSet.of(Role.EMPLOYEE, Role.TENANT_ADMIN, Role.SYNC_ADMIN), input.adminPassword()));
        for (BiConsumer<Session, Long> init : tenantInitializers) init.accept(s, t.id);

        AuditLog.Changes changes = new AuditLog.Changes().field("name", null, t.name).field("slug", null, t.slug)
                .field("firstAdmin", null, admin.email);
        if (actor == null) audit.recordSystem(s, t.id, "system", null, "Tenant", t.id, "create", changes);
        else audit.record(s, actor, "portal", null, "Tenant", t.id, "create", changes);
        return new Created(t, admin);
    }
}
