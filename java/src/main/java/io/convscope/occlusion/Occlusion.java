package io.convscope.occlusion;

import java.nio.file.Path;

import org.bytedeco.pytorch.global.torch;

import io.convscope.image.ImageLoader;
import io.convscope.model.TorchModel;

/** The one-call Java API for an occlusion map; {@link OcclusionEngine} is there for more control. */
public final class Occlusion {
    private Occlusion() {
    }

    /**
     * The occlusion map of an image file, prepared as the model's card says, computed on the CPU with as
     * many fill threads as LibTorch has intra-op threads.
     */
    public static OcclusionMap map(TorchModel model, Path image, OcclusionSpec spec) {
        return new OcclusionEngine(model, false, torch.get_num_threads())
                .run(ImageLoader.load(image, model.card()), spec, Progress.NONE);
    }
}
