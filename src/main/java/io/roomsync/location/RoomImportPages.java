package io.roomsync.location;

import io.roomsync.web.FormState;
import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import io.roomsync.tenant.CurrentUser;
import io.roomsync.web.Layout;
import io.roomsync.web.Pages;
import io.roomsync.web.Web;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The CSV onboarding of a building's rooms: upload or paste, look at the preview, apply. Apply re-posts the exact
 * text that was previewed and validates it again, because the data may have changed in between.
 */
public final class RoomImportPages {
    /** preview is null until a file was read; csv is the text being previewed (carried in a hidden field). */
    public record ImportPage(Layout layout, List<Building> buildings, FormState form, RoomCsvImport.Preview preview, String csv) {
        public String example() {
            return RoomCsvImport.EXAMPLE;
        }

        public int maxRows() {
            return RoomCsvImport.MAX_ROWS;
        }
    }

    private final LocationService locations;
    private final RoomCsvImport importer;
    private final Pages pages;

    public RoomImportPages(LocationService locations, RoomCsvImport importer, Pages pages) {
        this.locations = locations;
        this.importer = importer;
        this.pages = pages;
    }

    public void form(Context ctx) {
        Map<String, String> v = new HashMap<>();
        String b = ctx.queryParam("buildingId");
        if (b != null) v.put("buildingId", b);
        render(ctx, FormState.of(v), null, null);
    }

    public void preview(Context ctx) {
        CurrentUser user = Web.user(ctx);
        FormState form = FormState.posted(ctx, "buildingId", "csv");
        Map<String, String> errors = new HashMap<>();
        Long buildingId = FormState.id(form, "buildingId");
        if (buildingId == null) errors.put("buildingId", "Choose the building the rooms are in.");
        else locations.building(user.tenant(), buildingId);
        String csv = csvFrom(ctx, form, errors);
        if (!errors.isEmpty()) {
            ctx.status(400);
            render(ctx, form.withErrors(errors), null, null);
            return;
        }
        RoomCsvImport.Preview preview = importer.preview(user.tenant(), buildingId, csv);
        if (!preview.ok()) ctx.status(422);
        render(ctx, form, preview, csv);
    }

    public void apply(Context ctx) {
        CurrentUser user = Web.user(ctx);
        FormState form = FormState.posted(ctx, "buildingId", "csv");
        Long buildingId = FormState.id(form, "buildingId");
        if (buildingId == null) {
            ctx.status(400);
            render(ctx, form.withErrors(Map.of("buildingId", "Choose the building the rooms are in.")), null, null);
            return;
        }
        locations.building(user.tenant(), buildingId);
        String csv = form.value("csv");
        try {
            RoomCsvImport.Preview done = importer.apply(user, LocationService.PORTAL, buildingId, csv);
            pages.redirectWithFlash(ctx, "/admin/rooms?buildingId=" + buildingId, "Import into " + done.buildingName() + " done: "
                    + done.creates().size() + " created, " + done.updates().size() + " updated, " + done.unchanged().size() + " unchanged"
                    + (done.newFloors().isEmpty() ? "." : ", " + done.newFloors().size() + " new floor(s)."));
        } catch (RoomCsvImport.Rejected e) {
            ctx.status(422);
            render(ctx, form, e.preview, csv);
        }
    }

    /** The uploaded file if one was chosen, else the pasted text; size and encoding problems become field errors. */
    private static String csvFrom(Context ctx, FormState form, Map<String, String> errors) {
        UploadedFile file = ctx.isMultipartFormData() ? ctx.uploadedFile("file") : null;
        if (file != null && file.size() > 0) {
            if (file.size() > RoomCsvImport.MAX_BYTES) {
                errors.put("file", "The file is larger than " + (RoomCsvImport.MAX_BYTES / 1_000_000) + " MB. Split it into several files.");
                return null;
            }
            byte[] bytes;
            try (InputStream in = file.content()) {
                bytes = in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            String text = RoomCsvImport.decode(bytes);
            if (text == null) errors.put("file", "The file is not UTF-8 text. Save it as \"CSV UTF-8\" and upload it again.");
            return text;
        }
        String pasted = form.value("csv");
        if (pasted.isBlank()) {
            errors.put("file", "Choose a CSV file or paste its contents.");
            return null;
        }
        if (pasted.length() > RoomCsvImport.MAX_BYTES) {
            errors.put("csv", "The text is longer than " + (RoomCsvImport.MAX_BYTES / 1_000_000) + " MB. Split it into several files.");
            return null;
        }
        return pasted;
    }

    private void render(Context ctx, FormState form, RoomCsvImport.Preview preview, String csv) {
        long tenantId = Web.user(ctx).tenant();
        pages.render(ctx, "location/import.jte", new ImportPage(pages.layout(ctx, "Import rooms", "admin-rooms"),
                locations.listBuildings(tenantId), form, preview, csv));
    }
}
