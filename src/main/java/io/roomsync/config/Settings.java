package io.roomsync.config;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;

/**
 * Typed settings. Each comes from the environment variable {@code ROOMSYNC_X_Y}, else from the optional
 * properties file (key {@code x.y}, file named by {@code ROOMSYNC_CONFIG} or {@code --config=path}), else its
 * default. An invalid value stops start-up with a {@link InvalidSettingException} naming the setting.
 */
public record Settings(
        int port,
        String baseUrl,
        Path dataDir,
        String dbUrl,
        String dbUser,
        String dbPassword,
        int dbPoolSize,
        String masterKey,
        String smtpHost,
        int smtpPort,
        String smtpUser,
        String smtpPassword,
        String smtpFrom,
        boolean demo,
        int sandboxPort,
        boolean demoSync,
        Path devTemplates,
        List<String> allowedHosts) {

    /** One documented setting: how it is named, what it means, its default. */
    public record Definition(String env, String key, String defaultValue, String meaning) {}

    public static final List<Definition> DEFINITIONS = List.of(
            new Definition("ROOMSYNC_PORT", "port", "7070", "HTTP port the portal listens on (0 = any free port)"),
            new Definition("ROOMSYNC_BASE_URL", "base.url", "http://localhost:<port>",
                    "Public URL users reach the portal at; https here turns on Secure cookies"),
            new Definition("ROOMSYNC_DATA_DIR", "data.dir", "./roomsync-data",
                    "Folder for the embedded database, the generated master key and other local state"),
            new Definition("ROOMSYNC_DB_URL", "db.url", "jdbc:h2:file:<data.dir>/roomsync",
                    "JDBC URL: jdbc:h2:..., jdbc:mysql://host/db (MySQL 8) or jdbc:mariadb://host/db (MariaDB)"),
            new Definition("ROOMSYNC_DB_USER", "db.user", "sa (H2) / empty", "Database user"),
            new Definition("ROOMSYNC_DB_PASSWORD", "db.password", "(empty)", "Database password"),
            new Definition("ROOMSYNC_DB_POOL_SIZE", "db.pool.size", "10", "Maximum database connections (1-200)"),
            new Definition("ROOMSYNC_MASTER_KEY", "master.key", "(generated into <data.dir>/master.key, mode 0600)",
                    "Base64 of 32 random bytes; encrypts secrets at rest (AES-GCM)"),
            new Definition("ROOMSYNC_SMTP_HOST", "smtp.host", "(none: e-mail off)", "SMTP server for notifications"),
            new Definition("ROOMSYNC_SMTP_PORT", "smtp.port", "587", "SMTP port"),
            new Definition("ROOMSYNC_SMTP_USER", "smtp.user", "(none)", "SMTP user name"),
            new Definition("ROOMSYNC_SMTP_PASSWORD", "smtp.password", "(none)", "SMTP password"),
            new Definition("ROOMSYNC_SMTP_FROM", "smtp.from", "roomsync@localhost", "Sender address of e-mails"),
            new Definition("ROOMSYNC_DEMO", "demo", "false",
                    "Seed and run the demo tenant (same as --demo)"),
            new Definition("ROOMSYNC_SANDBOX_PORT", "sandbox.port", "7443",
                    "HTTPS port of the built-in Exchange sandbox (demo mode only; 0 = any free port)"),
            new Definition("ROOMSYNC_DEMO_SYNC", "demo.sync", "true",
                    "Demo mode: activate two-way sync for the demo rooms at start"),
            new Definition("ROOMSYNC_ALLOWED_HOSTS", "allowed.hosts", "(none: Microsoft's clouds only)",
                    "Comma-separated hosts (host or host:port) besides Microsoft's clouds that providers may send credentials to: "
                            + "Custom cloud endpoints and HTTP proxies"),
            new Definition("ROOMSYNC_DEV_TEMPLATES", "dev.templates", "(none: templates precompiled into the jar)",
                    "Developers: compile the JTE templates from this folder on change (needs a JDK)"));

    public static Settings load(Map<String, String> env, List<String> args) {
        Map<String, String> values = new LinkedHashMap<>();
        String configFile = env.get("ROOMSYNC_CONFIG");
        boolean demoFlag = false;
        for (String arg : args) {
            if (arg.startsWith("--config=")) configFile = arg.substring("--config=".length());
            else if (arg.equals("--demo")) demoFlag = true;
        }
        if (configFile != null && !configFile.isBlank()) {
            Properties file = new Properties();
            try (Reader reader = Files.newBufferedReader(Path.of(configFile))) {
                file.load(reader);
            } catch (IOException e) {
                throw new InvalidSettingException("ROOMSYNC_CONFIG", "cannot read properties file " + configFile);
            }
            for (Definition d : DEFINITIONS) {
                if (file.getProperty(d.key()) != null) values.put(d.env(), file.getProperty(d.key()).trim());
            }
        }
        for (Definition d : DEFINITIONS) {
            String v = env.get(d.env());
            if (v != null && !v.isBlank()) values.put(d.env(), v.trim());
        }
        Function<String, String> get = values::get;

        int port = intSetting(get, "ROOMSYNC_PORT", 7070, 0, 65535);
        String baseUrl = get.apply("ROOMSYNC_BASE_URL");
        if (baseUrl == null) {
            baseUrl = "http://localhost:" + (port == 0 ? 7070 : port);
        } else {
            baseUrl = stripTrailingSlash(baseUrl);
            try {
                URI uri = URI.create(baseUrl);
                if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                    throw new IllegalArgumentException();
                }
            } catch (IllegalArgumentException e) {
                throw new InvalidSettingException("ROOMSYNC_BASE_URL", "must be an absolute http(s) URL, got '" + baseUrl + "'");
            }
        }
        Path dataDir = Path.of(values.getOrDefault("ROOMSYNC_DATA_DIR", "roomsync-data")).toAbsolutePath().normalize();
        String dbUrl = values.getOrDefault("ROOMSYNC_DB_URL", defaultH2Url(dataDir));
        if (!(dbUrl.startsWith("jdbc:h2:") || dbUrl.startsWith("jdbc:mysql:") || dbUrl.startsWith("jdbc:mariadb:"))) {
            throw new InvalidSettingException("ROOMSYNC_DB_URL",
                    "must start with jdbc:h2:, jdbc:mysql: or jdbc:mariadb:, got '" + dbUrl + "'");
        }
        String dbUser = values.getOrDefault("ROOMSYNC_DB_USER", dbUrl.startsWith("jdbc:h2:") ? "sa" : "");
        String dbPassword = values.getOrDefault("ROOMSYNC_DB_PASSWORD", "");
        int pool = intSetting(get, "ROOMSYNC_DB_POOL_SIZE", 10, 1, 200);
        String masterKey = values.get("ROOMSYNC_MASTER_KEY");
        if (masterKey != null) MasterKey.decode(masterKey); // validates
        String smtpHost = values.get("ROOMSYNC_SMTP_HOST");
        int smtpPort = intSetting(get, "ROOMSYNC_SMTP_PORT", 587, 1, 65535);
        String smtpFrom = values.getOrDefault("ROOMSYNC_SMTP_FROM", "roomsync@localhost");
        if (!smtpFrom.contains("@")) throw new InvalidSettingException("ROOMSYNC_SMTP_FROM", "must be an e-mail address");
        boolean demo = demoFlag || boolSetting(get, "ROOMSYNC_DEMO", false);
        int sandboxPort = intSetting(get, "ROOMSYNC_SANDBOX_PORT", 7443, 0, 65535);
        boolean demoSync = boolSetting(get, "ROOMSYNC_DEMO_SYNC", true);
        Path devTemplates = null;
        if (values.get("ROOMSYNC_DEV_TEMPLATES") != null) {
            devTemplates = Path.of(values.get("ROOMSYNC_DEV_TEMPLATES")).toAbsolutePath().normalize();
            if (!Files.isDirectory(devTemplates)) {
                throw new InvalidSettingException("ROOMSYNC_DEV_TEMPLATES", "must be a folder of JTE templates, got '" + devTemplates + "'");
            }
        }
        List<String> allowedHosts = new java.util.ArrayList<>();
        for (String entry : values.getOrDefault("ROOMSYNC_ALLOWED_HOSTS", "").split(",")) {
            String e = entry.trim().toLowerCase(java.util.Locale.ROOT);
            if (e.isEmpty()) continue;
            if (!e.matches("[a-z0-9.-]+(:[0-9]{1,5})?|\\[[0-9a-f:.]+\\](:[0-9]{1,5})?")) {
                throw new InvalidSettingException("ROOMSYNC_ALLOWED_HOSTS", "must list host names or host:port, got '" + entry.trim() + "'");
            }
            allowedHosts.add(e);
        }
        return new Settings(port, baseUrl, dataDir, dbUrl, dbUser, dbPassword, pool, masterKey, smtpHost, smtpPort,
                values.get("ROOMSYNC_SMTP_USER"), values.get("ROOMSYNC_SMTP_PASSWORD"), smtpFrom, demo, sandboxPort, demoSync,
                devTemplates, List.copyOf(allowedHosts));
    }

    public static String defaultH2Url(Path dataDir) {
        return "jdbc:h2:file:" + dataDir.resolve("roomsync") + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE;NON_KEYWORDS=VALUE,USER";
    }

    public boolean secureCookies() {
        return baseUrl.startsWith("https://");
    }

    public boolean smtpEnabled() {
        return smtpHost != null && !smtpHost.isBlank();
    }

    /** The --help text: every setting with its default. */
    public static String help() {
        List<String> lines = new ArrayList<>();
        lines.add("Roomsync - workplace reservations with two-way Exchange Online sync");
        lines.add("");
        lines.add("Usage: java -jar roomsync.jar [--demo] [--config=FILE] [--rotate-master-key=NEWKEY] [--help]");
        lines.add("  --demo           seed the demo tenant 'Contoso' and list its accounts on the sign-in page");
        lines.add("  --config=FILE    read settings from a properties file (environment variables win)");
        lines.add("  --rotate-master-key=NEWKEY  re-encrypt every stored secret under NEWKEY (base64 of 32 random bytes,");
        lines.add("                   e.g. openssl rand -base64 32) and exit; stop Roomsync first, then use the new key");
        lines.add("");
        lines.add("Settings (environment variable / properties key, default):");
        for (Definition d : DEFINITIONS) {
            lines.add(String.format("  %-24s %-14s default: %s", d.env(), d.key(), d.defaultValue()));
            lines.add("      " + d.meaning());
        }
        return String.join(System.lineSeparator(), lines);
    }

    private static int intSetting(Function<String, String> get, String name, int def, int min, int max) {
        String raw = get.apply(name);
        if (raw == null) return def;
        try {
            int v = Integer.parseInt(raw);
            if (v < min || v > max) throw new NumberFormatException();
            return v;
        } catch (NumberFormatException e) {
            throw new InvalidSettingException(name, "must be a whole number from " + min + " to " + max + ", got '" + raw + "'");
        }
    }

    private static boolean boolSetting(Function<String, String> get, String name, boolean def) {
        String raw = get.apply(name);
        if (raw == null) return def;
        if (raw.equalsIgnoreCase("true")) return true;
        if (raw.equalsIgnoreCase("false")) return false;
        throw new InvalidSettingException(name, "must be true or false, got '" + raw + "'");
    }

    private static String stripTrailingSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
}
