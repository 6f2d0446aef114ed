package io.convscope.image;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import java.nio.file.Files;
import java.nio.file.Path;

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

    public static InputImage load(Path file, ModelCard card) {
        if (!Files.exists(file)) {
            throw new UsageException("image not found: " + file);
        }
        try (PointerScope scope = new PointerScope()) {
            Mat bgr = imread(file.toString(), IMREAD_COLOR);
            if (bgr == null || bgr.empty()) {
                throw new ConvscopeException("cannot read image " + file + ": not a decodable image file "
                        + "(convscope reads PNG, JPEG, BMP, TIFF and WebP)");
            }
            Mat cropped = resizeAndCrop(bgr, card.resize(), card.crop());
            return toInput(file, cropped, card);
        }
    }

    private static Mat resizeAndCrop(Mat image, int resizeTo, int crop) {
        int h = image.rows();
        int w = image.cols();
        // Shorter side to resizeTo, keeping the aspect ratio (torchvision's Resize(int)).
        int newH = h <= w ? resizeTo : (int) ((long) resizeTo * h / w);
        int newW = h <= w ? (int) ((long) resizeTo * w / h) : resizeTo;
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

    private static InputImage toInput(Path file, Mat bgr, ModelCard card) {
        int size = bgr.rows();
        int channels = card.channels();
        if (channels != 1 && channels != 3) {
            throw new UsageException("images can feed 1- or 3-channel models; this card asks for " + channels
                    + " channels (pass a prepared tensor with --input X.npy instead)");
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
        return new InputImage(file, channels, size, size, tensor, picture);
    }
}
