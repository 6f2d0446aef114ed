package io.convscope.cli;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.commons.cli.Options;

import io.convscope.ConvscopeException;

/**
 * The API names the setting an error is about in its own words ({@code target 5 is out of range});
 * on the command line the user typed a flag, so its first mention becomes the flag ({@code --target 5 is out
 * of range}).
 */
final class FlagNames {
    /** API fields whose flag is spelled differently; the others are the same word. */
    private static final Map<String, String> FLAGS = Map.of("maxPixels", "max-megapixels", "images", "image");

    private FlagNames() {
    }

    static String inMessage(ConvscopeException e, Options options) {
        String message = e.getMessage();
        String field = e.field();
        if (field == null) {
            return message;
        }
        String flag = FLAGS.getOrDefault(field, field);
        if (!options.hasLongOption(flag)) {
            return message;
        }
        Matcher first = Pattern.compile("(?<![\\w-])" + Pattern.quote(field) + "(?![\\w-])").matcher(message);
        return first.find() ? message.substring(0, first.start()) + "--" + flag + message.substring(first.end())
                : message;
    }
}
