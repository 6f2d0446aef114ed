package io.convscope.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.convscope.Device;
import io.convscope.batch.BatchListener;
import io.convscope.batch.BatchReport;
import io.convscope.batch.BatchRow;
import io.convscope.batch.ClusterSettings;
import io.convscope.batch.ImageList;
import io.convscope.model.BundledModel;

/** The batch on Spark in local mode, several partitions: the single machine's table, maps, resume and Parquet. */
class SparkLocalTest {
    private static SparkSession spark;

    @TempDir
    static Path shared;
    private static Path images;
    private static Path single;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        images = Baseline.copySamples(shared);
        single = shared.resolve("single");
        Baseline.runSingle(images, single);
        spark = SparkSession.builder().master("local[2]").appName("SparkLocalTest")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1").getOrCreate();
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
    }

    private static ClusterSettings threePartitions() {
        return new ClusterSettings("local[2]", 3, 1, Device.CPU);
    }

    @Test
    void threePartitionsOnTwoSlotsGiveTheSingleMachinesTableAndMapsAndAParquetTableSparkReadsBack() throws Exception {
        Path out = dir.resolve("spark");
        List<String> done = new ArrayList<>();
        BatchReport report = SparkBatch.run(spark, BundledModel.modelFile(), Baseline.spec(images, out, "parquet"), threePartitions(),
                new BatchListener() {
                    @Override
                    public void imageDone(BatchRow row, int n, int toDo) {
                        done.add(Path.of(row.image()).getFileName().toString());
                    }
                });
        int n = ImageList.read(images).size();
        assertEquals(new BatchReport(n, 0, n, 0, out.resolve("results.parquet").toRealPath()), report);
        assertEquals(n, done.size());

        // The same folder with a CSV table: nothing is recomputed, the table is made from the rows.
        BatchReport csv = SparkBatch.run(spark, BundledModel.modelFile(), Baseline.spec(images, out, "csv"), threePartitions(),
                BatchListener.NONE);
        assertEquals(new BatchReport(n, n, 0, 0, out.resolve("results.csv").toRealPath()), csv);
        Baseline.assertSameBatch(single, out, images);

        Dataset<Row> table = spark.read().parquet(out.resolve("results.parquet").toString());
        List<Row> rows = table.collectAsList();
        List<String> csvLines = Files.readAllLines(out.resolve("results.csv"));
        assertEquals(n, rows.size());
        for (int i = 0; i < n; i++) {
            String[] fields = csvLines.get(i + 1).split(",", -1);
            Row row = rows.get(i);
            assertEquals(fields[0], row.getAs("image"));
            assertEquals(Integer.parseInt(fields[1]), (int) row.getAs("width"));
            assertEquals(fields[3], String.join(";", row.getList(row.fieldIndex("top_classes")).stream()
                    .map(String::valueOf).toList()));
            assertEquals(fields[4], String.join(";", row.<String>getList(row.fieldIndex("top_labels"))));
            assertEquals(Double.parseDouble(fields[11]), (double) row.getAs("max_drop"), 0.0);
            assertEquals(fields[14], row.getAs("map"));
            assertTrue(row.isNullAt(row.fieldIndex("overlay")));
            assertTrue(row.isNullAt(row.fieldIndex("error")));
        }
        assertEquals("array<int>", table.schema().apply("top_classes").dataType().simpleString());
    }

    @Test
    void aSparkRunRedoesExactlyTheImagesWithoutARow() throws Exception {
        Path out = dir.resolve("spark");
        SparkBatch.run(spark, BundledModel.modelFile(), Baseline.spec(images, out, "csv"), threePartitions(), BatchListener.NONE);
        List<Path> rows;
        try (Stream<Path> files = Files.list(out.resolve("rows"))) {
            rows = files.sorted().toList();
        }
        // What a run killed after five images leaves: three rows missing (their maps may be there or not).
        for (Path row : rows.subList(0, 3)) {
            Files.delete(row);
        }
        Files.delete(out.resolve("results.csv"));
        BatchReport resumed = SparkBatch.run(spark, BundledModel.modelFile(), Baseline.spec(images, out, "csv"), threePartitions(),
                BatchListener.NONE);
        assertEquals(3, resumed.ran());
        assertEquals(rows.size() - 3, resumed.skipped());
        Baseline.assertSameBatch(single, out, images);
    }

    @Test
    void aParquetTableOfPathsAsSparkWritesItIsAnImageListInTableOrder() {
        List<String> paths = ImageList.read(images).files().stream().map(Path::toString).toList();
        Path table = dir.resolve("list.parquet");
        spark.createDataset(paths, Encoders.STRING()).toDF("image").write().parquet(table.toString());
        assertEquals(ImageList.read(images).files(), ImageList.read(table).files());
    }
}
