package io.convscope.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.convscope.ConvscopeException;
import io.convscope.TestModels;
import io.convscope.UsageException;

/** Loading TorchScript files, the layer inventory, layer lookup and reading weights out of LibTorch. */
class TorchModelTest {

    @Test
    void tinyModelInventoryHasPathsTypesAndShapesFromTheDryRun() {
        try (TorchModel model = TorchModel.load(TestModels.path("tiny.pt"))) {
            LayerInventory layers = model.layers();
            assertNull(layers.traceFailure());
            assertEquals(List.of("features", "features.0", "features.1", "features.2", "features.3", "features.4",
                    "avgpool", "classifier", "classifier.0", "classifier.1"),
                    layers.all().stream().map(LayerInfo::path).toList());
            assertArrayEquals(new long[] {1, 3, 8, 8}, layers.inputShape());
            assertArrayEquals(new long[] {1, 2}, layers.outputShape());
            LayerInfo conv0 = layers.find("0");
            assertEquals("Conv2d", conv0.type());
            assertArrayEquals(new long[] {2, 3, 2, 2}, conv0.weightShape());
            assertArrayEquals(new long[] {2}, conv0.biasShape());
            assertArrayEquals(new long[] {1, 2, 7, 7}, conv0.outputShape());
            assertEquals(0, layers.find("features.2").biasShape().length, "features.2 has no bias");
            assertArrayEquals(new long[] {1, 3, 6, 6}, layers.find("features.2").outputShape());
            assertArrayEquals(new long[] {1, 3, 3, 3}, layers.find("features.4").outputShape());
            assertArrayEquals(new long[] {1, 3, 1, 1}, layers.find("avgpool").outputShape());
            assertArrayEquals(new long[] {1, 3}, layers.find("classifier.0").outputShape());
            assertArrayEquals(new long[] {1, 2}, layers.find("classifier.1").outputShape());
            assertEquals("ReLU", layers.find("1").type());
            assertEquals(List.of("features.0", "features.2"),
                    layers.convolutions().stream().map(LayerInfo::path).toList());
            assertEquals(8, model.card().crop());
            assertEquals(List.of("a", "b"), model.card().labels());
        }
    }

    @Test
    void parameterCountSumsTheElementsOfEveryWeightAndBias() {
        // tiny: conv0 2x3x2x2 + bias 2, conv2 3x2x2x2 without bias, fc 2x3 + bias 2: 26 + 24 + 8.
        try (TorchModel tiny = TorchModel.load(TestModels.path("tiny.pt"))) {
            assertEquals(58, tiny.parameterCount());
        }
        // torchvision's AlexNet, as sum(p.numel() for p in model.parameters()) gives it.
        try (TorchModel alexnet = TorchModel.load(TestModels.path("alexnet.pt"))) {
            assertEquals(61_100_840, alexnet.parameterCount());
        }
    }

    @Test
    void convWeightsAreCopiedStraightFromTheTensorInPyTorchOrder() {
        try (TorchModel model = TorchModel.load(TestModels.path("tiny.pt"))) {
            ConvWeights w = ConvWeights.read(model, model.layers().findConvolution("0"));
            assertArrayEquals(new long[] {2, 3, 2, 2}, w.shape());
            for (int i = 0; i < 24; i++) {
                assertEquals(i, w.values()[i]);
            }
            assertEquals(13f, w.at(1, 0, 0, 1));
            ConvWeights second = ConvWeights.read(model, model.layers().findConvolution("features.2"));
            assertEquals(1.5f, second.at(0, 1, 1, 0));
            assertEquals(-4f, second.at(1, 0, 0, 0));
            assertEquals(-2f, second.at(2, 1, 1, 1));
        }
    }

    @Test
    void torchvisionArchitecturesHaveTheirConvolutionsWhereTorchvisionPutsThem() {
        try (TorchModel alexnet = TorchModel.load(TestModels.path("alexnet.pt"))) {
            assertEquals(List.of("features.0", "features.3", "features.6", "features.8", "features.10"),
                    alexnet.layers().convolutions().stream().map(LayerInfo::path).toList());
            assertArrayEquals(new long[] {64, 3, 11, 11}, alexnet.layers().find("0").weightShape());
            assertArrayEquals(new long[] {1, 64, 55, 55}, alexnet.layers().find("0").outputShape());
            assertArrayEquals(new long[] {1, 4096}, alexnet.layers().find("classifier.1").outputShape());
            assertArrayEquals(new long[] {1, 1000}, alexnet.layers().outputShape());
        }
        try (TorchModel resnet = TorchModel.load(TestModels.path("resnet18.pt"))) {
            LayerInventory layers = resnet.layers();
            assertArrayEquals(new long[] {64, 3, 7, 7}, layers.findConvolution("conv1").weightShape());
            assertArrayEquals(new long[] {1, 64, 56, 56}, layers.findConvolution("layer1.0.conv1").outputShape());
            // The shortcut branch sees the block's input, not its predecessor's output.
            assertArrayEquals(new long[] {128, 64, 1, 1}, layers.find("layer2.0.downsample.0").weightShape());
            assertArrayEquals(new long[] {1, 128, 28, 28}, layers.find("layer2.0.downsample.0").outputShape());
            assertArrayEquals(new long[] {1, 512, 1, 1}, layers.find("avgpool").outputShape());
            assertArrayEquals(new long[] {1, 1000}, layers.find("fc").outputShape());
            assertEquals(20, layers.convolutions().size());
        }
    }

    @Test
    void aBareIndexNeedsAFeaturesSequentialElseNamesAreSuggested() {
        try (TorchModel model = TorchModel.load(TestModels.path("named.pt"))) {
            UsageException e = assertThrows(UsageException.class, () -> model.layers().find("0"));
            assertEquals("layer 0: a bare index needs a top-level 'features' Sequential, which this model has not; "
                    + "name the layer instead, e.g. stem, block.0", e.getMessage());
            assertEquals("Conv2d", model.layers().findConvolution("block.0").type());
        }
    }

    @Test
    void layerLookupErrorsListTheConvolutionLayers() {
        try (TorchModel model = TorchModel.load(TestModels.path("tiny.pt"))) {
            assertEquals("layer 9 is out of range: 'features' has 5 layers (0..4); convolution layers: "
                    + "features.0, features.2",
                    assertThrows(UsageException.class, () -> model.layers().find("9")).getMessage());
            assertEquals("layer features.4 is a MaxPool2d, not a convolution; convolution layers: features.0, "
                    + "features.2",
                    assertThrows(UsageException.class, () -> model.layers().findConvolution("4")).getMessage());
            assertEquals("no layer named 'features.conv'; convolution layers: features.0, features.2",
                    assertThrows(UsageException.class, () -> model.layers().find("features.conv")).getMessage());
        }
    }

    @Test
    void filesThatAreNotTorchScriptAreRuntimeFailuresWithAHint() {
        for (String file : List.of("garbage.pt", "state_dict.pt")) {
            ConvscopeException e = assertThrows(ConvscopeException.class,
                    () -> TorchModel.load(TestModels.path(file)));
            assertEquals(1, e.exitCode());
            assertTrue(e.getMessage().startsWith(TestModels.path(file) + " is not a TorchScript model (LibTorch says: "),
                    e.getMessage());
            assertTrue(e.getMessage().endsWith("save one with torch.jit.script(model).save(path), not "
                    + "torch.save(model)"), e.getMessage());
            assertEquals(-1, e.getMessage().indexOf('\n'), "one line");
        }
    }

    @Test
    void aMissingModelFileIsAUsageError() {
        UsageException e = assertThrows(UsageException.class,
                () -> TorchModel.load(java.nio.file.Path.of("no/such/model.pt")));
        assertEquals("model file not found: no/such/model.pt (give the path of a TorchScript .pt file)",
                e.getMessage());
    }
}
