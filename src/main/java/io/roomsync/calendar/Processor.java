package io.roomsync.calendar;

/** The calendar system a provider talks to. Only Exchange Online through Microsoft Graph for now. */
public enum Processor {
    MICROSOFT_GRAPH("Microsoft Graph (Exchange Online)");

    public final String label;

    Processor(String label) {
        this.label = label;
    }
}
