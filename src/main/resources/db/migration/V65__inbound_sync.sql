-- Inbound sync (Exchange -> Roomsync). A delta round names a removed event by its id only, so a reservation keeps
-- the id of the room mailbox's copy of its meeting. One reservation per room copy and per meeting (iCalUId) of a
-- room: a notification delivered twice, or a pull repeated after a crash, finds the reservation instead of adding one.
ALTER TABLE reservation ADD COLUMN room_event_id VARCHAR(500) NULL;
CREATE UNIQUE INDEX uq_reservation_room_event ON reservation (reservable_id, room_event_id);
CREATE UNIQUE INDEX uq_reservation_room_ical ON reservation (reservable_id, external_ical_uid);
-- The safety-net resync looks for subscriptions whose mailbox was not pulled recently.
CREATE INDEX ix_subscription_last_delta ON subscription (status, last_delta_at);
