package io.roomsync.sandbox;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.UUID;

/** Identifiers shaped like Exchange's. */
final class Ids {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {}

    static byte[] bytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    /** A REST item id: URL-safe base64 ending in '=' like Graph's ("AAMkAG...AAA="). */
    static String eventId() {
        return "AAMkAG" + Base64.getUrlEncoder().encodeToString(bytes(47));
    }

    /** A global object id as Exchange writes in iCalUId. */
    static String iCalUId() {
        return "040000008200E00074C5B7101A82E00800000000" + HexFormat.of().withUpperCase().formatHex(bytes(28));
    }

    static String changeKey() {
        return Base64.getEncoder().encodeToString(bytes(21));
    }

    static String guid() {
        return UUID.randomUUID().toString();
    }

    /** An opaque token for URLs and credentials. */
    static String token(int bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes(bytes));
    }

    static int nextInt(int bound) {
        return RANDOM.nextInt(bound);
    }
}
