package io.roomsync.reservation;

/**
 * Where a reservation change came from. The sub-source names match the original product's values, which sync
 * rules depend on (e.g. the REST API's {@code sn_wsd_rest_api}).
 */
public enum Source {
    PORTAL("portal", "Portal"),
    QUICK("quick", "Quick reservation"),
    EVENT_PLANNER("event_planner", "Event planner"),
    MOBILE("mobile", "Mobile"),
    REST_API("sn_wsd_rest_api", "REST API"),
    ROOM_PANEL("room_panel", "Room panel"),
    SYSTEM("system", "System job"),
    EXCHANGE("exchange", "Exchange");

    public final String subSource;
    public final String label;

    Source(String subSource, String label) {
        this.subSource = subSource;
        this.label = label;
    }

    /** A change a user made themselves (as opposed to an integration or a job), per the sync mode rules. */
    public boolean userTriggered() {
        return this == PORTAL || this == QUICK || this == EVENT_PLANNER || this == MOBILE;
    }
}
