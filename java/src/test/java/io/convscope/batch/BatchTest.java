package io.convscope.batch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.convscope.Device;
import io.convscope.image.Input;
import io.convscope.image.Npy;
import io.convscope.model.BundledModel;
import io.convscope.model.TorchModel;
import io.convscope.nativebridge.TorchRuntime;
import io.convscope.occlusion.Occlusion;
import io.convscope.occlusion.OcclusionMap;
import io.convscope.occlusion.OcclusionSpec;
import io.convscope.occlusion.Size2;

/** {@link Batch#run}: every image once, maps equal to single runs, killed and resumed, bad images as rows. */
class BatchTest {
    /** A coarse grid, so that eight images take seconds: 16 px windows, stride 8, on the 64 px inputs. */
    static final OcclusionSpec SPEC = OcclusionSpec.defaults().withWindow(Size2.square(16), Size2.square(8));

    private static TorchModel model;

    @TempDir
    Path dir;

    static BatchSpec spec(ImageList images, Path out) {
        return BatchSpec.of(images, out).withEach(ImageSettings.defaults().withOcclusion(SPEC).withTopk(3));
    }

    @BeforeAll
    static void load() {
        TorchRuntime.ensureLoaded(2);
        model = TorchModel.load(BundledModel.modelFile());
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void aRunKilledBetweenAnImagesMapAndItsRowIsFinishedByTheNextWithEveryRowOnceAndMapsOfSingleRuns()
            throws Exception {
        Path images = copySamples();
        Path out = dir.resolve("out");
        int images8 = BundledModel.samples().size();

        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), HaltingBatch.class.getName(), images.toString(),
                out.toString(), "3").redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(5, TimeUnit.MINUTES));
        assertEquals(HaltingBatch.HALT_STATUS, child.exitValue(), output);
        assertEquals(2, count(out.resolve("rows")), "two images were done");
        assertEquals(3, count(out.resolve("maps")), "the third image's map was on disk, its row not");
        assertFalse(Files.exists(out.resolve("results.csv")), "no table from a run that did not finish");
        assertEquals(0, hiddenScratchFiles(out), "no half-written file is left in sight");

        List<String> analysed = new ArrayList<>();
        BatchReport report = Batch.run(model, spec(ImageList.read(images), out), Device.CPU, new BatchListener() {
            @Override
            public void imageDone(BatchRow row, int done, int toDo) {
                analysed.add(Path.of(row.image()).getFileName().toString());
            }
        });
        assertEquals(new BatchReport(images8, 2, images8 - 2, 0, out.resolve("results.csv").toRealPath()), report);
        List<String> sorted = sampleNames();
        assertEquals(sorted.subList(2, images8), analysed, "the third image, whose row was missing, is redone");

        List<String> lines = Files.readAllLines(out.resolve("results.csv"));
        assertEquals(images8 + 1, lines.size(), "a header and one line per image");
        for (int i = 0; i < images8; i++) {
            Path image = images.resolve(sorted.get(i));
            assertTrue(lines.get(i + 1).startsWith(image.toString() + ","), "row " + i + " is " + image);
            BatchRow row = ResultsTable.read(new BatchFolder(out.toRealPath()), image);
            OcclusionMap single = Occlusion.run(model, Input.file(image), SPEC, Device.CPU).map();
            float[] batched = Npy.read(out.resolve(row.map())).values();
            assertArrayEquals(single.values(), batched, 1e-6f, "map of " + image.getFileName());
            assertEquals(single.rows(), row.mapRows());
            assertEquals(single.target(), row.target());
            assertEquals(single.values()[single.argmax()], row.maxDrop(), 1e-6);
            assertEquals(single.argmax() / single.cols(), row.maxDropRow());
            assertEquals(single.argmax() % single.cols(), row.maxDropCol());
            assertEquals(row.target(), row.topClasses().get(0), "the map follows the top-1 class");
        }

        byte[] table = Files.readAllBytes(out.resolve("results.csv"));
        BatchReport again = Batch.run(model, spec(ImageList.read(images), out), Device.CPU, BatchListener.NONE);
        assertEquals(images8, again.skipped());
        assertEquals(0, again.ran());
        assertArrayEquals(table, Files.readAllBytes(out.resolve("results.csv")), "a finished batch stays as it is");
    }

    @Test
    void threeImagesAtOnceSharingTheModelGiveTheTableAndMapsOfOneAtATime() throws IOException {
        Path images = copySamples();
        ImageList list = ImageList.read(images);
        Batch.run(model, spec(list, dir.resolve("one")), Device.CPU, BatchListener.NONE);
        List<Integer> done = new ArrayList<>();
        BatchReport report = Batch.run(model, spec(list, dir.resolve("three")).withParallel(3), Device.CPU,
                new BatchListener() {
                    @Override
                    public void imageDone(BatchRow row, int n, int toDo) {
                        done.add(n);
                    }
                });
        assertEquals(list.size(), report.ran());
        assertEquals(java.util.stream.IntStream.rangeClosed(1, list.size()).boxed().toList(), done,
                "the listener hears of each image once, counted in order");
        assertEquals(withoutTimes(dir.resolve("one/results.csv")), withoutTimes(dir.resolve("three/results.csv")));
        for (Path image : list.files()) {
            String map = "maps/" + BatchFolder.key(image) + ".npy";
            assertArrayEquals(Files.readAllBytes(dir.resolve("one").resolve(map)),
                    Files.readAllBytes(dir.resolve("three").resolve(map)), map);
        }
    }

    /** The table's lines with the ms column (the one that differs between runs) blanked. */
    private static List<String> withoutTimes(Path csv) throws IOException {
        int ms = Column.ALL.stream().map(Column::name).toList().indexOf("ms");
        return Files.readAllLines(csv).stream().map(line -> {
            String[] fields = line.split(",", -1);
            fields[ms] = "";
            return String.join(",", fields);
        }).toList();
    }

    @Test
    void aBadImageBecomesARowWithItsErrorTheOthersAreDoneAndTheNextRunRetriesOnlyIt() throws IOException {
        Path images = Files.createDirectory(dir.resolve("images"));
        Path sandal = sample("sandal");
        Files.copy(sandal, images.resolve("a-sandal.png"));
        Files.write(images.resolve("b-broken.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
        Files.copy(sample("dress"), images.resolve("c-dress.png"));
        Path out = dir.resolve("out");

        BatchReport report = Batch.run(model, spec(ImageList.read(images), out), Device.CPU, BatchListener.NONE);
        assertEquals(new BatchReport(3, 0, 3, 1, out.resolve("results.csv").toRealPath()), report);
        BatchRow broken = ResultsTable.read(new BatchFolder(out.toRealPath()), images.resolve("b-broken.png"));
        assertTrue(broken.error().startsWith("cannot read image " + images.resolve("b-broken.png")), broken.error());
        assertNull(broken.map());
        assertNull(broken.topClasses());
        List<String> lines = Files.readAllLines(out.resolve("results.csv"));
        assertTrue(lines.get(2).startsWith(images.resolve("b-broken.png") + ",,,,,,,,,,,,,,,,,,"), lines.get(2));
        assertEquals(2, count(out.resolve("maps")));

        Files.copy(sandal, images.resolve("b-broken.png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        BatchReport retried = Batch.run(model, spec(ImageList.read(images), out), Device.CPU, BatchListener.NONE);
        assertEquals(new BatchReport(3, 2, 1, 0, out.resolve("results.csv").toRealPath()), retried);
        assertEquals(3, count(out.resolve("maps")));
    }

    /** An embedding model (its card's score is similarity) has no classes: its rows list none, and its maps run. */
    @Test
    void anEmbeddingModelsRowsHaveNoClassesAndTheirMapsAreSimilarityDrops() throws IOException {
        Path images = Files.createDirectory(dir.resolve("images"));
        Files.copy(sample("sandal"), images.resolve("sandal.png"));
        Path out = dir.resolve("out");
        try (TorchModel embedder = TorchModel.load(io.convscope.TestModels.path("embedder.pt"))) {
            BatchSpec spec = BatchSpec.of(ImageList.read(images), out).withEach(ImageSettings.defaults()
                    .withOcclusion(OcclusionSpec.defaults().withWindow(Size2.square(4), Size2.square(2))));
            BatchReport report = Batch.run(embedder, spec, Device.CPU, BatchListener.NONE);
            assertEquals(0, report.failed());
            BatchRow row = ResultsTable.read(new BatchFolder(out.toRealPath()), images.resolve("sandal.png"));
            assertEquals(List.of(), row.topClasses());
            assertEquals(1.0, row.baseScore(), 1e-6, "similarity of the output to itself");
            assertEquals(3, row.mapRows());
        }
    }

    @Test
    void aListNamesImagesRelativeToItsFolderSkipsCommentsAndBlankLinesAndKeepsEachImageOnce() throws IOException {
        Path list = dir.resolve("list.txt");
        Files.writeString(list, "# validation subset\nb.png\n\n  a/c.jpg  \nb.png\n/data/x.png\n");
        assertEquals(List.of(dir.resolve("b.png"), dir.resolve("a/c.jpg"), Path.of("/data/x.png")),
                ImageList.read(list).files());
    }

    @Test
    void aFolderGivesItsImageFilesAtAnyDepthSortedByPath() throws IOException {
        Files.createDirectories(dir.resolve("z"));
        for (String name : List.of("z/b.JPG", "a.png", "notes.txt", ".hidden.png", "c.webp")) {
            Files.writeString(dir.resolve(name), "");
        }
        assertEquals(List.of(dir.resolve("a.png"), dir.resolve("c.webp"), dir.resolve("z/b.JPG")),
                ImageList.read(dir).files());
    }

    @Test
    void keysAreStableAndTellApartImagesOfTheSameNameInDifferentFolders() {
        String a = BatchFolder.key(Path.of("/data/a/cat 1.png"));
        assertEquals(a, BatchFolder.key(Path.of("/data/a/../a/cat 1.png")));
        assertTrue(a.matches("cat_1-[0-9a-f]{8}"), a);
        assertFalse(a.equals(BatchFolder.key(Path.of("/data/b/cat 1.png"))));
    }

    @Test
    void csvQuotesFieldsWithCommasOrQuotesJoinsListsWithSemicolonsAndLeavesNullsEmpty() {
        BatchRow row = new BatchRow("/d/x.png", 4, 3, List.of(2, 0), List.of("a,b", "say \"c\""), List.of(0.75, 0.25),
                2, "a,b", 0.5, 1, 2, 0.125, 0, 1, "maps/x.npy", null, "full", 12.5, null);
        String csv = new String(new CsvTable().encode(List.of(row)), StandardCharsets.UTF_8);
        assertEquals("image,width,height,top_classes,top_labels,top_probs,target,label,base_score,map_rows,map_cols,"
                + "max_drop,max_drop_row,max_drop_col,map,overlay,engine,ms,error\r\n"
                + "/d/x.png,4,3,2;0,\"a,b;say \"\"c\"\"\",0.75;0.25,2,\"a,b\",0.5,1,2,0.125,0,1,maps/x.npy,,full,12.5,"
                + "\r\n", csv);
    }

    @Test
    void aRowReadsBackAsWritten() {
        BatchRow row = new BatchRow("/d/x.png", null, null, List.of(1), List.of("b"), List.of(1.0), 1, "b",
                0.9, 3, 3, 0.1, 2, 0, "maps/x.npy", "overlays/x.png", "incremental", 3.5, null);
        assertEquals(row, BatchRow.parse(row.json()));
        assertNull(BatchRow.parse("{\"width\": 3}".getBytes(StandardCharsets.UTF_8)), "not a row: no image");
    }

    private Path copySamples() throws IOException {
        Path images = Files.createDirectory(dir.resolve("images"));
        for (Path sample : BundledModel.samples()) {
            Files.copy(sample, images.resolve(sample.getFileName()));
        }
        return images;
    }

    private static List<String> sampleNames() {
        return BundledModel.samples().stream().map(p -> p.getFileName().toString()).sorted().toList();
    }

    private static Path sample(String part) {
        return BundledModel.samples().stream().filter(p -> p.getFileName().toString().contains(part)).findFirst()
                .orElseThrow();
    }

    private static long count(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(p -> !p.getFileName().toString().startsWith(".")).count();
        }
    }

    private static long hiddenScratchFiles(Path out) throws IOException {
        try (Stream<Path> files = Files.walk(out)) {
            return files.filter(p -> p.getFileName().toString().startsWith(".convscope-")).count();
        }
    }
}
