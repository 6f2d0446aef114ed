package io.convscope.render;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_RGB2BGR;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;

import java.nio.file.Path;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.opencv_core.Mat;

import io.convscope.OutputFile;
import io.convscope.Outputs;
import io.convscope.ConvscopeException;

/** Encodes rasters as PNG through OpenCV; writing goes through {@link Outputs}. */
public final class Png {
    private Png() {
    }

    /** The PNG file's bytes. Encoding in memory keeps the format PNG whatever a file would be called. */
    public static byte[] encode(Raster raster) {
        try (PointerScope scope = new PointerScope()) {
            Mat rgb = new Mat(raster.height(), raster.width(), CV_8UC3, new BytePointer(raster.bytes()));
            Mat bgr = new Mat();
            cvtColor(rgb, bgr, COLOR_RGB2BGR);
            BytePointer encoded = new BytePointer();
            if (!imencode(".png", bgr, encoded)) {
                throw new ConvscopeException("OpenCV could not encode a " + raster.width() + "x" + raster.height()
                        + " picture as PNG");
            }
            byte[] bytes = new byte[Math.toIntExact(encoded.limit())];
            encoded.get(bytes);
            return bytes;
        }
    }

    /**
     * Writes one picture as {@link Outputs} does: atomically, through a symbolic link to the file it names, and
     * into a device or pipe as it is.
     */
    public static void write(Raster raster, Path out) {
        new Outputs().add(OutputFile.check(out, ".png"), encode(raster)).write();
    }
}
