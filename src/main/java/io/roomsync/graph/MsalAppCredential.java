package io.roomsync.graph;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import com.microsoft.aad.msal4j.ClientCredentialParameters;
import com.microsoft.aad.msal4j.ConfidentialClientApplication;
import com.microsoft.aad.msal4j.IAuthenticationResult;
import java.time.ZoneOffset;
import java.util.Set;
import reactor.core.publisher.Mono;

/**
 * App-only tokens from msal4j for the Graph SDK. msal4j caches app tokens itself, so asking for each request costs
 * nothing until the token nears expiry. The scope is fixed to the provider's Graph resource (…/.default) whatever
 * the SDK asks for, because Kiota would ask for graph.microsoft.com even when Graph lives elsewhere.
 */
final class MsalAppCredential implements TokenCredential {
    private final ConfidentialClientApplication app;
    private final String scope;

    MsalAppCredential(ConfidentialClientApplication app, String scope) {
        this.app = app;
        this.scope = scope;
    }

    IAuthenticationResult acquire() {
        try {
            return app.acquireToken(ClientCredentialParameters.builder(Set.of(scope)).build()).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw GraphErrors.translate(e);
        } catch (Exception e) {
            throw GraphErrors.translate(e);
        }
    }

    @Override
    public Mono<AccessToken> getToken(TokenRequestContext request) {
        return Mono.fromCallable(() -> {
            IAuthenticationResult r = acquire();
            return new AccessToken(r.accessToken(), r.expiresOnDate().toInstant().atOffset(ZoneOffset.UTC));
        });
    }

    @Override
    public AccessToken getTokenSync(TokenRequestContext request) {
        IAuthenticationResult r = acquire();
        return new AccessToken(r.accessToken(), r.expiresOnDate().toInstant().atOffset(ZoneOffset.UTC));
    }
}
