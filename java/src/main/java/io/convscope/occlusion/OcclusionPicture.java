package io.convscope.occlusion;

import java.util.List;
import java.util.Locale;

import io.convscope.image.InputImage;
import io.convscope.render.Overlay;
import io.convscope.render.Raster;

/** An occlusion map drawn over its input, titled with what was mapped and how. */
public final class OcclusionPicture {
    private OcclusionPicture() {
    }

    /** The overlay with its colorbar; {@code modelName} heads the title. */
    public static Raster render(InputImage input, OcclusionMap map, String modelName) {
        return Overlay.render(input.picture(), map.perPixel(), title(modelName, map));
    }

    /** Two lines: model, class and base score; then the method, window, stride, fill and the largest drop. */
    public static List<String> title(String modelName, OcclusionMap map) {
        return List.of(
                String.format(Locale.ROOT, "%s | %s | base %s %.4f", modelName, map.target() == OcclusionMap.NO_TARGET
                        ? "whole output" : "class " + map.target() + (map.label() == null ? "" : " " + map.label()),
                        map.spec().score().cliName(), map.baseScore()),
                String.format(Locale.ROOT, "occlusion %s, window %s, stride %s, fill %s%s",
                        map.grid().method().cliName(), map.grid().window(), map.grid().stride(), map.spec().fill(),
                        largestDrop(map)));
    }

    /** {@code " | largest drop 0.4100 at row 6 col 15"} for grid maps; empty for per-pixel (captum) maps. */
    private static String largestDrop(OcclusionMap map) {
        if (map.grid().method() != Method.GRID) {
            return "";
        }
        int best = map.argmax();
        return String.format(Locale.ROOT, " | largest drop %.4f at row %d col %d", map.values()[best],
                best / map.cols(), best % map.cols());
    }
}
