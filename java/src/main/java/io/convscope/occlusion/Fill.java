package io.convscope.occlusion;

import java.io.Serializable;

import java.util.Arrays;
import java.util.Locale;

import io.convscope.UsageException;
import io.convscope.model.ModelCard;

/**
 * What an occluded window is filled with. For images, a colour in pixel space ([0, 1], as the image is
 * before normalization) or {@code mean}, the card's mean colour, which is 0 after normalization and is
 * Captum's default baseline. For already-normalized {@code .npy} input, one number in tensor space.
 */
public final class Fill implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String text;
    private final float[] pixel;
    private final Float tensorValue;

    private Fill(String text, float[] pixel, Float tensorValue) {
        this.text = text;
        this.pixel = pixel;
        this.tensorValue = tensorValue;
    }

    /** The card's mean colour: 0 in every channel after normalization. */
    public static Fill mean() {
        return new Fill("mean", null, 0f);
    }

    /** One value in tensor space for every channel (for .npy input). */
    public static Fill tensor(float value) {
        return new Fill(Float.toString(value), null, value);
    }

    /** A pixel-space colour in [0, 1]: one value for all channels or one per channel. */
    public static Fill pixel(float... values) {
        for (float v : values) {
            if (!(v >= 0f && v <= 1f)) {
                throw UsageException.of("fill", "colours are in [0, 1] pixel space (0.5, 0.6,0.5,0.4), got " + v);
            }
        }
        return new Fill(format(values), values.clone(), null);
    }

    /** Parses {@code --fill}: {@code mean}, {@code 0.5}, {@code R,G,B}; for tensor input a single number. */
    public static Fill parse(String text, boolean tensorInput) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        if (t.equals("mean")) {
            return mean();
        }
        try {
            float[] values = parseFloats(t);
            if (tensorInput) {
                if (values.length != 1) {
                    throw UsageException.of("fill", "for a tensor input is one number in tensor space, got '" + text + "'");
                }
                return tensor(values[0]);
            }
            return pixel(values);
        } catch (NumberFormatException e) {
            throw UsageException.of("fill", "takes mean, a gray level in [0, 1] (0.5) or R,G,B (0.6,0.5,0.4), got '"
                    + text + "'");
        }
    }

    private static float[] parseFloats(String t) {
        String[] parts = t.split(",");
        float[] values = new float[parts.length];
        for (int i = 0; i < parts.length; i++) {
            values[i] = Float.parseFloat(parts[i].strip());
        }
        return values;
    }

    /** The value written into each of {@code channels} channels of the normalized tensor. */
    public float[] tensorValues(ModelCard card, int channels) {
        float[] out = new float[channels];
        if (tensorValue != null) {
            Arrays.fill(out, tensorValue);
            return out;
        }
        if (pixel.length != 1 && pixel.length != channels) {
            throw UsageException.of("fill", text + " gives " + pixel.length + " values; the input has "
                    + channels + " channels, so give 1 or " + channels);
        }
        for (int c = 0; c < channels; c++) {
            float p = pixel[pixel.length == 1 ? 0 : c];
            out[c] = (p - card.mean()[c]) / card.std()[c];
        }
        return out;
    }

    private static String format(float[] values) {
        StringBuilder s = new StringBuilder();
        for (float v : values) {
            s.append(s.length() == 0 ? "" : ",").append(v);
        }
        return s.toString();
    }

    @Override
    public String toString() {
        return text;
    }
}
