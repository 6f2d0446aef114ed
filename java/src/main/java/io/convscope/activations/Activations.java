package io.convscope.activations;

import io.convscope.image.InputImage;
import io.convscope.model.Inference;
import io.convscope.model.LayerInfo;
import io.convscope.model.TorchModel;

/** A layer's feature maps for one image: the model run up to that layer, the maps copied out. */
public final class Activations {
    private Activations() {
    }

    public static FeatureMaps of(TorchModel model, LayerInfo layer, InputImage image) {
        long[] shape = {1, image.channels(), image.height(), image.width()};
        return of(model, layer, shape, image.tensor());
    }

    /** For an input that is already a normalized tensor of {@code shape} (batch 1). */
    public static FeatureMaps of(TorchModel model, LayerInfo layer, long[] shape, float[] input) {
        return FeatureMaps.of(Inference.layerOutput(model, layer, shape, input));
    }
}
