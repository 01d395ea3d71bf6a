package io.roomsync.common;

/** The change cannot be made because of the current state (slot taken, record changed meanwhile, ...). */
public class ConflictException extends RuntimeException {
    public ConflictException(String message) {
        super(message);
    }
}
