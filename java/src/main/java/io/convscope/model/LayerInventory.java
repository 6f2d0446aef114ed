package io.convscope.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.JitModule;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import io.convscope.ConvscopeException;
import io.convscope.UsageException;

/** Every module of a model in definition order, and the rules that turn a user's layer spec into one of them. */
public final class LayerInventory {
    private final List<LayerInfo> layers;
    private final long[] inputShape;
    private final long[] outputShape;
    private final String traceFailure;

    private LayerInventory(List<LayerInfo> layers, long[] inputShape, long[] outputShape, String traceFailure) {
        this.layers = List.copyOf(layers);
        this.inputShape = inputShape;
        this.outputShape = outputShape;
        this.traceFailure = traceFailure;
    }

    static LayerInventory of(TorchModel model) {
        ModelCard card = model.card();
        return of(model, new long[] {1, card.channels(), card.crop(), card.crop()});
    }

    /** The inventory for an input of {@code input} (1 x C x H x W): output shapes and fields follow its size. */
    public static LayerInventory of(TorchModel model, long[] input) {
        List<LayerInfo> found = new ArrayList<>();
        try (PointerScope scope = new PointerScope()) {
            collect(model.module(), "", 0, found);
        }
        long[] output = new long[0];
        String failure = null;
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            Tensor dry = torch.zeros(input).to(model.torchDevice(), torch.ScalarType.Float);
            output = ModuleTree.shape(model.forward(dry));
            Map<String, long[]> shapes = OutputShapeTracer.trace(model.module(), dry);
            found.replaceAll(layer -> layer.withOutputShape(shapes.getOrDefault(layer.path(), new long[0])));
        } catch (RuntimeException e) {
            failure = "a dry forward pass failed: " + model.failureOn(input, e);
        }
        return new LayerInventory(found, input, output, failure);
    }

    private static void collect(JitModule module, String prefix, int depth, List<LayerInfo> into) {
        for (Map.Entry<String, JitModule> child : ModuleTree.children(module).entrySet()) {
            String path = prefix.isEmpty() ? child.getKey() : prefix + "." + child.getKey();
            JitModule m = child.getValue();
            String type = ModuleTree.typeName(m);
            into.add(new LayerInfo(path, type, ModuleTree.shape(ModuleTree.ownParameter(m, "weight")),
                    ModuleTree.shape(ModuleTree.ownParameter(m, "bias")), new long[0], depth,
                    LayerGeometry.read(m, type, !ModuleTree.children(m).isEmpty())));
            collect(m, path, depth + 1, into);
        }
    }

    public List<LayerInfo> all() {
        return layers;
    }

    /** The direct children of the module at {@code path} in registration order; "" names the model itself. */
    public List<LayerInfo> childrenOf(String path) {
        return layers.stream().filter(l -> l.parentPath().equals(path)).toList();
    }

    public List<LayerInfo> convolutions() {
        return layers.stream().filter(LayerInfo::isConvolution).toList();
    }

    /** Batch-1 shape of the dry-run input, from the card. */
    public long[] inputShape() {
        return inputShape.clone();
    }

    /** Shape of the model's output in the dry run, empty if it failed. */
    public long[] outputShape() {
        return outputShape.clone();
    }

    /** Why output shapes are missing, or null when the dry run worked. */
    public String traceFailure() {
        return traceFailure;
    }

    /**
     * The layer a user means: {@code 3} indexes the top-level {@code features} Sequential when there is one
     * (AlexNet and VGG: {@code model.features[3]}), any other text is a module path.
     */
    public LayerInfo find(String spec) {
        String path = spec.strip();
        if (path.matches("\\d+")) {
            boolean hasFeatures = layers.stream().anyMatch(l -> l.path().equals("features"));
            if (!hasFeatures) {
                throw new UsageException("layer " + path + ": a bare index needs a top-level 'features' Sequential, "
                        + "which this model has not; name the layer instead, e.g. " + convolutionList());
            }
            long count = layers.stream().filter(l -> l.path().matches("features\\.\\d+")).count();
            LayerInfo layer = byPath("features." + path);
            if (layer == null) {
                throw new UsageException("layer " + path + " is out of range: 'features' has " + count
                        + " layers (0.." + (count - 1) + "); convolution layers: " + convolutionList());
            }
            return layer;
        }
        LayerInfo layer = byPath(path);
        if (layer == null) {
            throw new UsageException("no layer named '" + path + "'; convolution layers: " + convolutionList());
        }
        return layer;
    }

    /** Like {@link #find} but insists on a convolution, listing the ones there are. */
    public LayerInfo findConvolution(String spec) {
        LayerInfo layer = find(spec);
        if (!layer.isConvolution()) {
            throw new UsageException("layer " + layer.path() + " is a " + layer.type()
                    + ", not a convolution; convolution layers: " + convolutionList());
        }
        return layer;
    }

    private LayerInfo byPath(String path) {
        return layers.stream().filter(l -> l.path().equals(path)).findFirst().orElse(null);
    }

    /** {@code features.0, features.3, …} — what a user may pass to --layer for filters. */
    public String convolutionList() {
        List<LayerInfo> convs = convolutions();
        if (convs.isEmpty()) {
            throw new ConvscopeException("this model has no Conv2d layers, so there are no filters to draw");
        }
        return convs.stream().map(LayerInfo::path).collect(Collectors.joining(", "));
    }
}
