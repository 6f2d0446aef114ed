package io.convscope.render;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgproc.FONT_HERSHEY_SIMPLEX;
import static org.bytedeco.opencv.global.opencv_imgproc.LINE_AA;
import static org.bytedeco.opencv.global.opencv_imgproc.getTextSize;
import static org.bytedeco.opencv.global.opencv_imgproc.putText;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/** Labels drawn with OpenCV's Hershey font. Sizes are in pixels of cap height, so layout can plan for them. */
public final class Text {
    private Text() {
    }

    /** Width and height in pixels (height includes descenders) of {@code text} at {@code pixelHeight}. */
    public static int[] measure(String text, int pixelHeight) {
        try (PointerScope scope = new PointerScope()) {
            int[] baseline = new int[1];
            Size size = getTextSize(text, FONT_HERSHEY_SIMPLEX, fontScale(pixelHeight), thickness(pixelHeight),
                    baseline);
            return new int[] {size.width(), size.height() + baseline[0]};
        }
    }

    /** Draws {@code text} with its top-left corner at (x, y); pixels outside the raster are dropped. */
    public static void draw(Raster raster, String text, int x, int y, int pixelHeight, Rgb color) {
        int[] box = measure(text, pixelHeight);
        int x0 = Math.max(0, x);
        int y0 = Math.max(0, y);
        int x1 = Math.min(raster.width(), x + box[0] + 2);
        int y1 = Math.min(raster.height(), y + box[1] + 2);
        if (x0 >= x1 || y0 >= y1) {
            return;
        }
        // Draw into a copy of the covered region only: cheap, and the Raster stays plain Java memory.
        int w = x1 - x0;
        int h = y1 - y0;
        byte[] bytes = raster.bytes();
        try (PointerScope scope = new PointerScope()) {
            BytePointer region = new BytePointer((long) w * h * 3);
            for (int row = 0; row < h; row++) {
                region.position((long) row * w * 3).put(bytes, ((y0 + row) * raster.width() + x0) * 3, w * 3);
            }
            region.position(0);
            Mat mat = new Mat(h, w, CV_8UC3, region);
            // The bytes are RGB, so the Scalar is given in the same order.
            putText(mat, text, new Point(x - x0, y - y0 + pixelHeight), FONT_HERSHEY_SIMPLEX,
                    fontScale(pixelHeight), new Scalar(color.r(), color.g(), color.b(), 0),
                    thickness(pixelHeight), LINE_AA, false);
            for (int row = 0; row < h; row++) {
                region.position((long) row * w * 3).get(bytes, ((y0 + row) * raster.width() + x0) * 3, w * 3);
            }
        }
    }

    private static double fontScale(int pixelHeight) {
        // FONT_HERSHEY_SIMPLEX has a cap height of about 22 px at scale 1.
        return pixelHeight / 22.0;
    }

    private static int thickness(int pixelHeight) {
        return Math.max(1, Math.round(pixelHeight / 12f));
    }
}
