package io.convscope.model;

import java.nio.file.Files;
import java.nio.file.Path;

import org.bytedeco.pytorch.IValue;
import org.bytedeco.pytorch.IValueVector;
import org.bytedeco.pytorch.JitModule;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import io.convscope.ConvscopeException;
import io.convscope.UsageException;
import io.convscope.nativebridge.TorchRuntime;

/**
 * A TorchScript CNN loaded on the CPU in eval mode, with the card that says what input it expects.
 * Close it to release the native module.
 */
public final class TorchModel implements AutoCloseable {
    private final Path file;
    private final ModelCard card;
    private final JitModule module;
    private LayerInventory layers;

    private TorchModel(Path file, ModelCard card, JitModule module) {
        this.file = file;
        this.card = card;
        this.module = module;
    }

    /** Loads {@code file} with the card beside it ({@code M.json} for {@code M.pt}) or the ImageNet defaults. */
    public static TorchModel load(Path file) {
        requireReadableFile(file);
        return load(file, ModelCard.besideModel(file));
    }

    public static TorchModel load(Path file, ModelCard card) {
        requireReadableFile(file);
        TorchRuntime.ensureLoaded();
        JitModule module;
        try {
            module = torch.load(file.toString());
        } catch (RuntimeException e) {
            throw new ConvscopeException(file + " is not a TorchScript model (LibTorch says: " + firstLine(e)
                    + "); save one with torch.jit.script(model).save(path), not torch.save(model)");
        }
        module.eval();
        return new TorchModel(file, card, module);
    }

    private static void requireReadableFile(Path file) {
        if (!Files.exists(file)) {
            throw new UsageException("model file not found: " + file
                    + " (pass --model with the path of a TorchScript .pt file)");
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

    /** Moves the parameters to the first CUDA device; inputs must then live there too. */
    public void moveToCuda() {
        module.to(new org.bytedeco.pytorch.Device(torch.DeviceType.CUDA));
    }

    /** Runs the model without autograd and returns its (first) output tensor. */
    public Tensor forward(Tensor input) {
        try (NoGradGuard noGrad = new NoGradGuard()) {
            return firstTensor(module.forward(new IValueVector(new IValue(input))));
        }
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

    static String firstLine(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().strip();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline).strip();
    }

    @Override
    public void close() {
        module.close();
    }
}
