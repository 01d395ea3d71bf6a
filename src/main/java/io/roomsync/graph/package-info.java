/**
 * The only code that talks to Microsoft (or to the Exchange sandbox standing in for it): Graph SDK clients per
 * provider ({@link io.roomsync.graph.GraphClientFactory}, app-only through msal4j client credentials),
 * delegated sign-in and per-user clients from a stored msal4j cache ({@link io.roomsync.graph.DelegatedSignIn}),
 * per-provider TLS trust ({@link io.roomsync.graph.TrustedCa}) and the mapping of everything the SDK and msal4j
 * throw into {@link io.roomsync.graph.GraphFailure}s that keep Graph's request-id.
 */
package io.roomsync.graph;
