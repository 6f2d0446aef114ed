package io.convscope.image;

import java.nio.file.Path;

import io.convscope.Finite;
import io.convscope.UsageException;
import io.convscope.model.LayerInfo;
import io.convscope.model.ModelCard;
import io.convscope.render.Raster;
import io.convscope.render.Rgb;

/**
 * An already-normalized input tensor from a {@code .npy} file ({@code C x H x W} or {@code 1 x C x H x W},
 * float32). Its picture undoes the card's normalization ({@code v * std + mean}, clipped to [0, 1]), which
 * shows the original image when the tensor was made with the card's statistics.
 */
public final class TensorInput {
    private TensorInput() {
    }

    /** Reads a float32 {@code .npy} tensor, C x H x W or 1 x C x H x W, already normalized for the model. */
    public static InputImage load(Path file, ModelCard card) {
        Npy.Array array = Npy.read(file);
        return of(file.toString(), array.shape(), array.values(), card);
    }

    /**
     * A tensor already normalized for the model: {@code values} of {@code shape}, C x H x W or 1 x C x H x W,
     * row-major; {@code name} says where it came from in messages. The values are used, not copied.
     */
    public static InputImage of(String name, long[] shape, float[] values, ModelCard card) {
        long[] s = shape;
        long[] chw = s.length == 4 && s[0] == 1 ? new long[] {s[1], s[2], s[3]} : s;
        if (chw.length != 3) {
            throw new UsageException(name + " has shape " + LayerInfo.format(s) + "; give C x H x W or 1 x C x H x W");
        }
        if (chw[0] < 1 || chw[1] < 1 || chw[2] < 1) {
            throw new UsageException(name + " has shape " + LayerInfo.format(s) + ", with an empty dimension; give "
                    + "C x H x W with every size 1 or more");
        }
        if (chw[0] * chw[1] * chw[2] != values.length) {
            throw new UsageException(name + " has shape " + LayerInfo.format(s) + ", which needs "
                    + chw[0] * chw[1] * chw[2] + " values, but holds " + values.length);
        }
        String notFinite = Finite.problem(values, "input tensor " + name);
        if (notFinite != null) {
            throw new UsageException(notFinite);
        }
        int c = (int) chw[0];
        int h = (int) chw[1];
        int w = (int) chw[2];
        if (c != card.channels()) {
            throw new UsageException(name + " has " + c + " channels (shape " + LayerInfo.format(s)
                    + ") and the model expects " + card.channels() + "; give a " + card.channels() + " x H x W tensor");
        }
        Raster picture = new Raster(w, h);
        int plane = h * w;
        float[] v = values;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                if (c == 3) {
                    picture.set(x, y, Rgb.of(pixel(v[i], card, 0), pixel(v[plane + i], card, 1),
                            pixel(v[2 * plane + i], card, 2)));
                } else {
                    picture.set(x, y, Rgb.gray(pixel(v[i], card, 0)));
                }
            }
        }
        return new InputImage(name, c, h, w, v, picture);
    }

    private static double pixel(float value, ModelCard card, int channel) {
        return value * card.std()[channel] + card.mean()[channel];
    }
}
