package io.convscope.batch;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

import io.convscope.ConvscopeException;
import io.convscope.image.Input;
import io.convscope.image.InputImage;
import io.convscope.model.ModelCard;

/**
 * An image read and prepared for the model, or why it could not be.
 *
 * @param file   the image file
 * @param image  the prepared input, or null when {@code error} says why not
 * @param width  the stored width from the file's header, or null when the header could not be read
 * @param height the stored height
 * @param error  the one-line reason the image failed, or null
 */
record DecodedImage(Path file, InputImage image, Integer width, Integer height, String error) {
    /** Reads {@code file} as {@link Input#file(Path, long)} does; never throws for a bad file. */
    static DecodedImage read(Path file, ModelCard card, long maxPixels) {
        int[] size = storedSize(file);
        Integer width = size == null ? null : size[0];
        Integer height = size == null ? null : size[1];
        try {
            return new DecodedImage(file, Input.file(file, maxPixels).prepare(card), width, height, null);
        } catch (ConvscopeException e) {
            return new DecodedImage(file, null, width, height, e.getMessage());
        } catch (RuntimeException e) {
            // OpenCV's own exceptions: still this image's failure, not the run's.
            return new DecodedImage(file, null, width, height, Failures.oneLine(e));
        }
    }

    /** Width and height from the header alone (PNG, JPEG, BMP, TIFF; not WebP), or null. */
    private static int[] storedSize(Path file) {
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            if (in == null) {
                return null;
            }
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                return null;
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                return new int[] {reader.getWidth(0), reader.getHeight(0)};
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            // A damaged header: the decode that follows reports the failure in the user's words.
            return null;
        }
    }
}
