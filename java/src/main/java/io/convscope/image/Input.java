package io.convscope.image;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGRA2BGR;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_GRAY2BGR;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.nio.file.Path;
import java.util.Objects;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;

import io.convscope.UsageException;
import io.convscope.model.ModelCard;

/**
 * What an analysis looks at, before it is prepared for a model: an image file, a {@code .npy} tensor, or a
 * picture already in memory ({@link BufferedImage}, OpenCV {@link Mat}, JavaCV {@link Frame}) or a float
 * tensor. Pictures are resized, cropped and normalized as the model card says; tensors are taken as they are,
 * already normalized.
 */
public sealed interface Input {
    /** Prepares this input for a model with {@code card}. */
    InputImage prepare(ModelCard card);

    /** True for tensors, which are in the model's normalized space (an occlusion fill is then a tensor value). */
    default boolean isTensor() {
        return false;
    }

    /**
     * An image file: PNG, JPEG, BMP, TIFF or WebP, checked before it is decoded: a truncated or damaged file, or
     * one that declares more than {@link ImageLoader#DEFAULT_MAX_PIXELS} pixels, is refused.
     */
    static Input file(Path image) {
        return file(image, ImageLoader.DEFAULT_MAX_PIXELS);
    }

    /** Like {@link #file(Path)}, with another limit on the pixels the file may declare. */
    static Input file(Path image, long maxPixels) {
        if (maxPixels < 1) {
            throw UsageException.of("maxPixels", "must be 1 or more, got " + maxPixels);
        }
        return new ImageFile(Objects.requireNonNull(image, "image"), maxPixels);
    }

    /** A float32 {@code .npy} file holding C x H x W or 1 x C x H x W, already normalized. */
    static Input npy(Path tensor) {
        return new NpyFile(Objects.requireNonNull(tensor, "tensor"));
    }

    /** A picture in memory; any {@link BufferedImage} type (colour models are converted to sRGB as Java2D draws). */
    static Input of(BufferedImage picture) {
        return new Picture(Objects.requireNonNull(picture, "picture"));
    }

    /** An 8-bit OpenCV image: BGR (OpenCV's order), BGRA or one-channel gray. It is read, not changed. */
    static Input of(Mat bgr) {
        return new OpenCvImage(Objects.requireNonNull(bgr, "bgr"));
    }

    /** A JavaCV video or image frame, 8-bit BGR, BGRA or gray (what JavaCV's grabbers deliver). */
    static Input of(Frame frame) {
        return new VideoFrame(Objects.requireNonNull(frame, "frame"));
    }

    /** A tensor already normalized for the model: {@code values} row-major in {@code shape} (C x H x W). */
    static Input tensor(float[] values, long... shape) {
        return new FloatTensor(Objects.requireNonNull(values, "values").clone(), shape.clone());
    }

    record ImageFile(Path path, long maxPixels) implements Input {
        @Override
        public InputImage prepare(ModelCard card) {
            return ImageLoader.load(path, card, maxPixels);
        }
    }

    record NpyFile(Path path) implements Input {
        @Override
        public InputImage prepare(ModelCard card) {
            return TensorInput.load(path, card);
        }

        @Override
        public boolean isTensor() {
            return true;
        }
    }

    record Picture(BufferedImage image) implements Input {
        @Override
        public InputImage prepare(ModelCard card) {
            int w = image.getWidth();
            int h = image.getHeight();
            ImageLoader.requireWithin(describe(), w, h, ImageLoader.DEFAULT_MAX_PIXELS);
            // Drawn into 3-byte BGR, the one layout whose bytes are OpenCV's: any source type, same pixels.
            BufferedImage bgr = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
            java.awt.Graphics2D g = bgr.createGraphics();
            try {
                g.drawImage(image, 0, 0, null);
            } finally {
                g.dispose();
            }
            byte[] bytes = ((DataBufferByte) bgr.getRaster().getDataBuffer()).getData();
            try (PointerScope scope = new PointerScope()) {
                Mat mat = new Mat(h, w, CV_8UC3, new BytePointer(bytes));
                return ImageLoader.prepare(describe(), mat, card, ImageLoader.DEFAULT_MAX_PIXELS);
            }
        }

        private String describe() {
            return "an in-memory picture (" + image.getWidth() + "x" + image.getHeight() + ")";
        }
    }

    record OpenCvImage(Mat image) implements Input {
        @Override
        public InputImage prepare(ModelCard card) {
            try (PointerScope scope = new PointerScope()) {
                return ImageLoader.prepare("an OpenCV image (" + image.cols() + "x" + image.rows() + ")",
                        asBgr(image, "OpenCV image"), card, ImageLoader.DEFAULT_MAX_PIXELS);
            }
        }
    }

    record VideoFrame(Frame frame) implements Input {
        @Override
        public InputImage prepare(ModelCard card) {
            if (frame.image == null) {
                throw new UsageException("the frame holds no image (an audio frame?); give a video or image frame");
            }
            if (frame.imageDepth != Frame.DEPTH_UBYTE) {
                throw new UsageException("the frame's pixels are of depth " + frame.imageDepth + "; give an 8-bit "
                        + "frame (Frame.DEPTH_UBYTE)");
            }
            try (PointerScope scope = new PointerScope();
                 OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat()) {
                // The converter's Mat shares the frame's memory; asBgr copies before anything is changed.
                Mat mat = converter.convert(frame);
                return ImageLoader.prepare("a JavaCV frame (" + frame.imageWidth + "x" + frame.imageHeight + ")",
                        asBgr(mat, "frame"), card, ImageLoader.DEFAULT_MAX_PIXELS);
            }
        }
    }

    record FloatTensor(float[] values, long[] shape) implements Input {
        @Override
        public InputImage prepare(ModelCard card) {
            return TensorInput.of("the input tensor", shape, values, card);
        }

        @Override
        public boolean isTensor() {
            return true;
        }
    }

    /** A new 8-bit BGR copy of {@code image}, which may be BGR, BGRA or gray. */
    private static Mat asBgr(Mat image, String what) {
        if (image.empty()) {
            throw new UsageException("the " + what + " is empty; give one with pixels");
        }
        if (image.depth() != opencv_core.CV_8U) {
            throw new UsageException("the " + what + " has OpenCV depth " + image.depth() + "; give 8-bit pixels "
                    + "(CV_8U)");
        }
        Mat bgr = new Mat();
        switch (image.channels()) {
            case 3 -> image.copyTo(bgr);
            case 4 -> cvtColor(image, bgr, COLOR_BGRA2BGR);
            case 1 -> cvtColor(image, bgr, COLOR_GRAY2BGR);
            default -> throw new UsageException("the " + what + " has " + image.channels() + " channels; give BGR "
                    + "(3), BGRA (4) or gray (1)");
        }
        return bgr;
    }
}
