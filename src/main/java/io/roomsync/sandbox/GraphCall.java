package io.roomsync.sandbox;

import java.util.List;

/** One authenticated Graph call after routing: who calls, for which mailbox, and the remaining path. */
final class GraphCall {
    final SandboxRequest req;
    final Identity.Grant grant;
    final Directory.Mailbox mailbox;
    /** Path segments after /users/{id} (or /me). */
    final List<String> rest;
    /** The mailbox path segment as the client wrote it (links echo it). */
    final String mailboxPath;

    GraphCall(SandboxRequest req, Identity.Grant grant, Directory.Mailbox mailbox, List<String> rest, String mailboxPath) {
        this.req = req;
        this.grant = grant;
        this.mailbox = mailbox;
        this.rest = rest;
        this.mailboxPath = mailboxPath;
    }

    String graphBase() {
        return req.origin + "/v1.0";
    }
}
