package io.convscope.occlusion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;


import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NamedTensor;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.named_parameter_iterator;
import org.bytedeco.pytorch.named_parameter_list;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import io.convscope.TestModels;
import io.convscope.UsageException;
import io.convscope.image.ImageLoader;
import io.convscope.image.InputImage;
import io.convscope.model.BuiltinModel;
import io.convscope.model.TorchModel;

/**
 * The incremental engine gives the full engine's map, on the models and grids the issue names, to float32
 * rounding: 1e-5 of the larger of the map's largest magnitude and the score's own (the base score). The second
 * term is there because oneDNN picks its convolution algorithm by shape, so a patch and a full tensor sum the
 * same products in another order (relative differences of 2e-6 after AlexNet's conv2, measured), and a map is a
 * small difference of large scores. A misplaced patch would be off by a good part of the map itself.
 * Random-weight torchvision nets are re-initialised He-style first: with PyTorch's default initialisation their
 * logits barely move under occlusion (maps of 1e-3 against logits of 1e-2).
 */
class IncrementalEngineTest {
    private static final double TOLERANCE = 1e-5;

    private static InputImage random(int c, int h, int w, long seed) {
        return OcclusionEngineTest.random(c, h, w, seed);
    }

    private static OcclusionSpec logits(int window, int stride) {
        return OcclusionSpec.defaults().withScore(Score.LOGIT).withFill(Fill.tensor(0f))
                .withWindow(Size2.square(window), Size2.square(stride));
    }

    /** Weights ~ N(0, 2 / fan_in): activations keep their scale through the layers (batch norms untouched). */
    private static void heInitialise(TorchModel model, long seed) {
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            torch.manual_seed(seed);
            named_parameter_list list = model.module().named_parameters(true);
            named_parameter_iterator end = list.end();
            for (named_parameter_iterator it = list.begin(); it.notEquals(end); it.increment()) {
                NamedTensor named = it.access();
                org.bytedeco.pytorch.Tensor p = named.value();
                if (p.dim() >= 2) {
                    double fanIn = p.numel() / (double) p.size(0);
                    p.normal_(0, Math.sqrt(2 / fanIn), new org.bytedeco.pytorch.GeneratorOptional());
                }
            }
        }
    }

    /** Both engines on windows [first, last) of the grid; returns the incremental run. */
    private static OcclusionMap assertEnginesAgree(TorchModel model, InputImage input, OcclusionSpec spec, int first,
                                                   int last) {
        OcclusionEngine engine = new OcclusionEngine(model, 2);
        OcclusionMap full = engine.runWindows(input, spec.withEngine(Engine.FULL), first, last);
        OcclusionMap incremental = engine.runWindows(input, spec.withEngine(Engine.INCREMENTAL), first, last);
        assertEquals(Engine.FULL, full.engine().engine());
        assertEquals(Engine.INCREMENTAL, incremental.engine().engine(), incremental.engine().note());
        assertEquals(full.baseScore(), incremental.baseScore());
        double largest = 0;
        double worst = 0;
        int scored = 0;
        for (int k = 0; k < full.windowScores().length; k++) {
            float a = full.windowScores()[k];
            float b = incremental.windowScores()[k];
            assertEquals(Float.isNaN(a), Float.isNaN(b), "window " + k + " scored by one engine only");
            if (!Float.isNaN(a)) {
                largest = Math.max(largest, Math.abs(full.baseScore() - a));
                worst = Math.max(worst, Math.abs(a - b));
                scored++;
            }
        }
        assertEquals(Math.min(last, full.grid().count()) - first, scored);
        assertTrue(largest > 1e-2, "the map must not be flat, or agreement proves nothing: largest " + largest);
        double scale = Math.max(largest, Math.abs(full.baseScore()));
        assertTrue(worst <= TOLERANCE * scale, "largest difference " + worst + " against largest |value| " + largest
                + " and base score " + full.baseScore());
        return incremental;
    }

    @Test
    void alexnetWindow50Stride10GivesTheFullEnginesMapAtAFractionOfTheWork() {
        try (TorchModel model = TorchModel.load(TestModels.path("alexnet.pt"))) {
            heInitialise(model, 1);
            OcclusionMap map = assertEnginesAgree(model, random(3, 224, 224, 7), logits(50, 10), 0, Integer.MAX_VALUE);
            EngineUse use = map.engine();
            assertEquals(714_188_480L, use.fullMacs(), "AlexNet's 714 M multiply-adds per 224x224 image");
            // Patches through conv3 (counted by hand: conv1 15x15, conv2 13x13 and conv3 10x10 outputs per window),
            // full tensors from conv4 on: 714.2 M - 70.3 M - 223.9 M - 112.1 M + 5.2 M + 51.9 M + 66.4 M.
            assertEquals(431_321_792L, use.engineMacs());
            assertEquals("patches through features.0..features.7, full tensors from features.8", use.note());
        }
    }

    @Test
    void alexnetWindow16Stride8AgreesAtTheBordersAndInside() {
        try (TorchModel model = TorchModel.load(TestModels.path("alexnet.pt"))) {
            heInitialise(model, 2);
            InputImage input = random(3, 224, 224, 8);
            // 27 x 27 windows: the first two rows (top border, both corners) and the last two.
            assertEnginesAgree(model, input, logits(16, 8), 0, 54);
            assertEnginesAgree(model, input, logits(16, 8), 27 * 25, 27 * 27);
        }
    }

    @Test
    void vgg16Window16AgreesInTheCorners() {
        try (TorchModel model = TorchModel.load(TestModels.path("vgg16.pt"))) {
            heInitialise(model, 3);
            InputImage input = random(3, 224, 224, 9);
            // 14 x 14 windows of 16 at stride 16 (VGG16 is slow on two cores: two corners' rows only).
            OcclusionMap map = assertEnginesAgree(model, input, logits(16, 16), 0, 6);
            assertTrue(map.engine().countedSpeedup() > 5, "VGG16 window 16: " + map.engine().countedSpeedup());
            assertEnginesAgree(model, input, logits(16, 16), 196 - 6, 196);
        }
    }

    @Test
    void theBundledModelAgreesOnASampleImage() {
        try (TorchModel model = TorchModel.load(BuiltinModel.FASHION.modelFile())) {
            InputImage image = ImageLoader.load(BuiltinModel.FASHION.sampleFiles().get(0), model.card());
            OcclusionSpec spec = OcclusionSpec.defaults().resolvedFor(image.height(), false, model.card())
                    .withScore(Score.LOGIT);
            assertEnginesAgree(model, image, spec, 0, Integer.MAX_VALUE);
        }
    }

    @Test
    void oddSizesRectangularWindowsAndEveryLinkKindAgree() {
        // chain_mix: batch norm, ceil_mode max-pool, dilation with groups, 'same' padding with an even kernel,
        // a padded avg-pool, LeakyReLU and Dropout, on a 67 x 67 input.
        try (TorchModel model = TorchModel.load(TestModels.path("chain_mix.pt"))) {
            InputImage input = random(3, 67, 67, 10);
            OcclusionMap square = assertEnginesAgree(model, input, logits(13, 5), 0, Integer.MAX_VALUE);
            assertEquals("patches through features.0..features.10, full tensors after the chain",
                    square.engine().note());
            OcclusionSpec rectangular = logits(13, 5).withWindow(new Size2(9, 15), new Size2(4, 6));
            assertEnginesAgree(model, input, rectangular, 0, Integer.MAX_VALUE);
        }
    }

    @Test
    void captumWindowsThatReachPastTheBorderAgree() {
        try (TorchModel model = TorchModel.load(TestModels.path("chain_mix.pt"))) {
            InputImage input = random(3, 67, 67, 11);
            OcclusionSpec captum = logits(13, 5).withMethod(Method.CAPTUM);
            OcclusionEngine engine = new OcclusionEngine(model, 2);
            OcclusionMap full = engine.run(input, captum.withEngine(Engine.FULL), Progress.NONE);
            OcclusionMap incremental = engine.run(input, captum.withEngine(Engine.INCREMENTAL), Progress.NONE);
            assertEquals(Engine.INCREMENTAL, incremental.engine().engine());
            // ceil((67 - 13) / 5) + 1 = 12 positions per axis; the last, at 55, is cut off at 67.
            assertEquals(12, full.grid().rows());
            assertEquals(55, full.grid().top(11));
            float largest = 0;
            for (int i = 0; i < full.values().length; i++) {
                largest = Math.max(largest, Math.abs(full.values()[i]));
            }
            assertTrue(largest > 1e-2, "largest " + largest);
            double scale = Math.max(largest, Math.abs(full.baseScore()));
            for (int i = 0; i < full.values().length; i++) {
                assertEquals(full.values()[i], incremental.values()[i], TOLERANCE * scale, "pixel " + i);
            }
        }
    }

    @Test
    void alexnetOnAnOddSizedInputAgreesWithTheCaptumMethod() {
        try (TorchModel model = TorchModel.load(TestModels.path("alexnet.pt"))) {
            heInitialise(model, 4);
            assertEnginesAgree(model, random(3, 67, 67, 12), logits(13, 5).withMethod(Method.CAPTUM), 0,
                    Integer.MAX_VALUE);
        }
    }

    @Test
    void resnetRunsItsStemOnPatchesWhenAskedButAutoKeepsTheFullEngine() {
        try (TorchModel model = TorchModel.load(TestModels.path("resnet18.pt"))) {
            heInitialise(model, 5);
            InputImage input = random(3, 112, 112, 13);
            OcclusionMap forced = assertEnginesAgree(model, input, logits(28, 14), 0, 10);
            assertEquals("patches through conv1..maxpool, full tensors after the chain", forced.engine().note());
            OcclusionMap auto = new OcclusionEngine(model, 2).runWindows(input, logits(28, 14), 0, 1);
            assertEquals(Engine.FULL, auto.engine().engine());
            assertTrue(auto.engine().note().startsWith("full: patches would save only 1.0"), auto.engine().note());
        }
    }

    @Test
    void autoPicksTheIncrementalEngineWhereItPays() {
        try (TorchModel model = TorchModel.load(TestModels.path("chain_mix.pt"))) {
            OcclusionMap map = new OcclusionEngine(model, 2).run(random(3, 67, 67, 14), logits(13, 5),
                    Progress.NONE);
            assertEquals(Engine.AUTO, map.spec().engine());
            assertEquals(Engine.INCREMENTAL, map.engine().engine());
            assertTrue(map.engine().countedSpeedup() > 2, "counted " + map.engine().countedSpeedup());
        }
    }

    @Test
    void aForwardThatDoesMoreThanItsModulesKeepsTheFullEngine() {
        // doubled.pt multiplies its features by 2 in forward: running its modules one by one misses that.
        try (TorchModel model = TorchModel.load(TestModels.path("doubled.pt"))) {
            InputImage input = random(3, 32, 32, 15);
            OcclusionMap auto = new OcclusionEngine(model, 2).run(input, logits(8, 4), Progress.NONE);
            assertEquals(Engine.FULL, auto.engine().engine());
            assertEquals("full: the model's forward does more than run its modules in order (their output differs "
                    + "from the model's)", auto.engine().note());
            UsageException e = assertThrows(UsageException.class, () -> new OcclusionEngine(model, 2)
                    .run(input, logits(8, 4).withEngine(Engine.INCREMENTAL), Progress.NONE));
            assertEquals("engine incremental does not apply to this model: the model's forward does more than "
                    + "run its modules in order (their output differs from the model's); use the full or auto engine",
                    e.getMessage());
        }
    }

    @Test
    void aModelThatStartsWithAnotherLayerHasNoChain() {
        try (TorchModel model = TorchModel.load(TestModels.path("upsample_first.pt"))) {
            OcclusionMap map = new OcclusionEngine(model, 2).run(random(3, 16, 16, 17), logits(4, 2),
                    Progress.NONE);
            assertEquals(Engine.FULL, map.engine().engine());
            assertEquals("full: the model does not start with a convolution or pool (it starts with features.0 "
                    + "(Upsample))", map.engine().note());
        }
    }

    @Test
    void patchesHoldLessMemoryThanTheFullEnginesChunk() {
        try (TorchModel model = TorchModel.load(TestModels.path("alexnet.pt"));
             PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            OcclusionSpec spec = logits(50, 10);
            InputImage input = random(3, 224, 224, 16);
            WindowGrid grid = WindowGrid.of(Method.GRID, 224, 224, spec.window(), spec.stride());
            org.bytedeco.pytorch.Tensor image = DeviceTensors.floats(input.tensor(), new long[] {1, 3, 224, 224},
                    new org.bytedeco.pytorch.Device(torch.DeviceType.CPU));
            int batch = 121;
            IncrementalScorer scorer;
            try {
                ChainDecomposition chain = ChainDecomposition.prove(model, image, model.forward(image));
                scorer = IncrementalScorer.plan(chain, grid, new float[3],
                        new org.bytedeco.pytorch.Device(torch.DeviceType.CPU), false, 2, batch, 0.8);
            } catch (ChainDecomposition.NotApplicable e) {
                throw new AssertionError(e.getMessage());
            }
            // The full engine's chunk holds at least its input and the chain's activations at once.
            long chainActivations = 0;
            org.bytedeco.pytorch.Tensor x = image;
            for (io.convscope.model.LeadingChain.Link link : io.convscope.model.LeadingChain.of(model).links()) {
                x = link.forward(x.clone());
                chainActivations += x.numel();
            }
            long fullChunkBytes = 4L * batch * (image.numel() + chainActivations);
            assertTrue(scorer.bufferBytes() < fullChunkBytes / 2,
                    scorer.bufferBytes() + " bytes of patch buffers against " + fullChunkBytes);
        }
    }

    @Test
    void imageInputsAgreeToo() {
        try (TorchModel model = TorchModel.load(BuiltinModel.FASHION.modelFile())) {
            InputImage image = ImageLoader.load(BuiltinModel.FASHION.sampleFiles().get(4), model.card());
            // Pixel-space fill: a mid-gray window, normalised with the card's statistics.
            OcclusionSpec spec = OcclusionSpec.defaults().resolvedFor(image.height(), false, model.card())
                    .withScore(Score.LOGIT)
                    .withFill(Fill.parse("0.5", false));
            assertEnginesAgree(model, image, spec, 0, Integer.MAX_VALUE);
        }
    }
}
