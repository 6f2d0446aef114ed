package io.convscope;

/**
 * A failure the user can act on: the message is one line that names the problem and, where there is one,
 * the fix. The CLI prints it without a stack trace and exits with {@link #exitCode()}.
 *
 * <p>A message about one setting of a spec starts with that setting's name, in the API's words
 * ({@code "target 5000 is out of range 0..999"}), and {@link #field()} names it: a front end maps it to its own
 * spelling (the CLI to {@code --target}).
 */
public class ConvscopeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String field;

    public ConvscopeException(String message) {
        this(null, message, null);
    }

    public ConvscopeException(String message, Throwable cause) {
        this(null, message, cause);
    }

    /** A failure about the setting {@code field}, whose name begins {@code message}. */
    public ConvscopeException(String field, String message, Throwable cause) {
        super(message, cause);
        this.field = field;
    }

    /** The setting the message is about (a spec field such as {@code target} or {@code window}), or null. */
    public String field() {
        return field;
    }

    /** 1: the input was well-formed but the work failed (an unreadable file, a model that will not run). */
    public int exitCode() {
        return 1;
    }
}
