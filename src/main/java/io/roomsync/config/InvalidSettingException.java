package io.roomsync.config;

/** A setting that cannot be used; start-up prints {@link #getMessage()} as one line and exits non-zero. */
public class InvalidSettingException extends RuntimeException {
    public InvalidSettingException(String setting, String problem) {
        super("Invalid setting " + setting + ": " + problem);
    }
}
