package io.convscope.batch;

import java.nio.charset.StandardCharsets;
import java.util.List;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;

/**
 * One image's line in the results table. Every field but {@code image} is null when it does not apply: a
 * failed image has its {@code error} and nothing else; an image whose size cannot be read from its header
 * (WebP) has no width and height.
 *
 * @param image      the image file, absolute
 * @param width      the image's width as stored, before the card's resize and crop
 * @param height     its height as stored
 * @param topClasses the top-k class indices, most probable first
 * @param topLabels  their names
 * @param topProbs   their softmax probabilities
 * @param target     the class whose score the map follows (the top-1 class unless the spec names one)
 * @param label      its name
 * @param baseScore  the target's score on the whole image
 * @param mapRows    rows of the map
 * @param mapCols    columns of the map
 * @param maxDrop    the map's largest value: the largest drop of the score when one window is hidden
 * @param maxDropRow the row of that cell (for captum maps, a pixel row of the prepared input)
 * @param maxDropCol its column
 * @param map        the map's .npy file, relative to the batch folder
 * @param overlay    the overlay's .png file, relative to the batch folder, or null when not asked for
 * @param engine     which occlusion engine computed the map
 * @param ms         wall time of this image's analysis (predictions, map and writing), decoding excluded
 * @param error      why the image failed, or null
 */
public record BatchRow(String image, Integer width, Integer height, List<Integer> topClasses, List<String> topLabels,
                       List<Double> topProbs, Integer target, String label, Double baseScore, Integer mapRows,
                       Integer mapCols, Double maxDrop, Integer maxDropRow, Integer maxDropCol, String map,
                       String overlay, String engine, Double ms, String error) {
    private static final Gson GSON = new GsonBuilder().serializeNulls().create();

    public static BatchRow failed(String image, Integer width, Integer height, String error) {
        return new BatchRow(image, width, height, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, error);
    }

    public boolean ok() {
        return error == null;
    }

    public byte[] json() {
        return (GSON.toJson(this) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** The row in {@code bytes}, or null when they are not a row (a file from something else). */
    public static BatchRow parse(byte[] bytes) {
        try {
            BatchRow row = GSON.fromJson(new String(bytes, StandardCharsets.UTF_8), BatchRow.class);
            return row == null || row.image() == null ? null : row;
        } catch (JsonParseException e) {
            return null;
        }
    }
}
