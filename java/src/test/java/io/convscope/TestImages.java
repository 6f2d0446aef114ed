package io.convscope;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;

import javax.imageio.ImageIO;

/** Small PNGs made by hand in a test's folder, whose pixels the test knows exactly. */
public final class TestImages {
    private TestImages() {
    }

    /** {@code size x size}, every pixel {@code rgb} (0xRRGGBB). */
    public static Path filled(Path dir, String name, int size, int rgb) throws IOException {
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                image.setRGB(x, y, rgb);
            }
        }
        Path file = dir.resolve(name);
        ImageIO.write(image, "png", file.toFile());
        return file;
    }

    /** 8x8 black with one pure red pixel at row 3, column 4: {@code red-dot.png}. */
    public static Path redDot(Path dir) throws IOException {
        Path file = filled(dir, "red-dot.png", 8, 0x000000);
        BufferedImage image = ImageIO.read(file.toFile());
        image.setRGB(4, 3, 0xff0000);
        ImageIO.write(image, "png", file.toFile());
        return file;
    }
}
