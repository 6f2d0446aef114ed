package io.convscope.render;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imwrite;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_RGB2BGR;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.opencv_core.Mat;

import io.convscope.ConvscopeException;
import io.convscope.UsageException;

/** Writes rasters as PNG through OpenCV, atomically: a failed write never leaves a half file behind. */
public final class Png {
    private Png() {
    }

    public static void write(Raster raster, Path out) {
        Path target = out.toAbsolutePath();
        Path folder = target.getParent();
        if (folder != null && !Files.isDirectory(folder)) {
            throw new UsageException("cannot write " + out + ": folder " + folder + " does not exist");
        }
        Path partial = target.resolveSibling("." + target.getFileName() + ".partial.png");
        try (PointerScope scope = new PointerScope()) {
            Mat rgb = new Mat(raster.height(), raster.width(), CV_8UC3, new BytePointer(raster.bytes()));
            Mat bgr = new Mat();
            cvtColor(rgb, bgr, COLOR_RGB2BGR);
            if (!imwrite(partial.toString(), bgr)) {
                throw new ConvscopeException("OpenCV could not write " + out + " (is the folder writable?)");
            }
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(partial);
            } catch (IOException ignored) {
                // The original failure is what the user needs to see.
            }
            if (e instanceof ConvscopeException ce) {
                throw ce;
            }
            throw new ConvscopeException("cannot write " + out + ": " + e.getMessage(), e);
        }
    }
}
