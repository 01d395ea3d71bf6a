package io.roomsync.db;

import java.util.function.Consumer;
import java.util.function.Function;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.Transaction;

/**
 * The narrow door to Hibernate: run work in one transaction, commit on success, roll back on any exception.
 * Services take a {@link Session} from here and never manage transactions themselves.
 */
public final class Tx {
    private final SessionFactory sessionFactory;

    public Tx(SessionFactory sessionFactory) {
        this.sessionFactory = sessionFactory;
    }

    /** Deadlocks are retried this often: the database rolled the whole transaction back, so running it again is safe. */
    private static final int DEADLOCK_ATTEMPTS = 3;

    /**
     * Runs work in one transaction. The work must only touch the database (no calls to the outside world), because
     * a transaction the database aborts as a deadlock victim is run again.
     */
    public <T> T call(Function<Session, T> work) {
        for (int attempt = 1; ; attempt++) {
            try {
                return once(work);
            } catch (org.hibernate.exception.LockAcquisitionException | jakarta.persistence.PessimisticLockException e) {
                if (attempt >= DEADLOCK_ATTEMPTS || !isDeadlock(e)) throw e;
                try {
                    Thread.sleep(java.util.concurrent.ThreadLocalRandom.current().nextLong(5, 25L * attempt));
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private static boolean isDeadlock(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLException sql && ("40001".equals(sql.getSQLState()) || sql.getErrorCode() == 1213)) return true;
        }
        return false;
    }

    private <T> T once(Function<Session, T> work) {
        try (Session session = sessionFactory.openSession()) {
            Transaction tx = session.beginTransaction();
            try {
                T result = work.apply(session);
                tx.commit();
                return result;
            } catch (RuntimeException | Error e) {
                if (tx.isActive()) {
                    try {
                        tx.rollback();
                    } catch (RuntimeException suppressed) {
                        e.addSuppressed(suppressed);
                    }
                }
                throw e;
            }
        }
    }

    public void run(Consumer<Session> work) {
        call(session -> {
            work.accept(session);
            return null;
        });
    }
}
