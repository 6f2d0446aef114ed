package io.convscope.model;

import java.nio.file.Path;

/**
 * One sample image of a built-in model, as {@code models/samples/index.txt} lists it.
 *
 * @param file    the image on disk (in the built-in model's cache folder)
 * @param model   the built-in model it is a sample of ({@code expression})
 * @param licence the image's licence ({@code public domain}, {@code CC0}, {@code MIT})
 * @param source  who made it and how it became the sample (crop box, resizing, script)
 */
public record Sample(Path file, String model, String licence, String source) {
    /** The file name, as the page heads the image's section. */
    public String name() {
        return file.getFileName().toString();
    }

    /** Source and licence in one line, for a page or a listing. */
    public String credit() {
        return source + ". Licence: " + licence + ".";
    }
}
