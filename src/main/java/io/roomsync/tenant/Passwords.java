package io.roomsync.tenant;

import com.password4j.Argon2Function;
import com.password4j.Password;
import com.password4j.types.Argon2;

/** Argon2id password hashes with a random salt per password. */
public final class Passwords {
    // 19 MiB, 2 passes, 1 lane: OWASP's minimum recommendation for Argon2id.
    private static final Argon2Function ARGON2 = Argon2Function.getInstance(19_456, 2, 1, 32, Argon2.ID);
    /** Verified against when the account does not exist, so timing does not reveal which e-mails exist. */
    private static final String DUMMY = hash("not-a-real-password-0000");

    private Passwords() {}

    public static String hash(String password) {
        return Password.hash(password).addRandomSalt(16).with(ARGON2).getResult();
    }

    public static boolean matches(String password, String hash) {
        if (password == null) return false;
        if (hash == null) {
            Password.check(password, DUMMY).with(ARGON2);
            return false;
        }
        return Password.check(password, hash).with(ARGON2);
    }

    /** The password rule shown on every form that sets one. */
    public static String problem(String password) {
        if (password == null || password.length() < 10) return "Use at least 10 characters.";
        if (password.length() > 200) return "Use at most 200 characters.";
        return null;
    }
}
