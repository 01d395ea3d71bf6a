package io.roomsync.sandbox;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The identity platform's endpoints as msal4j uses them with {@code oidcAuthority("https://host:port/{tenant}/v2.0/")}:
 * OIDC discovery, token (client credentials, authorization code with PKCE, refresh token) and authorize (auto-consent
 * for the user named by login_hint, answering with form_post). Errors use the OAuth shape msal4j parses
 * ({@code error}, {@code error_description}, {@code error_codes}).
 */
final class IdentityEndpoints {
    private final SandboxState state;
    private final Identity identity;

    IdentityEndpoints(SandboxState state, Identity identity) {
        this.state = state;
        this.identity = identity;
    }

    /** Segments: {tenant}, then v2.0/.well-known/openid-configuration | oauth2/v2.0/{token|authorize} | discovery/v2.0/keys. */
    SandboxResponse handle(SandboxRequest req) {
        List<String> s = req.segments;
        String tenantKey = s.get(0);
        String rest = String.join("/", s.subList(1, s.size())).toLowerCase(Locale.ROOT);
        Directory.Tenant tenant;
        synchronized (state) {
            tenant = state.directory.tenant(tenantKey).orElse(null);
        }
        if (tenant == null) {
            return oauthError(400, "invalid_tenant", 90002, "AADSTS90002: Tenant '" + tenantKey + "' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.");
        }
        String base = req.origin + "/" + tenantKey;
        switch (rest) {
            case "v2.0/.well-known/openid-configuration":
                return discovery(base);
            case "discovery/v2.0/keys":
                ObjectNode keys = Json.object();
                keys.putArray("keys");
                return SandboxResponse.json(200, keys);
            case "oauth2/v2.0/token":
                if (!req.method.equals("POST")) return oauthError(405, "invalid_request", 900561, "AADSTS900561: The endpoint only accepts POST requests.");
                return token(req, tenant, base);
            case "oauth2/v2.0/authorize":
                return authorize(req, tenant);
            default:
                return oauthError(404, "invalid_request", 900144, "AADSTS900144: Unknown endpoint /" + rest);
        }
    }

    private static SandboxResponse discovery(String base) {
        ObjectNode d = Json.object();
        d.put("issuer", base + "/v2.0");
        d.put("authorization_endpoint", base + "/oauth2/v2.0/authorize");
        d.put("token_endpoint", base + "/oauth2/v2.0/token");
        d.put("jwks_uri", base + "/discovery/v2.0/keys");
        d.put("end_session_endpoint", base + "/oauth2/v2.0/logout");
        d.putArray("response_modes_supported").add("query").add("fragment").add("form_post");
        d.putArray("response_types_supported").add("code").add("id_token").add("code id_token");
        d.putArray("scopes_supported").add("openid").add("profile").add("email").add("offline_access");
        d.putArray("subject_types_supported").add("pairwise");
        d.putArray("id_token_signing_alg_values_supported").add("RS256");
        d.putArray("token_endpoint_auth_methods_supported").add("client_secret_post").add("private_key_jwt").add("client_secret_basic");
        d.putArray("code_challenge_methods_supported").add("S256").add("plain");
        d.putNull("tenant_region_scope");
        d.put("cloud_instance_name", "roomsync.sandbox");
        return SandboxResponse.json(200, d);
    }

    private SandboxResponse token(SandboxRequest req, Directory.Tenant tenant, String base) {
        Map<String, String> form = SandboxRequest.parseQuery(new String(req.body, StandardCharsets.UTF_8));
        String clientId = form.get("client_id");
        String secret = form.get("client_secret");
        String basic = req.header("Authorization");
        if (basic != null && basic.regionMatches(true, 0, "Basic ", 0, 6)) {
            String decoded = new String(Base64.getDecoder().decode(basic.substring(6).trim()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            if (colon > 0) {
                clientId = java.net.URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8);
                secret = java.net.URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8);
            }
        }
        String assertionType = form.get("client_assertion_type");
        String assertion = form.get("client_assertion");
        if (clientId == null && assertion != null) clientId = ClientAssertions.issuer(assertion);
        Directory.App app;
        synchronized (state) {
            app = state.directory.app(clientId).orElse(null);
        }
        if (app == null || !app.tenantId.equals(tenant.id)) {
            return oauthError(400, "unauthorized_client", 700016, "AADSTS700016: Application with identifier '" + clientId
                    + "' was not found in the directory '" + tenant.domain + "'.");
        }
        if (assertionType != null || assertion != null) {
            if (!ClientAssertions.JWT_BEARER.equals(assertionType)) {
                return oauthError(400, "invalid_request", 50027, "AADSTS50027: client_assertion_type must be " + ClientAssertions.JWT_BEARER + ".");
            }
            ClientAssertions.Refusal refused = ClientAssertions.check(assertion, app, tokenEndpoints(req.origin, tenant), state.now());
            if (refused != null) return oauthError(401, "invalid_client", refused.code(), refused.description());
        } else {
            String presented = secretOrEmpty(secret);
            if (presented.isEmpty() || app.secrets.stream().noneMatch(s -> constantTimeEquals(s, presented))) {
                return oauthError(401, "invalid_client", 7000215, "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '" + app.clientId + "'.");
            }
        }
        String grantType = form.getOrDefault("grant_type", "");
        String scope = form.getOrDefault("scope", "");
        switch (grantType) {
            case "client_credentials": {
                String resource = null;
                for (String sc : scope.split(" ")) if (sc.endsWith("/.default")) resource = sc;
                if (resource == null) {
                    return oauthError(400, "invalid_scope", 1002012, "AADSTS1002012: The provided value for scope " + scope
                            + " is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).");
                }
                ObjectNode r = Json.object();
                r.put("token_type", "Bearer");
                long expiresIn = identity.accessTokenLifetime.toSeconds();
                r.put("expires_in", expiresIn);
                r.put("ext_expires_in", expiresIn);
                r.put("access_token", identity.issueAccessToken(app.clientId, tenant.id, null, resource));
                return SandboxResponse.json(200, r);
            }
            case "authorization_code": {
                Identity.AuthorizationCode code = identity.redeemCode(form.get("code"));
                if (code == null || !code.appId.equals(app.clientId)) {
                    return oauthError(400, "invalid_grant", 70008, "AADSTS70008: The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.");
                }
                if (!code.redirectUri.equals(form.get("redirect_uri"))) {
                    return oauthError(400, "invalid_grant", 70002, "AADSTS70002: The reply URL specified in the request does not match the reply URL used to obtain the authorization code.");
                }
                if (code.codeChallenge != null && !pkceMatches(code, form.get("code_verifier"))) {
                    return oauthError(400, "invalid_grant", 501481, "AADSTS501481: The Code_Verifier does not match the code_challenge supplied in the authorization request.");
                }
                return userTokens(app, tenant, code.userId, scope.isEmpty() ? code.scope : scope, code.nonce, base);
            }
            case "refresh_token": {
                Identity.RefreshGrant grant = identity.refreshToken(form.get("refresh_token"));
                if (grant == null || !grant.appId.equals(app.clientId)) {
                    return oauthError(400, "invalid_grant", 700082, "AADSTS700082: The refresh token has expired due to inactivity.");
                }
                return userTokens(app, tenant, grant.userId, scope, null, base);
            }
            default:
                return oauthError(400, "unsupported_grant_type", 70003, "AADSTS70003: The app requested an unsupported grant type '" + grantType + "'.");
        }
    }

    /** The token endpoints a client assertion may name as its audience: the tenant by id or domain, v2.0 or v1. */
    private static java.util.Set<String> tokenEndpoints(String origin, Directory.Tenant tenant) {
        java.util.Set<String> out = new java.util.HashSet<>();
        for (String t : List.of(tenant.id, tenant.domain)) {
            out.add(origin + "/" + t + "/oauth2/v2.0/token");
            out.add(origin + "/" + t + "/oauth2/token");
        }
        return out;
    }

    private static String secretOrEmpty(String s) {
        return s == null ? "" : s;
    }

    private static boolean constantTimeEquals(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    private static boolean pkceMatches(Identity.AuthorizationCode code, String verifier) {
        if (verifier == null) return false;
        if ("plain".equalsIgnoreCase(code.codeChallengeMethod)) return verifier.equals(code.codeChallenge);
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest).equals(code.codeChallenge);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Access, refresh and id tokens plus client_info: what msal4j needs to cache the account and refresh silently. */
    private SandboxResponse userTokens(Directory.App app, Directory.Tenant tenant, String userId, String scope, String nonce, String base) {
        Directory.Mailbox user;
        synchronized (state) {
            user = state.directory.mailbox(userId).orElse(null);
        }
        if (user == null) return oauthError(400, "invalid_grant", 50034, "AADSTS50034: The user account does not exist in the directory.");
        ObjectNode r = Json.object();
        r.put("token_type", "Bearer");
        // msal4j finds its cached user tokens by the scopes the response echoes: echo them as requested.
        r.put("scope", scope);
        long expiresIn = identity.accessTokenLifetime.toSeconds();
        r.put("expires_in", expiresIn);
        r.put("ext_expires_in", expiresIn);
        r.put("access_token", identity.issueAccessToken(app.clientId, tenant.id, user.id, scope));
        r.put("refresh_token", identity.issueRefreshToken(app.clientId, tenant.id, user.id));
        r.put("id_token", idToken(app, tenant, user, nonce, base));
        ObjectNode clientInfo = Json.object();
        clientInfo.put("uid", user.id);
        clientInfo.put("utid", tenant.id);
        r.put("client_info", Base64.getUrlEncoder().withoutPadding().encodeToString(Json.bytes(clientInfo)));
        return SandboxResponse.json(200, r);
    }

    /** An unsigned JWT (alg none): msal4j reads its claims and does not verify it; the app must not trust it either. */
    private String idToken(Directory.App app, Directory.Tenant tenant, Directory.Mailbox user, String nonce, String base) {
        Instant now = state.now();
        ObjectNode header = Json.object();
        header.put("typ", "JWT");
        header.put("alg", "none");
        ObjectNode claims = Json.object();
        claims.put("aud", app.clientId);
        claims.put("iss", base + "/v2.0");
        claims.put("iat", now.getEpochSecond());
        claims.put("nbf", now.getEpochSecond());
        claims.put("exp", now.plus(Duration.ofHours(1)).getEpochSecond());
        claims.put("name", user.displayName);
        claims.put("oid", user.id);
        claims.put("preferred_username", user.address);
        claims.put("email", user.address);
        claims.put("sub", Ids.token(16));
        claims.put("tid", tenant.id);
        if (nonce != null) claims.put("nonce", nonce);
        claims.put("ver", "2.0");
        Base64.Encoder enc = Base64.getUrlEncoder().withoutPadding();
        return enc.encodeToString(Json.bytes(header)) + "." + enc.encodeToString(Json.bytes(claims)) + ".";
    }

    /**
     * Auto-consent: the user named by login_hint (or picked on a small account page) signs in at once and the code
     * goes back to the redirect URI, by form_post unless the client asked for query.
     */
    private SandboxResponse authorize(SandboxRequest req, Directory.Tenant tenant) {
        Map<String, String> p = req.query;
        if (req.method.equals("POST")) p = SandboxRequest.parseQuery(new String(req.body, StandardCharsets.UTF_8));
        String clientId = p.get("client_id");
        String redirectUri = p.get("redirect_uri");
        Directory.App app;
        synchronized (state) {
            app = state.directory.app(clientId).orElse(null);
        }
        if (app == null || !app.tenantId.equals(tenant.id)) {
            return page(400, "Sign-in failed", "<p>AADSTS700016: Application with identifier '" + html(clientId) + "' was not found in the directory.</p>");
        }
        if (redirectUri == null || !app.redirectUris().contains(redirectUri)) {
            return page(400, "Sign-in failed", "<p>AADSTS50011: The redirect URI '" + html(redirectUri)
                    + "' specified in the request does not match the redirect URIs configured for the application '" + html(app.clientId) + "'.</p>");
        }
        if (!"code".equals(p.get("response_type"))) {
            return redirectError(redirectUri, p, "unsupported_response_type", "AADSTS700054: response_type '" + p.get("response_type") + "' is not enabled for the application.");
        }
        String hint = p.get("login_hint");
        Directory.Mailbox user = null;
        List<Directory.Mailbox> users;
        synchronized (state) {
            if (hint != null) user = state.directory.mailbox(hint).orElse(null);
            users = state.directory.mailboxes().stream()
                    .filter(m -> m.tenantId.equals(tenant.id) && !m.isRoom()).toList();
        }
        if (user == null || !user.tenantId.equals(tenant.id) || user.isRoom()) {
            return accountPicker(req, tenant, users, p);
        }
        String code = identity.issueCode(new Identity.AuthorizationCode(app.clientId, tenant.id, user.id, redirectUri,
                p.getOrDefault("scope", ""), p.get("code_challenge"), p.getOrDefault("code_challenge_method", "plain"),
                p.get("nonce"), state.now().plus(Duration.ofMinutes(10))));
        String stateParam = p.get("state");
        String mode = p.getOrDefault("response_mode", "query");
        if ("form_post".equalsIgnoreCase(mode)) {
            StringBuilder form = new StringBuilder();
            form.append("<form method=\"post\" action=\"").append(html(redirectUri)).append("\">")
                    .append("<input type=\"hidden\" name=\"code\" value=\"").append(html(code)).append("\">");
            if (stateParam != null) form.append("<input type=\"hidden\" name=\"state\" value=\"").append(html(stateParam)).append("\">");
            form.append("<noscript><p>Script is disabled. Click Continue to return to the application.</p></noscript>")
                    .append("<button type=\"submit\">Continue</button></form>")
                    .append("<script>document.forms[0].submit();</script>");
            return page(200, "Signing you in as " + html(user.displayName), form.toString());
        }
        String location = redirectUri + (redirectUri.contains("?") ? "&" : "?") + "code=" + enc(code)
                + (stateParam == null ? "" : "&state=" + enc(stateParam));
        return SandboxResponse.empty(302).header("Location", location);
    }

    private SandboxResponse accountPicker(SandboxRequest req, Directory.Tenant tenant, List<Directory.Mailbox> users, Map<String, String> p) {
        StringBuilder list = new StringBuilder("<p>Pick an account (the Exchange sandbox signs in without a password).</p><ul>");
        for (Directory.Mailbox u : users) {
            StringBuilder q = new StringBuilder();
            for (Map.Entry<String, String> e : p.entrySet()) {
                if (e.getKey().equalsIgnoreCase("login_hint")) continue;
                q.append(enc(e.getKey())).append('=').append(enc(e.getValue())).append('&');
            }
            q.append("login_hint=").append(enc(u.address));
            String href = req.origin + "/" + enc(tenant.domain) + "/oauth2/v2.0/authorize?" + q;
            list.append("<li><a href=\"").append(html(href)).append("\">").append(html(u.displayName))
                    .append(" &lt;").append(html(u.address)).append("&gt;</a></li>");
        }
        list.append("</ul>");
        return page(200, "Sign in to " + html(tenant.displayName), list.toString());
    }

    private static SandboxResponse redirectError(String redirectUri, Map<String, String> p, String error, String description) {
        String location = redirectUri + (redirectUri.contains("?") ? "&" : "?") + "error=" + enc(error)
                + "&error_description=" + enc(description) + (p.get("state") == null ? "" : "&state=" + enc(p.get("state")));
        return SandboxResponse.empty(302).header("Location", location);
    }

    static SandboxResponse oauthError(int status, String error, int code, String description) {
        ObjectNode e = Json.object();
        e.put("error", error);
        e.put("error_description", description + "\r\nTrace ID: " + Ids.guid() + "\r\nCorrelation ID: " + Ids.guid()
                + "\r\nTimestamp: " + Json.errorDate(Instant.now()) + "Z");
        ArrayNode codes = e.putArray("error_codes");
        codes.add(code);
        e.put("timestamp", Json.errorDate(Instant.now()) + "Z");
        e.put("trace_id", Ids.guid());
        e.put("correlation_id", Ids.guid());
        return SandboxResponse.json(status, e);
    }

    private static SandboxResponse page(int status, String title, String content) {
        String doc = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + title
                + "</title><style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem}"
                + "li{margin:.5rem 0}</style></head><body><h1>" + title + "</h1>"
                + "<p><small>Roomsync Exchange sandbox: stands in for Microsoft sign-in.</small></p>" + content + "</body></html>";
        return SandboxResponse.text(status, "text/html; charset=utf-8", doc);
    }

    static String html(String s) {
        if (s == null) return "";
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;").replace("'", "&#39;");
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static boolean isIdentityPath(List<String> segments) {
        if (segments.size() < 2) return false;
        String second = segments.get(1).toLowerCase(Locale.ROOT);
        return second.equals("oauth2") || second.equals("v2.0") || second.equals("discovery");
    }

}
