package io.convscope.image;

import java.nio.file.Path;

import io.convscope.render.Raster;

/**
 * An image prepared for a model: the normalized tensor values, and the same pixels as a picture to draw on.
 *
 * @param source  the file it came from
 * @param tensor  {@code channels x height x width} floats in C order, {@code (pixel / 255 - mean) / std}
 * @param picture the resized, cropped image the tensor was made from (RGB; gray for 1-channel models)
 */
public record InputImage(Path source, int channels, int height, int width, float[] tensor, Raster picture) {
    public InputImage {
        if (tensor.length != channels * height * width) {
            throw new IllegalArgumentException("tensor holds " + tensor.length + " values, shape needs "
                    + channels * height * width);
        }
    }

    public long[] shape() {
        return new long[] {channels, height, width};
    }
}
