package io.convscope.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

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
 * The filter benchmark ({@code convscope bench filters}): times reading the weights, drawing and PNG-encoding
 * every conv layer in every mode that applies; one row per case (the median of {@code repeat} runs after one
 * warm-up) and a total row.
 */
public final class FilterBenchmark {
    private FilterBenchmark() {
    }

    public static void run(TorchModel model, int repeat, Consumer<Map<String, Object>> rows) {
        if (repeat < 1) {
            throw UsageException.of("repeat", "must be 1 or more, got " + repeat);
        }
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
                    // Encoded in memory: the file system's speed is not what this measures.
                    Png.encode(sheet.raster());
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
                rows.accept(row);
            }
        }
        Map<String, Object> total = new LinkedHashMap<>();
        total.put("bench", "filters");
        total.put("model", name);
        total.put("all_layers_all_modes_ms", round(totalMs));
        total.put("repeat", repeat);
        total.put("threads", Runtime.getRuntime().availableProcessors());
        rows.accept(total);
    }

    private static double round(double ms) {
        return Math.round(ms * 10) / 10.0;
    }
}
