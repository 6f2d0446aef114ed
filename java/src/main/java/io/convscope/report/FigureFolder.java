package io.convscope.report;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

import io.convscope.render.Png;
import io.convscope.render.Raster;

/**
 * Writes a report's pictures into its folder as they are made, so a large model's filter sheets never pile up
 * in memory. Names are made safe for URLs and unique within one report: two images both called
 * {@code cat.png} (from different folders) get {@code cat-...} and {@code cat-2-...}.
 */
final class FigureFolder {
    private final Path folder;
    private final Set<String> used = new HashSet<>();

    FigureFolder(Path folder) {
        this.folder = folder;
    }

    /** A unique, URL-safe stem for {@code name}: {@code "My cat (1).jpg"} becomes {@code my-cat-1}. */
    String stem(String name) {
        String base = name.replaceFirst("\\.[A-Za-z0-9]{1,5}$", "").toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9._-]+", "-").replaceAll("^[-.]+|-+$", "");
        if (base.isEmpty()) {
            base = "image";
        }
        String stem = base;
        for (int n = 2; !used.add(stem); n++) {
            stem = base + "-" + n;
        }
        return stem;
    }

    /** Writes {@code raster} as {@code <stem>.png} (atomically, see {@link Png}) and describes it. */
    Figure write(String stem, Raster raster, String alt, String caption) {
        String file = stem + ".png";
        Png.write(raster, folder.resolve(file));
        return new Figure(file, raster.width(), raster.height(), alt, caption);
    }
}
