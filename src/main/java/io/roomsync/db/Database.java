package io.roomsync.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.util.List;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.hibernate.SessionFactory;
import org.hibernate.cfg.AvailableSettings;
import org.hibernate.cfg.Configuration;

/** The database: a Hikari pool, Flyway migrations, and a Hibernate SessionFactory over the same pool. */
public final class Database implements AutoCloseable {
    public enum Kind { H2, MYSQL, MARIADB }

    private final HikariDataSource dataSource;
    private final SessionFactory sessionFactory;
    private final Kind kind;

    private Database(HikariDataSource dataSource, SessionFactory sessionFactory, Kind kind) {
        this.dataSource = dataSource;
        this.sessionFactory = sessionFactory;
        this.kind = kind;
    }

    public static Kind kindOf(String jdbcUrl) {
        if (jdbcUrl.startsWith("jdbc:h2:")) return Kind.H2;
        if (jdbcUrl.startsWith("jdbc:mariadb:")) return Kind.MARIADB;
        return Kind.MYSQL;
    }

    /** Opens the pool, migrates the schema, and builds Hibernate for the given entity classes. */
    public static Database open(String url, String user, String password, int poolSize, List<Class<?>> entities) {
        Kind kind = kindOf(url);
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(url);
        hc.setUsername(user);
        hc.setPassword(password);
        hc.setMaximumPoolSize(poolSize);
        hc.setMinimumIdle(Math.min(2, poolSize));
        hc.setPoolName("roomsync");
        hc.setConnectionTimeout(10_000);
        // Read committed: each statement sees the latest committed rows (so a check made after taking a row lock
        // sees what the previous lock holder wrote), and InnoDB takes no gap locks, which otherwise deadlock
        // concurrent bookings of neighbouring rooms. H2 defaults to it.
        hc.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        switch (kind) {
            case MYSQL -> {
                hc.addDataSourceProperty("connectionTimeZone", "UTC");
                hc.addDataSourceProperty("forceConnectionTimeZoneToSession", "true");
                hc.addDataSourceProperty("cachePrepStmts", "true");
                hc.addDataSourceProperty("useServerPrepStmts", "true");
                hc.addDataSourceProperty("rewriteBatchedStatements", "true");
            }
            case MARIADB -> hc.addDataSourceProperty("timezone", "UTC");
            case H2 -> { }
        }
        HikariDataSource ds = new HikariDataSource(hc);
        try {
            Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
            Configuration cfg = new Configuration();
            entities.forEach(cfg::addAnnotatedClass);
            cfg.getProperties().put(AvailableSettings.JAKARTA_NON_JTA_DATASOURCE, ds);
            cfg.setProperty(AvailableSettings.HBM2DDL_AUTO, "none");
            cfg.setProperty(AvailableSettings.PHYSICAL_NAMING_STRATEGY,
                    "org.hibernate.boot.model.naming.CamelCaseToUnderscoresNamingStrategy");
            cfg.setProperty(AvailableSettings.JDBC_TIME_ZONE, "UTC");
            cfg.setProperty(AvailableSettings.STATEMENT_BATCH_SIZE, "50");
            cfg.setProperty(AvailableSettings.ORDER_INSERTS, "true");
            cfg.setProperty(AvailableSettings.SHOW_SQL, "false");
            cfg.setProperty("hibernate.type.preferred_instant_jdbc_type", "TIMESTAMP");
            return new Database(ds, cfg.buildSessionFactory(), kind);
        } catch (RuntimeException e) {
            ds.close();
            throw e;
        }
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public SessionFactory sessionFactory() {
        return sessionFactory;
    }

    public Kind kind() {
        return kind;
    }

    @Override
    public void close() {
        sessionFactory.close();
        dataSource.close();
    }
}
