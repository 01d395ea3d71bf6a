package io.roomsync.sandbox;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** The sandbox's clock: real time plus an offset that tests and the demo can move forward (expiry, windows). */
public final class SandboxClock extends Clock {
    private final Clock base;
    private volatile Duration offset = Duration.ZERO;

    public SandboxClock(Clock base) {
        this.base = base;
    }

    public static SandboxClock system() {
        return new SandboxClock(Clock.systemUTC());
    }

    /** Moves the sandbox's time forward (tokens, subscriptions and delta links age accordingly). */
    public synchronized void advance(Duration by) {
        offset = offset.plus(by);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        return base.instant().plus(offset);
    }
}
