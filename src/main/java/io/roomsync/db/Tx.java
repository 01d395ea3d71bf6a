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

    public <T> T call(Function<Session, T> work) {
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
