package io.convscope.render;

import java.util.Arrays;

/** An 8-bit RGB picture in Java memory: row-major, three bytes per pixel in R, G, B order. */
public final class Raster {
    private final int width;
    private final int height;
    private final byte[] rgb;

    public Raster(int width, int height) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("raster size must be positive, got " + width + "x" + height);
        }
        this.width = width;
        this.height = height;
        this.rgb = new byte[Math.multiplyExact(Math.multiplyExact(width, height), 3)];
    }

    public Raster(int width, int height, Rgb background) {
        this(width, height);
        fill(0, 0, width, height, background);
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** A copy as a Java2D picture ({@code TYPE_3BYTE_BGR}), for applications that draw or serve it themselves. */
    public java.awt.image.BufferedImage toBufferedImage() {
        java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(width, height,
                java.awt.image.BufferedImage.TYPE_3BYTE_BGR);
        byte[] bgr = ((java.awt.image.DataBufferByte) image.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < rgb.length; i += 3) {
            bgr[i] = rgb[i + 2];
            bgr[i + 1] = rgb[i + 1];
            bgr[i + 2] = rgb[i];
        }
        return image;
    }

    /** The backing bytes, shared (not copied) so PNG encoding and text drawing need no extra pass. */
    byte[] bytes() {
        return rgb;
    }

    public void set(int x, int y, Rgb color) {
        int i = (y * width + x) * 3;
        rgb[i] = (byte) color.r();
        rgb[i + 1] = (byte) color.g();
        rgb[i + 2] = (byte) color.b();
    }

    public Rgb get(int x, int y) {
        int i = (y * width + x) * 3;
        return new Rgb(rgb[i] & 0xff, rgb[i + 1] & 0xff, rgb[i + 2] & 0xff);
    }

    /** Fills the rectangle, clipped to the raster. */
    public void fill(int x, int y, int w, int h, Rgb color) {
        int x0 = Math.max(0, x);
        int y0 = Math.max(0, y);
        int x1 = Math.min(width, x + w);
        int y1 = Math.min(height, y + h);
        if (x0 >= x1) {
            return;
        }
        byte[] row = new byte[(x1 - x0) * 3];
        for (int i = 0; i < row.length; i += 3) {
            row[i] = (byte) color.r();
            row[i + 1] = (byte) color.g();
            row[i + 2] = (byte) color.b();
        }
        for (int yy = y0; yy < y1; yy++) {
            System.arraycopy(row, 0, rgb, (yy * width + x0) * 3, row.length);
        }
    }

    /** Copies {@code source} with its top-left corner at (x, y); parts outside this raster are dropped. */
    public void draw(Raster source, int x, int y) {
        int x0 = Math.max(0, x);
        int x1 = Math.min(width, x + source.width);
        if (x0 >= x1) {
            return;
        }
        for (int sy = 0; sy < source.height; sy++) {
            int ty = y + sy;
            if (ty < 0 || ty >= height) {
                continue;
            }
            System.arraycopy(source.rgb, (sy * source.width + (x0 - x)) * 3, rgb, (ty * width + x0) * 3,
                    (x1 - x0) * 3);
        }
    }

    /** Nearest-neighbour enlargement by an integer factor, so each source pixel becomes a solid block. */
    public Raster upscale(int factor) {
        if (factor < 1) {
            throw new IllegalArgumentException("scale factor must be at least 1, got " + factor);
        }
        if (factor == 1) {
            return copy();
        }
        Raster big = new Raster(width * factor, height * factor);
        byte[] row = new byte[big.width * 3];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int s = (y * width + x) * 3;
                for (int k = 0; k < factor; k++) {
                    int t = (x * factor + k) * 3;
                    row[t] = rgb[s];
                    row[t + 1] = rgb[s + 1];
                    row[t + 2] = rgb[s + 2];
                }
            }
            for (int k = 0; k < factor; k++) {
                System.arraycopy(row, 0, big.rgb, (y * factor + k) * big.width * 3, row.length);
            }
        }
        return big;
    }

    public Raster copy() {
        Raster copy = new Raster(width, height);
        System.arraycopy(rgb, 0, copy.rgb, 0, rgb.length);
        return copy;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Raster r && r.width == width && r.height == height && Arrays.equals(r.rgb, rgb);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * width + height) + Arrays.hashCode(rgb);
    }
}
