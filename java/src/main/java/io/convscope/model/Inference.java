package io.convscope.model;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import io.convscope.ConvscopeException;

/**
 * Runs a model on one prepared input (already normalized, batch 1): its scores, or what one layer outputs.
 * Inputs and results are plain Java arrays, so no tensor outlives the call.
 */
public final class Inference {
    private Inference() {
    }

    /**
     * The model's class scores for {@code input} (shape {@code 1 x C x H x W}): its output must be one row of
     * finite numbers ({@link ClassScores}).
     */
    public static float[] classScores(TorchModel model, long[] shape, float[] input) {
        try (PointerScope scope = new PointerScope()) {
            Tensor output;
            try {
                output = model.forward(tensor(model, shape, input));
            } catch (RuntimeException e) {
                throw new ConvscopeException(model.failureOn(shape, e));
            }
            ClassScores.requireOneRow(ModuleTree.shape(output), "predicting classes");
            float[] scores = floats(output);
            ClassScores.requireFinite(scores, "the model's output");
            return scores;
        }
    }

    /**
     * The output of {@code layer} for {@code input}, from running the model's modules in order up to that
     * layer (see {@link ChainedForward} for how branches and flattening are followed).
     */
    public static LayerOutput layerOutput(TorchModel model, LayerInfo layer, long[] shape, float[] input) {
        String target = layer.path();
        LayerOutput[] found = new LayerOutput[1];
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            ChainedForward.walk(model.module(), tensor(model, shape, input), (path, output) -> {
                if (path.equals(target)) {
                    // Copied now: an in-place module after this one would overwrite the tensor.
                    found[0] = new LayerOutput(path, ModuleTree.shape(output), floats(output));
                    return ChainedForward.Next.STOP;
                }
                return target.startsWith(path + ".") ? ChainedForward.Next.DESCEND
                        : ChainedForward.Next.SKIP_CHILDREN;
            });
        }
        if (found[0] == null) {
            throw new ConvscopeException("could not run the model up to layer " + target + " on a "
                    + LayerInfo.format(shape) + " input (its output shape is unknown too; see convscope layers)");
        }
        return found[0];
    }

    /** A float32 tensor holding a copy of {@code values}, on the device where {@code model} is. */
    static Tensor tensor(TorchModel model, long[] shape, float[] values) {
        Tensor t = torch.zeros(shape);
        if (t.numel() != values.length) {
            throw new IllegalArgumentException("shape " + LayerInfo.format(shape) + " needs " + t.numel()
                    + " values, got " + values.length);
        }
        t.data_ptr_float().put(values);
        return model.placement() == io.convscope.Device.CPU ? t : t.to(model.torchDevice(), torch.ScalarType.Float);
    }

    static float[] floats(Tensor tensor) {
        Tensor dense = tensor.detach().to(torch.ScalarType.Float).cpu().contiguous();
        float[] values = new float[Math.toIntExact(dense.numel())];
        dense.data_ptr_float().get(values);
        return values;
    }
}
