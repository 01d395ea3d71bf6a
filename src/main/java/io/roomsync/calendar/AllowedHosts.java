package io.roomsync.calendar;

import java.util.Collection;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The hosts besides Microsoft's own clouds that Roomsync may send a provider's credentials to: the identity and
 * Graph hosts of a Custom cloud, and HTTP proxies. Tenant admins set those on a provider, but the secrets they unlock
 * are the organization's; without this list an admin could point a provider at a server of theirs (with a trusted CA
 * of theirs) and read the stored client secret or proxy password from the sign-in request. The platform operator
 * names the hosts (ROOMSYNC_ALLOWED_HOSTS); demo mode adds its Exchange sandbox.
 */
public final class AllowedHosts {
    private final Set<String> entries = ConcurrentHashMap.newKeySet();

    /** @param entries "host" (any port) or "host:port" */
    public AllowedHosts(Collection<String> entries) {
        entries.forEach(this::allow);
    }

    public void allow(String hostOrHostPort) {
        entries.add(hostOrHostPort.trim().toLowerCase(Locale.ROOT));
    }

    public boolean allows(String host, int port) {
        String h = host.toLowerCase(Locale.ROOT);
        return entries.contains(h) || entries.contains(h + ":" + port);
    }

    /**
     * The first host of the settings that credentials may not go to, as "host:port", or null when all may: the Custom
     * cloud's authority and Graph hosts, and the proxy.
     */
    public String refused(ProviderService.GraphSettings s) {
        if (s.cloud() == Cloud.CUSTOM) {
            java.net.URI authority = java.net.URI.create(s.authorityUrl());
            java.net.URI graph = java.net.URI.create(s.graphBaseUrl());
            for (java.net.URI u : new java.net.URI[] {authority, graph}) {
                int port = u.getPort() == -1 ? 443 : u.getPort();
                if (!allows(u.getHost(), port)) return u.getHost() + ":" + port;
            }
        }
        if (s.proxy() != null && !allows(s.proxy().host(), s.proxy().port())) return s.proxy().host() + ":" + s.proxy().port();
        return null;
    }
}
