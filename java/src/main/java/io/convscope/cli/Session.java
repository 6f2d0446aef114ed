package io.convscope.cli;

import java.io.PrintStream;
import java.nio.file.Path;

import org.apache.commons.cli.CommandLine;

import io.convscope.Device;
import io.convscope.OutputFile;
import io.convscope.UsageException;
import io.convscope.image.ImageLoader;
import io.convscope.model.BuiltinModel;
import io.convscope.model.ModelCard;
import io.convscope.model.TorchModel;
import io.convscope.nativebridge.TorchRuntime;

/** What every command shares: the output streams and the common options (threads, device, verbosity, model). */
final class Session {
    final PrintStream out;
    final PrintStream err;
    final boolean verbose;
    final boolean quiet;
    final boolean json;
    private final CommandLine line;

    Session(CommandLine line, PrintStream out, PrintStream err) {
        this.line = line;
        this.out = out;
        this.err = err;
        this.verbose = line.hasOption("verbose");
        this.quiet = line.hasOption("quiet");
        this.json = line.hasOption("json");
    }

    /** Loads LibTorch with the requested thread count and checks the device choice before any work. */
    void startTorch() {
        int wanted = threads();
        if (wanted < 0) {
            throw new UsageException("--threads must be 1 or more (0 or absent: all cores), got " + wanted);
        }
        Device device = device();
        // Explicit either way: an earlier run in this JVM (a test, an embedding application) may have set another.
        int threads = TorchRuntime.ensureLoaded(wanted > 0 ? wanted : Runtime.getRuntime().availableProcessors());
        log("LibTorch intra-op threads: " + threads + ", device: " + device.resolve().cliName());
    }

    /** {@code --device}, auto by default. */
    Device device() {
        return Device.parse(line.getOptionValue("device", "auto"));
    }

    /** {@code --threads}, or 0 when absent (all cores). */
    int threads() {
        return OptionKit.intValue(line, "threads", 0);
    }

    /** The model file {@code --model} names (a file, or {@code builtin:NAME}), else the default built-in model's. */
    Path modelFile() {
        return BuiltinModel.fileFor(line.getOptionValue("model", BuiltinModel.DEFAULT.spec()));
    }

    /** {@code --model} if given (a file, or {@code builtin:NAME}), else the default built-in model. */
    TorchModel loadModel() {
        startTorch();
        Path file = modelFile();
        long start = System.nanoTime();
        // The flags adjust whichever card the model gets: its own, or the one assumed from its first convolution.
        TorchModel model = TorchModel.load(file, hasPreprocessingFlags() ? this::preprocessing : card -> card);
        log(String.format("loaded %s in %.0f ms", file, (System.nanoTime() - start) / 1e6));
        return model;
    }

    boolean hasPreprocessingFlags() {
        return line.hasOption("resize") || line.hasOption("crop") || line.hasOption("mean") || line.hasOption("std");
    }

    /** The card with --resize, --crop, --mean and --std applied: flags override the card. */
    private ModelCard preprocessing(ModelCard card) {
        Integer resize = line.hasOption("resize") ? positive("resize") : null;
        Integer crop = line.hasOption("crop") ? positive("crop") : null;
        if (resize != null && crop != null && crop > resize) {
            throw new UsageException("--crop " + crop + " is larger than --resize " + resize
                    + "; the crop is taken from the resized image");
        }
        return card.withPreprocessing(resize, crop, perChannel("mean", card.channels(), false),
                perChannel("std", card.channels(), true));
    }

    private int positive(String name) {
        return OptionKit.positiveInt(line, name, 0);
    }

    private float[] perChannel(String name, int channels, boolean mustBePositive) {
        String text = line.getOptionValue(name);
        if (text == null) {
            return null;
        }
        String[] parts = text.split(",");
        if (parts.length != channels) {
            throw new UsageException("--" + name + " needs " + channels + " comma-separated values (one per input "
                    + "channel), got '" + text + "'");
        }
        float[] values = new float[channels];
        for (int c = 0; c < channels; c++) {
            try {
                values[c] = Float.parseFloat(parts[c].strip());
            } catch (NumberFormatException e) {
                throw new UsageException("--" + name + " takes numbers like 0.485,0.456,0.406, got '" + text + "'");
            }
            if (mustBePositive && !(values[c] > 0)) {
                throw new UsageException("--" + name + " values must be positive, got '" + text + "'");
            }
        }
        return values;
    }

    /**
     * The output named by {@code --name}, checked before any work (see {@link OutputFile#check}); null when the
     * option is absent. {@code extension} is the format the command writes there.
     */
    OutputFile outputFile(String name, String extension) {
        String given = line.getOptionValue(name);
        return given == null ? null : OutputFile.check(Path.of(given), extension);
    }

    /** {@code --max-megapixels} in pixels: the largest image a command reads. */
    long maxPixels() {
        if (!line.hasOption("max-megapixels")) {
            return ImageLoader.DEFAULT_MAX_PIXELS;
        }
        String text = line.getOptionValue("max-megapixels");
        double megapixels;
        try {
            megapixels = Double.parseDouble(text.strip());
        } catch (NumberFormatException e) {
            megapixels = Double.NaN;
        }
        if (!(megapixels > 0) || megapixels > 1e6) {
            throw new UsageException("--max-megapixels takes a number of megapixels from 0.000001 to 1000000 "
                    + "(default 100), got '" + text + "'");
        }
        return Math.max(1, Math.round(megapixels * 1e6));
    }

    /** Timings and details, shown with --verbose only. */
    void log(String message) {
        if (verbose) {
            err.println("convscope: " + message);
        }
    }
}
