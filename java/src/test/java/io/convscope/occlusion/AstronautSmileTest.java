package io.convscope.occlusion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;

import io.convscope.Device;
import io.convscope.image.Input;
import io.convscope.model.BuiltinModel;
import io.convscope.model.Sample;
import io.convscope.model.TorchModel;

/**
 * The demo's story, as the README tells it: the expression net calls the astronaut's face happy, and the
 * occlusion map scored as its card says (the logit) is largest where a window hides the mouth. The probability
 * and the log-probability saturate on this face: no window moves them by 0.001.
 */
class AstronautSmileTest {
    /** Lips are the only pixels of the crop whose red exceeds their green by more than this. */
    private static final int LIP_REDNESS = 60;

    private static Sample astronaut() {
        return BuiltinModel.EXPRESSION.samples().stream().filter(s -> s.name().equals("astronaut-face.png"))
                .findFirst().orElseThrow();
    }

    /** {top, bottom, left, right} of the lip pixels, inclusive. */
    private static int[] mouth(Path image) throws IOException {
        BufferedImage picture = ImageIO.read(image.toFile());
        int[] box = {Integer.MAX_VALUE, -1, Integer.MAX_VALUE, -1};
        for (int y = 0; y < picture.getHeight(); y++) {
            for (int x = 0; x < picture.getWidth(); x++) {
                int rgb = picture.getRGB(x, y);
                if (((rgb >> 16) & 0xff) - ((rgb >> 8) & 0xff) > LIP_REDNESS) {
                    box = new int[] {Math.min(box[0], y), Math.max(box[1], y), Math.min(box[2], x),
                        Math.max(box[3], x)};
                }
            }
        }
        return box;
    }

    @Test
    void theLogitMapIsLargestWhereTheWindowHidesTheMouth() throws IOException {
        Sample sample = astronaut();
        int[] mouth = mouth(sample.file());
        // The lips found from the pixels: a band in the lower half, as wide as a mouth (rows 71..85, 38..65).
        assertTrue(mouth[0] > 56 && mouth[1] - mouth[0] < 25 && mouth[3] - mouth[2] > 15,
                java.util.Arrays.toString(mouth));
        try (TorchModel model = TorchModel.load(BuiltinModel.EXPRESSION.modelFile())) {
            OcclusionMap map = Occlusion.run(model, Input.file(sample.file()), OcclusionSpec.defaults(), Device.CPU)
                    .map();
            assertEquals(Score.LOGIT, map.spec().score(), "the expression net's card names the logit");
            assertEquals("happy", map.label());
            assertEquals(28, map.grid().window().height());
            int best = map.argmax();
            int top = map.grid().tops()[best / map.cols()];
            int left = map.grid().lefts()[best % map.cols()];
            double centreRow = top + (28 - 1) / 2.0;
            double centreCol = left + (28 - 1) / 2.0;
            assertTrue(centreRow >= mouth[0] && centreRow <= mouth[1] && centreCol >= mouth[2] && centreCol <= mouth[3],
                    "the largest drop's window, centred at (" + centreRow + ", " + centreCol + "), lies over the mouth "
                            + java.util.Arrays.toString(mouth));
            assertTrue(map.values()[best] > 0.5 * map.baseScore(), "hiding the mouth takes more than half the logit: "
                    + map.values()[best] + " of " + map.baseScore());
        }
    }

    @Test
    void theProbabilityAndTheLogProbabilitySaturateOnThisFace() {
        try (TorchModel model = TorchModel.load(BuiltinModel.EXPRESSION.modelFile())) {
            for (Score score : new Score[] {Score.PROB, Score.LOGPROB}) {
                OcclusionMap map = Occlusion.run(model, Input.file(astronaut().file()),
                        OcclusionSpec.defaults().withScore(score), Device.CPU).map();
                float largest = map.values()[map.argmax()];
                assertTrue(largest > 0 && largest < 1e-3, score.cliName() + " largest drop " + largest);
            }
        }
    }
}
