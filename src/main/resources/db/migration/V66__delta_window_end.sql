-- Graph keeps a delta round's calendarView window inside its delta link, so the window has to be known to move it:
-- the end of the window the stored link reads. Once today + the booking horizon comes near it, the link is dropped
-- and a full round reads a new window. NULL (links stored before this column) moves the window on the next pull.
ALTER TABLE subscription ADD COLUMN delta_window_end DATETIME(6) NULL;
