package io.roomsync.tenant;

import io.roomsync.audit.AuditLog;
import io.roomsync.common.ValidationException;
import io.roomsync.db.Tx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.hibernate.Session;

/**
 * The tenant properties of DESIGN.md (the "system properties" of the original product): typed, per tenant, with
 * defaults. Only values that differ from the default are stored, so "default" simply means "no row".
 * Other features read them through the typed getters ({@link #mode}, {@link #maxEventRetryCount}, ...).
 */
public final class TenantProperties {
    public static final String SYNC_INTEGRATION_MODE = "sync_integration_mode";
    public static final String USE_USER_DEFAULT_TZ = "use_user_default_tz";
    public static final String USE_DEFAULT_TZ = "use_default_tz";
    public static final String CREATE_BLOCKING_RSV = "create_blocking_rsv";
    public static final String MAX_EVENT_RETRY_COUNT = "max_event_retry_count";
    public static final String EXCHANGE_CALLBACK_TIME_LIMIT = "exchange_callback_time_limit";
    public static final String CANCEL_UNCONFIRMED_RESERVATIONS = "cancel_unconfirmed_reservations";
    public static final String BLOCKER_USER = "blocker_user";
    public static final String TIME_WHEN_RESERVATION_CANCELLED_WITHOUT_CHECK_IN = "time_when_reservation_cancelled_without_check_in";

    public static final String PERSONAL_MODE_UNAVAILABLE = "Personal mode comes with personal calendar connections, "
            + "which this version does not have yet. Choose Normal or Strict.";

    public enum Type {
        CHOICE("Choice"), BOOLEAN("Yes / no"), INTEGER("Whole number"), USER("User e-mail");

        public final String label;

        Type(String label) {
            this.label = label;
        }
    }

    public record Choice(String value, String label) {}

    /** One property: its name, what it means, its type and its default (in the text form the forms use). */
    public record Definition(String name, String label, String meaning, Type type, String defaultValue, String unit,
                             Integer min, Integer max, List<Choice> choices) {
        /** "Whole number, 1-72 hours", "Choice: Normal, Strict, Personal", ... */
        public String typeDescription() {
            switch (type) {
                case INTEGER:
                    return type.label + ", " + min + "–" + max + (unit == null ? "" : " " + unit);
                case CHOICE:
                    return type.label + ": " + String.join(", ", choices.stream().map(Choice::value).toList());
                default:
                    return type.label;
            }
        }

        /** The default as people read it. */
        public String defaultDisplay() {
            return display(this, defaultValue);
        }
    }

    /** A property with the tenant's current value (text form) and whether that is the default. */
    public record Current(Definition definition, String value, boolean isDefault, String display, String note) {}

    public static final List<Definition> DEFINITIONS = List.of(
            new Definition(SYNC_INTEGRATION_MODE, "Integration mode",
                    "How reservations are written to Exchange Online. Normal: the app's own credential writes each event "
                            + "straight into the requested-for user's calendar, with the room as a resource attendee. "
                            + "Strict: one delegated mailbox organizes every event and users are invited; they change "
                            + "reservations only in Roomsync. Personal: each user connects their own Outlook once and "
                            + "their changes are written with their own token.",
                    Type.CHOICE, "Normal", null, null, null, List.of(
                            new Choice("Normal", "Normal – app credential writes to each user's calendar"),
                            new Choice("Strict", "Strict – a delegated mailbox organizes, users are invited"),
                            new Choice("Personal", "Personal – each user connects their own Outlook"))),
            new Definition(USE_USER_DEFAULT_TZ, "Use the user's time zone",
                    "Send reservations made in Roomsync to Exchange in the time zone of the requested-for user; when "
                            + "the user has none, the default time zone below is used, then UTC. Meetings that come from "
                            + "Exchange keep their own time zone.",
                    Type.BOOLEAN, "false", null, null, null, List.of()),
            new Definition(USE_DEFAULT_TZ, "Default time zone",
                    "Which time zone reservations are synchronized in when the user's own zone is not used: the "
                            + "building's time zone, or UTC.",
                    Type.CHOICE, "building", null, null, null, List.of(
                            new Choice("building", "The building's time zone"),
                            new Choice("utc", "UTC"))),
            new Definition(CREATE_BLOCKING_RSV, "Create blocker reservations",
                    "Create blocker reservations (preparation and clean-up time around a meeting) on rooms that are "
                            + "synchronized with Exchange.",
                    Type.BOOLEAN, "true", null, null, null, List.of()),
            new Definition(MAX_EVENT_RETRY_COUNT, "Retries of a failed sync event",
                    "How many times a sync event that failed is tried again before it is marked Error and the "
                            + "calendar sync admins are told.",
                    Type.INTEGER, "10", "retries", 0, 100, List.of()),
            new Definition(EXCHANGE_CALLBACK_TIME_LIMIT, "Exchange confirmation time limit",
                    "How long to wait for a room's mailbox to accept a reservation. Exchange sends nothing when a room "
                            + "declines, so a reservation still awaiting confirmation after this time is marked "
                            + "Rejected and its user is told.",
                    Type.INTEGER, "5", "hours", 1, 72, List.of()),
            new Definition(CANCEL_UNCONFIRMED_RESERVATIONS, "Cancel unconfirmed reservations after",
                    "Cancel a reservation when no confirmation arrives from the calendar provider within this time.",
                    Type.INTEGER, "360", "minutes", 5, 10_080, List.of()),
            new Definition(BLOCKER_USER, "Blocker user",
                    "The user who owns blocker reservations. In Personal mode a blocker is created in the delegated "
                            + "mailbox with this user invited. None: the requested-for user of the reservation.",
                    Type.USER, "", null, null, null, List.of()),
            new Definition(TIME_WHEN_RESERVATION_CANCELLED_WITHOUT_CHECK_IN, "Cancel without check-in after",
                    "Cancel a reservation as a no-show when nobody checks in within this time after it starts. "
                            + "Applies to modules that require check-in.",
                    Type.INTEGER, "30", "minutes", 1, 1_440, List.of()));

    private static final Map<String, Definition> BY_NAME = new LinkedHashMap<>();

    static {
        DEFINITIONS.forEach(d -> BY_NAME.put(d.name(), d));
    }

    private final Tx tx;
    private final AuditLog audit;
    private final boolean personalModeAvailable;

    /** personalModeAvailable: whether personal calendar connections exist, without which Personal mode cannot work. */
    public TenantProperties(Tx tx, AuditLog audit, boolean personalModeAvailable) {
        this.tx = tx;
        this.audit = audit;
        this.personalModeAvailable = personalModeAvailable;
    }

    public static Definition definition(String name) {
        Definition d = BY_NAME.get(name);
        if (d == null) throw new IllegalArgumentException("unknown tenant property " + name);
        return d;
    }

    // --- typed getters ------------------------------------------------------------------------------------------

    public SyncIntegrationMode mode(long tenantId) {
        return tx.call(s -> mode(s, tenantId));
    }

    public SyncIntegrationMode mode(Session s, long tenantId) {
        return SyncIntegrationMode.valueOf(raw(s, tenantId, SYNC_INTEGRATION_MODE));
    }

    public boolean useUserDefaultTz(Session s, long tenantId) {
        return Boolean.parseBoolean(raw(s, tenantId, USE_USER_DEFAULT_TZ));
    }

    /** True when the building's zone is the default sync zone, false for UTC. */
    public boolean useBuildingTz(Session s, long tenantId) {
        return "building".equals(raw(s, tenantId, USE_DEFAULT_TZ));
    }

    public boolean createBlockingReservations(Session s, long tenantId) {
        return Boolean.parseBoolean(raw(s, tenantId, CREATE_BLOCKING_RSV));
    }

    public int maxEventRetryCount(long tenantId) {
        return tx.call(s -> maxEventRetryCount(s, tenantId));
    }

    public int maxEventRetryCount(Session s, long tenantId) {
        return Integer.parseInt(raw(s, tenantId, MAX_EVENT_RETRY_COUNT));
    }

    public Duration exchangeCallbackTimeLimit(Session s, long tenantId) {
        return Duration.ofHours(Integer.parseInt(raw(s, tenantId, EXCHANGE_CALLBACK_TIME_LIMIT)));
    }

    public Duration cancelUnconfirmedReservations(Session s, long tenantId) {
        return Duration.ofMinutes(Integer.parseInt(raw(s, tenantId, CANCEL_UNCONFIRMED_RESERVATIONS)));
    }

    /** The blocker user's id, if one is set and still an active user of the tenant. */
    public Optional<Long> blockerUser(Session s, long tenantId) {
        String raw = raw(s, tenantId, BLOCKER_USER);
        if (raw.isEmpty()) return Optional.empty();
        User u = s.find(User.class, Long.parseLong(raw));
        return u != null && u.active && Long.valueOf(tenantId).equals(u.tenantId) ? Optional.of(u.id) : Optional.empty();
    }

    public Duration timeWhenReservationCancelledWithoutCheckIn(Session s, long tenantId) {
        return Duration.ofMinutes(Integer.parseInt(raw(s, tenantId, TIME_WHEN_RESERVATION_CANCELLED_WITHOUT_CHECK_IN)));
    }

    // --- listing and saving -------------------------------------------------------------------------------------

    public List<Current> list(long tenantId) {
        return tx.call(s -> list(s, tenantId));
    }

    public List<Current> list(Session s, long tenantId) {
        Map<String, String> stored = stored(s, tenantId);
        List<Current> all = new ArrayList<>();
        for (Definition d : DEFINITIONS) {
            String raw = stored.get(d.name());
            if (raw == null) {
                all.add(new Current(d, d.defaultValue(), true, d.defaultDisplay(), null));
            } else if (d.type() == Type.USER) {
                User u = s.find(User.class, Long.parseLong(raw));
                String email = u == null ? "" : u.email;
                String note = u == null || !u.active ? "This user is no longer active: choose another or clear the field." : null;
                all.add(new Current(d, email, false, email, note));
            } else {
                all.add(new Current(d, raw, false, display(d, raw), null));
            }
        }
        return all;
    }

    /**
     * Changes the given properties (name -> value in text form: choice value, true/false, whole number, user
     * e-mail or empty for none). Properties not named keep their value. Every value is checked first; nothing is
     * saved unless all are valid.
     */
    public void save(CurrentUser actor, String source, Map<String, String> changes) {
        long tenantId = actor.tenant();
        tx.run(s -> {
            ValidationException.Errors errors = new ValidationException.Errors();
            Map<String, String> canonical = new LinkedHashMap<>();
            for (Map.Entry<String, String> e : changes.entrySet()) {
                Definition d = BY_NAME.get(e.getKey());
                if (d == null) {
                    errors.add(e.getKey(), "There is no property named " + e.getKey() + ".");
                    continue;
                }
                String value = parse(s, tenantId, d, e.getValue(), errors);
                if (value != null) canonical.put(d.name(), value);
            }
            errors.throwIfAny();

            Map<String, String> before = new HashMap<>();
            list(s, tenantId).forEach(c -> before.put(c.definition().name(), c.display()));
            for (Map.Entry<String, String> e : canonical.entrySet()) {
                Definition d = BY_NAME.get(e.getKey());
                TenantProperty row = s.find(TenantProperty.class, new TenantProperty.Key(tenantId, d.name()));
                if (e.getValue().equals(d.defaultValue())) {
                    if (row != null) s.remove(row);
                } else if (row == null) {
                    row = new TenantProperty();
                    row.key = new TenantProperty.Key(tenantId, d.name());
                    row.value = e.getValue();
                    s.persist(row);
                } else {
                    row.value = e.getValue();
                }
            }
            s.flush();
            AuditLog.Changes audited = new AuditLog.Changes();
            for (Current c : list(s, tenantId)) {
                audited.field(c.definition().name(), before.get(c.definition().name()), c.display());
            }
            if (!audited.isEmpty()) audit.record(s, actor, source, null, "TenantProperties", tenantId, "update", audited);
        });
    }

    /** The stored form of a value, or null (with an error recorded) when it is not valid. */
    private String parse(Session s, long tenantId, Definition d, String input, ValidationException.Errors errors) {
        String v = input == null ? "" : input.trim();
        switch (d.type()) {
            case CHOICE: {
                for (Choice c : d.choices()) {
                    if (c.value().equalsIgnoreCase(v)) {
                        if (d.name().equals(SYNC_INTEGRATION_MODE) && c.value().equals("Personal") && !personalModeAvailable) {
                            errors.add(d.name(), PERSONAL_MODE_UNAVAILABLE);
                            return null;
                        }
                        return c.value();
                    }
                }
                errors.add(d.name(), "Choose one of " + String.join(", ", d.choices().stream().map(Choice::value).toList()) + ".");
                return null;
            }
            case BOOLEAN: {
                if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) return v.toLowerCase(Locale.ROOT);
                errors.add(d.name(), "Use true or false.");
                return null;
            }
            case INTEGER: {
                String range = "Enter a whole number from " + d.min() + " to " + d.max() + (d.unit() == null ? "" : " (" + d.unit() + ")") + ".";
                try {
                    int n = Integer.parseInt(v);
                    if (n < d.min() || n > d.max()) {
                        errors.add(d.name(), range);
                        return null;
                    }
                    return Integer.toString(n);
                } catch (NumberFormatException e) {
                    errors.add(d.name(), range);
                    return null;
                }
            }
            case USER: {
                if (v.isEmpty()) return "";
                User u = v.length() > 320 ? null : s.createSelectionQuery(
                                "from User where tenantId = :t and emailLower = :e and active = true", User.class)
                        .setParameter("t", tenantId).setParameter("e", v.toLowerCase(Locale.ROOT)).uniqueResult();
                if (u == null) {
                    errors.add(d.name(), "There is no active user with the e-mail " + v + " in your organization.");
                    return null;
                }
                return u.id.toString();
            }
            default:
                throw new IllegalStateException("unhandled type " + d.type());
        }
    }

    private static String raw(Session s, long tenantId, String name) {
        TenantProperty row = s.find(TenantProperty.class, new TenantProperty.Key(tenantId, name));
        return row == null ? definition(name).defaultValue() : row.value;
    }

    private static Map<String, String> stored(Session s, long tenantId) {
        Map<String, String> values = new HashMap<>();
        s.createSelectionQuery("from TenantProperty where key.tenantId = :t", TenantProperty.class)
                .setParameter("t", tenantId).getResultList()
                .forEach(p -> values.put(p.key.name, p.value));
        return values;
    }

    static String display(Definition d, String value) {
        switch (d.type()) {
            case BOOLEAN:
                return "true".equals(value) ? "Yes" : "No";
            case INTEGER:
                return value + (d.unit() == null ? "" : " " + d.unit());
            case USER:
                return value.isEmpty() ? "None" : value;
            case CHOICE:
                for (Choice c : d.choices()) if (c.value().equals(value)) return c.value().equals("utc") ? "UTC" : capitalize(c.value());
                return value;
            default:
                return value;
        }
    }

    private static String capitalize(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
