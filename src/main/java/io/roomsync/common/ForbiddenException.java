package io.roomsync.common;

/** The caller may see the record but may not make this change; the message says why. */
public class ForbiddenException extends RuntimeException {
    public ForbiddenException(String message) {
        super(message);
    }
}
