package io.convscope;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The value an analysis returns, which can write itself: each format it offers ({@link #formats()}, as file
 * extensions such as ".png") is one encoding of the same result. Writing several files is all or none (see
 * {@link Outputs}): a failure leaves every target as it was.
 */
public interface Result {
    /** The formats {@link #encode} takes, as lower-case file extensions: ".png", ".npy", ".json". */
    List<String> formats();

    /** This result in {@code format}, one of {@link #formats()}. */
    byte[] encode(String format);

    /**
     * Writes this result to each file in the format its name ends with; files are checked first (see
     * {@link OutputFile#check}), so a wrong name or folder fails before anything is written.
     */
    default void write(Path... files) {
        OutputFile[] checked = new OutputFile[files.length];
        for (int i = 0; i < files.length; i++) {
            checked[i] = OutputFile.check(files[i], formatOf(files[i]));
        }
        write(checked);
    }

    /** Writes this result to files already checked; null entries (outputs not asked for) are skipped. */
    default void write(OutputFile... files) {
        Outputs outputs = new Outputs();
        for (OutputFile file : files) {
            if (file != null) {
                if (!formats().contains(file.format())) {
                    throw new UsageException("cannot write " + file.given() + " as " + file.format() + ": this result "
                            + "is written as " + String.join(", ", formats()));
                }
                outputs.add(file, encode(file.format()));
            }
        }
        outputs.write();
    }

    private String formatOf(Path file) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        for (String format : formats()) {
            if (name.endsWith(format)) {
                return format;
            }
        }
        throw new UsageException("cannot write " + file + ": the format follows the file name, and this result is "
                + "written as " + String.join(", ", formats()) + "; name the file accordingly");
    }
}
