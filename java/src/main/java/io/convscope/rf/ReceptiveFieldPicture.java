package io.convscope.rf;

import java.util.List;
import java.util.Locale;

import io.convscope.UsageException;
import io.convscope.render.Box;
import io.convscope.render.Raster;
import io.convscope.render.Rgb;
import io.convscope.render.TileSheet;

/**
 * Draws where one unit of a layer looks: its receptive field as a rectangle over the model's input image
 * (resized and cropped as the model sees it). Inside the image the field is shown at full brightness and the
 * rest of the image dimmed; the part of the field that falls outside the image (on the padding) is drawn
 * hatched, so a clipped field is visibly clipped. A cross marks the unit's centre.
 */
public final class ReceptiveFieldPicture {
    public static final Rgb OUTLINE = new Rgb(255, 214, 0);
    public static final Rgb HATCH = new Rgb(150, 112, 0);
    public static final Rgb CENTRE = new Rgb(235, 50, 50);
    public static final Rgb NO_IMAGE = new Rgb(128, 128, 128);
    /** Image pixels outside the field keep this fraction of their brightness. */
    public static final double DIM = 0.35;
    private static final int MARGIN = 6;
    private static final int TARGET_SIDE = 480;

    private ReceptiveFieldPicture() {
    }

    /**
     * @param picture the input as the model sees it ({@code height x width}), or null to draw a plain gray input
     * @param unit    {@code {row, col}} of the unit in the layer's output
     * @param heading first title line (model and layer)
     */
    public static RfPicture draw(Raster picture, int height, int width, ReceptiveField field, long[] unit,
                                 String heading) {
        if (picture != null && (picture.height() != height || picture.width() != width)) {
            throw new IllegalArgumentException("picture is " + picture.width() + "x" + picture.height()
                    + ", the input " + width + "x" + height);
        }
        requireUnit(field, unit);
        ReceptiveField.Region region = field.region(unit[0], unit[1]);
        long minRow = Math.min(0, region.top());
        long minCol = Math.min(0, region.left());
        long rows = Math.max(height - 1, region.bottom()) - minRow + 1;
        long cols = Math.max(width - 1, region.right()) - minCol + 1;
        int scale = (int) Math.max(1, Math.min(16, TARGET_SIDE / Math.max(rows, cols)));
        Raster canvas = new Raster(Math.toIntExact(cols * scale + 2 * MARGIN),
                Math.toIntExact(rows * scale + 2 * MARGIN), TileSheet.BACKGROUND);
        int ox = Math.toIntExact(MARGIN - minCol * scale);
        int oy = Math.toIntExact(MARGIN - minRow * scale);

        hatch(canvas, ox + (int) region.left() * scale, oy + (int) region.top() * scale,
                (int) region.width() * scale, (int) region.height() * scale);
        ReceptiveField.Region inside = region.clippedTo(height, width);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                Rgb c = picture == null ? NO_IMAGE : picture.get(x, y);
                boolean seen = inside != null && y >= inside.top() && y <= inside.bottom() && x >= inside.left()
                        && x <= inside.right();
                canvas.fill(ox + x * scale, oy + y * scale, scale, scale, seen ? c : dim(c));
            }
        }
        outline(canvas, ox + (int) region.left() * scale, oy + (int) region.top() * scale,
                (int) region.width() * scale, (int) region.height() * scale, OUTLINE);
        int cx = (int) Math.floor(ox + (field.cols().start() + unit[1] * field.cols().jump() + 0.5) * scale);
        int cy = (int) Math.floor(oy + (field.rows().start() + unit[0] * field.rows().jump() + 0.5) * scale);
        canvas.fill(cx - 4, cy, 9, 1, CENTRE);
        canvas.fill(cx, cy - 4, 1, 9, CENTRE);

        TileSheet sheet = TileSheet.builder(List.of(canvas), 1)
                .titleLine(heading)
                .titleLine(String.format(Locale.ROOT, "unit (%d, %d) of %dx%d: receptive field %s px, jump %s, "
                        + "start %s", unit[0], unit[1], field.rows().outputSize(), field.cols().outputSize(),
                        field.sizeText(), field.jumpText(), field.startText()))
                .titleLine(describe(region, height, width))
                .build();
        Box at = sheet.tile(0);
        return new RfPicture(sheet.raster(), new Box(at.x() + ox, at.y() + oy, width * scale, height * scale),
                scale);
    }

    /** {@code rows -2..192, cols -2..192 of the 224x224 input; clipped 2 top, 2 left} */
    static String describe(ReceptiveField.Region r, int height, int width) {
        long[] cut = r.overhang(height, width);
        String[] sides = {"top", "left", "bottom", "right"};
        StringBuilder clipped = new StringBuilder();
        for (int i = 0; i < 4; i++) {
            if (cut[i] > 0) {
                clipped.append(clipped.length() == 0 ? "" : ", ").append(cut[i]).append(' ').append(sides[i]);
            }
        }
        return "sees rows " + r.top() + ".." + r.bottom() + ", cols " + r.left() + ".." + r.right() + " of the "
                + width + "x" + height + " input; " + (clipped.length() == 0 ? "all inside it"
                : "hatched: outside it (" + clipped + " px)");
    }

    static void requireUnit(ReceptiveField field, long[] unit) {
        long rows = field.rows().outputSize();
        long cols = field.cols().outputSize();
        if (unit.length != 2 || unit[0] < 0 || unit[1] < 0 || unit[0] >= rows || unit[1] >= cols) {
            throw UsageException.of("unit", (unit.length == 2 ? unit[0] + "," + unit[1] : "?") + " is outside "
                    + "the layer's " + rows + "x" + cols + " output; give a unit row,col with row 0.." + (rows - 1)
                    + " and col 0.." + (cols - 1));
        }
    }

    private static Rgb dim(Rgb c) {
        Rgb bg = TileSheet.BACKGROUND;
        return new Rgb(blend(c.r(), bg.r()), blend(c.g(), bg.g()), blend(c.b(), bg.b()));
    }

    private static int blend(int value, int background) {
        return (int) Math.round(DIM * value + (1 - DIM) * background);
    }

    /** Diagonal stripes, 4 px wide, over the rectangle; the image is drawn on top afterwards. */
    private static void hatch(Raster canvas, int x, int y, int w, int h) {
        for (int py = Math.max(0, y); py < Math.min(canvas.height(), y + h); py++) {
            for (int px = Math.max(0, x); px < Math.min(canvas.width(), x + w); px++) {
                if (Math.floorMod(px + py, 8) < 4) {
                    canvas.set(px, py, HATCH);
                }
            }
        }
    }

    /** A frame inside the rectangle's bounds: 2 px, or 1 px around a rectangle too small for that. */
    private static void outline(Raster canvas, int x, int y, int w, int h, Rgb color) {
        int thickness = w >= 4 && h >= 4 ? 2 : 1;
        canvas.fill(x, y, w, thickness, color);
        canvas.fill(x, y + h - thickness, w, thickness, color);
        canvas.fill(x, y, thickness, h, color);
        canvas.fill(x + w - thickness, y, thickness, h, color);
    }
}
