package io.convscope.model;

import java.util.ArrayList;
import java.util.List;

import io.convscope.ConvscopeException;

/**
 * Reads {@code models/samples/index.txt}: one sample a line, {@code file | model | licence | source}, in page
 * order; blank lines and lines starting with {@code #} are comments. Every sample carries its licence, so a page
 * that shows it can credit it.
 */
final class SampleIndex {
    /** A line of the index, before the file is placed on disk. */
    record Entry(String file, String model, String licence, String source) {
    }

    private SampleIndex() {
    }

    static List<Entry> parse(String text) {
        List<Entry> entries = new ArrayList<>();
        int number = 0;
        for (String line : text.split("\n", -1)) {
            number++;
            String stripped = line.strip();
            if (stripped.isEmpty() || stripped.startsWith("#")) {
                continue;
            }
            String[] fields = stripped.split("\\s*\\|\\s*", 4);
            if (fields.length != 4 || fields[0].isEmpty() || fields[0].contains("/") || fields[1].isEmpty()
                    || fields[2].isEmpty() || fields[3].isEmpty()) {
                throw new ConvscopeException("samples/index.txt line " + number + " is not 'file | model | licence "
                        + "| source': '" + stripped + "'");
            }
            entries.add(new Entry(fields[0], fields[1], fields[2], fields[3]));
        }
        return entries;
    }
}
