package io.convscope.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import io.convscope.Device;
import io.convscope.batch.Batch;
import io.convscope.batch.BatchFolder;
import io.convscope.batch.BatchListener;
import io.convscope.batch.BatchRow;
import io.convscope.batch.BatchSpec;
import io.convscope.batch.Column;
import io.convscope.batch.ImageList;
import io.convscope.batch.ImageSettings;
import io.convscope.batch.ResultsTable;
import io.convscope.image.Npy;
import io.convscope.model.BundledModel;
import io.convscope.model.TorchModel;
import io.convscope.nativebridge.TorchRuntime;
import io.convscope.occlusion.OcclusionSpec;
import io.convscope.occlusion.Size2;

/** The single-machine batch the Spark runs are held to, and how their folders are compared. */
final class Baseline {
    /** Coarse maps so that the eight sample images take seconds: 16 px windows, stride 8, top 3. */
    static final ImageSettings EACH = ImageSettings.defaults()
            .withOcclusion(OcclusionSpec.defaults().withWindow(Size2.square(16), Size2.square(8))).withTopk(3);
    private static final int MS = Column.ALL.stream().map(Column::name).toList().indexOf("ms");

    private Baseline() {
    }

    static BatchSpec spec(Path images, Path out, String table) {
        return BatchSpec.of(ImageList.read(images), out).withEach(EACH).withTable(table);
    }

    static Path copySamples(Path dir) throws IOException {
        Path images = Files.createDirectories(dir.resolve("images"));
        for (Path sample : BundledModel.samples()) {
            Files.copy(sample, images.resolve(sample.getFileName()));
        }
        return images;
    }

    /** The batch on one machine, CSV table, one LibTorch thread. */
    static void runSingle(Path images, Path out) {
        TorchRuntime.ensureLoaded(1);
        try (TorchModel model = TorchModel.load(BundledModel.modelFile())) {
            Batch.run(model, spec(images, out, "csv"), Device.CPU, BatchListener.NONE);
        }
    }

    /** The CSV table's lines without the timing column, which no two runs share. */
    static List<String> linesWithoutMs(Path csv) throws IOException {
        return Files.readAllLines(csv).stream().map(line -> {
            List<String> fields = new java.util.ArrayList<>(Arrays.asList(line.split(",", -1)));
            fields.remove(MS);
            return String.join(",", fields);
        }).collect(Collectors.toList());
    }

    /**
     * Both folders have the same table, timings aside, and the same map for every image. Numbers agree to 1e-6
     * (relative for the table, absolute for the maps' drops): an executor is another JVM whose LibTorch may
     * sum in another order (its BLAS threads, its kernels' choice), which moves logits in the ninth digit.
     */
    static void assertSameBatch(Path expected, Path actual, Path images) throws IOException {
        List<String> want = linesWithoutMs(expected.resolve("results.csv"));
        List<String> got = linesWithoutMs(actual.resolve("results.csv"));
        assertEquals(want.size(), got.size());
        for (int i = 0; i < want.size(); i++) {
            String[] a = want.get(i).split(",", -1);
            String[] b = got.get(i).split(",", -1);
            assertEquals(a.length, b.length);
            for (int f = 0; f < a.length; f++) {
                assertSameField(a[f], b[f], "line " + i + " field " + f);
            }
        }
        for (Path image : ImageList.read(images).files()) {
            BatchRow row = ResultsTable.read(new BatchFolder(actual.toRealPath()), image);
            assertEquals(null, row.error(), image.toString());
            assertArrayEquals(Npy.read(expected.resolve(row.map())).values(),
                    Npy.read(actual.resolve(row.map())).values(), 1e-6f, "map of " + image.getFileName());
        }
    }

    private static void assertSameField(String want, String got, String where) {
        String[] a = want.split(";", -1);
        String[] b = got.split(";", -1);
        if (a.length != b.length || !Arrays.stream(a).allMatch(Baseline::isReal)) {
            assertEquals(want, got, where);
            return;
        }
        for (int k = 0; k < a.length; k++) {
            double x = Double.parseDouble(a[k]);
            assertEquals(x, Double.parseDouble(b[k]), 1e-6 * Math.max(Math.abs(x), 1e-3), where);
        }
    }

    /** A number with a fraction or an exponent; whole numbers (classes, rows) must match exactly. */
    private static boolean isReal(String field) {
        return field.matches("-?[0-9]+\\.[0-9]+(E-?[0-9]+)?");
    }
}
