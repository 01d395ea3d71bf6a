package io.roomsync.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * Certificate credentials as the identity platform checks them: the client sends a JWT (client_assertion, type
 * urn:ietf:params:oauth:client-assertion-type:jwt-bearer) signed RS256 with the certificate's private key, naming the
 * certificate by thumbprint (x5t = SHA-1, x5t#S256 = SHA-256, base64url); aud is the token endpoint, iss and sub are
 * the client id, and the time between nbf and exp must include now. Error codes follow Entra's AADSTS numbers as far
 * as they are documented; [UNCERTAIN] which number Entra uses for a wrong audience.
 */
final class ClientAssertions {
    static final String JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    /** Clock skew tolerated on nbf and exp. */
    private static final Duration SKEW = Duration.ofMinutes(5);

    private ClientAssertions() {}

    /** Why an assertion was refused: the AADSTS number and description. */
    record Refusal(int code, String description) {}

    /** The client id a JWT names as its issuer, for requests that send no client_id; null if unreadable. */
    static String issuer(String jwt) {
        try {
            String[] parts = jwt.split("\\.");
            return parts.length == 3 ? Json.text(json(parts[1]), "iss") : null;
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }

    /** Null when the assertion proves the app; else why not. */
    static Refusal check(String jwt, Directory.App app, Set<String> audiences, Instant now) {
        if (jwt == null || jwt.isBlank()) return new Refusal(50027, "AADSTS50027: JWT token is invalid or malformed.");
        String[] parts = jwt.split("\\.");
        if (parts.length != 3) return new Refusal(50027, "AADSTS50027: JWT token is invalid or malformed.");
        JsonNode header;
        JsonNode claims;
        byte[] signature;
        try {
            header = json(parts[0]);
            claims = json(parts[1]);
            signature = Base64.getUrlDecoder().decode(parts[2]);
        } catch (IOException | IllegalArgumentException e) {
            return new Refusal(50027, "AADSTS50027: JWT token is invalid or malformed.");
        }
        if (!"RS256".equals(Json.text(header, "alg"))) {
            return new Refusal(5002738, "AADSTS5002738: Invalid JWT token. '" + Json.text(header, "alg") + "' is not a supported signature algorithm.");
        }
        if (!app.clientId.equals(Json.text(claims, "iss")) || !app.clientId.equals(Json.text(claims, "sub"))) {
            return new Refusal(700021, "AADSTS700021: Client assertion application identifier doesn't match 'client_id' parameter.");
        }
        String aud = Json.text(claims, "aud");
        if (aud == null || audiences.stream().noneMatch(a -> a.equalsIgnoreCase(aud))) {
            return new Refusal(700212, "AADSTS700212: The audience '" + aud + "' of the client assertion is not the token endpoint.");
        }
        JsonNode nbf = claims.get("nbf");
        JsonNode exp = claims.get("exp");
        if (exp == null || !exp.canConvertToLong() || (nbf != null && !nbf.canConvertToLong())
                || !Instant.ofEpochSecond(exp.asLong()).plus(SKEW).isAfter(now)
                || (nbf != null && Instant.ofEpochSecond(nbf.asLong()).minus(SKEW).isAfter(now))) {
            return new Refusal(700024, "AADSTS700024: Client assertion is not within its valid time range.");
        }
        if (Json.text(claims, "jti") == null) return new Refusal(50027, "AADSTS50027: JWT token is invalid or malformed (no jti).");
        List<X509Certificate> candidates = candidates(app, Json.text(header, "x5t"), Json.text(header, "x5t#S256"));
        byte[] signed = (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
        for (X509Certificate c : candidates) {
            try {
                c.checkValidity(java.util.Date.from(now));
                Signature v = Signature.getInstance("SHA256withRSA");
                v.initVerify(c.getPublicKey());
                v.update(signed);
                if (v.verify(signature)) return null;
            } catch (GeneralSecurityException e) {
                // not this certificate (expired, other key type, bad signature)
            }
        }
        String thumbprint = Json.text(header, "x5t#S256") != null ? Json.text(header, "x5t#S256") : Json.text(header, "x5t");
        return new Refusal(700027, "AADSTS700027: Client assertion failed signature validation. [Reason - The key was not found., "
                + "Thumbprint of key used by client: '" + thumbprint + "'. Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '"
                + app.clientId + "'.]");
    }

    /** The app's certificates the header names (all of them when it names none). */
    private static List<X509Certificate> candidates(Directory.App app, String x5t, String x5tS256) {
        List<X509Certificate> out = new ArrayList<>();
        for (X509Certificate c : app.certificates) {
            if ((x5t == null && x5tS256 == null) || (x5t != null && urlSafe(x5t).equals(thumbprint(c, "SHA-1")))
                    || (x5tS256 != null && urlSafe(x5tS256).equals(thumbprint(c, "SHA-256")))) out.add(c);
        }
        return out;
    }

    /** msal4j writes thumbprints in standard Base64 with padding; RFC 7515 says base64url: accept both. */
    private static String urlSafe(String b64) {
        return b64.replace('+', '-').replace('/', '_').replace("=", "");
    }

    private static String thumbprint(X509Certificate c, String digest) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(MessageDigest.getInstance(digest).digest(c.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode json(String base64url) throws IOException {
        return Json.parse(Base64.getUrlDecoder().decode(base64url));
    }
}
