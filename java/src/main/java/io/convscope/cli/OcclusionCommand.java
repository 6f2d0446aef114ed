package io.convscope.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

import com.google.gson.GsonBuilder;

import io.convscope.OutputFile;
import io.convscope.Outputs;
import io.convscope.UsageException;
import io.convscope.image.ImageLoader;
import io.convscope.image.InputImage;
import io.convscope.image.Npy;
import io.convscope.image.TensorInput;
import io.convscope.model.TorchModel;
import io.convscope.occlusion.Engine;
import io.convscope.occlusion.Fill;
import io.convscope.occlusion.Method;
import io.convscope.occlusion.OcclusionEngine;
import io.convscope.occlusion.OcclusionMap;
import io.convscope.occlusion.OcclusionPicture;
import io.convscope.occlusion.OcclusionSpec;
import io.convscope.occlusion.Score;
import io.convscope.occlusion.Size2;
import io.convscope.render.Png;

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
        return new Options()
                .addOption(OptionKit.value("image", "I", "image file (PNG, JPEG, ...), prepared as the model card says"))
                .addOption(OptionKit.value("input", "X.npy", "already-normalized float32 tensor, C x H x W or 1 x C x H x W"))
                .addOption(OptionKit.value("target", "K", "class index (default: the top-1 class of the input)"))
                .addOption(OptionKit.value("window", "N|HxW", "window size in pixels (default 50; a quarter of the input side on inputs under 200 px)"))
                .addOption(OptionKit.value("stride", "N|HxW", "step between windows (default 10; a sixteenth of the input side on inputs under 160 px)"))
                .addOption(OptionKit.value("fill", "F", "mean (default), a gray level 0.5, or R,G,B in [0,1]; for "
                        + ".npy input a tensor-space number (default 0)"))
                .addOption(OptionKit.value("score", "S", "prob (softmax probability, default) or logit"))
                .addOption(OptionKit.value("method", "M", "grid (one cell per window, default) or captum (per pixel, "
                        + "as Captum's Occlusion)"))
                .addOption(OptionKit.flag("raw", "grid: store the occluded score instead of the drop"))
                .addOption(OptionKit.value("batch", "N", "windows per forward pass (default: from a memory budget)"))
                .addOption(OptionKit.value("engine", "E", "auto (default: incremental where the model allows it and "
                        + "it pays), incremental (exact, reuses the unoccluded activations) or full"))
                .addOption(OptionKit.value("out", "F.png", "the overlay picture to write (one of --out, --npy, --json "
                        + "is required)"))
                .addOption(OptionKit.value("npy", "F.npy", "also write the raw map as float32 .npy"))
                .addOption(OptionKit.value("json", "F.json", "also write a JSON summary"));
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
        boolean tensorInput = line.hasOption("input");
        OcclusionSpec spec = spec(line, tensorInput);
        try (TorchModel model = session.loadModel()) {
            InputImage input = tensorInput ? TensorInput.load(Path.of(line.getOptionValue("input")), model.card())
                    : ImageLoader.load(Path.of(line.getOptionValue("image")), model.card(), session.maxPixels());
            spec = withDefaultSizesFor(spec, line, Math.min(input.height(), input.width()));
            boolean cuda = session.useCuda();
            if (cuda) {
                model.moveToCuda();
            }
            OcclusionMap map = new OcclusionEngine(model, cuda, session.threads())
                    .run(input, spec, ProgressBar.forSession(session));
            Outputs outputs = new Outputs();
            if (out != null) {
                String modelName = model.file().getFileName().toString();
                outputs.add(out, Png.encode(OcclusionPicture.render(input, map, modelName)));
            }
            if (npy != null) {
                outputs.add(npy, Npy.encode(new long[] {map.rows(), map.cols()}, map.values()));
            }
            if (json != null) {
                outputs.add(json, json(model, map).getBytes(StandardCharsets.UTF_8));
            }
            outputs.write();
            if (!session.quiet) {
                session.out.printf(Locale.ROOT, "wrote %s (%s, %d windows in %.0f ms, %.1f windows/s, %s engine)%n",
                        written(out, npy, json), describe(map), map.grid().count(), map.elapsedMs(),
                        map.windowsPerSecond(), map.engine().engine().cliName());
            }
        }
        return 0;
    }

    /** A window or stride the user did not give follows the input's size (see OcclusionSpec.scaledTo). */
    private static OcclusionSpec withDefaultSizesFor(OcclusionSpec spec, CommandLine line, int side) {
        OcclusionSpec scaled = OcclusionSpec.scaledTo(side);
        return spec.withWindow(line.hasOption("window") ? spec.window() : scaled.window(),
                line.hasOption("stride") ? spec.stride() : scaled.stride());
    }

    static OcclusionSpec spec(CommandLine line, boolean tensorInput) {
        OcclusionSpec spec = OcclusionSpec.defaults()
                .withWindow(Size2.parse("window", line.getOptionValue("window", "50")),
                        Size2.parse("stride", line.getOptionValue("stride", "10")))
                .withFill(line.hasOption("fill") ? Fill.parse(line.getOptionValue("fill"), tensorInput)
                        : (tensorInput ? Fill.tensor(0f) : Fill.mean()))
                .withScore(Score.parse(line.getOptionValue("score", "prob")))
                .withMethod(Method.parse(line.getOptionValue("method", "grid")))
                .withRaw(line.hasOption("raw"))
                .withBatch(OptionKit.positiveInt(line, "batch", 0))
                .withEngine(Engine.parse(line.getOptionValue("engine", "auto")));
        if (spec.batch() < 0) {
            throw new UsageException("--batch must be 1 or more (or absent for automatic), got " + spec.batch());
        }
        if (spec.raw() && spec.method() == Method.CAPTUM) {
            throw new UsageException("--raw applies to --method grid; captum maps are always drops");
        }
        if (line.hasOption("target")) {
            spec = spec.withTarget(OptionKit.intValue(line, "target", 0));
        }
        return spec;
    }

    private static String describe(OcclusionMap map) {
        return String.format(Locale.ROOT, "target %d%s, base %s %.4f, %s map %dx%d", map.target(),
                map.label() == null ? "" : " '" + map.label() + "'", map.spec().score().cliName(), map.baseScore(),
                map.grid().method().cliName(), map.rows(), map.cols());
    }

    private static String written(OutputFile... files) {
        return Arrays.stream(files).filter(Objects::nonNull).map(f -> f.given().toString())
                .collect(Collectors.joining(", "));
    }

    private static String json(TorchModel model, OcclusionMap map) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("model", model.file().toString());
        root.put("target", map.target());
        root.put("label", map.label());
        root.put("score", map.spec().score().cliName());
        root.put("baseScore", map.baseScore());
        root.put("method", map.grid().method().cliName());
        root.put("raw", map.spec().raw());
        Map<String, Object> grid = new LinkedHashMap<>();
        grid.put("rows", map.grid().rows());
        grid.put("cols", map.grid().cols());
        grid.put("window", new int[] {map.grid().window().height(), map.grid().window().width()});
        grid.put("stride", new int[] {map.grid().stride().height(), map.grid().stride().width()});
        grid.put("tops", map.grid().tops());
        grid.put("lefts", map.grid().lefts());
        root.put("grid", grid);
        root.put("mapShape", new int[] {map.rows(), map.cols()});
        root.put("min", extreme(map, map.argmin()));
        root.put("max", extreme(map, map.argmax()));
        root.put("windows", map.grid().count());
        root.put("batch", map.batch());
        Map<String, Object> engine = new LinkedHashMap<>();
        engine.put("name", map.engine().engine().cliName());
        engine.put("note", map.engine().note());
        engine.put("fullMacsPerWindow", map.engine().fullMacs());
        engine.put("engineMacsPerWindow", map.engine().engineMacs());
        engine.put("countedSpeedup", Math.round(map.engine().countedSpeedup() * 1000) / 1000.0);
        root.put("engine", engine);
        root.put("elapsedMs", Math.round(map.elapsedMs() * 10) / 10.0);
        root.put("scoringMs", Math.round(map.scoringMs() * 10) / 10.0);
        root.put("windowsPerSecond", Math.round(map.windowsPerSecond() * 10) / 10.0);
        return new GsonBuilder().setPrettyPrinting().serializeNulls().create().toJson(root) + "\n";
    }

    private static Map<String, Object> extreme(OcclusionMap map, int index) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("value", map.values()[index]);
        m.put("row", index / map.cols());
        m.put("col", index % map.cols());
        return m;
    }
}
