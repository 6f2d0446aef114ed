package io.convscope.occlusion;

import org.bytedeco.pytorch.global.torch;

import io.convscope.Device;
import io.convscope.image.Input;
import io.convscope.image.InputImage;
import io.convscope.model.TorchModel;

/**
 * The door to occlusion: one call that prepares the input as the model's card says, decides what the spec
 * leaves open (window, stride and fill follow the input, the score the model's card, see
 * {@link OcclusionSpec#resolvedFor}), places the
 * model on the device, computes the map and returns it with what it was computed from.
 *
 * <pre>{@code
 * try (TorchModel model = TorchModel.load(Path.of("alexnet.pt"))) {
 *     OcclusionResult result = Occlusion.run(model, Input.file(Path.of("cat.jpg")), OcclusionSpec.defaults(),
 *             Device.AUTO);
 *     result.write(Path.of("cat-occlusion.png"), Path.of("cat-occlusion.json"));
 * }
 * }</pre>
 */
public final class Occlusion {
    private Occlusion() {
    }

    public static OcclusionResult run(TorchModel model, Input input, OcclusionSpec spec, Device device) {
        return run(model, input, spec, device, Progress.NONE);
    }

    /** Like {@link #run(TorchModel, Input, OcclusionSpec, Device)}, reporting windows done to {@code progress}. */
    public static OcclusionResult run(TorchModel model, Input input, OcclusionSpec spec, Device device,
                                      Progress progress) {
        spec.check();
        // Prepared before the model moves: decoding and resizing are CPU work whatever the device.
        InputImage image = input.prepare(model.card());
        return run(model, image, spec.resolvedFor(Math.min(image.height(), image.width()), input.isTensor(),
                model.card()).check(), device, progress);
    }

    /** The map of an input already prepared for this model (one image, several analyses: the report). */
    public static OcclusionResult run(TorchModel model, InputImage image, OcclusionSpec spec, Device device,
                                      Progress progress) {
        model.placeOn(device);
        OcclusionMap map = new OcclusionEngine(model, torch.get_num_threads()).run(image, spec, progress);
        return new OcclusionResult(model.file(), image, map);
    }
}
