package io.convscope.model;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.JitModule;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import io.convscope.ConvscopeException;

/**
 * The weight tensor of one convolution, copied out of LibTorch as float32 in PyTorch's layout:
 * {@code values[((f * channels + c) * height + y) * width + x]} is filter f, input channel c, row y, column x.
 */
public record ConvWeights(String layer, int filters, int channels, int height, int width, float[] values) {

    public ConvWeights {
        if (values.length != (long) filters * channels * height * width) {
            throw new IllegalArgumentException("values holds " + values.length + " floats, shape needs "
                    + (long) filters * channels * height * width);
        }
    }

    /** Reads the weights of a convolution layer (use {@link LayerInventory#findConvolution} to pick it). */
    public static ConvWeights read(TorchModel model, LayerInfo layer) {
        if (!layer.isConvolution()) {
            throw new IllegalArgumentException(layer.path() + " is not a convolution");
        }
        try (PointerScope scope = new PointerScope()) {
            JitModule module = ModuleTree.find(model.module(), layer.path());
            Tensor weight = module == null ? null : ModuleTree.ownParameter(module, "weight");
            if (weight == null) {
                throw new ConvscopeException("layer " + layer.path() + " has no weight tensor to read");
            }
            // detach: parameters carry requires_grad; contiguous float32 on the CPU is what we copy from.
            Tensor dense = weight.detach().to(torch.ScalarType.Float).cpu().contiguous();
            long[] s = ModuleTree.shape(dense);
            float[] values = new float[Math.toIntExact(dense.numel())];
            dense.data_ptr_float().get(values);
            return new ConvWeights(layer.path(), (int) s[0], (int) s[1], (int) s[2], (int) s[3], values);
        }
    }

    public float at(int filter, int channel, int y, int x) {
        return values[((filter * channels + channel) * height + y) * width + x];
    }

    public long[] shape() {
        return new long[] {filters, channels, height, width};
    }
}
