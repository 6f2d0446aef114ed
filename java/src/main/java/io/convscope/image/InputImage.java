package io.convscope.image;

import io.convscope.render.Raster;

/**
 * An image prepared for a model: the normalized tensor values, and the same pixels as a picture to draw on.
 *
 * @param source  where it came from, for messages and titles: the file as given, or what was in memory
 * @param tensor  {@code channels x height x width} floats in C order, {@code (pixel / 255 - mean) / std}
 * @param picture the resized, cropped image the tensor was made from (RGB; gray for 1-channel models)
 */
public record InputImage(String source, int channels, int height, int width, float[] tensor, Raster picture) {
    public InputImage {
        if (tensor.length != channels * height * width) {
            throw new IllegalArgumentException("tensor holds " + tensor.length + " values, shape needs "
                    + channels * height * width);
        }
    }

    /** The source's last path segment ({@code cat.jpg} for {@code photos/cat.jpg}): what titles show. */
    public String shortName() {
        return source.substring(source.lastIndexOf('/') + 1);
    }

    public long[] shape() {
        return new long[] {channels, height, width};
    }
}
