package io.convscope.cli;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;

import javax.imageio.ImageIO;

import io.convscope.image.Npy;

/**
 * The bad input files of {@link HostileInputCorpusTest}, generated (seeded) rather than committed: each is
 * made from a good file by the one change its name says, so a case fails for exactly that reason.
 */
final class HostileInputs {
    private HostileInputs() {
    }

    /** Writes every input into {@code dir}: images, .npy tensors and a few files that are neither. */
    static void writeAll(Path dir) throws IOException {
        byte[] png = png(64, 64);
        byte[] jpeg = jpeg(64, 64);
        Files.write(dir.resolve("ok.png"), png);
        Files.write(dir.resolve("ok.jpg"), jpeg);
        Files.write(dir.resolve("truncated.jpg"), Arrays.copyOf(jpeg, jpeg.length * 2 / 3));
        Files.write(dir.resolve("truncated.png"), Arrays.copyOf(png, png.length / 2));
        Files.write(dir.resolve("header-only.jpg"), Arrays.copyOf(jpeg, 20));
        byte[] badCrc = png.clone();
        badCrc[png.length / 2] ^= 0x55;    // inside IDAT: its checksum no longer matches
        Files.write(dir.resolve("bad-crc.png"), badCrc);
        Files.write(dir.resolve("bomb-30000.png"), declaredPng(30000, 30000));
        Files.write(dir.resolve("bomb-40000.png"), declaredPng(40000, 40000));
        Files.write(dir.resolve("bomb.bmp"), declaredBmp(20000, 20000));
        Files.write(dir.resolve("empty.png"), new byte[0]);
        Files.writeString(dir.resolve("text.png"), "this is not a picture\n");
        Files.write(dir.resolve("random.jpg"), new Random(7).ints(500, 0, 256)
                .collect(ByteArrayOutputStream::new, (o, b) -> o.write(b), (a, b) -> { }).toByteArray());

        int chw = 3 * 64 * 64;
        float[] image = new float[chw];
        Files.write(dir.resolve("ok.npy"), Npy.encode(new long[] {3, 64, 64}, image));
        float[] nan = image.clone();
        nan[100] = Float.NaN;
        Files.write(dir.resolve("nan.npy"), Npy.encode(new long[] {3, 64, 64}, nan));
        float[] inf = image.clone();
        inf[5] = Float.NEGATIVE_INFINITY;
        Files.write(dir.resolve("inf.npy"), Npy.encode(new long[] {3, 64, 64}, inf));
        Files.write(dir.resolve("two-channels.npy"), Npy.encode(new long[] {2, 64, 64}, new float[2 * 64 * 64]));
        Files.write(dir.resolve("flat.npy"), Npy.encode(new long[] {64, 64}, new float[64 * 64]));
        Files.write(dir.resolve("empty-dim.npy"), npy(header("'<f4'", "False", "3, 64, 0"), 0));
        Files.write(dir.resolve("float64.npy"), npy(header("'<f8'", "False", "3, 64, 64"), chw * 8));
        Files.write(dir.resolve("structured.npy"), npy(header("[('x', '<f4')]", "False", "3, 64, 64"), chw * 4));
        Files.write(dir.resolve("fortran.npy"), npy(header("'<f4'", "True", "3, 64, 64"), chw * 4));
        Files.write(dir.resolve("words-shape.npy"), npy(header("'<f4'", "False", "3, sixty, 64"), chw * 4));
        Files.write(dir.resolve("negative-shape.npy"), npy(header("'<f4'", "False", "3, -64, 64"), 0));
        Files.write(dir.resolve("overflow-shape.npy"),
                npy(header("'<f4'", "False", "99999999999, 99999999999, 3"), 16));
        Files.write(dir.resolve("no-shape.npy"), npy("{'descr': '<f4', 'fortran_order': False, }", 16));
        Files.write(dir.resolve("not-a-dict.npy"), npy("descr <f4 shape 3 64 64", 16));
        Files.write(dir.resolve("short-data.npy"), npy(header("'<f4'", "False", "3, 64, 64"), 1000));
        Files.write(dir.resolve("long-data.npy"), npy(header("'<f4'", "False", "3, 64, 64"), chw * 4 + 8));
        byte[] v2 = npy(header("'<f4'", "False", "3, 64, 64"), 0);
        byte[] huge = new byte[12];
        System.arraycopy(v2, 0, huge, 0, 8);
        huge[6] = 2;
        ByteBuffer.wrap(huge).order(ByteOrder.LITTLE_ENDIAN).putInt(8, 0xfffffff0);
        Files.write(dir.resolve("huge-header.npy"), huge);
        byte[] version9 = v2.clone();
        version9[6] = 9;
        Files.write(dir.resolve("version9.npy"), version9);
        Files.writeString(dir.resolve("magicless.npy"), "just some text, no magic\n");
        Files.write(dir.resolve("tiny.npy"), Arrays.copyOf(v2, 7));
    }

    private static BufferedImage picture(int w, int h) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(42);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                image.setRGB(x, y, random.nextInt(1 << 24));
            }
        }
        return image;
    }

    private static byte[] png(int w, int h) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(picture(w, h), "png", out);
        return out.toByteArray();
    }

    private static byte[] jpeg(int w, int h) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(picture(w, h), "jpeg", out);
        return out.toByteArray();
    }

    /** A well-formed PNG (every checksum right) whose header declares w x h: a decompression bomb's shape. */
    private static byte[] declaredPng(int w, int h) {
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(w).putInt(h).put((byte) 8).put((byte) 0);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        out.writeBytes(chunk("IHDR", ihdr.array()));
        out.writeBytes(chunk("IDAT", new byte[] {0x78, (byte) 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01}));
        out.writeBytes(chunk("IEND", new byte[0]));
        return out.toByteArray();
    }

    private static byte[] chunk(String type, byte[] data) {
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        return ByteBuffer.allocate(12 + data.length).putInt(data.length).put(typeBytes).put(data)
                .putInt((int) crc.getValue()).array();
    }

    /** A 24-bit BMP header that declares w x h, with no pixels after it. */
    private static byte[] declaredBmp(int w, int h) {
        return ByteBuffer.allocate(54).order(ByteOrder.LITTLE_ENDIAN).put((byte) 'B').put((byte) 'M')
                .putInt(54).putInt(0).putInt(54).putInt(40).putInt(w).putInt(h).putShort((short) 1)
                .putShort((short) 24).putInt(0).putInt(0).putInt(2835).putInt(2835).putInt(0).putInt(0).array();
    }

    /** A .npy header dictionary: {@code descr} as Python writes it ('<f4', or a list for a structured dtype). */
    private static String header(String descr, String fortranOrder, String shape) {
        return "{'descr': " + descr + ", 'fortran_order': " + fortranOrder + ", 'shape': (" + shape + "), }";
    }

    /** A version 1.0 .npy file with {@code header} (padded) and {@code dataBytes} zero bytes after it. */
    private static byte[] npy(String header, int dataBytes) {
        String padded = header + " ".repeat((64 - (10 + header.length() + 1) % 64) % 64) + "\n";
        byte[] h = padded.getBytes(StandardCharsets.ISO_8859_1);
        return ByteBuffer.allocate(10 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN)
                .put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) h.length).put(h)
                .array();
    }
}
