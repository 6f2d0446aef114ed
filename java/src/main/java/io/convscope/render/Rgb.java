package io.convscope.render;

/** An 8-bit sRGB colour. */
public record Rgb(int r, int g, int b) {
    public static final Rgb BLACK = new Rgb(0, 0, 0);
    public static final Rgb WHITE = new Rgb(255, 255, 255);

    public Rgb {
        if ((r | g | b) < 0 || r > 255 || g > 255 || b > 255) {
            throw new IllegalArgumentException("colour components must be 0..255, got " + r + "," + g + "," + b);
        }
    }

    /** The 8-bit level of an intensity in [0, 1]: {@code round(clip(v, 0, 1) * 255)}; NaN counts as 0.5. */
    public static int level(double v) {
        if (Double.isNaN(v)) {
            v = 0.5;
        }
        return (int) Math.round(Math.min(1.0, Math.max(0.0, v)) * 255.0);
    }

    public static Rgb gray(double v) {
        int l = level(v);
        return new Rgb(l, l, l);
    }

    public static Rgb of(double r, double g, double b) {
        return new Rgb(level(r), level(g), level(b));
    }
}
