-- Overlap searches look back only as far as the longest reservation can last (two days in the portal), which keeps
-- them on a short index range. A meeting booked in Outlook may last longer where the room's policy allows it: the
-- longest one a room has had (in minutes, only when over two days) widens that room's look-back.
ALTER TABLE reservable ADD COLUMN longest_reservation_minutes INT NULL;
