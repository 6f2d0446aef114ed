package io.convscope.model;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.global.torch;

/** Counted multiply-adds of a model: its convolutions and linear layers, per input image. */
public final class ModelCost {
    private ModelCost() {
    }

    /**
     * Multiply-adds of one forward pass on an input of {@code shape} (batch 1): each {@code Conv2d} counts its
     * weight's elements per output position, each {@code Linear} its weight's elements per output row.
     * Layers the module walk cannot reach (see {@link ChainedForward}) are not counted; -1 when the walk fails.
     * {@code device} is where the model's parameters are.
     */
    public static long macsPerImage(TorchModel model, long[] shape, Device device) {
        LayerInventory inventory = model.layers();
        Map<String, long[]> outputs = new HashMap<>();
        if (Arrays.equals(shape, inventory.inputShape()) && inventory.traceFailure() == null) {
            // The inventory walked this very input shape already.
            inventory.all().forEach(layer -> outputs.put(layer.path(), layer.outputShape()));
        } else {
            try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
                // On the model's device: a walk on the CPU of a model on CUDA would find no output at all.
                outputs.putAll(OutputShapeTracer.trace(model.module(),
                        torch.zeros(shape).to(device, torch.ScalarType.Float)));
            } catch (RuntimeException e) {
                return -1;
            }
        }
        long total = 0;
        for (LayerInfo layer : inventory.all()) {
            long[] out = outputs.get(layer.path());
            long weights = elements(layer.weightShape());
            if (out == null || weights == 0) {
                continue;
            }
            if (layer.type().equals("Conv2d") && out.length == 4) {
                total += weights * out[2] * out[3];
            } else if (layer.type().equals("Linear") && out.length >= 2) {
                total += weights * (elements(out) / out[out.length - 1]);
            }
        }
        return total;
    }

    private static long elements(long[] shape) {
        if (shape.length == 0) {
            return 0;
        }
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }
}
