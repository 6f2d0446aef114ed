package io.convscope.filters;

import java.nio.file.Path;
import java.util.List;

import io.convscope.Result;
import io.convscope.UsageException;
import io.convscope.image.Npy;
import io.convscope.model.ConvWeights;
import io.convscope.model.LayerInfo;
import io.convscope.render.Png;
import io.convscope.render.TileSheet;

/**
 * One convolution layer's filters, drawn: writes itself as the picture (".png") and the raw weight tensor
 * (".npy", float32 filters x channels x height x width).
 */
public record FilterResult(Path model, LayerInfo layer, ConvWeights weights, TileSheet sheet) implements Result {
    @Override
    public List<String> formats() {
        return List.of(".png", ".npy");
    }

    @Override
    public byte[] encode(String format) {
        return switch (format) {
            case ".png" -> Png.encode(sheet.raster());
            case ".npy" -> Npy.encode(weights.shape(), weights.values());
            default -> throw new UsageException("filters are written as .png or .npy, not " + format);
        };
    }

    /** {@code 1054x560, 64 tiles of features.0 64x3x11x11}. */
    public String summary() {
        return sheet.raster().width() + "x" + sheet.raster().height() + ", " + sheet.tileCount() + " tiles of "
                + layer.path() + " " + LayerInfo.format(weights.shape());
    }
}
