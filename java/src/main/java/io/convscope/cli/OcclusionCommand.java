package io.convscope.cli;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import java.util.stream.Collectors;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

import io.convscope.OutputFile;
import io.convscope.UsageException;
import io.convscope.image.Input;
import io.convscope.model.TorchModel;
import io.convscope.occlusion.Engine;
import io.convscope.occlusion.Fill;
import io.convscope.occlusion.Method;
import io.convscope.occlusion.Occlusion;
import io.convscope.occlusion.OcclusionResult;
import io.convscope.occlusion.OcclusionSpec;
import io.convscope.occlusion.Score;
import io.convscope.occlusion.Size2;

/** {@code convscope occlusion}: which part of the input made the model decide. */
final class OcclusionCommand implements Command {
    @Override
    public String name() {
        return "occlusion";
    }

    @Override
    public String summary() {
        return "occlusion map: how the target score drops as a window hides each part of the input";
    }

    @Override
    public Options options() {
        Options options = new Options()
                .addOption(OptionKit.value("image", "I", "image file (PNG, JPEG, ...), prepared as the model card says"))
                .addOption(OptionKit.value("input", "X.npy", "already-normalized float32 tensor, C x H x W or 1 x C x H x W"));
        mapOptions().getOptions().forEach(options::addOption);
        return options
                .addOption(OptionKit.value("out", "F.png", "the overlay picture to write (one of --out, --npy, --json "
                        + "is required)"))
                .addOption(OptionKit.value("npy", "F.npy", "also write the raw map as float32 .npy"))
                .addOption(OptionKit.value("json", "F.json", "also write a JSON summary"));
    }

    /** The options that shape a map, which {@code batch} takes too; {@link #spec} reads them. */
    static Options mapOptions() {
        return new Options()
                .addOption(OptionKit.value("target", "K", "class index (default: the top-1 class of the input)"))
                .addOption(OptionKit.value("window", "N|HxW", "window size in pixels (default 50; a quarter of the input side on inputs under 200 px)"))
                .addOption(OptionKit.value("stride", "N|HxW", "step between windows (default 10; a sixteenth of the input side on inputs under 160 px)"))
                .addOption(OptionKit.value("fill", "F", "mean (default), a gray level 0.5, or R,G,B in [0,1]; for "
                        + ".npy input a tensor-space number (default 0)"))
                .addOption(OptionKit.value("score", "S", "prob (softmax probability), logit, logprob (log-softmax) "
                        + "or similarity (embedding models: cosine to the unoccluded output); default: the model "
                        + "card's, else prob"))
                .addOption(OptionKit.value("method", "M", "grid (one cell per window, default) or captum (per pixel, "
                        + "as Captum's Occlusion)"))
                .addOption(OptionKit.flag("raw", "grid: store the occluded score instead of the drop"))
                .addOption(OptionKit.value("batch", "N", "windows per forward pass (default: from a memory budget)"))
                .addOption(OptionKit.value("engine", "E", "auto (default: incremental where the model allows it and "
                        + "it pays), incremental (exact, reuses the unoccluded activations) or full"));
    }

    @Override
    public int run(CommandLine line, Session session) {
        OutputFile out = session.outputFile("out", ".png");
        OutputFile npy = session.outputFile("npy", ".npy");
        OutputFile json = session.outputFile("json", ".json");
        if (line.hasOption("image") == line.hasOption("input")) {
            throw new UsageException("give exactly one of --image I or --input X.npy");
        }
        if (out == null && npy == null && json == null) {
            throw new UsageException("nothing to write: give --out F.png, --npy F.npy or --json F.json (or several)");
        }
        Input input = line.hasOption("input") ? Input.npy(Path.of(line.getOptionValue("input")))
                : Input.file(Path.of(line.getOptionValue("image")), session.maxPixels());
        OcclusionSpec spec = spec(line, input.isTensor());
        try (TorchModel model = session.loadModel()) {
            OcclusionResult result = Occlusion.run(model, input, spec, session.device(),
                    ProgressBar.forSession(session));
            result.write(out, npy, json);
            if (!session.quiet) {
                session.out.println("wrote " + written(out, npy, json) + " (" + result.summary() + ")");
            }
        }
        return 0;
    }

    /** The spec the flags give; what they leave out stays open for the door to decide from the input. */
    static OcclusionSpec spec(CommandLine line, boolean tensorInput) {
        OcclusionSpec spec = OcclusionSpec.defaults()
                .withMethod(Method.parse(line.getOptionValue("method", "grid")))
                .withRaw(line.hasOption("raw"))
                .withBatch(OptionKit.positiveInt(line, "batch", 0))
                .withEngine(Engine.parse(line.getOptionValue("engine", "auto")));
        if (line.hasOption("window")) {
            spec = spec.withWindow(Size2.parse("window", line.getOptionValue("window")));
        }
        if (line.hasOption("stride")) {
            spec = spec.withStride(Size2.parse("stride", line.getOptionValue("stride")));
        }
        if (line.hasOption("fill")) {
            spec = spec.withFill(Fill.parse(line.getOptionValue("fill"), tensorInput));
        }
        if (line.hasOption("score")) {
            spec = spec.withScore(Score.parse(line.getOptionValue("score")));
        }
        if (line.hasOption("target")) {
            spec = spec.withTarget(OptionKit.intValue(line, "target", 0));
        }
        return spec.check();
    }

    private static String written(OutputFile... files) {
        return Arrays.stream(files).filter(Objects::nonNull).map(f -> f.given().toString())
                .collect(Collectors.joining(", "));
    }
}
