package io.convscope.activations;

import java.nio.file.Path;
import java.util.List;

import io.convscope.Result;
import io.convscope.UsageException;
import io.convscope.image.InputImage;
import io.convscope.image.Npy;
import io.convscope.model.LayerInfo;
import io.convscope.render.Png;
import io.convscope.render.TileSheet;

/**
 * A layer's feature maps for one input, drawn: writes itself as the picture (".png") and the raw activations
 * (".npy", float32 1 x C x H x W).
 */
public record ActivationResult(Path model, InputImage input, LayerInfo layer, FeatureMaps maps, TileSheet sheet)
        implements Result {
    @Override
    public List<String> formats() {
        return List.of(".png", ".npy");
    }

    @Override
    public byte[] encode(String format) {
        return switch (format) {
            case ".png" -> Png.encode(sheet.raster());
            case ".npy" -> Npy.encode(maps.shape(), maps.values());
            default -> throw new UsageException("activations are written as .png or .npy, not " + format);
        };
    }

    /** {@code 16 of 64 maps of features.3 1x64x27x27}. */
    public String summary() {
        return sheet.tileCount() + " of " + maps.channels() + " maps of " + layer.path() + " "
                + LayerInfo.format(maps.shape());
    }
}
