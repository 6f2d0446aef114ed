package io.convscope.report;

/**
 * A picture of the report, already written as a PNG beside the page.
 *
 * @param file    its file name in the report folder (letters, digits, {@code . _ -} only, so it needs no URL
 *                escaping)
 * @param width   its width in pixels
 * @param height  its height in pixels
 * @param alt     what it shows, for readers who cannot see it
 * @param caption the numbers behind it, in words
 */
public record Figure(String file, int width, int height, String alt, String caption) {
}
