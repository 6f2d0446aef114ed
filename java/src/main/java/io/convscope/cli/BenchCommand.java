package io.convscope.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

import com.google.gson.Gson;

import io.convscope.ConvscopeException;
import io.convscope.UsageException;
import io.convscope.filters.FilterMode;
import io.convscope.filters.FilterPictures;
import io.convscope.filters.FilterSpec;
import io.convscope.model.ConvWeights;
import io.convscope.model.LayerInfo;
import io.convscope.model.TorchModel;
import io.convscope.render.Png;
import io.convscope.render.TileSheet;

/**
 * {@code convscope bench filters}: times reading weights, drawing and PNG-encoding every conv layer in every
 * mode, and prints one JSON object per line (median of {@code --repeat} runs after one warm-up).
 */
final class BenchCommand implements Command {
    @Override
    public String name() {
        return "bench";
    }

    @Override
    public String summary() {
        return "performance runs that print JSON lines: bench filters | bench occlusion";
    }

    @Override
    public boolean takesArguments() {
        return true;
    }

    @Override
    public Options options() {
        return new Options()
                .addOption(OptionKit.value("repeat", "N", "timed runs per case; occlusion: interleaved rounds (default 5)"))
                .addOption(OptionKit.value("window", "N|HxW", "occlusion: window size (default 50)"))
                .addOption(OptionKit.value("stride", "N|HxW", "occlusion: stride (default 10)"))
                .addOption(OptionKit.value("batch", "N", "occlusion: windows per forward pass (default: automatic)"))
                .addOption(OptionKit.value("loop-windows", "N", "occlusion: windows timed in the one-by-one baseline "
                        + "loop, spread over the rounds (default 40)"))
                .addOption(OptionKit.value("engine", "E", "occlusion: the engine timed against the full engine: "
                        + "incremental (default), auto or full"))
                .addOption(OptionKit.value("windows", "N", "occlusion: time only N consecutive windows from the middle "
                        + "of the grid (default: all; for slow models)"))
                .addOption(OptionKit.value("method", "M", "occlusion: grid (default) or captum"));
    }

    @Override
    public int run(CommandLine line, Session session) {
        List<String> targets = line.getArgList();
        if (targets.size() == 1 && targets.get(0).equals("occlusion")) {
            return new OcclusionBench(line, session).run();
        }
        if (targets.size() != 1 || !targets.get(0).equals("filters")) {
            throw new UsageException("bench needs one target: filters or occlusion (e.g. convscope bench occlusion "
                    + "--model alexnet.pt)");
        }
        int repeat = OptionKit.intValue(line, "repeat", 5);
        if (repeat < 1) {
            throw new UsageException("--repeat must be 1 or more, got " + repeat);
        }
        Gson gson = new Gson();
        Path scratch = scratchFile();
        try (TorchModel model = session.loadModel()) {
            String name = model.file().getFileName().toString();
            double totalMs = 0;
            for (LayerInfo layer : model.layers().convolutions()) {
                for (FilterMode mode : FilterMode.values()) {
                    if (mode == FilterMode.RGB && layer.weightShape()[1] != 3) {
                        continue;
                    }
                    double[] render = new double[repeat];
                    double[] png = new double[repeat];
                    TileSheet sheet = null;
                    for (int run = -1; run < repeat; run++) {
                        long t0 = System.nanoTime();
                        ConvWeights weights = ConvWeights.read(model, layer);
                        sheet = FilterPictures.render(weights, FilterSpec.of(layer.path(), mode), name);
                        long t1 = System.nanoTime();
                        Png.write(sheet.raster(), scratch);
                        long t2 = System.nanoTime();
                        if (run >= 0) {
                            render[run] = (t1 - t0) / 1e6;
                            png[run] = (t2 - t1) / 1e6;
                        }
                    }
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("bench", "filters");
                    row.put("model", name);
                    row.put("layer", layer.path());
                    row.put("mode", mode.cliName());
                    row.put("tiles", sheet.tileCount());
                    row.put("pixels", (long) sheet.raster().width() * sheet.raster().height());
                    row.put("render_ms", round(BenchStats.median(render)));
                    row.put("png_ms", round(BenchStats.median(png)));
                    totalMs += BenchStats.median(render) + BenchStats.median(png);
                    session.out.println(gson.toJson(row));
                }
            }
            Map<String, Object> total = new LinkedHashMap<>();
            total.put("bench", "filters");
            total.put("model", name);
            total.put("all_layers_all_modes_ms", round(totalMs));
            total.put("repeat", repeat);
            total.put("threads", Runtime.getRuntime().availableProcessors());
            session.out.println(gson.toJson(total));
        } finally {
            try {
                Files.deleteIfExists(scratch);
            } catch (IOException e) {
                session.log("could not delete " + scratch + ": " + e.getMessage());
            }
        }
        return 0;
    }

    private static Path scratchFile() {
        try {
            return Files.createTempFile("convscope-bench", ".png");
        } catch (IOException e) {
            throw new ConvscopeException("cannot create a scratch file for the benchmark: " + e.getMessage(), e);
        }
    }

    private static double round(double ms) {
        return Math.round(ms * 10) / 10.0;
    }
}
