package io.convscope.predict;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.convscope.ConvscopeException;
import io.convscope.UsageException;
import io.convscope.model.ModelCard;

/**
 * The name of each class a model scores, by output index, and where the names came from.
 *
 * @param names  one name per output, in output order
 * @param source where they came from, for the user: a file, the model card, ImageNet, or bare indices
 */
public record ClassNames(List<String> names, String source) {
    static final String IMAGENET_RESOURCE = "/io/convscope/bundled/imagenet_classes.txt";
    static final int IMAGENET_CLASSES = 1000;

    public ClassNames {
        names = List.copyOf(names);
    }

    /**
     * Names for a model with {@code classes} outputs: from {@code labelsFile} when given, else the card's
     * labels, else the 1000 ImageNet classes for a 1000-class model, else {@code class 0}, {@code class 1}, ….
     */
    public static ClassNames forModel(ModelCard card, int classes, Path labelsFile) {
        if (labelsFile != null) {
            return new ClassNames(read(labelsFile, classes), labelsFile.toString());
        }
        if (!card.labels().isEmpty()) {
            if (card.labels().size() != classes) {
                throw new ConvscopeException("the model card of " + card.name() + " names " + card.labels().size()
                        + " labels but the model outputs " + classes + " scores; fix the card's \"labels\" or give a "
                        + "labels file");
            }
            return new ClassNames(card.labels(), "the model card");
        }
        if (classes == IMAGENET_CLASSES) {
            return new ClassNames(imagenet(), "ImageNet (ILSVRC-2012, torchvision order)");
        }
        List<String> indices = new ArrayList<>(classes);
        for (int i = 0; i < classes; i++) {
            indices.add("class " + i);
        }
        return new ClassNames(indices, "class indices (no labels in a model card; give a labels file)");
    }

    /** A labels file: one name per line, in output order, exactly {@code classes} of them. */
    public static List<String> read(Path file, int classes) {
        if (!Files.isRegularFile(file)) {
            throw new UsageException("labels file not found: " + file + " (a labels file is a text file with one "
                    + "class name per line)");
        }
        List<String> lines;
        try {
            lines = new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UsageException("cannot read labels file " + file + ": " + e.getMessage());
        }
        // Trailing blank lines are an editor's newline at the end, not classes.
        while (!lines.isEmpty() && lines.get(lines.size() - 1).isBlank()) {
            lines.remove(lines.size() - 1);
        }
        if (lines.size() != classes) {
            throw new UsageException("labels file " + file + " has " + lines.size() + " lines but the model outputs "
                    + classes + " scores; give one class name per line, in output order");
        }
        List<String> names = new ArrayList<>(classes);
        for (int i = 0; i < lines.size(); i++) {
            String name = lines.get(i).strip();
            if (name.isEmpty()) {
                throw new UsageException("labels file " + file + ": line " + (i + 1) + " is empty; give one class "
                        + "name per line");
            }
            names.add(name);
        }
        return names;
    }

    /** The 1000 ILSVRC-2012 class names in torchvision's index order, from the jar. */
    public static List<String> imagenet() {
        try (InputStream in = ClassNames.class.getResourceAsStream(IMAGENET_RESOURCE)) {
            if (in == null) {
                throw new ConvscopeException("the ImageNet class names (" + IMAGENET_RESOURCE + ") are missing from "
                        + "the classpath; rebuild with 'mvn package' or give a labels file");
            }
            List<String> names = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .filter(line -> !line.isBlank()).toList();
            if (names.size() != IMAGENET_CLASSES) {
                throw new ConvscopeException("the bundled ImageNet class list has " + names.size()
                        + " names instead of 1000; regenerate it with models/make_imagenet_classes.py");
            }
            return names;
        } catch (IOException e) {
            throw new ConvscopeException("cannot read the bundled ImageNet class names: " + e.getMessage(), e);
        }
    }
}
