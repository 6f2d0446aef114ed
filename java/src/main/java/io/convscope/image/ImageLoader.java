package io.convscope.image;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Size;

import io.convscope.ConvscopeException;
import io.convscope.UsageException;
import io.convscope.model.ModelCard;
import io.convscope.render.Raster;
import io.convscope.render.Rgb;

/**
 * Decodes an image with OpenCV and prepares it as torchvision's usual transform does: resize the shorter side
 * to {@code card.resize()}, centre-crop {@code card.crop()} square, scale to [0, 1], subtract the mean and
 * divide by the std per channel. One-channel models get the luma (OpenCV's BGR-to-gray weights).
 */
public final class ImageLoader {
    private ImageLoader() {
    }

    /**
     * The largest image, in pixels, read unless the caller raises it: 100 megapixels (300 MB decoded), far
     * above any photograph a CNN is shown, far below what a decompression bomb declares.
     */
    public static final long DEFAULT_MAX_PIXELS = 100_000_000L;

    public static InputImage load(Path file, ModelCard card) {
        return load(file, card, DEFAULT_MAX_PIXELS);
    }

    /**
     * Reads, checks and prepares {@code file}. A truncated or damaged file, or one whose declared size (or whose
     * size after the card's resize) is over {@code maxPixels}, is refused before it is decoded.
     */
    public static InputImage load(Path file, ModelCard card, long maxPixels) {
        if (!Files.exists(file)) {
            throw new UsageException("image not found: " + file);
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UsageException("cannot read image " + file + ": it is not a readable file");
        }
        ImageFileCheck.check(bytes, file, maxPixels);
        try (PointerScope scope = new PointerScope()) {
            Mat bgr = imdecode(new Mat(1, bytes.length, CV_8UC1, new BytePointer(bytes)), IMREAD_COLOR);
            if (bgr == null || bgr.empty()) {
                throw new ConvscopeException("cannot read image " + file + ": not a decodable image file "
                        + "(convscope reads PNG, JPEG, BMP, TIFF and WebP)");
            }
            return prepare(file.toString(), bgr, card, maxPixels);
        }
    }

    /**
     * Prepares a decoded 8-bit BGR image as {@link #load} does a file; {@code name} says where it came from.
     * The caller owns {@code bgr}.
     */
    static InputImage prepare(String name, Mat bgr, ModelCard card, long maxPixels) {
        requireWithin(name, bgr.cols(), bgr.rows(), maxPixels);
        try (PointerScope scope = new PointerScope()) {
            Mat cropped = resizeAndCrop(bgr, card.resize(), card.crop(), maxPixels);
            return toInput(name, cropped, card);
        }
    }

    /** Refuses a picture of more than {@code maxPixels} pixels. */
    static void requireWithin(String name, int width, int height, long maxPixels) {
        if ((long) width * height > maxPixels) {
            throw UsageException.of("maxPixels", String.format(Locale.ROOT, "is %.1f megapixels and %s is %dx%d; "
                    + "raise the limit to read it", maxPixels / 1e6, name, width, height));
        }
    }

    private static Mat resizeAndCrop(Mat image, int resizeTo, int crop, long maxPixels) {
        int h = image.rows();
        int w = image.cols();
        // Shorter side to resizeTo, keeping the aspect ratio (torchvision's Resize(int)).
        long longH = h <= w ? resizeTo : (long) resizeTo * h / w;
        long longW = h <= w ? (long) resizeTo * w / h : resizeTo;
        if (longH * longW > maxPixels) {
            throw new UsageException(String.format(Locale.ROOT, "resizing the %dx%d image to %d px on its shorter "
                    + "side makes it %dx%d, over the limit of %.1f megapixels; use a smaller resize (the model "
                    + "card's \"resize\")", w, h, resizeTo, longW, longH, maxPixels / 1e6));
        }
        int newH = (int) longH;
        int newW = (int) longW;
        Mat resized = image;
        if (newH != h || newW != w) {
            resized = new Mat();
            // INTER_AREA averages when shrinking, which avoids aliasing much as PIL's antialiased resize does.
            resize(image, resized, new Size(newW, newH), 0, 0, newH < h ? INTER_AREA : INTER_LINEAR);
        }
        if (crop > newH || crop > newW) {
            throw new UsageException("the model card's crop " + crop + " is larger than the resized image "
                    + newW + "x" + newH + "; set \"resize\" to at least " + crop);
        }
        // torchvision's CenterCrop rounds the offset: int(round((size - crop) / 2)).
        int top = (int) Math.round((newH - crop) / 2.0);
        int left = (int) Math.round((newW - crop) / 2.0);
        return new Mat(resized, new Rect(left, top, crop, crop)).clone();
    }

    private static InputImage toInput(String name, Mat bgr, ModelCard card) {
        int size = bgr.rows();
        int channels = card.channels();
        if (channels != 1 && channels != 3) {
            throw new UsageException("images can feed 1- or 3-channel models; this card asks for " + channels
                    + " channels (give a prepared tensor instead)");
        }
        float[] tensor = new float[channels * size * size];
        Raster picture = new Raster(size, size);
        BytePointer data = bgr.data();
        long step = bgr.step();
        int plane = size * size;
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                long i = y * step + x * 3L;
                int b = data.get(i) & 0xff;
                int g = data.get(i + 1) & 0xff;
                int r = data.get(i + 2) & 0xff;
                if (channels == 3) {
                    int[] rgb = {r, g, b};
                    for (int c = 0; c < 3; c++) {
                        tensor[c * plane + y * size + x] = (rgb[c] / 255f - card.mean()[c]) / card.std()[c];
                    }
                    picture.set(x, y, new Rgb(r, g, b));
                } else {
                    int luma = (int) Math.round(0.299 * r + 0.587 * g + 0.114 * b);
                    tensor[y * size + x] = (luma / 255f - card.mean()[0]) / card.std()[0];
                    picture.set(x, y, new Rgb(luma, luma, luma));
                }
            }
        }
        return new InputImage(name, channels, size, size, tensor, picture);
    }
}
