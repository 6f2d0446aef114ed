package io.convscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.convscope.TestModels;

/**
 * The bad-input corpus: every case is a command line over a generated bad input (an image, a .npy tensor, a
 * model, an argument or an output path), the exit code it must give, and a pattern its one-line error must
 * match. Every case also must leave its folder exactly as it was: no output, no scratch file, no empty folder.
 * In the arguments, {@code @name} is a file in the case's folder (see {@link HostileInputs}) and
 * {@code model:name} a test model.
 */
class HostileInputCorpusTest {
    record Case(String name, int exit, String pattern, String... args) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Case usage(String name, String pattern, String... args) {
        return new Case(name, 2, pattern, args);
    }

    private static Case runtime(String name, String pattern, String... args) {
        return new Case(name, 1, pattern, args);
    }

    private static final String[] ACT = {"activations", "--layer", "0", "--image", "@ok.png", "--out", "@a.png"};

    private static String[] act(String... more) {
        return concat(ACT, more);
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private static String[] occlusionNpy(String file) {
        return new String[] {"occlusion", "--input", "@" + file, "--out", "@o.png"};
    }

    private static String[] predict(String image) {
        return new String[] {"predict", "--image", "@" + image};
    }

    static Stream<Case> corpus() {
        String longName = "n".repeat(300) + ".png";
        return Stream.of(
                // Images: damaged files are refused before decoding, huge ones before they are allocated.
                runtime("truncated JPEG", "truncated\\.jpg: the JPEG file is truncated or damaged \\(it ends before "
                        + "its end-of-image marker\\); export it again", predict("truncated.jpg")),
                runtime("JPEG header only", "header-only\\.jpg: the JPEG file is truncated or damaged",
                        predict("header-only.jpg")),
                runtime("truncated PNG", "truncated\\.png: the PNG file is truncated or damaged \\(it ends inside its "
                        + "IDAT chunk\\)", predict("truncated.png")),
                runtime("PNG with a wrong checksum", "bad-crc\\.png: the PNG file is truncated or damaged \\(the "
                        + "checksum of its IDAT chunk is wrong\\)", predict("bad-crc.png")),
                usage("30000 x 30000 PNG", "bomb-30000\\.png is 30000 x 30000 = 900\\.0 megapixels, over the limit "
                        + "of 100\\.0 megapixels", predict("bomb-30000.png")),
                usage("40000 x 40000 PNG", "bomb-40000\\.png is 40000 x 40000 = 1600\\.0 megapixels",
                        predict("bomb-40000.png")),
                usage("20000 x 20000 BMP", "bomb\\.bmp is 20000 x 20000 = 400\\.0 megapixels", predict("bomb.bmp")),
                usage("a raised limit still below the image", "over the limit of 500\\.0 megapixels",
                        concat(predict("bomb-30000.png"), "--max-megapixels", "500")),
                usage("a limit below a small image", "ok\\.png is 64 x 64 = 0\\.0 megapixels, over the limit of "
                        + "0\\.0 megapixels", concat(predict("ok.png"), "--max-megapixels", "0.001")),
                usage("--max-megapixels 0", "--max-megapixels takes a number of megapixels", concat(predict("ok.png"),
                        "--max-megapixels", "0")),
                usage("--max-megapixels words", "--max-megapixels takes a number of megapixels from 0\\.000001 to "
                        + "1000000 \\(default 100\\), got 'lots'",
                        concat(predict("ok.png"), "--max-megapixels", "lots")),
                usage("--resize 100000", "resizing the 64x64 image to 100000 px on its shorter side makes it "
                        + "100000x100000, over the limit of 100\\.0 megapixels; use a smaller resize",
                        concat(predict("ok.png"), "--resize", "100000")),
                runtime("empty image file", "cannot read image .*empty\\.png: not a decodable image file",
                        predict("empty.png")),
                runtime("text named .png", "text\\.png: not a decodable image file", predict("text.png")),
                runtime("random bytes named .jpg", "random\\.jpg: not a decodable image file", predict("random.jpg")),
                usage("missing image", "image not found: .*absent\\.png", predict("absent.png")),
                runtime("truncated JPEG in activations", "the JPEG file is truncated", "activations", "--layer", "0",
                        "--image", "@truncated.jpg", "--out", "@a.png", "--npy", "@a.npy"),
                usage("bomb in occlusion", "900\\.0 megapixels", "occlusion", "--image", "@bomb-30000.png", "--out",
                        "@o.png", "--json", "@o.json"),
                usage("bomb in rf", "900\\.0 megapixels", "rf", "--layer", "dense0", "--image", "@bomb-30000.png",
                        "--out", "@r.png"),

                // .npy tensors: the header is checked whole, and the messages speak of the file.
                usage("npy without magic", "magicless\\.npy is not a \\.npy file", occlusionNpy("magicless.npy")),
                usage("npy of 7 bytes", "tiny\\.npy is not a \\.npy file", occlusionNpy("tiny.npy")),
                usage("npy version 9", "version9\\.npy is \\.npy format version 9\\.0, and convscope reads 1\\.0 to "
                        + "3\\.0", occlusionNpy("version9.npy")),
                usage("npy header length past the end", "huge-header\\.npy is truncated: it ends inside its \\.npy "
                        + "header", occlusionNpy("huge-header.npy")),
                usage("npy header not a dict", "not-a-dict\\.npy has a damaged \\.npy header",
                        occlusionNpy("not-a-dict.npy")),
                usage("npy structured dtype", "structured\\.npy holds a structured dtype \\(named fields\\)",
                        occlusionNpy("structured.npy")),
                usage("npy float64", "float64\\.npy holds dtype '<f8', and convscope reads float32",
                        occlusionNpy("float64.npy")),
                usage("npy Fortran order", "fortran\\.npy is in Fortran order", occlusionNpy("fortran.npy")),
                usage("npy shape with words", "words-shape\\.npy has a \\.npy shape \\(3, sixty, 64\\) that is not a "
                        + "tuple of whole numbers", occlusionNpy("words-shape.npy")),
                usage("npy negative shape", "negative-shape\\.npy has a \\.npy shape \\(3, -64, 64\\) that is not a "
                        + "tuple of whole numbers", occlusionNpy("negative-shape.npy")),
                usage("npy shape too large", "overflow-shape\\.npy has shape 99999999999 x 99999999999 x 3, more "
                        + "than the \\d+ values convscope reads", occlusionNpy("overflow-shape.npy")),
                usage("npy without shape", "no-shape\\.npy has a \\.npy header without a valid 'shape' entry",
                        occlusionNpy("no-shape.npy")),
                usage("npy with too little data", "short-data\\.npy has shape 3 x 64 x 64, which needs 49152 bytes "
                        + "of float32 data, but only 1000 bytes follow its header \\(the file is truncated\\)",
                        occlusionNpy("short-data.npy")),
                usage("npy with extra data", "long-data\\.npy has shape 3 x 64 x 64, which needs 49152 bytes of "
                        + "float32 data, but 49160 bytes follow", occlusionNpy("long-data.npy")),
                usage("npy with an empty dimension", "empty-dim\\.npy has shape 3x64x0, with an empty dimension",
                        occlusionNpy("empty-dim.npy")),
                usage("npy holding NaN", "input tensor .*nan\\.npy holds NaN at flat index 100 of 12288; every value "
                        + "must be a finite number", occlusionNpy("nan.npy")),
                usage("npy holding -Infinity", "inf\\.npy holds -Infinity at flat index 5", occlusionNpy("inf.npy")),
                usage("npy with 2 channels", "two-channels\\.npy has 2 channels", occlusionNpy("two-channels.npy")),
                usage("npy of 2 dimensions", "flat\\.npy has shape 64x64; give C x H x W", occlusionNpy("flat.npy")),

                // Models: what they are and what they output.
                runtime("predict on a 4-D output", "the model outputs shape 1x2x8x8, and predicting classes needs one "
                        + "row of class scores \\(1 x K\\)", "predict", "--model", "model:segmenter.pt", "--image",
                        "@ok.png"),
                runtime("occlusion on a 4-D output", "the model outputs shape 1x2x8x8, and occlusion needs one row",
                        "occlusion", "--model", "model:segmenter.pt", "--image", "@ok.png", "--out", "@o.png"),
                runtime("predict on NaN outputs", "the model's output holds NaN at flat index 0 of 2", "predict",
                        "--model", "model:nan_out.pt", "--image", "@ok.png"),
                runtime("occlusion on NaN outputs, three outputs", "the model's output for the unoccluded input holds "
                        + "NaN", "occlusion", "--model", "model:nan_out.pt", "--image", "@ok.png", "--out", "@o.png",
                        "--npy", "@o.npy", "--json", "@o.json"),
                runtime("garbage model", "is not a TorchScript model", "predict", "--model", "model:garbage.pt",
                        "--image", "@ok.png"),
                runtime("state_dict model", "is not a TorchScript model", "predict", "--model", "model:state_dict.pt",
                        "--image", "@ok.png"),
                usage("missing model", "model file not found: .*absent\\.pt", "predict", "--model", "@absent.pt",
                        "--image", "@ok.png"),
                usage("model that is a folder", "it is not a readable regular file", "predict", "--model", "@",
                        "--image", "@ok.png"),

                // Arguments.
                usage("repeated --out", "--out is given more than once \\('.*a\\.png', '.*b\\.png'\\); give it once",
                        act("--out", "@b.png")),
                usage("repeated --layer", "--layer is given more than once", act("--layer", "3")),
                usage("repeated --model", "--model is given more than once", "predict", "--image", "@ok.png",
                        "--model", "model:tiny.pt", "--model", "model:segmenter.pt"),
                usage("--batch 0", "--batch must be 1 or more, got 0", "occlusion", "--image", "@ok.png", "--out",
                        "@o.png", "--batch", "0"),
                usage("--scale 0 on activations", "--scale must be 1 or more, got 0", act("--scale", "0")),
                usage("--scale 0 on filters", "--scale must be 1 or more, got 0", "filters", "--layer", "0", "--out",
                        "@f.png", "--scale", "0"),
                usage("--top 0", "--top must be 1 or more, got 0", act("--top", "0")),
                usage("--topk 0", "--topk must be 1 or more, got 0", concat(predict("ok.png"), "--topk", "0")),
                usage("--resize 0", "--resize must be 1 or more, got 0", concat(predict("ok.png"), "--resize", "0")),
                usage("--threads -1", "--threads must be 1 or more", concat(predict("ok.png"), "--threads", "-1")),
                usage("--batch words", "--batch takes a whole number, got 'many'", "occlusion", "--image", "@ok.png",
                        "--out", "@o.png", "--batch", "many"),
                usage("--window 0", "window", "occlusion", "--image", "@ok.png", "--out", "@o.png", "--window", "0"),
                usage("stride larger than window", "stride", "occlusion", "--image", "@ok.png", "--out", "@o.png",
                        "--window", "8", "--stride", "9"),
                usage("--target out of range", "--target 99 is out of range", "occlusion", "--image", "@ok.png",
                        "--out", "@o.png", "--target", "99"),
                usage("occlusion with no output", "nothing to write: give --out F.png, --npy F.npy or --json F.json",
                        "occlusion", "--image", "@ok.png"),
                usage("occlusion with image and tensor", "give exactly one of --image I or --input X.npy",
                        "occlusion", "--image", "@ok.png", "--input", "@ok.npy", "--out", "@o.png"),
                usage("unknown option", "Unrecognized option: --colour", act("--colour", "red")),
                usage("unknown command", "unknown command 'explain'", "explain"),

                // Output paths: checked before any work; a failing command writes nothing.
                usage("--out with a .jpg name", "cannot write .*a\\.jpg: this output is written as \\.png and the "
                        + "format follows the file name; name it \\*\\.png", "activations", "--layer", "0", "--image",
                        "@ok.png", "--out", "@a.jpg"),
                usage("--npy with a .png name", "o\\.png: this output is written as \\.npy", "occlusion", "--image",
                        "@ok.png", "--npy", "@o.png"),
                usage("--json with a .txt name", "o\\.txt: this output is written as \\.json", "occlusion", "--image",
                        "@ok.png", "--json", "@o.txt"),
                usage("--out is a folder", "is a folder; give a file name ending in \\.png", "rf", "--layer", "0",
                        "--out", "@"),
                usage("--out in a missing folder", "folder .*missing does not exist; create it first", "rf", "--layer",
                        "0", "--out", "@missing/r.png"),
                usage("--npy into /proc leaves no PNG", "cannot write /proc/a\\.npy: folder /proc does not take new "
                        + "files; choose another folder", act("--npy", "/proc/a.npy")),
                usage("--json into /proc leaves no PNG", "cannot write /proc/o\\.json", "occlusion", "--image",
                        "@ok.png", "--out", "@o.png", "--json", "/proc/o.json"),
                usage("a 300-character file name", "the file name is 304 characters long, and file systems take at "
                        + "most 255 bytes; use a shorter name", "rf", "--layer", "0", "--out", "@" + longName),
                usage("report --out is a file", "ok\\.png is a file; give a folder", "report", "--image", "@ok.png",
                        "--out", "@ok.png"),
                usage("report into /proc", "cannot write /proc/rep: folder /proc does not take new files", "report",
                        "--image", "@ok.png", "--out", "/proc/rep"),
                usage("report into a missing parent", "folder .*missing does not exist; create it first", "report",
                        "--image", "@ok.png", "--out", "@missing/rep"),
                usage("report with a bad layer leaves no folder", "layer 99 is out of range", "report", "--image",
                        "@ok.png", "--out", "@rep", "--layer", "99", "--model", "builtin:fashion"),
                usage("report with a window too large leaves no folder", "window", "report", "--image", "@ok.png",
                        "--out", "@rep", "--window", "500"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void failsWithOneLineAndLeavesNothing(Case c, @TempDir Path dir) throws IOException {
        HostileInputs.writeAll(dir);
        Map<String, String> before = snapshot(dir);
        CliRun run = CliRun.of(resolve(c.args(), dir));
        assertEquals(c.exit(), run.exitCode(), c.name() + ": " + run.err());
        assertEquals(1, run.err().lines().count(), "one line on stderr: " + run.err());
        assertTrue(run.err().matches("convscope( " + c.args()[0] + ")?: error: .*\\n"), run.err());
        assertTrue(Pattern.compile(c.pattern()).matcher(run.err()).find(),
                "'" + run.err().strip() + "' should match /" + c.pattern() + "/");
        assertFalse(run.err().contains("Exception") || run.err().contains("\tat "), "no internals: " + run.err());
        assertEquals(before, snapshot(dir), "the folder is left as it was");
    }

    @Test
    void corpusHasAtLeastSixtyCases() {
        assertTrue(corpus().count() >= 60, "cases: " + corpus().count());
    }

    private static String[] resolve(String[] args, Path dir) {
        List<String> out = new ArrayList<>();
        for (String a : args) {
            out.add(a.startsWith("@") ? dir.resolve(a.substring(1)).toString()
                    : a.startsWith("model:") ? TestModels.path(a.substring(6)).toString() : a);
        }
        return out.toArray(String[]::new);
    }

    /** Every path under {@code dir}, hidden ones too, with its size and modification time. */
    private static Map<String, String> snapshot(Path dir) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.toList()) {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                // A folder's time changes when a probe file comes and goes; its entries are what count.
                files.put(dir.relativize(p).toString(), a.isDirectory() ? "folder"
                        : a.size() + " bytes, modified " + a.lastModifiedTime());
            }
        }
        return files;
    }
}
