package io.roomsync.graph;

import com.microsoft.aad.msal4j.MsalClientException;
import com.microsoft.aad.msal4j.MsalServiceException;
import com.microsoft.graph.models.odataerrors.InnerError;
import com.microsoft.graph.models.odataerrors.MainError;
import com.microsoft.graph.models.odataerrors.ODataError;
import com.microsoft.kiota.ApiException;
import com.microsoft.kiota.ResponseHeaders;
import io.roomsync.graph.GraphFailure.Kind;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import javax.net.ssl.SSLException;

/** Turns what the Graph SDK, Kiota and msal4j throw into {@link GraphFailure}s. */
public final class GraphErrors {
    private GraphErrors() {}

    public static GraphFailure translate(Throwable t) {
        Throwable e = unwrap(t);
        if (e instanceof GraphFailure) return (GraphFailure) e;
        if (e instanceof ODataError) return fromODataError((ODataError) e);
        if (e instanceof ApiException) {
            ApiException a = (ApiException) e;
            return fromStatus(a.getResponseStatusCode(), null, a.getMessage(), header(a.getResponseHeaders(), "request-id"),
                    header(a.getResponseHeaders(), "client-request-id"), retryAfter(a.getResponseHeaders()), a);
        }
        if (e instanceof MsalServiceException) {
            MsalServiceException m = (MsalServiceException) e;
            int status = m.statusCode() == null ? 0 : m.statusCode();
            Kind kind = status == 429 ? Kind.THROTTLED : status >= 500 ? Kind.TRANSIENT : Kind.UNAUTHENTICATED;
            return new GraphFailure(kind, status, m.errorCode(), "Sign-in to the identity platform failed: " + m.getMessage(),
                    m.correlationId(), null, null, m);
        }
        if (e instanceof MsalClientException) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException) return fromIo((IOException) cause);
            return new GraphFailure(Kind.UNAUTHENTICATED, 0, ((MsalClientException) e).errorCode(),
                    "The identity platform could not be used: " + e.getMessage(), null, null, null, e);
        }
        if (e instanceof IOException) return fromIo((IOException) e);
        if (e.getCause() instanceof IOException) return fromIo((IOException) e.getCause());
        return new GraphFailure(Kind.TRANSIENT, 0, null, "Unexpected failure talking to Microsoft Graph: " + e, null, null, null, e);
    }

    private static Throwable unwrap(Throwable t) {
        Throwable e = t;
        while ((e instanceof CompletionException || e instanceof ExecutionException
                || (e instanceof RuntimeException && e.getClass() == RuntimeException.class)) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    private static GraphFailure fromIo(IOException io) {
        Throwable root = io;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        boolean tls = io instanceof SSLException || root instanceof java.security.cert.CertificateException
                || root instanceof java.security.GeneralSecurityException;
        // OkHttp's words when a proxy answers 407 to the tunnel, or refuses it otherwise.
        boolean proxy = io.getMessage() != null && io.getMessage().toLowerCase(Locale.ROOT).contains("proxy");
        boolean unreachable = tls || proxy || io instanceof UnknownHostException || io instanceof ConnectException;
        String message = tls ? "TLS to the provider failed (is its trusted CA certificate set?): " + io.getMessage()
                : proxy ? "The HTTP proxy refused the connection (check its address, user and password): " + io.getMessage()
                : io instanceof InterruptedIOException ? "The call to Microsoft Graph timed out: " + io.getMessage()
                : "The provider could not be reached: " + io.getMessage();
        return new GraphFailure(unreachable ? Kind.UNREACHABLE : Kind.TRANSIENT, 0, null, message, null, null, null, io);
    }

    private static GraphFailure fromODataError(ODataError o) {
        MainError main = o.getError();
        String code = main == null ? null : main.getCode();
        String message = main == null || main.getMessage() == null ? o.getMessage() : main.getMessage();
        String requestId = header(o.getResponseHeaders(), "request-id");
        String clientRequestId = header(o.getResponseHeaders(), "client-request-id");
        InnerError inner = main == null ? null : main.getInnerError();
        if (inner != null) {
            if (requestId == null) requestId = inner.getRequestId();
            if (clientRequestId == null) clientRequestId = inner.getClientRequestId();
            if (requestId == null) requestId = text(inner.getAdditionalData(), "request-id");
        }
        return fromStatus(o.getResponseStatusCode(), code, message, requestId, clientRequestId, retryAfter(o.getResponseHeaders()), o);
    }

    private static String text(Map<String, Object> data, String key) {
        Object v = data == null ? null : data.get(key);
        return v == null ? null : v.toString();
    }

    private static GraphFailure fromStatus(int status, String code, String message, String requestId, String clientRequestId,
                                           Duration retryAfter, Throwable cause) {
        String c = code == null ? "" : code.toLowerCase(Locale.ROOT);
        Kind kind;
        if (c.equals("mailboxnotenabledforrestapi") || c.equals("mailboxnotsupportedforrestapi")) kind = Kind.MAILBOX_NOT_ENABLED;
        else if (status == 410 || c.equals("syncstatenotfound") || c.equals("resyncrequired") || c.equals("syncstateinvalid")) kind = Kind.SYNC_STATE_LOST;
        else if (status == 429) kind = Kind.THROTTLED;
        else if (status == 401) kind = Kind.UNAUTHENTICATED;
        else if (status == 403 || c.equals("erroraccessdenied")) kind = Kind.ACCESS_DENIED;
        else if (status == 404) kind = Kind.NOT_FOUND;
        else if (status == 409 || status == 412) kind = Kind.CONFLICT;
        else if (status == 501 || c.equals("notsupported")) kind = Kind.INVALID_REQUEST;
        else if (status >= 500 || status == 0) kind = Kind.TRANSIENT;
        else kind = Kind.INVALID_REQUEST;
        return new GraphFailure(kind, status, code, message, requestId, clientRequestId, retryAfter, cause);
    }

    static String header(ResponseHeaders headers, String name) {
        if (headers == null) return null;
        for (Map.Entry<String, Set<String>> e : headers.entrySet()) {
            if (e.getKey().equalsIgnoreCase(name) && e.getValue() != null && !e.getValue().isEmpty()) return e.getValue().iterator().next();
        }
        return null;
    }

    /** A failed item of a {@code $batch} answer (status, error code and message from its body). */
    static GraphFailure fromItem(int status, String code, String message, String requestId, Duration retryAfter) {
        return fromStatus(status, code, message == null ? "Graph answered " + status : message, requestId, null, retryAfter, null);
    }

    /** Retry-After as seconds (possibly fractional) or an HTTP date. */
    static Duration retryAfter(ResponseHeaders headers) {
        return retryAfter(header(headers, "Retry-After"));
    }

    static Duration retryAfter(String v) {
        if (v == null || v.isBlank()) return null;
        try {
            double seconds = Double.parseDouble(v.split(",")[0].trim());
            return Duration.ofMillis(Math.max(0, Math.round(seconds * 1000)));
        } catch (NumberFormatException e) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(v.trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration d = Duration.between(ZonedDateTime.now(at.getZone()), at);
                return d.isNegative() ? Duration.ZERO : d;
            } catch (DateTimeParseException e2) {
                return null;
            }
        }
    }
}
