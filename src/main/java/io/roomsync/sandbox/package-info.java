/**
 * The Exchange sandbox: an in-process HTTPS server that stands in for Microsoft Graph (calendar parts) and the
 * Microsoft identity platform, following reference/graph-facts.md, so that Roomsync reaches it through the real
 * Graph SDK and msal4j exactly as it would reach Microsoft.
 *
 * <p>Pieces: {@link io.roomsync.sandbox.SandboxCertificate} (TLS identity kept in the data folder),
 * {@code IdentityEndpoints} (OIDC discovery, token, authorize), {@code GraphRouter} (bearer check, tenant,
 * access policy, throttling, routing), {@code EventsApi} + {@code BookingAssistant} (events and room decisions),
 * {@code CalendarViewApi} (calendarView and delta), {@code SubscriptionsApi} + {@code Notifier} (webhooks),
 * {@code Throttle} (429s and injected faults), {@code BatchApi}, {@code PlacesApi}, {@code Snapshots} (demo state).
 * Everything is driven from {@link io.roomsync.sandbox.ExchangeSandbox}.
 *
 * <p>Demo mode: {@link io.roomsync.sandbox.DemoDirectory} (tenant and app registration) and
 * {@link io.roomsync.sandbox.DemoMailboxes} (the demo tenant's people and rooms as mailboxes, read from the database);
 * {@link io.roomsync.sandbox.SandboxPages} + {@link io.roomsync.sandbox.SandboxOutlook} are the page at
 * /sandbox/outlook where a person acts as Outlook (its changes go through the same Graph code path as an app's).
 *
 * <p>Where graph-facts marks behaviour [UNCERTAIN], the choice made is noted at the spot in the code.
 */
package io.roomsync.sandbox;
