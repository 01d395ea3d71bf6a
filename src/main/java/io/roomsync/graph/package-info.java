/**
 * The only code that talks to Microsoft (or to the Exchange sandbox standing in for it): Graph SDK clients per
 * provider ({@link io.roomsync.graph.GraphClientFactory}, app-only through msal4j client credentials: a secret or a
 * certificate), every mailbox call through {@link io.roomsync.graph.GraphCalls} (Outlook's per-mailbox limits kept
 * on our side without waiting, Retry-After honoured by failing fast, counters), bulk reads through
 * {@link io.roomsync.graph.GraphBatch} ($batch with per-item retry by scheduling), delegated sign-in and per-user
 * clients from a stored msal4j cache ({@link io.roomsync.graph.DelegatedSignIn}), per-provider TLS trust
 * ({@link io.roomsync.graph.TrustedCa}) and the mapping of everything the SDK and msal4j throw into
 * {@link io.roomsync.graph.GraphFailure}s that keep Graph's request-id.
 */
package io.roomsync.graph;
