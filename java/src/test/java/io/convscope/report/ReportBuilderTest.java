package io.convscope.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.convscope.TestImages;
import io.convscope.UsageException;
import io.convscope.model.TorchModel;
import io.convscope.occlusion.OcclusionSpec;
import io.convscope.occlusion.Size2;
import io.convscope.predict.Prediction;

/** The report's computation on the tiny model, whose numbers are small enough to check by hand. */
class ReportBuilderTest {
    @TempDir
    Path dir;

    private Report build(ReportSpec spec, Path out) throws IOException {
        Files.createDirectories(out);
        try (TorchModel model = TorchModel.load(TinyReportModel.copyInto(dir))) {
            return new ReportBuilder(model, io.convscope.Device.CPU).build(spec, out);
        }
    }

    @Test
    void everyImageGetsPredictionsOcclusionReceptiveFieldAndActivations() throws IOException {
        Path red = TestImages.redDot(dir);
        Path black = TestImages.filled(dir, "black.png", 8, 0x000000);
        Path out = dir.resolve("report");
        Report report = build(ReportSpec.of(List.of(red, black)), out);

        ReportHeader h = report.header();
        assertEquals("tiny.pt", h.modelFile());
        assertEquals("tiny <test>", h.cardName());
        assertEquals(58, h.parameters());
        assertEquals("3x8x8", h.input());
        assertEquals("cpu", h.device());
        assertTrue(h.seconds() > 0);
        assertEquals(10, report.layers().size(), "every module of tiny");
        assertEquals("features.2", report.layer(), "the last convolution by default");
        assertEquals(new Size2(2, 2), report.occlusion().window(), "a quarter of 8");
        assertEquals(new Size2(1, 1), report.occlusion().stride(), "a sixteenth of 8, at least 1");

        assertEquals(List.of("filters-features-0-rgb.png", "filters-features-2-collated.png"),
                report.filters().stream().map(Figure::file).toList());
        assertEquals(List.of(), report.failures());
        ImageEntry.Analysis b = assertInstanceOf(ImageEntry.Analysis.class, report.images().get(1));
        assertEquals("black.png", b.name());
        // tiny on black: logits 0 and 0.5 (fc bias), so softmax 0.378 and 0.622; only two classes exist.
        assertEquals(List.of(1, 2), b.predictions().stream().map(Prediction::rank).toList());
        assertEquals("b", b.predictions().get(0).label());
        assertEquals(0.6225, b.predictions().get(0).probability(), 1e-4);
        assertEquals(TinyReportModel.LABEL, b.predictions().get(1).label());
        assertEquals("black-input.png", b.input().file());
        assertEquals(256, b.input().width(), "8 px shown 32x enlarged");
        assertEquals("Centre unit (2, 2) of features.2's 6x6 output sees rows 2..4 and columns 2..4: receptive field "
                + "3 px, jump 1, start 1. Outside it the image is dimmed; hatching marks where it reaches past the "
                + "edge.", b.receptiveField().caption());
        assertEquals("The 3 most active of the 3 feature maps of features.2 for black.png", b.activations().alt());
        assertTrue(b.occlusion().caption().contains("(stride 1, fill mean, 49 windows, incremental engine)"), b.occlusion().caption());

        List<String> written;
        try (Stream<Path> files = Files.list(out)) {
            written = files.map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertEquals(List.of("black-activations.png", "black-input.png", "black-occlusion.png", "black-rf.png",
                "filters-features-0-rgb.png", "filters-features-2-collated.png", "red-dot-activations.png",
                "red-dot-input.png", "red-dot-occlusion.png", "red-dot-rf.png"), written);
        for (ImageEntry.Analysis a : List.of((ImageEntry.Analysis) report.images().get(0), b)) {
            for (Figure f : List.of(a.input(), a.occlusion(), a.receptiveField(), a.activations())) {
                BufferedImage png = ImageIO.read(out.resolve(f.file()).toFile());
                assertEquals(f.width(), png.getWidth(), f.file());
                assertEquals(f.height(), png.getHeight(), f.file());
            }
        }
    }

    @Test
    void anImageThatCannotBeReadBecomesAFailureAndTheOthersAreStillAnalysed() throws IOException {
        Path good = TestImages.redDot(dir);
        Path missing = dir.resolve("missing.png");
        Path text = Files.writeString(dir.resolve("notes.png"), "not a picture");
        Report report = build(ReportSpec.of(List.of(missing, good, text)), dir.resolve("report"));

        assertEquals(3, report.images().size());
        assertEquals(new ImageEntry.Failure("missing.png", missing.toString(), null, "image not found: " + missing),
                report.images().get(0));
        assertInstanceOf(ImageEntry.Analysis.class, report.images().get(1));
        assertEquals(new ImageEntry.Failure("notes.png", text.toString(), null, "cannot read image " + text + ": not a "
                + "decodable image file (convscope reads PNG, JPEG, BMP, TIFF and WebP)"), report.images().get(2));
        assertEquals(2, report.failures().size());
        assertEquals(2, report.filters().size(), "the model's part of the page does not depend on the images");
    }

    @Test
    void twoImagesWithTheSameFileNameKeepTheirOwnPictures() throws IOException {
        Path a = TestImages.filled(Files.createDirectory(dir.resolve("a")), "x.png", 8, 0xffffff);
        Path b = TestImages.filled(Files.createDirectory(dir.resolve("b")), "x.png", 8, 0x000000);
        Report report = build(ReportSpec.of(List.of(a, b)), dir.resolve("report"));
        assertEquals(List.of("x-input.png", "x-2-input.png"), report.images().stream()
                .map(e -> ((ImageEntry.Analysis) e).input().file()).toList());
    }

    @Test
    void aLayerOrWindowThatCannotWorkFailsBeforeAnyPictureIsWritten() throws IOException {
        Path out = Files.createDirectories(dir.resolve("report"));
        Path image = TestImages.redDot(dir);
        try (TorchModel model = TorchModel.load(TinyReportModel.copyInto(dir))) {
            ReportBuilder builder = new ReportBuilder(model, io.convscope.Device.CPU);
            UsageException global = assertThrows(UsageException.class,
                    () -> builder.build(ReportSpec.of(List.of(image)).withLayer("avgpool"), out));
            assertEquals("every unit of avgpool (AdaptiveAvgPool2d) sees the whole input, so there is no receptive "
                    + "field to draw; pick a layer before the global pooling", global.getMessage());
            UsageException window = assertThrows(UsageException.class, () -> builder.build(ReportSpec
                    .of(List.of(image)).withOcclusion(OcclusionSpec.defaults().resolvedFor(8, false, model.card())
                            .withWindow(Size2.square(9),
                            Size2.square(1))), out));
            assertTrue(window.getMessage().contains("9"), window.getMessage());
        }
        try (Stream<Path> files = Files.list(out)) {
            assertEquals(0, files.count());
        }
    }
}
