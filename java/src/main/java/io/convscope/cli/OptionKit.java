package io.convscope.cli;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;

import io.convscope.UsageException;

/** Small helpers for declaring and reading options, so each command stays a list of what it takes. */
final class OptionKit {
    private OptionKit() {
    }

    static Option flag(String name, String description) {
        return Option.builder().longOpt(name).desc(description).get();
    }

    static Option value(String name, String argName, String description) {
        return Option.builder().longOpt(name).hasArg().argName(argName).desc(description).get();
    }

    static Option required(String name, String argName, String description) {
        return Option.builder().longOpt(name).hasArg().argName(argName).desc(description).required().get();
    }

    /** A required option that takes one or more values: {@code --image a.png b.png}, or repeated. */
    static Option requiredValues(String name, String argName, String description) {
        return Option.builder().longOpt(name).hasArgs().argName(argName).desc(description).required().get();
    }

    static int intValue(CommandLine line, String name, int fallback) {
        String text = line.getOptionValue(name);
        if (text == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " takes a whole number, got '" + text + "'");
        }
    }

    /** An optional whole number that, when given, must be 1 or more ({@code fallback} when absent). */
    static int positiveInt(CommandLine line, String name, int fallback) {
        int value = intValue(line, name, fallback);
        if (line.hasOption(name) && value < 1) {
            throw new UsageException("--" + name + " must be 1 or more, got " + value + " (leave it out for the "
                    + "default)");
        }
        return value;
    }
}
