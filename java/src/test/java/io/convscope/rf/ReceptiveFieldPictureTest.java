package io.convscope.rf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.convscope.UsageException;
import io.convscope.render.Raster;
import io.convscope.render.Rgb;
import io.convscope.render.TileSheet;

/**
 * The drawn field of the hand-built model's block (see ReceptiveFieldsTest): unit (0, 0) sees rows -12..21 and
 * cols -8..17 of a 31x31 input, so 12 rows above and 8 columns left of the image are hatched.
 */
class ReceptiveFieldPictureTest {
    private static final ReceptiveField BLOCK = ReceptiveField.of(new ReceptiveField.Axis(34, 4, 4.5, 6),
            new ReceptiveField.Axis(26, 4, 4.5, 6));

    private static Rgb dimmed(Rgb c) {
        Rgb bg = TileSheet.BACKGROUND;
        return new Rgb((int) Math.round(0.35 * c.r() + 0.65 * bg.r()), (int) Math.round(0.35 * c.g() + 0.65 * bg.g()),
                (int) Math.round(0.35 * c.b() + 0.65 * bg.b()));
    }

    /** Every raster pixel of input pixel (row, col), the outline's 2-px frame aside. */
    private static boolean anyPixel(RfPicture p, long row, long col, Rgb color) {
        for (int dy = 0; dy < p.scale(); dy++) {
            for (int dx = 0; dx < p.scale(); dx++) {
                if (p.raster().get(p.x(col) + dx, p.y(row) + dy).equals(color)) {
                    return true;
                }
            }
        }
        return false;
    }

    @Test
    void theFieldIsBrightTheRestDimmedAndTheClippedPartHatched() {
        Raster image = new Raster(31, 31, new Rgb(200, 100, 50));
        image.set(10, 20, new Rgb(0, 255, 0)); // x = col 10, y = row 20
        RfPicture p = ReceptiveFieldPicture.draw(image, 31, 31, BLOCK, new long[] {0, 0}, "dilated.pt | features.3");
        // Canvas rows -12..30 (43) and cols -8..30 (39): 480 / 43 = 11 px per input pixel.
        assertEquals(11, p.scale());
        assertEquals(31 * 11, p.image().width());
        assertEquals(new Rgb(0, 255, 0), p.raster().get(p.x(10) + 5, p.y(20) + 5),
                "row 20, col 10 is inside the field: its own colour");
        assertEquals(new Rgb(200, 100, 50), p.raster().get(p.x(5) + 5, p.y(5) + 5));
        assertEquals(dimmed(new Rgb(200, 100, 50)), p.raster().get(p.x(30) + 5, p.y(30) + 5), "outside: dimmed");
        assertEquals(dimmed(new Rgb(200, 100, 50)), p.raster().get(p.x(18) + 5, p.y(5) + 5), "col 18 > 17");
        assertTrue(anyPixel(p, -5, -5, ReceptiveFieldPicture.HATCH), "field outside the image is hatched");
        assertTrue(anyPixel(p, -5, 20, TileSheet.BACKGROUND) && !anyPixel(p, -5, 20, ReceptiveFieldPicture.HATCH),
                "outside image and field: background only");
        assertEquals(ReceptiveFieldPicture.OUTLINE, p.raster().get(p.x(-8), p.y(-12)), "frame at the field's corner");
        assertEquals(ReceptiveFieldPicture.OUTLINE, p.raster().get(p.x(18) - 1, p.y(22) - 1), "and its far corner");
        // The unit's centre, pixel (4.5, 4.5), is marked at the middle of pixels 4..5.
        assertEquals(ReceptiveFieldPicture.CENTRE, p.raster().get(p.x(5), p.y(5)));
    }

    @Test
    void withoutAnImageTheInputIsPlainGray() {
        RfPicture p = ReceptiveFieldPicture.draw(null, 31, 31, BLOCK, new long[] {2, 2}, "t");
        assertEquals(ReceptiveFieldPicture.NO_IMAGE, p.raster().get(p.x(10) + 3, p.y(10) + 3));
        assertEquals(dimmed(ReceptiveFieldPicture.NO_IMAGE), p.raster().get(p.x(30) + 3, p.y(2) + 3));
    }

    @Test
    void theClippingIsStatedInWords() {
        assertEquals("sees rows -12..21, cols -8..17 of the 31x31 input; hatched: outside it (12 top, 8 left px)",
                ReceptiveFieldPicture.describe(BLOCK.region(0, 0), 31, 31));
        assertEquals("sees rows 4..37, cols 8..33 of the 40x40 input; all inside it",
                ReceptiveFieldPicture.describe(new ReceptiveField.Region(4, 8, 37, 33), 40, 40));
    }

    @Test
    void aUnitOutsideTheOutputIsAUsageError() {
        UsageException e = assertThrows(UsageException.class,
                () -> ReceptiveFieldPicture.draw(null, 31, 31, BLOCK, new long[] {6, 0}, "t"));
        assertEquals("unit 6,0 is outside the layer's 6x6 output; give a unit row,col with row 0..5 and col 0..5",
                e.getMessage());
    }
}
