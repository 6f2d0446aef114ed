package io.convscope.model;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.IValue;
import org.bytedeco.pytorch.IValueVector;
import org.bytedeco.pytorch.JitModule;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import io.convscope.ConvscopeException;
import io.convscope.Device;
import io.convscope.UsageException;
import io.convscope.nativebridge.TorchRuntime;

/**
 * A TorchScript CNN loaded on the CPU in eval mode, with the card that says what input it expects.
 * Close it to release the native module.
 *
 * <p><b>Threads.</b> One model may serve several threads at once: forward passes do not take a lock (a
 * TorchScript module's forward keeps its state per call), so maps computed concurrently overlap. On the CPU
 * each forward pass already uses every intra-op thread, so concurrent calls share the cores rather than add
 * to them (see README "Threads" for the measurement). What threads sharing a model must agree on is the device
 * ({@link #placeOn}); closing the model while a call runs is an error.
 */
public final class TorchModel implements AutoCloseable {
    /** A traceback's error line: {@code RuntimeException: ...}, {@code builtins.ValueError: ...}. */
    private static final Pattern ERROR_LINE = Pattern.compile("^(?:builtins\\.)?\\w*(?:Error|Exception): (.+)$");

    private final Path file;
    private final ModelCard card;
    /** What was assumed for a model without a card, or null when its card says. */
    private final String assumption;
    private final JitModule module;
    private LayerInventory layers;
    private JitModule frozen;
    private Device placement = Device.CPU;

    private TorchModel(Path file, ModelCard card, String assumption, JitModule module) {
        this.file = file;
        this.card = card;
        this.assumption = assumption;
        this.module = module;
    }

    /** Loads {@code file} with its card; see {@link #load(Path, UnaryOperator)}. */
    public static TorchModel load(Path file) {
        return load(file, UnaryOperator.identity());
    }

    /**
     * Loads {@code file} with the card beside it ({@code M.json} for {@code M.pt}). Without one, the model still
     * works: its input channels are those of its first convolution's weight, and the rest is assumed (ImageNet's
     * statistics for 3 channels, none otherwise; 224 x 224, resize 256) and said so by {@link #cardOrigin()}.
     * {@code adjust} is applied to the card either way (preprocessing flags, say).
     */
    public static TorchModel load(Path file, UnaryOperator<ModelCard> adjust) {
        requireReadableFile(file);
        ModelCard beside = ModelCard.besideModel(file);
        if (Files.isRegularFile(ModelCard.cardPathFor(file))) {
            return load(file, adjust.apply(beside));
        }
        JitModule module = open(file);
        try (PointerScope scope = new PointerScope()) {
            ModuleTree.FirstConvolution first = ModuleTree.firstConvolution(module);
            String assumption;
            ModelCard card = beside;
            if (first != null) {
                int channels = first.inputChannels();
                card = ModelCard.assumedFor(beside.name(), channels);
                assumption = "no card: " + channels + (channels == 1 ? " channel" : " channels") + " from "
                        + first.path() + ", " + card.crop() + " x " + card.crop() + " assumed";
            } else {
                assumption = "no card: 3 channels and " + card.crop() + " x " + card.crop() + " assumed";
            }
            return new TorchModel(file, adjust.apply(card), assumption, module);
        } catch (RuntimeException e) {
            module.releaseReference();
            throw e;
        }
    }

    public static TorchModel load(Path file, ModelCard card) {
        requireReadableFile(file);
        return new TorchModel(file, card, null, open(file));
    }

    /** The module in eval mode, retained: a PointerScope around the load cannot free it while the model is open. */
    private static JitModule open(Path file) {
        TorchRuntime.ensureLoaded();
        JitModule module;
        try {
            module = torch.load(file.toString());
        } catch (RuntimeException e) {
            throw new ConvscopeException(file + " is not a TorchScript model (LibTorch says: " + firstLine(e)
                    + "); save one with torch.jit.script(model).save(path), not torch.save(model)");
        }
        module.eval();
        return module.retainReference();
    }

    private static void requireReadableFile(Path file) {
        if (!Files.exists(file)) {
            throw new UsageException("model file not found: " + file
                    + " (give the path of a TorchScript .pt file)");
        }
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new UsageException("cannot read model file " + file + ": it is not a readable regular file");
        }
    }

    public Path file() {
        return file;
    }

    public ModelCard card() {
        return card;
    }

    /**
     * Where the card's input size and channels come from: {@code "from its card"}, or what was assumed for a
     * model without one.
     */
    public String cardOrigin() {
        return assumption == null ? "from its card" : assumption;
    }

    /** True when the model came without a card and its input size was assumed. */
    public boolean cardAssumed() {
        return assumption != null;
    }

    /**
     * Why {@code e}, thrown by running this model on {@code shape}, happened, in one sentence with the fix: the
     * model's own message rather than TorchScript's wrapper, and for a model without a card what to give it.
     */
    public String failureOn(long[] shape, RuntimeException e) {
        String fix = cardAssumed() ? "; this model has no card, so a " + LayerInfo.format(shape)
                + " input was assumed: add a card (" + ModelCard.cardPathFor(file).getFileName() + " beside "
                + file.getFileName() + ") with the input size it takes, or give a prepared .npy tensor of that size"
                : "";
        return "the model does not run on a " + LayerInfo.format(shape) + " input: " + reason(e) + fix;
    }

    /** The underlying module; owned by this model, valid until {@link #close()}. */
    public JitModule module() {
        return module;
    }

    /** Every module with its weight and output shapes; computed once, with one dry forward pass. */
    public synchronized LayerInventory layers() {
        if (layers == null) {
            layers = LayerInventory.of(this);
        }
        return layers;
    }

    /** Number of trainable values: the elements of every parameter (weights and biases), recursively. */
    public long parameterCount() {
        try (PointerScope scope = new PointerScope()) {
            return ModuleTree.parameterCount(module);
        }
    }

    /**
     * Puts the parameters on {@code device} (resolved: AUTO becomes CUDA or CPU) and returns where they are.
     * Every analysis places the model first, so inputs are made where the model is. A model serves one device at
     * a time: threads that share it must ask for the same one.
     */
    public synchronized Device placeOn(Device device) {
        Device resolved = device.resolve();
        if (resolved != placement) {
            module.to(torchDevice(resolved));
            dropFrozen();
            placement = resolved;
        }
        return resolved;
    }

    /** Where the parameters are: {@link Device#CPU} until {@link #placeOn} moves them. */
    public synchronized Device placement() {
        return placement;
    }

    /** The LibTorch device of {@link #placement()}, for tensors that meet the model. */
    public org.bytedeco.pytorch.Device torchDevice() {
        return torchDevice(placement());
    }

    private static org.bytedeco.pytorch.Device torchDevice(Device device) {
        return new org.bytedeco.pytorch.Device(device == Device.CUDA ? torch.DeviceType.CUDA : torch.DeviceType.CPU);
    }

    private void dropFrozen() {
        if (frozen != null && frozen != module) {
            frozen.releaseReference();
        }
        frozen = null;
    }

    /** Runs the model without autograd and returns its (first) output tensor. */
    public Tensor forward(Tensor input) {
        try (NoGradGuard noGrad = new NoGradGuard()) {
            return run(module, input);
        }
    }

    /**
     * Like {@link #forward}, through a frozen copy optimized for inference (LibTorch folds constants and fuses
     * conv, batch-norm and activation, and uses oneDNN layouts on the CPU): about 1.3 to 1.7x faster on
     * AlexNet batches here. For repeated batched scoring; falls back to the plain module when a model
     * cannot be frozen (one that changes its own attributes in forward, say).
     */
    public Tensor forwardOptimized(Tensor input) {
        JitModule optimized = optimized();
        try (NoGradGuard noGrad = new NoGradGuard()) {
            try {
                return run(optimized, input);
            } catch (RuntimeException optimizedFailed) {
                if (optimized == module) {
                    throw optimizedFailed;
                }
                // oneDNN's versions of some layers take fewer shapes than the originals (an adaptive pool to 6x6
                // from a 1x1 map, say): the plain module still runs, or fails with the model's own message.
                return run(module, input);
            }
        }
    }

    /** The frozen copy, made on first use; the lock covers making it, not the forward passes that use it. */
    private synchronized JitModule optimized() {
        if (frozen == null) {
            try {
                // Retained: this may run inside a caller's PointerScope, which must not free our module.
                frozen = torch.optimize_for_inference(module.clone()).retainReference();
            } catch (RuntimeException notFreezable) {
                frozen = module;
            }
        }
        return frozen;
    }

    /** {@code module}'s forward on one tensor: its (first) output tensor. */
    static Tensor run(JitModule module, Tensor input) {
        return firstTensor(module.forward(new IValueVector(new IValue(input))));
    }

    /** Models may return a tuple (auxiliary heads); the first tensor is the prediction. */
    static Tensor firstTensor(IValue output) {
        if (output.isTensor()) {
            return output.toTensor();
        }
        if (output.isTuple() && output.toTuple().size() > 0) {
            return firstTensor(output.toTuple().elements().get(0));
        }
        throw new ConvscopeException("the model's forward returned no tensor; convscope needs a tensor of scores");
    }

    /**
     * The reason LibTorch gives: for a TorchScript traceback ("The following operation failed in the TorchScript
     * interpreter. ...") its last error line, which holds the model's own message; else the first line.
     */
    public static String reason(Throwable e) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        if (message.contains("failed in the TorchScript interpreter")) {
            String[] lines = message.strip().split("\n");
            for (int i = lines.length - 1; i >= 0; i--) {
                Matcher m = ERROR_LINE.matcher(lines[i].strip());
                if (m.matches()) {
                    return m.group(1).strip();
                }
            }
        }
        return firstLine(e);
    }

    static String firstLine(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().strip();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline).strip();
    }

    @Override
    public synchronized void close() {
        dropFrozen();
        // Drops our reference; the module is freed once no scope holds it either.
        module.releaseReference();
    }
}
