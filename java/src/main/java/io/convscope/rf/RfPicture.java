package io.convscope.rf;

import io.convscope.render.Box;
import io.convscope.render.Raster;

/**
 * A drawn receptive field.
 *
 * @param raster the whole picture, title included
 * @param image  where the input image landed in {@code raster}; input pixel (row, col) is the
 *               {@code scale x scale} block at {@code (image.x + col * scale, image.y + row * scale)}
 * @param scale  raster pixels per input pixel
 */
public record RfPicture(Raster raster, Box image, int scale) {
    /** Raster x of the left edge of input column {@code col} (which may lie outside the image). */
    public int x(long col) {
        return Math.toIntExact(image.x() + col * scale);
    }

    /** Raster y of the top edge of input row {@code row} (which may lie outside the image). */
    public int y(long row) {
        return Math.toIntExact(image.y() + row * scale);
    }
}
