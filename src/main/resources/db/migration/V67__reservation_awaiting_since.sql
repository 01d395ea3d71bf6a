-- When a reservation last started waiting for its room's answer (booked, moved onto a synced room, or its time or
-- room changed): the confirmation time limits count from here, not from the booking. Reservations waiting (or
-- rejected) before this column existed started waiting when they were booked.
ALTER TABLE reservation ADD COLUMN awaiting_since DATETIME(6) NULL;
UPDATE reservation SET awaiting_since = created_at WHERE state IN ('AWAITING_CONFIRMATION', 'REJECTED');
