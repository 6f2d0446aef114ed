package io.convscope.rf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.convscope.TestModels;
import io.convscope.UsageException;
import io.convscope.model.LayerInfo;
import io.convscope.model.LayerInventory;
import io.convscope.model.TorchModel;

/**
 * Receptive fields against values worked out by hand with r = r_in + (k' - 1) j_in, j = j_in s,
 * start = start_in + ((k' - 1) / 2 - p) j_in, from r = 1, j = 1, start = 0 (0-based pixel centres).
 */
class ReceptiveFieldsTest {

    /** size, jump, start and output size along both axes (the torchvision models are square). */
    private static void assertSquare(ReceptiveFields fields, LayerInventory layers, String path, long size,
                                     long jump, double start, long output) {
        ReceptiveField rf = fields.get(layers.find(path)).orElseThrow(() -> new AssertionError(path + " unknown"));
        assertFalse(rf.global(), path);
        for (ReceptiveField.Axis axis : List.of(rf.rows(), rf.cols())) {
            assertEquals(new ReceptiveField.Axis(size, jump, start, output), axis, path);
        }
    }

    /** Each computed output size must equal the map size of the inventory's dry forward pass. */
    private static void assertOutputSizesMatchTheDryRun(ReceptiveFields fields, LayerInventory layers) {
        assertOutputSizesMatchTheDryRunOf(fields, layers, 5);
    }

    private static void assertOutputSizesMatchTheDryRunOf(ReceptiveFields fields, LayerInventory layers,
                                                          int atLeast) {
        int checked = 0;
        for (LayerInfo layer : layers.all()) {
            ReceptiveField rf = fields.get(layer).orElse(null);
            if (rf != null && !rf.global()) {
                long[] shape = layer.outputShape();
                assertEquals(4, shape.length, layer.path());
                assertEquals(shape[2], rf.rows().outputSize(), layer.path());
                assertEquals(shape[3], rf.cols().outputSize(), layer.path());
                checked++;
            }
        }
        assertTrue(checked >= atLeast, checked + " layers checked");
    }

    private static void assertGlobal(ReceptiveFields fields, LayerInventory layers, String path) {
        assertTrue(fields.get(layers.find(path)).orElseThrow().global(), path + " is global");
    }

    @Test
    void zeroPaddingShiftsTheStartByWhatItAddsBeforeAndGrowsTheOutputByBothSides() {
        // ZeroPad2d((left 2, right 0, top 1, bottom 3)) on 9x9, then a 3x3 conv with stride 2 and no padding.
        try (TorchModel model = TorchModel.load(TestModels.path("padded.pt"))) {
            LayerInventory layers = model.layers();
            ReceptiveFields f = ReceptiveFields.of(layers);
            ReceptiveField pad = f.get(layers.find("features.0")).orElseThrow();
            // A window of 1: size and jump stay 1; the first output pixel is padding, 1 row and 2 columns before
            // the image; 9 + 1 + 3 = 13 rows and 9 + 2 + 0 = 11 columns.
            assertEquals(new ReceptiveField.Axis(1, 1, -1, 13), pad.rows());
            assertEquals(new ReceptiveField.Axis(1, 1, -2, 11), pad.cols());
            ReceptiveField conv = f.get(layers.find("features.1")).orElseThrow();
            // k 3, s 2 from there: size 3, jump 2, start moved by (3 - 1) / 2 = 1; (13 - 3) / 2 + 1 = 6 rows,
            // (11 - 3) / 2 + 1 = 5 columns.
            assertEquals(new ReceptiveField.Axis(3, 2, 0, 6), conv.rows());
            assertEquals(new ReceptiveField.Axis(3, 2, -1, 5), conv.cols());
            assertOutputSizesMatchTheDryRunOf(f, layers, 2);
        }
    }

    @Test
    void theExpressionNetsTensorFlowPaddingPutsTheFirstUnitOnPixelOne() {
        // face-api's "same" padding of a stride-2 3x3 conv on 112: one zero row and column after, none before.
        try (TorchModel model = TorchModel.load(io.convscope.model.BuiltinModel.EXPRESSION.modelFile())) {
            LayerInventory layers = model.layers();
            ReceptiveFields f = ReceptiveFields.of(layers);
            assertSquare(f, layers, "dense0.conv0.pad", 1, 1, 0, 113);
            assertSquare(f, layers, "dense0.conv0.conv", 3, 2, 1, 56);
            assertSquare(f, layers, "dense2", 99, 8, 7, 14);
            assertSquare(f, layers, "dense3", 211, 16, 15, 7);
            assertOutputSizesMatchTheDryRun(f, layers);
        }
    }

    @Test
    void alexnetFeaturesHaveTheFieldsOfTheDistillArticle() {
        try (TorchModel model = TorchModel.load(TestModels.path("alexnet.pt"))) {
            LayerInventory layers = model.layers();
            ReceptiveFields f = ReceptiveFields.of(layers);
            // conv1 k11 s4 p2: start = (11 - 1) / 2 - 2 = 3; pool k3 s2 adds (3 - 1) / 2 * 4 = 4; conv2 k5 p2 adds 0.
            assertSquare(f, layers, "features.0", 11, 4, 3, 55);
            assertSquare(f, layers, "features.1", 11, 4, 3, 55);
            assertSquare(f, layers, "features.2", 19, 8, 7, 27);
            assertSquare(f, layers, "features.3", 51, 8, 7, 27);
            assertSquare(f, layers, "features.5", 67, 16, 15, 13);
            assertSquare(f, layers, "features.6", 99, 16, 15, 13);
            assertSquare(f, layers, "features.8", 131, 16, 15, 13);
            assertSquare(f, layers, "features.10", 163, 16, 15, 13);
            assertSquare(f, layers, "features.12", 195, 32, 31, 6);
            assertSquare(f, layers, "features", 195, 32, 31, 6);
            // AdaptiveAvgPool2d((6, 6)) on a 6x6 map is the identity, so it keeps the field.
            assertSquare(f, layers, "avgpool", 195, 32, 31, 6);
            // torch.flatten in AlexNet's forward turns the maps into a vector before classifier.0 (Dropout).
            assertGlobal(f, layers, "classifier.0");
            assertGlobal(f, layers, "classifier.1");
            assertGlobal(f, layers, "classifier");
            assertOutputSizesMatchTheDryRun(f, layers);
        }
    }

    @Test
    void vgg16LastPoolSees212PixelsWithJump32() {
        try (TorchModel model = TorchModel.load(TestModels.path("vgg16.pt"))) {
            LayerInventory layers = model.layers();
            ReceptiveFields f = ReceptiveFields.of(layers);
            assertSquare(f, layers, "features.0", 3, 1, 0, 224);
            assertSquare(f, layers, "features.4", 6, 2, 0.5, 112);
            // Each 2x2 pool moves start by half its input jump: 0.5 + 1 + 2 + 4 + 8.
            assertSquare(f, layers, "features.30", 212, 32, 15.5, 7);
            assertSquare(f, layers, "features.28", 196, 16, 7.5, 14);
            assertOutputSizesMatchTheDryRun(f, layers);
        }
    }

    @Test
    void resnet18FollowsTheMainPathOfEachBlockAndReaches435() {
        try (TorchModel model = TorchModel.load(TestModels.path("resnet18.pt"))) {
            LayerInventory layers = model.layers();
            ReceptiveFields f = ReceptiveFields.of(layers);
            assertSquare(f, layers, "conv1", 7, 2, 0, 112);
            assertSquare(f, layers, "bn1", 7, 2, 0, 112);
            assertSquare(f, layers, "maxpool", 11, 4, 0, 56);
            assertSquare(f, layers, "layer1.0.conv1", 19, 4, 0, 56);
            assertSquare(f, layers, "layer1.0", 27, 4, 0, 56);
            assertSquare(f, layers, "layer1", 43, 4, 0, 56);
            assertSquare(f, layers, "layer2.0.conv1", 51, 8, 0, 28);
            // The shortcut's own field, from the block's input: a 1x1 stride-2 conv keeps r and doubles j.
            assertSquare(f, layers, "layer2.0.downsample.0", 43, 8, 0, 28);
            assertSquare(f, layers, "layer2.0", 67, 8, 0, 28);
            assertSquare(f, layers, "layer2", 99, 8, 0, 28);
            assertSquare(f, layers, "layer3", 211, 16, 0, 14);
            assertSquare(f, layers, "layer4.0.conv1", 243, 32, 0, 7);
            assertSquare(f, layers, "layer4", 435, 32, 0, 7);
            assertGlobal(f, layers, "avgpool");
            assertGlobal(f, layers, "fc");
            assertOutputSizesMatchTheDryRun(f, layers);
        }
    }

    @Test
    void dilationPaddingCeilModeAndANonSquareKernelMatchTheHandCalculation() {
        try (TorchModel model = TorchModel.load(TestModels.path("dilated.pt"))) {
            LayerInventory layers = model.layers();
            ReceptiveFields f = ReceptiveFields.of(layers);
            // 0: Conv2d k3 d2 p2 -> k' = 5: r = 1 + 4 = 5, start = 0 + (2 - 2) = 0, out 31 + 4 - 5 + 1 = 31.
            assertSquare(f, layers, "features.0", 5, 1, 0, 31);
            assertSquare(f, layers, "features.1", 5, 1, 0, 31);
            // 2.0: MaxPool2d k2 s2 ceil: r = 5 + 1 = 6, start = 0 + 0.5, out ceil(29 / 2) + 1 = 16.
            assertSquare(f, layers, "features.2.0", 6, 2, 0.5, 16);
            // 2.1: Conv2d k3 s2 p1 d3 -> k' = 7: r = 6 + 6 * 2 = 18, start = 0.5 + (3 - 1) * 2 = 4.5,
            // out floor((16 + 2 - 7) / 2) + 1 = 6.
            assertSquare(f, layers, "features.2.1", 18, 4, 4.5, 6);
            assertSquare(f, layers, "features.2", 18, 4, 4.5, 6);
            // 3.conv_a: kernel (3, 1), padding (1, 0): rows grow by 2 * 4, columns not at all.
            ReceptiveField convA = f.get(layers.find("features.3.conv_a")).orElseThrow();
            assertEquals(new ReceptiveField.Axis(26, 4, 4.5, 6), convA.rows());
            assertEquals(new ReceptiveField.Axis(18, 4, 4.5, 6), convA.cols());
            // 3.pool: AvgPool2d k3 s1 p1 adds 2 * 4 to both; the block ends there, the shortcut does not count.
            ReceptiveField block = f.get(layers.find("features.3")).orElseThrow();
            assertEquals(new ReceptiveField.Axis(34, 4, 4.5, 6), block.rows());
            assertEquals(new ReceptiveField.Axis(26, 4, 4.5, 6), block.cols());
            assertEquals("34x26", block.sizeText());
            assertEquals("4", block.jumpText());
            assertEquals("4.5", block.startText());
            assertSquare(f, layers, "features.3.downsample", 18, 4, 4.5, 6);
            assertGlobal(f, layers, "avgpool");
            assertGlobal(f, layers, "classifier.1");

            // Unit (0, 0) sees rows 4.5 -/+ 16.5 and cols 4.5 -/+ 12.5; the first pixel is minus the sum of
            // padding * jump: rows -(2 + 0 + 1 * 2 + 1 * 4 + 1 * 4) = -12, cols -(2 + 0 + 2 + 0 + 4) = -8.
            ReceptiveField.Region corner = block.region(0, 0);
            assertEquals(new ReceptiveField.Region(-12, -8, 21, 17), corner);
            assertEquals(new ReceptiveField.Region(0, 0, 21, 17), corner.clippedTo(31, 31));
            assertArrayEquals(new long[] {12, 8, 0, 0}, corner.overhang(31, 31));
            assertArrayEquals(new long[] {2, 2}, block.centreUnit());
            assertEquals(new ReceptiveField.Region(-4, 0, 29, 25), block.region(2, 2));
            assertOutputSizesMatchTheDryRun(f, layers);
        }
    }

    @Test
    void ceilModeRoundsUpUnlessTheLastWindowWouldStartInTheRightPadding() {
        assertEquals(15, ReceptiveFields.outputSize(31, 2, 2, 0, 0, false));
        assertEquals(16, ReceptiveFields.outputSize(31, 2, 2, 0, 0, true));
        // MaxPool2d(1, stride=2, ceil_mode=True) on 2 pixels: ceil(1 / 2) + 1 = 2 windows, but the second
        // would start at pixel 2, past the input, so PyTorch gives 1.
        assertEquals(1, ReceptiveFields.outputSize(2, 1, 2, 0, 0, true));
        assertEquals(0, ReceptiveFields.outputSize(3, 5, 1, 0, 0, false), "a kernel larger than the input");
    }

    @Test
    void anUnknownModuleTypeEndsTheKnownFields() {
        try (TorchModel model = TorchModel.load(TestModels.path("upsampled.pt"))) {
            LayerInventory layers = model.layers();
            ReceptiveFields f = ReceptiveFields.of(layers);
            assertSquare(f, layers, "features.0", 3, 1, 0, 224);
            assertTrue(f.get(layers.find("1")).isEmpty(), "Upsample is not followed");
            assertTrue(f.get(layers.find("2")).isEmpty(), "nor anything after it");
            UsageException e = assertThrows(UsageException.class, () -> f.located(layers.find("2")));
            assertEquals("the receptive field of features.2 (Conv2d) is unknown: convscope follows Conv2d, MaxPool2d, "
                    + "AvgPool2d, ZeroPad2d, adaptive pools, activations, BatchNorm, Dropout, Sequentials and residual "
                    + "blocks; pick an earlier layer (see convscope layers)", e.getMessage());
        }
    }

    @Test
    void theLastLocalConvolutionIsTheDeepestOneWhoseUnitsSeePartOfTheInput() {
        try (TorchModel alexnet = TorchModel.load(TestModels.path("alexnet.pt"))) {
            assertEquals("features.10", ReceptiveFields.of(alexnet.layers()).lastLocalConvolution().path());
        }
        try (TorchModel tiny = TorchModel.load(TestModels.path("tiny.pt"))) {
            assertEquals("features.2", ReceptiveFields.of(tiny.layers()).lastLocalConvolution().path());
        }
        // upsampled's last convolution comes after an Upsample, so its field is unknown: the first one it is.
        try (TorchModel upsampled = TorchModel.load(TestModels.path("upsampled.pt"))) {
            assertEquals("features.0", ReceptiveFields.of(upsampled.layers()).lastLocalConvolution().path());
        }
    }

    @Test
    void globalFieldsCannotBeDrawn() {
        try (TorchModel model = TorchModel.load(TestModels.path("dilated.pt"))) {
            ReceptiveFields f = ReceptiveFields.of(model.layers());
            UsageException e = assertThrows(UsageException.class,
                    () -> f.located(model.layers().find("classifier.1")));
            assertEquals("every unit of classifier.1 (Linear) sees the whole input, so there is no receptive field "
                    + "to draw; pick a layer before the global pooling", e.getMessage());
        }
    }
}
