package io.convscope.occlusion;

import java.io.Serializable;

import io.convscope.UsageException;

/** A height and width in pixels, parsed from {@code 50} (square) or {@code 50x40} (height x width). */
public record Size2(int height, int width) implements Serializable {
    public static Size2 square(int side) {
        return new Size2(side, side);
    }

    public static Size2 parse(String option, String text) {
        String[] parts = text.strip().toLowerCase(java.util.Locale.ROOT).split("x", -1);
        try {
            if (parts.length == 1) {
                return square(Integer.parseInt(parts[0].strip()));
            }
            if (parts.length == 2) {
                return new Size2(Integer.parseInt(parts[0].strip()), Integer.parseInt(parts[1].strip()));
            }
        } catch (NumberFormatException e) {
            // Falls through to the message below, which says what is accepted.
        }
        throw UsageException.of(option, "takes N or HxW in pixels (50, 50x40), got '" + text + "'");
    }

    @Override
    public String toString() {
        return height == width ? Integer.toString(height) : height + "x" + width;
    }
}
