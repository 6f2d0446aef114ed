package io.convscope.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.convscope.ConvscopeException;
import io.convscope.UsageException;
import io.convscope.model.ModelCard;

/** Top-k order, softmax probabilities and where class names come from. */
class PredictionsTest {
    @TempDir
    Path dir;

    private static final List<String> NAMES = List.of("cat", "dog", "fox", "owl");

    @Test
    void topKIsSortedByScoreWithSoftmaxProbabilities() {
        // exp(0), exp(ln 2), exp(ln 3), exp(0) = 1, 2, 3, 1: probabilities 1/7, 2/7, 3/7, 1/7.
        float[] scores = {0f, (float) Math.log(2), (float) Math.log(3), 0f};
        List<Prediction> top = Predictions.topK(scores, NAMES, 3);
        assertEquals(3, top.size());
        assertEquals(List.of(2, 1, 0), top.stream().map(Prediction::index).toList(), "equal scores: lower index first");
        assertEquals(List.of("fox", "dog", "cat"), top.stream().map(Prediction::label).toList());
        assertEquals(List.of(1, 2, 3), top.stream().map(Prediction::rank).toList());
        assertEquals(3 / 7.0, top.get(0).probability(), 1e-6);
        assertEquals(2 / 7.0, top.get(1).probability(), 1e-6);
        assertEquals(1 / 7.0, top.get(2).probability(), 1e-6);
        assertEquals(Math.log(3), top.get(0).score(), 1e-6);
    }

    @Test
    void largeScoresDoNotOverflowAndKIsCappedAtTheClassCount() {
        // exp(1000) overflows a double; softmax after subtracting the maximum does not. The scores are floats,
        // whose spacing near 1000 is 6e-5, hence the tolerance.
        List<Prediction> top = Predictions.topK(new float[] {1000f, 1000f + (float) Math.log(3), 0f, 0f}, NAMES, 10);
        assertEquals(4, top.size());
        assertEquals(0.75, top.get(0).probability(), 1e-4);
        assertEquals(0.25, top.get(1).probability(), 1e-4);
        assertEquals(0.0, top.get(3).probability(), 1e-12);
        assertEquals("topk must be 1 or more, got 0",
                assertThrows(UsageException.class, () -> Predictions.topK(new float[4], NAMES, 0)).getMessage());
    }

    @Test
    void labelsFileMustExistAndNameEveryClass() throws IOException {
        Path missing = dir.resolve("nope.txt");
        assertEquals("labels file not found: " + missing + " (a labels file is a text file with one class name per "
                + "line)", assertThrows(UsageException.class, () -> ClassNames.read(missing, 4)).getMessage());
        Path three = Files.writeString(dir.resolve("three.txt"), "cat\ndog\nfox\n");
        assertEquals("labels file " + three + " has 3 lines but the model outputs 4 scores; give one class name "
                + "per line, in output order",
                assertThrows(UsageException.class, () -> ClassNames.read(three, 4)).getMessage());
        Path gap = Files.writeString(dir.resolve("gap.txt"), "cat\n\nfox\nowl");
        assertEquals("labels file " + gap + ": line 2 is empty; give one class name per line",
                assertThrows(UsageException.class, () -> ClassNames.read(gap, 4)).getMessage());
        Path good = Files.writeString(dir.resolve("good.txt"), " cat\ndog\nfox \nowl\n\n");
        assertEquals(NAMES, ClassNames.read(good, 4));
    }

    @Test
    void namesComeFromTheFileThenTheCardThenImagenetThenIndices() throws IOException {
        ModelCard labelled = new ModelCard("m", 3, 8, 8, 8, 8, new float[3], new float[] {1, 1, 1},
                List.of("a", "b"));
        ModelCard bare = ModelCard.imagenetDefaults("m");
        Path file = Files.writeString(dir.resolve("two.txt"), "x\ny\n");
        assertEquals(List.of("x", "y"), ClassNames.forModel(labelled, 2, file).names());
        assertEquals(List.of("a", "b"), ClassNames.forModel(labelled, 2, null).names());
        List<String> imagenet = ClassNames.forModel(bare, 1000, null).names();
        assertEquals(1000, imagenet.size());
        assertEquals("tench", imagenet.get(0));
        assertEquals("tabby", imagenet.get(281));
        assertEquals("toilet tissue", imagenet.get(999));
        assertEquals(List.of("class 0", "class 1", "class 2"), ClassNames.forModel(bare, 3, null).names());
        ConvscopeException e = assertThrows(ConvscopeException.class, () -> ClassNames.forModel(labelled, 3, null));
        assertEquals(1, e.exitCode());
        assertEquals("the model card of m names 2 labels but the model outputs 3 scores; fix the card's \"labels\" or "
                + "give a labels file", e.getMessage());
    }
}
