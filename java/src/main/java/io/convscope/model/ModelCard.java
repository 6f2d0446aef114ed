package io.convscope.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.google.gson.Gson;
import com.google.gson.JsonParseException;

import io.convscope.ConvscopeException;

/**
 * What a model expects of its input, read from {@code M.json} beside {@code M.pt}.
 *
 * @param resize the shorter image side is resized to this many pixels before the centre crop
 * @param crop   the side of the square centre crop; the model sees {@code crop x crop} pixels
 * @param mean   per-channel mean subtracted after scaling pixels to [0, 1]
 * @param std    per-channel standard deviation divided by after subtracting the mean
 * @param labels class names by output index; empty when the card names none
 * @param description what the model is, in a sentence; null when the card has none
 * @param source      where the weights come from and under which licence; null when the card does not say
 * @param score       the occlusion score that reads best for this model ({@code "prob"}, {@code "logit"},
 *                    {@code "logprob"}, {@code "similarity"}); null leaves the choice to the analysis
 */
public record ModelCard(String name, int channels, int height, int width, int resize, int crop,
                        float[] mean, float[] std, List<String> labels, String description, String source,
                        String score) {

    private static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};
    private static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};

    /** A card with preprocessing and labels only, as a card without notes reads. */
    public ModelCard(String name, int channels, int height, int width, int resize, int crop, float[] mean,
                     float[] std, List<String> labels) {
        this(name, channels, height, width, resize, crop, mean, std, labels, null, null, null);
    }

    public ModelCard {
        labels = List.copyOf(labels);
        if (mean.length != channels || std.length != channels) {
            throw new ConvscopeException("model card '" + name + "': mean and std need " + channels
                    + " values each (one per input channel), got " + mean.length + " and " + std.length);
        }
    }

    /**
     * This card with the given preprocessing in place of its own (null keeps a value): what command-line
     * flags do. A new crop is also the new input size.
     */
    public ModelCard withPreprocessing(Integer newResize, Integer newCrop, float[] newMean, float[] newStd) {
        int c = newCrop != null ? newCrop : crop;
        int r = newResize != null ? newResize : Math.max(resize, c);
        return new ModelCard(name, channels, newCrop != null ? c : height, newCrop != null ? c : width, r, c,
                newMean != null ? newMean.clone() : mean.clone(), newStd != null ? newStd.clone() : std.clone(),
                labels, description, source, score);
    }

    /**
     * True when the card says the model outputs an embedding (a descriptor such as a face's), whose entries are
     * no classes: its score is {@code similarity}.
     */
    public boolean outputsEmbedding() {
        return "similarity".equals(score);
    }

    /** The card used when a model has none: ImageNet statistics, resize 256, centre crop 224. */
    public static ModelCard imagenetDefaults(String name) {
        return new ModelCard(name, 3, 224, 224, 256, 224, IMAGENET_MEAN.clone(), IMAGENET_STD.clone(), List.of());
    }

    /**
     * The card assumed for a model without one whose first convolution takes {@code channels} channels:
     * ImageNet's for 3 channels, else no normalization (mean 0, std 1), at ImageNet's 224 x 224.
     */
    public static ModelCard assumedFor(String name, int channels) {
        if (channels == 3) {
            return imagenetDefaults(name);
        }
        return new ModelCard(name, channels, 224, 224, 256, 224, new float[channels], ones(channels), List.of());
    }

    /** The card beside {@code model} ({@code alexnet.pt} → {@code alexnet.json}), or the defaults. */
    public static ModelCard besideModel(Path model) {
        Path card = cardPathFor(model);
        String name = stripExtension(model.getFileName().toString());
        return Files.isRegularFile(card) ? read(card, name) : imagenetDefaults(name);
    }

    public static Path cardPathFor(Path model) {
        return model.resolveSibling(stripExtension(model.getFileName().toString()) + ".json");
    }

    public static ModelCard read(Path card, String fallbackName) {
        CardJson json;
        try {
            json = new Gson().fromJson(Files.readString(card), CardJson.class);
        } catch (IOException e) {
            throw new ConvscopeException("cannot read model card " + card + ": " + e.getMessage());
        } catch (JsonParseException e) {
            throw new ConvscopeException("model card " + card + " is not valid JSON: " + e.getMessage());
        }
        if (json == null || json.input == null) {
            throw new ConvscopeException("model card " + card + " has no \"input\": {\"channels\", \"height\", "
                    + "\"width\"}");
        }
        int channels = json.input.channels;
        int crop = json.crop > 0 ? json.crop : Math.min(json.input.height, json.input.width);
        return new ModelCard(json.name != null ? json.name : fallbackName, channels, json.input.height,
                json.input.width, json.resize > 0 ? json.resize : crop, crop,
                json.mean != null ? json.mean : (channels == 3 ? IMAGENET_MEAN.clone() : new float[channels]),
                json.std != null ? json.std : (channels == 3 ? IMAGENET_STD.clone() : ones(channels)),
                json.labels != null ? json.labels : List.of(), json.description, json.source, json.score);
    }

    private static float[] ones(int n) {
        float[] v = new float[n];
        java.util.Arrays.fill(v, 1f);
        return v;
    }

    private static String stripExtension(String file) {
        int dot = file.lastIndexOf('.');
        return dot > 0 ? file.substring(0, dot) : file;
    }

    /** The JSON shape of a card, as Gson fills it. */
    private static final class CardJson {
        String name;
        Input input;
        int resize;
        int crop;
        float[] mean;
        float[] std;
        List<String> labels;
        String description;
        String source;
        String score;
    }

    private static final class Input {
        int channels;
        int height;
        int width;
    }
}
