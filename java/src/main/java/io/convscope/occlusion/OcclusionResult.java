package io.convscope.occlusion;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.google.gson.GsonBuilder;

import io.convscope.Result;
import io.convscope.UsageException;
import io.convscope.image.InputImage;
import io.convscope.image.Npy;
import io.convscope.render.Png;
import io.convscope.render.Raster;

/**
 * An occlusion map with the input it was computed on: writes itself as the overlay picture (".png"), the raw
 * map (".npy", float32 rows x cols) and a JSON summary (".json").
 *
 * @param model the model file, named in titles and the summary
 * @param input the prepared input the map covers
 * @param map   the map and how it was computed
 */
public record OcclusionResult(Path model, InputImage input, OcclusionMap map) implements Result {
    /** The overlay: the map in colour over the input, with its colorbar and a two-line title. */
    public Raster picture() {
        return OcclusionPicture.render(input, map, model.getFileName().toString());
    }

    @Override
    public List<String> formats() {
        return List.of(".png", ".npy", ".json");
    }

    @Override
    public byte[] encode(String format) {
        return switch (format) {
            case ".png" -> Png.encode(picture());
            case ".npy" -> Npy.encode(new long[] {map.rows(), map.cols()}, map.values());
            case ".json" -> json().getBytes(StandardCharsets.UTF_8);
            default -> throw new UsageException("an occlusion result is written as .png, .npy or .json, not " + format);
        };
    }

    /**
     * One line: {@code target 3 'cat', base prob 0.9120, grid map 18x18, 324 windows in 410 ms, 790.2 windows/s,
     * incremental engine}.
     */
    public String summary() {
        String target = map.target() == OcclusionMap.NO_TARGET ? "no target"
                : "target " + map.target() + (map.label() == null ? "" : " '" + map.label() + "'");
        return String.format(Locale.ROOT, "%s, base %s %.4f, %s map %dx%d, %d windows in %.0f ms, %.1f "
                        + "windows/s, %s engine", target,
                map.spec().score().cliName(), map.baseScore(), map.grid().method().cliName(), map.rows(), map.cols(),
                map.grid().count(), map.elapsedMs(), map.windowsPerSecond(), map.engine().engine().cliName());
    }

    /** The summary as JSON: target, scores, grid placement, extremes, engine and timings. */
    public String json() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("model", model.toString());
        root.put("target", map.target() == OcclusionMap.NO_TARGET ? null : map.target());
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
        root.put("min", extreme(map.argmin()));
        root.put("max", extreme(map.argmax()));
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

    private Map<String, Object> extreme(int index) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("value", map.values()[index]);
        m.put("row", index / map.cols());
        m.put("col", index % map.cols());
        return m;
    }
}
