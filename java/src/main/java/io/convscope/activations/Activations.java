package io.convscope.activations;

import io.convscope.Device;
import io.convscope.image.Input;
import io.convscope.image.InputImage;
import io.convscope.model.Inference;
import io.convscope.model.LayerInfo;
import io.convscope.model.TorchModel;

/** A layer's feature maps for one image: the model run up to that layer, the maps copied out. */
public final class Activations {
    private Activations() {
    }

    /**
     * The door to activations: prepares the input as the card says, places the model on the device, runs it up
     * to {@code spec.layer()} and draws the maps, most active first.
     */
    public static ActivationResult run(TorchModel model, Input input, ActivationSpec spec, Device device) {
        return run(model, input.prepare(model.card()), spec, device);
    }

    /** The activations of an input already prepared for this model. */
    public static ActivationResult run(TorchModel model, InputImage image, ActivationSpec spec, Device device) {
        LayerInfo layer = model.layers().find(spec.layer());
        model.placeOn(device);
        FeatureMaps maps = of(model, layer, image);
        String heading = model.file().getFileName() + " | " + layer.path() + " (" + layer.type() + ") | "
                + image.shortName();
        return new ActivationResult(model.file(), image, layer, maps, ActivationPictures.render(maps, spec, heading));
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
