package io.convscope.batch;

import java.nio.file.Path;

/**
 * How a batch went.
 *
 * @param images  images in the list, each one row of the table
 * @param skipped images an earlier run had done
 * @param ran     images this run analysed
 * @param failed  rows of the table with an error (from this run or, for rows kept, an earlier one)
 * @param table   the results table written
 */
public record BatchReport(int images, int skipped, int ran, int failed, Path table) {
}
