package io.convscope.image;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.convscope.AtomicFiles;
import io.convscope.ConvscopeException;
import io.convscope.UsageException;

/**
 * NumPy {@code .npy} files of float32 in C order, little-endian ({@code '<f4'}), the only kind convscope
 * reads or writes. Format version 1.0 is written; 1.0 to 3.0 are read.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {
    }

    /** A float32 array and its shape. */
    public record Array(long[] shape, float[] values) {
        public Array {
            long n = Arrays.stream(shape).reduce(1, Math::multiplyExact);
            if (n != values.length) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + n
                        + " values, got " + values.length);
            }
        }
    }

    public static void write(Path out, long[] shape, float[] values) {
        new Array(shape, values);
        String shapeText = shape.length == 1 ? shape[0] + ","
                : Arrays.stream(shape).mapToObj(Long::toString).collect(Collectors.joining(", "));
        StringBuilder header = new StringBuilder("{'descr': '<f4', 'fortran_order': False, 'shape': (")
                .append(shapeText).append("), }");
        // The header is padded with spaces so that the data starts on a 64-byte boundary, ending in '\n'.
        int unpadded = MAGIC.length + 2 + 2 + header.length() + 1;
        header.append(" ".repeat((64 - unpadded % 64) % 64)).append('\n');
        byte[] headerBytes = header.toString().getBytes(StandardCharsets.US_ASCII);
        ByteBuffer buffer = ByteBuffer.allocate(MAGIC.length + 4 + headerBytes.length + values.length * 4)
                .order(ByteOrder.LITTLE_ENDIAN);
        buffer.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) headerBytes.length).put(headerBytes);
        buffer.asFloatBuffer().put(values);
        try {
            AtomicFiles.write(out, buffer.array());
        } catch (IOException e) {
            throw new ConvscopeException("cannot write " + out + ": " + e.getMessage(), e);
        }
    }

    public static Array read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UsageException("cannot read " + file + ": " + e.getMessage());
        }
        return parse(bytes, file.toString());
    }

    static Array parse(byte[] bytes, String name) {
        if (bytes.length < 10 || !Arrays.equals(Arrays.copyOf(bytes, 6), MAGIC)) {
            throw new UsageException(name + " is not a .npy file (no \\x93NUMPY magic); save one with numpy.save");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int major = bytes[6];
        int headerLength = major == 1 ? Short.toUnsignedInt(in.getShort(8)) : in.getInt(8);
        int dataStart = (major == 1 ? 10 : 12) + headerLength;
        if (dataStart > bytes.length) {
            throw new UsageException(name + " is truncated: its header says " + headerLength + " bytes");
        }
        String header = new String(bytes, major == 1 ? 10 : 12, headerLength, StandardCharsets.ISO_8859_1);
        String descr = find(DESCR, header, name, "descr");
        if (!descr.equals("<f4") && !descr.equals("=f4") && !descr.equals("|f4")) {
            throw new UsageException(name + " holds dtype '" + descr + "', and convscope reads float32 ('<f4'); "
                    + "convert it with array.astype(numpy.float32)");
        }
        if (find(FORTRAN, header, name, "fortran_order").equals("True")) {
            throw new UsageException(name + " is in Fortran order; save it in C order (numpy.ascontiguousarray)");
        }
        String dims = find(SHAPE, header, name, "shape").strip();
        long[] shape = dims.isEmpty() ? new long[0] : Arrays.stream(dims.split(","))
                .map(String::strip).filter(s -> !s.isEmpty()).mapToLong(Long::parseLong).toArray();
        long count = Arrays.stream(shape).reduce(1, Math::multiplyExact);
        if (bytes.length - dataStart != count * 4) {
            throw new UsageException(name + " should hold " + count + " float32 values after its header, but has "
                    + (bytes.length - dataStart) + " bytes");
        }
        float[] values = new float[(int) count];
        in.position(dataStart);
        in.asFloatBuffer().get(values);
        return new Array(shape, values);
    }

    private static String find(Pattern pattern, String header, String name, String key) {
        Matcher m = pattern.matcher(header);
        if (!m.find()) {
            throw new UsageException(name + " has a .npy header without '" + key + "'");
        }
        return m.group(1);
    }
}
