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

import io.convscope.OutputFile;
import io.convscope.Outputs;
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
    private static final Pattern STRUCTURED = Pattern.compile("'descr'\\s*:\\s*\\[");
    /** Java arrays hold at most this many values. */
    private static final long MAX_VALUES = Integer.MAX_VALUE - 8;
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

    /** Writes a float32 {@code .npy} file as {@link Outputs} does (atomically, through links and devices). */
    public static void write(Path out, long[] shape, float[] values) {
        new Outputs().add(OutputFile.check(out, ".npy"), encode(shape, values)).write();
    }

    /** The bytes of a version 1.0 {@code .npy} file holding {@code values} with {@code shape}. */
    public static byte[] encode(long[] shape, float[] values) {
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
        return buffer.array();
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

    /**
     * Checks the whole header before trusting any of it: magic, version, header length, a dict with a plain
     * float32 {@code descr}, C order, and a shape of positive whole numbers whose product the data matches.
     */
    static Array parse(byte[] bytes, String name) {
        if (bytes.length < 10 || !Arrays.equals(Arrays.copyOf(bytes, 6), MAGIC)) {
            throw new UsageException(name + " is not a .npy file (no \\x93NUMPY magic); save one with numpy.save");
        }
        int major = bytes[6];
        if (major < 1 || major > 3 || bytes[7] != 0) {
            throw new UsageException(name + " is .npy format version " + major + "." + bytes[7]
                    + ", and convscope reads 1.0 to 3.0; save it with numpy.save");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int headerStart = major == 1 ? 10 : 12;
        long headerLength = major == 1 ? Short.toUnsignedInt(in.getShort(8))
                : bytes.length < 12 ? Long.MAX_VALUE : Integer.toUnsignedLong(in.getInt(8));
        if (headerStart + headerLength > bytes.length) {
            throw new UsageException(name + " is truncated: it ends inside its .npy header");
        }
        String header = new String(bytes, headerStart, (int) headerLength, StandardCharsets.ISO_8859_1).strip();
        if (!header.startsWith("{") || !header.endsWith("}")) {
            throw new UsageException(name + " has a damaged .npy header (not a {...} dictionary); save it again "
                    + "with numpy.save");
        }
        checkDescr(header, name);
        if (find(FORTRAN, header, name, "fortran_order").equals("True")) {
            throw new UsageException(name + " is in Fortran order; save it in C order (numpy.ascontiguousarray)");
        }
        long[] shape = shape(find(SHAPE, header, name, "shape"), name);
        long count = 1;
        for (long d : shape) {
            count *= d;
            if (count > MAX_VALUES) {
                throw new UsageException(name + " has shape " + shapeText(shape) + ", more than the "
                        + MAX_VALUES + " values convscope reads");
            }
        }
        long dataBytes = bytes.length - headerStart - headerLength;
        if (dataBytes != count * 4) {
            throw new UsageException(name + " has shape " + shapeText(shape) + ", which needs " + count * 4
                    + " bytes of float32 data, but " + (dataBytes < count * 4 ? "only " : "") + dataBytes
                    + " bytes follow its header" + (dataBytes < count * 4 ? " (the file is truncated)" : ""));
        }
        float[] values = new float[(int) count];
        in.position((int) (headerStart + headerLength));
        in.asFloatBuffer().get(values);
        return new Array(shape, values);
    }

    private static void checkDescr(String header, String name) {
        Matcher structured = STRUCTURED.matcher(header);
        if (structured.find()) {
            throw new UsageException(name + " holds a structured dtype (named fields), and convscope reads plain "
                    + "float32 arrays; save one field, e.g. array['x'].astype(numpy.float32)");
        }
        String descr = find(DESCR, header, name, "descr");
        if (!descr.equals("<f4") && !descr.equals("=f4") && !descr.equals("|f4")) {
            throw new UsageException(name + " holds dtype '" + descr + "', and convscope reads float32 ('<f4'); "
                    + "convert it with array.astype(numpy.float32)");
        }
    }

    private static long[] shape(String dims, String name) {
        String[] parts = dims.strip().isEmpty() ? new String[0] : dims.split(",", -1);
        long[] shape = new long[parts.length];
        int n = 0;
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i].strip();
            if (part.isEmpty() && i == parts.length - 1 && i > 0) {
                continue;
            }
            if (!part.matches("[0-9]{1,12}")) {
                throw new UsageException(name + " has a .npy shape (" + dims + ") that is not a tuple of whole "
                        + "numbers; save it again with numpy.save");
            }
            shape[n++] = Long.parseLong(part);
        }
        return Arrays.copyOf(shape, n);
    }

    private static String shapeText(long[] shape) {
        return Arrays.stream(shape).mapToObj(Long::toString).collect(Collectors.joining(" x ", "", ""));
    }

    private static String find(Pattern pattern, String header, String name, String key) {
        Matcher m = pattern.matcher(header);
        if (!m.find()) {
            throw new UsageException(name + " has a .npy header without a valid '" + key + "' entry; save it again "
                    + "with numpy.save");
        }
        return m.group(1);
    }
}
