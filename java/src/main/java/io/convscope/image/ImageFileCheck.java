package io.convscope.image;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.zip.CRC32;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

import io.convscope.ConvscopeException;
import io.convscope.UsageException;

/**
 * Reads an image file's structure, not its pixels, before OpenCV decodes it. Two failures it prevents:
 * libjpeg decodes a truncated JPEG with only a warning (grey where data is missing, and a different
 * prediction), and a small compressed file can declare a huge raster (a "decompression bomb": 2.6 MB of PNG
 * for 30000 x 30000 pixels, 2.7 GB decoded). PNG files are walked chunk by chunk with their CRCs, JPEG files
 * marker by marker up to an end-of-image marker, BMP files by their header; TIFF gives its size through ImageIO,
 * and WebP is left to OpenCV's own limit.
 */
final class ImageFileCheck {
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    private static final byte[] JPEG = {(byte) 0xff, (byte) 0xd8, (byte) 0xff};
    private static final byte[] BMP = {'B', 'M'};
    private static final byte[] TIFF_LE = {'I', 'I', 42, 0};
    private static final byte[] TIFF_BE = {'M', 'M', 0, 42};
    private static final byte[] RIFF = {'R', 'I', 'F', 'F'};

    private ImageFileCheck() {
    }

    /**
     * Fails unless the file is one of the formats convscope reads (by its first bytes, whatever its name: other
     * bytes never reach OpenCV, whose decoders log to stderr), whole, and at most {@code maxPixels} pixels
     * (when its size can be read).
     */
    static void check(byte[] bytes, Path file, long maxPixels) {
        long[] size;
        if (startsWith(bytes, PNG)) {
            size = png(bytes, file);
        } else if (startsWith(bytes, JPEG)) {
            size = jpeg(bytes, file);
        } else if (startsWith(bytes, BMP)) {
            size = bmp(bytes, file);
        } else if (startsWith(bytes, TIFF_LE) || startsWith(bytes, TIFF_BE)
                || (startsWith(bytes, RIFF) && bytes.length >= 12
                        && new String(bytes, 8, 4, StandardCharsets.ISO_8859_1).equals("WEBP"))) {
            size = viaImageIo(bytes);
        } else {
            throw new ConvscopeException("cannot read image " + file + ": not a decodable image file (convscope "
                    + "reads PNG, JPEG, BMP, TIFF and WebP)");
        }
        if (size != null && size[0] * size[1] > maxPixels) {
            throw new UsageException("maxPixels", String.format(Locale.ROOT, "image %s is %d x %d = %.1f megapixels, "
                    + "over the limit of %.1f megapixels that guards against decompression bombs; raise the pixel "
                    + "limit (maxPixels) if you trust the file", file, size[0], size[1], size[0] * size[1] / 1e6,
                    maxPixels / 1e6));
        }
    }

    /** Width and height from IHDR, after checking every chunk's CRC and that the file ends with IEND. */
    private static long[] png(byte[] bytes, Path file) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        int at = PNG.length;
        long[] size = null;
        while (true) {
            if (at + 12 > bytes.length) {
                throw damaged(file, "PNG", "it ends before its IEND chunk");
            }
            long length = Integer.toUnsignedLong(in.getInt(at));
            String type = new String(bytes, at + 4, 4, StandardCharsets.ISO_8859_1);
            if (at + 12 + length > bytes.length) {
                throw damaged(file, "PNG", "it ends inside its " + type + " chunk");
            }
            CRC32 crc = new CRC32();
            crc.update(bytes, at + 4, (int) (4 + length));
            if (crc.getValue() != Integer.toUnsignedLong(in.getInt(at + 8 + (int) length))) {
                throw damaged(file, "PNG", "the checksum of its " + type + " chunk is wrong");
            }
            if (type.equals("IHDR") && length >= 8) {
                size = new long[] {Integer.toUnsignedLong(in.getInt(at + 8)),
                        Integer.toUnsignedLong(in.getInt(at + 12))};
            }
            if (type.equals("IEND")) {
                return size;
            }
            at += 12 + (int) length;
        }
    }

    /** Width and height from the frame header, after checking that an end-of-image marker follows the scan. */
    private static long[] jpeg(byte[] bytes, Path file) {
        int at = 2;
        long[] size = null;
        while (at + 4 <= bytes.length) {
            if ((bytes[at] & 0xff) != 0xff) {
                throw damaged(file, "JPEG", "its markers are out of step at byte " + at);
            }
            int marker = bytes[at + 1] & 0xff;
            if (marker == 0xff) {
                at++;   // fill byte
                continue;
            }
            int length = ((bytes[at + 2] & 0xff) << 8) | (bytes[at + 3] & 0xff);
            boolean frame = marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc;
            if (frame && at + 9 <= bytes.length) {
                size = new long[] {((bytes[at + 7] & 0xff) << 8) | (bytes[at + 8] & 0xff),
                        ((bytes[at + 5] & 0xff) << 8) | (bytes[at + 6] & 0xff)};
            }
            if (marker == 0xda) {
                // Entropy-coded data never holds FF D9 (a data FF is followed by 00), so the first one is the end.
                for (int i = at + 2 + length; i + 1 < bytes.length; i++) {
                    if ((bytes[i] & 0xff) == 0xff && (bytes[i + 1] & 0xff) == 0xd9) {
                        return size;
                    }
                }
                throw damaged(file, "JPEG", "it ends before its end-of-image marker");
            }
            at += 2 + length;
        }
        throw damaged(file, "JPEG", "it ends before its image data");
    }

    /** Width and height from the BITMAPINFOHEADER (ImageIO refuses large declared sizes with its own message). */
    private static long[] bmp(byte[] bytes, Path file) {
        if (bytes.length < 26) {
            throw damaged(file, "BMP", "it ends inside its header");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        // A negative height means rows stored top-down; the size is its magnitude.
        return new long[] {Math.abs((long) in.getInt(18)), Math.abs((long) in.getInt(22))};
    }

    private static long[] viaImageIo(byte[] bytes) {
        try (ImageInputStream stream = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = stream == null ? null : ImageIO.getImageReaders(stream);
            if (readers == null || !readers.hasNext()) {
                return null;    // OpenCV may still know the format (WebP); its own limit applies then
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(stream);
                return new long[] {reader.getWidth(0), reader.getHeight(0)};
            } finally {
                reader.dispose();
            }
        } catch (IOException e) {
            return null;
        }
    }

    private static boolean startsWith(byte[] bytes, byte[] prefix) {
        if (bytes.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (bytes[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static ConvscopeException damaged(Path file, String format, String why) {
        return new ConvscopeException("cannot read image " + file + ": the " + format + " file is truncated or "
                + "damaged (" + why + "); export it again");
    }
}
