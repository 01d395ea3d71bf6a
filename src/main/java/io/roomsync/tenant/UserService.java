package io.roomsync.tenant;

import io.roomsync.audit.AuditLog;
import io.roomsync.common.NotFoundException;
import io.roomsync.common.ValidationException;
import io.roomsync.db.Tx;
import java.time.Clock;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.hibernate.Session;

/**
 * Users of a tenant and their roles, as tenant admins manage them. Every lookup is scoped to the caller's tenant,
 * so an id of another tenant is simply not found. Password hashes never leave this class.
 */
public final class UserService {
    /** Roles a tenant admin can give; Employee is always included. */
    public static final List<Role> ASSIGNABLE_ROLES = List.of(Role.EMPLOYEE, Role.TENANT_ADMIN, Role.SYNC_ADMIN);
    public static final int LIST_LIMIT = 200;
    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");

    private final Tx tx;
    private final Clock clock;
    private final AuditLog audit;

    public UserService(Tx tx, Clock clock, AuditLog audit) {
        this.tx = tx;
        this.clock = clock;
        this.audit = audit;
    }

    /** What a tenant admin enters for a new user. roles may omit EMPLOYEE; it is always added. */
    public record NewUser(String email, String displayName, String timeZone, Set<Role> roles, String password) {}

    /**
     * An edit; null fields keep their value (timeZone "" clears it). active false deactivates (ending the user's
     * sessions); password sets a new password chosen by the admin (also ending the user's sessions).
     */
    public record UserChanges(String displayName, String timeZone, Set<Role> roles, Boolean active, String password) {
        public static UserChanges profile(String displayName, String timeZone, Set<Role> roles) {
            return new UserChanges(displayName, timeZone, roles, null, null);
        }

        public static UserChanges active(boolean active) {
            return new UserChanges(null, null, null, active, null);
        }

        public static UserChanges password(String password) {
            return new UserChanges(null, null, null, null, password == null ? "" : password);
        }
    }

    public record Listing(List<User> users, long total) {}

    public Listing list(long tenantId, String search) {
        String q = search == null ? "" : search.trim().toLowerCase(Locale.ROOT);
        String like = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
        String where = "where u.tenantId = :t" + (q.isEmpty() ? "" : " and (u.emailLower like :q escape '\\' or lower(u.displayName) like :q escape '\\')");
        return tx.call(s -> {
            var count = s.createSelectionQuery("select count(*) from User u " + where, Long.class).setParameter("t", tenantId);
            var find = s.createSelectionQuery("from User u " + where + " order by u.active desc, lower(u.displayName), u.id", User.class)
                    .setParameter("t", tenantId).setMaxResults(LIST_LIMIT);
            if (!q.isEmpty()) {
                count.setParameter("q", like);
                find.setParameter("q", like);
            }
            return new Listing(find.getResultList(), count.getSingleResult());
        });
    }

    public User get(long tenantId, long userId) {
        return tx.call(s -> find(s, tenantId, userId));
    }

    /** A user of the tenant, or 404 (also for users of other tenants). */
    public static User find(Session s, long tenantId, long userId) {
        User u = s.createSelectionQuery("from User where id = :id and tenantId = :t", User.class)
                .setParameter("id", userId).setParameter("t", tenantId).uniqueResult();
        if (u == null) throw new NotFoundException("User");
        return u;
    }

    public User create(CurrentUser actor, String source, NewUser input) {
        long tenantId = actor.tenant();
        return tx.call(s -> {
            User u = create(s, tenantId, input);
            audit.record(s, actor, source, null, "User", u.id, "create", new AuditLog.Changes()
                    .field("email", null, u.email).field("displayName", null, u.displayName)
                    .field("timeZone", null, u.timeZone).field("roles", null, rolesText(u.roles))
                    .secret("password", true));
            return u;
        });
    }

    /** Creates a user of a tenant inside the caller's transaction (also used when a tenant is created). */
    User create(Session s, long tenantId, NewUser input) {
        ValidationException.Errors errors = new ValidationException.Errors();
        String email = checkEmail(input.email(), errors);
        String name = checkName(input.displayName(), errors);
        String zone = checkZone(input.timeZone(), errors);
        Set<Role> roles = checkRoles(input.roles(), errors);
        String pw = Passwords.problem(input.password());
        if (pw != null) errors.add("password", pw);
        if (email != null && !errors.has("email") && emailTaken(s, tenantId, email)) {
            errors.add("email", "A user with this e-mail already exists.");
        }
        errors.throwIfAny();
        User u = new User();
        u.tenantId = tenantId;
        u.setEmail(email);
        u.displayName = name;
        u.timeZone = zone;
        u.roles = roles;
        u.passwordHash = Passwords.hash(input.password());
        u.active = true;
        u.createdAt = clock.instant();
        s.persist(u);
        return u;
    }

    /** Applies an edit in one transaction: all of it, or (on any invalid field) none of it. */
    public User update(CurrentUser actor, String source, long userId, UserChanges changes) {
        long tenantId = actor.tenant();
        String hash = changes.password() == null || Passwords.problem(changes.password()) != null ? null : Passwords.hash(changes.password());
        return tx.call(s -> {
            User u = find(s, tenantId, userId);
            boolean self = u.id == actor.userId();
            ValidationException.Errors errors = new ValidationException.Errors();
            String name = changes.displayName() == null ? u.displayName : checkName(changes.displayName(), errors);
            String zone = changes.timeZone() == null ? u.timeZone : checkZone(changes.timeZone(), errors);
            Set<Role> roles = changes.roles() == null ? u.roles : checkRoles(changes.roles(), errors);
            if (!errors.has("roles") && self && u.has(Role.TENANT_ADMIN) && !roles.contains(Role.TENANT_ADMIN)) {
                errors.add("roles", "You cannot remove your own Tenant admin role. Ask another tenant admin to do it.");
            }
            boolean active = changes.active() == null ? u.active : changes.active();
            if (self && !active) errors.add("active", "You cannot deactivate yourself. Ask another tenant admin to do it.");
            if (changes.password() != null) {
                String problem = Passwords.problem(changes.password());
                if (problem != null) errors.add("password", problem);
            }
            errors.throwIfAny();

            AuditLog.Changes audited = new AuditLog.Changes()
                    .field("displayName", u.displayName, name).field("timeZone", u.timeZone, zone)
                    .field("roles", rolesText(u.roles), rolesText(roles)).field("active", u.active, active)
                    .secret("password", hash != null);
            String action = u.active == active ? "update" : active ? "reactivate" : "deactivate";
            u.displayName = name;
            u.timeZone = zone;
            u.roles = EnumSet.copyOf(roles);
            u.active = active;
            if (hash != null) u.passwordHash = hash;
            // A new password or a deactivation must not leave old sessions signed in. A new password also revokes the
            // API tokens, which a thief of the old password (or of a session) may have made; a deactivated user's
            // tokens are refused while they stay deactivated.
            if (hash != null || !active) endSessions(s, u.id);
            if (hash != null) revokeTokens(s, u.id);
            if (!audited.isEmpty()) audit.record(s, actor, source, null, "User", u.id, action, audited);
            return u;
        });
    }

    /** A user changes their own password; their other sessions end, the current one stays. */
    public void changeOwnPassword(CurrentUser actor, String currentSessionId, String current, String next, String confirm) {
        ValidationException.Errors errors = new ValidationException.Errors();
        User u = tx.call(s -> s.find(User.class, actor.userId()));
        if (!Passwords.matches(current, u.passwordHash)) errors.add("current", "This is not your current password.");
        String problem = Passwords.problem(next);
        if (problem != null) errors.add("password", problem);
        else if (!next.equals(confirm)) errors.add("confirm", "The two new passwords are not the same.");
        errors.throwIfAny();
        String hash = Passwords.hash(next);
        tx.run(s -> {
            User me = s.find(User.class, actor.userId());
            me.passwordHash = hash;
            s.createMutationQuery("delete from UserSession where userId = :u and id <> :current")
                    .setParameter("u", me.id).setParameter("current", currentSessionId == null ? "" : currentSessionId).executeUpdate();
            revokeTokens(s, me.id);
            audit.record(s, actor, "portal", null, "User", me.id, "update", new AuditLog.Changes().secret("password", true));
        });
    }

    public static String rolesText(Set<Role> roles) {
        return String.join(", ", ASSIGNABLE_ROLES.stream().filter(roles::contains).map(r -> r.label).toList());
    }

    private static void endSessions(Session s, long userId) {
        s.createMutationQuery("delete from UserSession where userId = :u").setParameter("u", userId).executeUpdate();
    }

    private void revokeTokens(Session s, long userId) {
        s.createMutationQuery("update ApiToken set revokedAt = :now where userId = :u and revokedAt is null")
                .setParameter("now", clock.instant()).setParameter("u", userId).executeUpdate();
    }

    private static boolean emailTaken(Session s, long tenantId, String email) {
        return s.createSelectionQuery("select count(*) from User where tenantId = :t and emailLower = :e", Long.class)
                .setParameter("t", tenantId).setParameter("e", email.toLowerCase(Locale.ROOT)).getSingleResult() > 0;
    }

    static String checkEmail(String raw, ValidationException.Errors errors) {
        return checkEmail(raw, "email", errors);
    }

    static String checkEmail(String raw, String field, ValidationException.Errors errors) {
        String v = raw == null ? "" : raw.trim();
        if (v.isEmpty()) errors.add(field, "Enter an e-mail address.");
        else if (v.length() > 320 || !EMAIL.matcher(v).matches()) errors.add(field, "Enter a valid e-mail address, like ann@example.com.");
        return v;
    }

    static String checkName(String raw, ValidationException.Errors errors) {
        return checkName(raw, "displayName", errors);
    }

    static String checkName(String raw, String field, ValidationException.Errors errors) {
        String v = raw == null ? "" : raw.trim();
        if (v.isEmpty()) errors.add(field, "Enter a name.");
        else if (v.length() > 200) errors.add(field, "Use at most 200 characters.");
        return v;
    }

    /** Blank = none (the building's zone is used). Only IANA region ids, not bare offsets. */
    static String checkZone(String raw, ValidationException.Errors errors) {
        String v = raw == null ? "" : raw.trim();
        if (v.isEmpty()) return null;
        if (!ZoneId.getAvailableZoneIds().contains(v)) {
            errors.add("timeZone", "Enter an IANA time zone, like Europe/Zurich or America/New_York.");
            return null;
        }
        return v;
    }

    static Set<Role> checkRoles(Set<Role> requested, ValidationException.Errors errors) {
        Set<Role> roles = EnumSet.of(Role.EMPLOYEE);
        if (requested != null) {
            for (Role r : requested) {
                if (!ASSIGNABLE_ROLES.contains(r)) errors.add("roles", "A user can be given only Employee, Tenant admin and Calendar sync admin.");
                else roles.add(r);
            }
        }
        return roles;
    }
}
