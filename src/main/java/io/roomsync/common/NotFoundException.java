package io.roomsync.common;

/** The record does not exist, or belongs to another tenant (which callers must not be able to tell apart). */
public class NotFoundException extends RuntimeException {
    public NotFoundException(String what) {
        super(what + " not found");
    }
}
