package io.convscope.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.convscope.UsageException;

class NpyTest {
    @TempDir
    Path dir;

    @Test
    void writesVersion1LittleEndianFloat32WithA64ByteAlignedHeader() throws IOException {
        Path file = dir.resolve("a.npy");
        Npy.write(file, new long[] {2, 3}, new float[] {0, 1, 2, 3, 4, -5.5f});
        byte[] bytes = Files.readAllBytes(file);
        // 10 bytes of magic, version and length, then 59 of dictionary padded to end at byte 128.
        assertEquals(128 + 6 * 4, bytes.length);
        String header = new String(bytes, 10, 118, StandardCharsets.US_ASCII);
        assertEquals("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", header.strip());
        assertEquals('\n', header.charAt(header.length() - 1));
        assertEquals(-5.5f, ByteBuffer.wrap(bytes, 128 + 20, 4).order(ByteOrder.LITTLE_ENDIAN).getFloat());
        Npy.Array back = Npy.read(file);
        assertArrayEquals(new long[] {2, 3}, back.shape());
        assertArrayEquals(new float[] {0, 1, 2, 3, 4, -5.5f}, back.values());
    }

    @Test
    void oneDimensionalShapesKeepTheTupleComma() {
        Path file = dir.resolve("v.npy");
        Npy.write(file, new long[] {3}, new float[] {1, 2, 3});
        assertArrayEquals(new long[] {3}, Npy.read(file).shape());
    }

    @Test
    void rejectsOtherDtypesFortranOrderAndNonNpyWithTheFix() throws IOException {
        Path f8 = dir.resolve("d.npy");
        Files.write(f8, npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", 8));
        assertEquals(f8 + " holds dtype '<f8', and convscope reads float32 ('<f4'); convert it with "
                + "array.astype(numpy.float32)", assertThrows(UsageException.class, () -> Npy.read(f8)).getMessage());
        Path fortran = dir.resolve("f.npy");
        Files.write(fortran, npy("{'descr': '<f4', 'fortran_order': True, 'shape': (1,), }", 4));
        assertEquals(fortran + " is in Fortran order; save it in C order (numpy.ascontiguousarray)",
                assertThrows(UsageException.class, () -> Npy.read(fortran)).getMessage());
        Path text = dir.resolve("t.npy");
        Files.writeString(text, "hello world");
        assertEquals(text + " is not a .npy file (no \\x93NUMPY magic); save one with numpy.save",
                assertThrows(UsageException.class, () -> Npy.read(text)).getMessage());
    }

    private static byte[] npy(String header, int dataBytes) {
        byte[] h = header.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocate(10 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) h.length).put(h);
        return b.array();
    }
}
