package io.convscope;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Parses an option value into one of an enum's constants, by its lower-case name, or says what is allowed. */
public final class Choices {
    private Choices() {
    }

    /** The CLI spelling of a constant: its name in lower case. */
    public static String cliName(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    /** @param what the thing being chosen, for the message: "filter mode", "score" */
    public static <E extends Enum<E>> E parse(Class<E> type, String text, String what) {
        for (E value : type.getEnumConstants()) {
            if (cliName(value).equals(text.strip().toLowerCase(Locale.ROOT))) {
                return value;
            }
        }
        throw new UsageException("unknown " + what + " '" + text + "'; choose one of: "
                + Arrays.stream(type.getEnumConstants()).map(Choices::cliName).collect(Collectors.joining(", ")));
    }
}
