package io.convscope.report;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.convscope.ConvscopeException;
import io.convscope.Device;
import io.convscope.activations.ActivationPictures;
import io.convscope.activations.ActivationSpec;
import io.convscope.activations.Activations;
import io.convscope.activations.FeatureMaps;
import io.convscope.image.Input;
import io.convscope.image.InputImage;
import io.convscope.model.LayerInfo;
import io.convscope.model.LayerInventory;
import io.convscope.model.TorchModel;
import io.convscope.occlusion.Method;
import io.convscope.occlusion.Occlusion;
import io.convscope.occlusion.OcclusionMap;
import io.convscope.occlusion.OcclusionPicture;
import io.convscope.occlusion.OcclusionSpec;
import io.convscope.occlusion.Progress;
import io.convscope.occlusion.WindowGrid;
import io.convscope.predict.Prediction;
import io.convscope.predict.PredictSpec;
import io.convscope.predict.Predictions;
import io.convscope.render.Raster;
import io.convscope.rf.LayerTable;
import io.convscope.rf.ReceptiveField;
import io.convscope.rf.ReceptiveFieldPicture;
import io.convscope.rf.ReceptiveFields;

/**
 * Computes a report: the layer table, the filters of every convolution (rgb for 3-channel layers, collated for
 * the rest; or the convolutions {@link ReportSpec#filters} names, of this model or others: {@link FilterFigures}),
 * and for each image its predictions, occlusion map, and the receptive field and top activations of one layer.
 * Pictures are written into the report folder as they are made; the returned {@link Report} names them. An image
 * that cannot be read or analysed becomes an {@link ImageEntry.Failure} and the others go on; a wrong setting (a
 * layer without a receptive field, a window larger than the input) fails the whole report before any image is
 * read.
 */
public final class ReportBuilder {
    /** Small inputs (64 x 64) are shown enlarged by an integer factor to at least this many pixels a side. */
    static final int MIN_INPUT_DISPLAY = 256;

    private final TorchModel model;
    private final Device device;

    /** @param device where every step runs; the model is placed there first and stays there */
    ReportBuilder(TorchModel model, Device device) {
        this.model = model;
        this.device = device;
    }

    /** Builds the report for {@code spec}, writing its pictures into {@code folder}, which must exist. */
    public Report build(ReportSpec spec, Path folder) {
        long start = System.nanoTime();
        LayerInventory inventory = model.layers();
        ReceptiveFields fields = ReceptiveFields.of(inventory);
        LayerInfo layer = spec.layer() == null ? fields.lastLocalConvolution() : inventory.find(spec.layer());
        ReceptiveField field = fields.located(layer);
        int side = model.card().crop();
        OcclusionSpec occlusion = spec.occlusion().resolvedFor(side, false, model.card()).check();
        // Checked once here, so a window larger than the input is a usage error rather than one per image.
        WindowGrid.of(occlusion.method(), side, side, occlusion.window(), occlusion.stride());
        Device placed = model.placeOn(device);

        FigureFolder figures = new FigureFolder(folder);
        List<Figure> filters = FilterFigures.draw(model, spec.filters(), figures);
        ImageEntry[] images = new ImageEntry[spec.images().size()];
        List<Prepared> ready = new ArrayList<>();
        for (int i = 0; i < images.length; i++) {
            Path source = spec.images().get(i);
            try {
                ready.add(prepare(i, source, spec, layer, field, figures));
            } catch (ConvscopeException e) {
                images[i] = new ImageEntry.Failure(fileName(source), source.toString(), spec.credits().get(source),
                        e.getMessage());
            }
        }
        for (Prepared p : ready) {
            images[p.index()] = occlude(p, occlusion, figures);
        }
        ReportHeader header = new ReportHeader(modelName(), model.file().toString(), model.card().name(),
                model.parameterCount(), LayerInfo.format(new long[] {model.card().channels(), side, side}),
                placed.cliName(), (System.nanoTime() - start) / 1e9);
        return new Report(header, LayerTable.of(inventory, fields), filters, layer.path(), layer.type(), occlusion,
                List.of(images));
    }

    private String modelName() {
        return model.file().getFileName().toString();
    }

    private static String fileName(Path source) {
        return source.getFileName() == null ? source.toString() : source.getFileName().toString();
    }

    /** The CPU steps for one image; a ConvscopeException says why the image cannot be analysed. */
    private Prepared prepare(int index, Path source, ReportSpec spec, LayerInfo layer, ReceptiveField field,
                             FigureFolder figures) {
        String name = fileName(source);
        InputImage image = Input.file(source, spec.maxPixels()).prepare(model.card());
        // An embedding has no classes: its entry shows the other analyses and says so instead of a table.
        List<Prediction> top = Predictions.topOfClassifier(model, image, PredictSpec.defaults().withTopk(spec.topk()),
                device);
        String stem = figures.stem(name);
        String heading = modelName() + " | " + layer.path() + " (" + layer.type() + ") | " + name;

        Raster picture = image.picture();
        int factor = Math.max(1, (MIN_INPUT_DISPLAY + Math.min(image.width(), image.height()) - 1)
                / Math.min(image.width(), image.height()));
        Figure input = figures.write(stem + "-input", picture.upscale(factor),
                name + " as the model sees it, " + image.width() + "x" + image.height() + " pixels",
                String.format(Locale.ROOT, "Resized to %d and centre-cropped to %dx%d, as the model card says; "
                        + "shown %dx enlarged.", model.card().resize(), image.width(), image.height(), factor));

        long[] unit = field.centreUnit();
        ReceptiveField.Region r = field.region(unit[0], unit[1]);
        Figure rf = figures.write(stem + "-rf", ReceptiveFieldPicture.draw(picture, image.height(),
                        image.width(), field, unit, heading).raster(),
                "Receptive field of the centre unit of " + layer.path() + " over " + name + ": " + field.sizeText()
                        + " pixels",
                String.format(Locale.ROOT, "Centre unit (%d, %d) of %s's %dx%d output sees rows %d..%d and "
                                + "columns %d..%d: receptive field %s px, jump %s, start %s. Outside it the image "
                                + "is dimmed; hatching marks where it reaches past the edge.", unit[0], unit[1],
                        layer.path(), field.rows().outputSize(), field.cols().outputSize(), r.top(), r.bottom(),
                        r.left(), r.right(), field.sizeText(), field.jumpText(), field.startText()));

        FeatureMaps maps = Activations.of(model, layer, image);
        int shown = Math.min(spec.maps(), maps.channels());
        Figure activations = figures.write(stem + "-activations", ActivationPictures.render(maps,
                        ActivationSpec.of(layer.path()).withTop(shown), heading).raster(),
                "The " + shown + " most active of the " + maps.channels() + " feature maps of " + layer.path()
                        + " for " + name,
                String.format(Locale.ROOT, "%d of %d maps of %dx%d, highest mean activation first, each on its "
                        + "own min-max scale (viridis).", shown, maps.channels(), maps.height(), maps.width()));
        return new Prepared(index, name, source.toString(), spec.credits().get(source), image, stem, input, top, rf,
                activations);
    }

    private ImageEntry occlude(Prepared p, OcclusionSpec spec, FigureFolder figures) {
        try {
            OcclusionMap map = Occlusion.run(model, p.image(), spec, device, Progress.NONE).map();
            Figure figure = figures.write(p.stem() + "-occlusion", OcclusionPicture.render(p.image(), map,
                    modelName()), "Occlusion map of " + p.name() + " for " + map.subject(), occlusionCaption(map));
            return new ImageEntry.Analysis(p.name(), p.source(), p.credit(), p.input(), p.predictions(), figure,
                    p.rf(), p.activations());
        } catch (ConvscopeException e) {
            return new ImageEntry.Failure(p.name(), p.source(), p.credit(), e.getMessage());
        }
    }

    static String occlusionCaption(OcclusionMap map) {
        OcclusionSpec s = map.spec();
        String score = s.score().meaning();
        String how = String.format(Locale.ROOT, "a %s px window (stride %s, fill %s, %d windows, %s engine)",
                s.window(), s.stride(), s.fill(), map.grid().count(), map.engine().engine().cliName());
        if (s.raw() && map.grid().method() == Method.GRID) {
            return String.format(Locale.ROOT, "The %s of %s (base %.4f) while %s hides each part.", score,
                    map.subject(), map.baseScore(), how);
        }
        String largest = "";
        if (map.grid().method() == Method.GRID) {
            int best = map.argmax();
            largest = String.format(Locale.ROOT, "; largest drop %.4f at row %d, column %d of the %dx%d grid",
                    map.values()[best], best / map.cols(), best % map.cols(), map.rows(), map.cols());
        }
        return String.format(Locale.ROOT, "How much the %s of %s (base %.4f) drops when %s hides each part%s. Red: "
                + "that part supports the class; blue: hiding it raises the score.", score, map.subject(),
                map.baseScore(), how, largest);
    }

    /** An image whose CPU steps are done and whose occlusion map is still to come. */
    private record Prepared(int index, String name, String source, String credit, InputImage image, String stem,
                            Figure input, List<Prediction> predictions, Figure rf, Figure activations) {
    }
}
