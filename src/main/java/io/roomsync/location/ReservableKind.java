package io.roomsync.location;

public enum ReservableKind {
    ROOM("Room"), DESK("Desk"), OTHER("Other space");

    public final String label;

    ReservableKind(String label) {
        this.label = label;
    }
}
