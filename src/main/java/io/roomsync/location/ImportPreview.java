package io.roomsync.location;

import java.util.List;

/** What a room import (CSV or Exchange) would do, row by row, grouped by what applying does to each row. */
public interface ImportPreview<R extends ImportPreview.Item> {
    interface Item {
        RoomCsvImport.Action action();
    }

    List<R> rows();

    default List<R> creates() {
        return rows().stream().filter(r -> r.action() == RoomCsvImport.Action.CREATE).toList();
    }

    default List<R> updates() {
        return rows().stream().filter(r -> r.action() == RoomCsvImport.Action.UPDATE).toList();
    }

    default List<R> unchanged() {
        return rows().stream().filter(r -> r.action() == RoomCsvImport.Action.UNCHANGED).toList();
    }
}
