package io.roomsync.graph;

import java.time.Duration;

/**
 * A failed call to Graph or the identity platform, in Roomsync's terms. Keeps Graph's request-id (for support
 * tickets and the sync event's record) and, for throttling, how long Graph asked us to wait.
 */
public final class GraphFailure extends RuntimeException {
    public enum Kind {
        /** The event, subscription or user does not exist (404 ErrorItemNotFound, ResourceNotFound, ErrorInvalidUser). */
        NOT_FOUND,
        /** The app may not touch this mailbox (403, application access policy / RBAC scope). */
        ACCESS_DENIED,
        /** The address has no Exchange Online mailbox (MailboxNotEnabledForRESTAPI). */
        MAILBOX_NOT_ENABLED,
        /** 401, or the identity platform refused the credential (wrong secret, unknown app or tenant). */
        UNAUTHENTICATED,
        /** 429: wait {@link #retryAfter()} and try again. */
        THROTTLED,
        /** 5xx or a dropped connection: try again later. */
        TRANSIENT,
        /** The network or TLS failed (unknown host, refused, untrusted certificate): retry, but check the provider. */
        UNREACHABLE,
        /** A delta link is no longer valid (410 / syncStateNotFound / resyncRequired): start a full sync. */
        SYNC_STATE_LOST,
        /** 409 or 412: the item changed underneath us. */
        CONFLICT,
        /** Anything else we sent that Graph refused (400 and other 4xx): fix the request, retrying will not help. */
        INVALID_REQUEST
    }

    private final Kind kind;
    private final int status;
    private final String code;
    private final String requestId;
    private final String clientRequestId;
    private final Duration retryAfter;

    public GraphFailure(Kind kind, int status, String code, String message, String requestId, String clientRequestId,
                        Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.status = status;
        this.code = code;
        this.requestId = requestId;
        this.clientRequestId = clientRequestId;
        this.retryAfter = retryAfter;
    }

    public Kind kind() {
        return kind;
    }

    /** HTTP status, 0 when no response was received. */
    public int status() {
        return status;
    }

    /** Graph's or the identity platform's error code (ErrorItemNotFound, invalid_client...), may be null. */
    public String code() {
        return code;
    }

    public String requestId() {
        return requestId;
    }

    public String clientRequestId() {
        return clientRequestId;
    }

    /** How long Graph asked to wait (Retry-After), null if it did not say. */
    public Duration retryAfter() {
        return retryAfter;
    }

    /** Whether trying the same call again later can succeed. */
    public boolean retryable() {
        return kind == Kind.THROTTLED || kind == Kind.TRANSIENT || kind == Kind.UNREACHABLE;
    }

    @Override
    public String toString() {
        return "GraphFailure(" + kind + ", " + status + ", " + code + ", request-id " + requestId + "): " + getMessage();
    }
}
