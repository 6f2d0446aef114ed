package io.convscope.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.convscope.UsageException;
import io.convscope.filters.FilterMode;
import io.convscope.filters.FilterPictures;
import io.convscope.filters.FilterSpec;
import io.convscope.model.ConvWeights;
import io.convscope.model.LayerInfo;
import io.convscope.model.TorchModel;
import io.convscope.render.Raster;

/**
 * The report's filter pictures: rgb for convolutions with 3 input channels, collated (one scale, with colorbar)
 * for the rest. Those of another model ({@link FilterSource#model()}) are named by it, in file, alt text and
 * caption, and the model is loaded only while they are drawn.
 */
final class FilterFigures {
    private FilterFigures() {
    }

    /** Every convolution of {@code model} when {@code sources} is null; else those it names, in its order. */
    static List<Figure> draw(TorchModel model, List<FilterSource> sources, FigureFolder figures) {
        List<Figure> filters = new ArrayList<>();
        if (sources == null) {
            for (LayerInfo layer : model.layers().convolutions()) {
                filters.add(figure(model, layer, false, figures));
            }
            return filters;
        }
        for (FilterSource source : sources) {
            if (source.model() == null) {
                filters.add(figure(model, convolution(model, source.layer()), false, figures));
                continue;
            }
            try (TorchModel other = TorchModel.load(source.model())) {
                filters.add(figure(other, convolution(other, source.layer()), true, figures));
            }
        }
        return filters;
    }

    private static LayerInfo convolution(TorchModel of, String layer) {
        if (layer != null) {
            return of.layers().findConvolution(layer);
        }
        List<LayerInfo> convolutions = of.layers().convolutions();
        if (convolutions.isEmpty()) {
            throw UsageException.of("filters", of.file().getFileName() + " has no Conv2d layers to draw");
        }
        return convolutions.get(0);
    }

    /** One convolution's picture; {@code named}: the model's name heads its file name and caption. */
    private static Figure figure(TorchModel of, LayerInfo layer, boolean named, FigureFolder figures) {
        String modelFile = of.file().getFileName().toString();
        ConvWeights w = ConvWeights.read(of, layer);
        FilterMode mode = FilterMode.defaultFor(w.channels());
        Raster sheet = FilterPictures.render(w, FilterSpec.of(layer.path(), mode), modelFile).raster();
        String where = named ? modelFile + ", " + layer.path() : layer.path();
        String alt = "Filters of " + where + " (" + layer.type() + " " + LayerInfo.format(w.shape()) + "): "
                + (mode == FilterMode.RGB ? "one colour tile per filter" : "a matrix of filters by input channels");
        String caption = (named ? where + ": " : "") + (mode == FilterMode.RGB
                ? String.format(Locale.ROOT, "%d filters of %dx%d, one RGB tile each (input channels 0, 1, 2 as "
                + "red, green, blue), each tile on its own min-max scale.", w.filters(), w.height(), w.width())
                : String.format(Locale.ROOT, "%d filters (rows) x %d input channels (columns) of %dx%d, on one "
                + "colour scale for the whole layer (colorbar on the right).", w.filters(), w.channels(),
                w.height(), w.width()));
        String stem = "filters-" + (named ? withoutExtension(modelFile) + "-" : "") + layer.path().replace('.', '-')
                + "-" + mode.cliName();
        return figures.write(figures.stem(stem), sheet, alt, caption);
    }

    private static String withoutExtension(String file) {
        int dot = file.lastIndexOf('.');
        return dot > 0 ? file.substring(0, dot) : file;
    }
}
