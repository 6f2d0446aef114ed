package io.convscope;

/**
 * A failure the user can act on: the message is one line that names the problem and, where there is one,
 * the fix. The CLI prints it without a stack trace and exits with {@link #exitCode()}.
 */
public class ConvscopeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConvscopeException(String message) {
        super(message);
    }

    public ConvscopeException(String message, Throwable cause) {
        super(message, cause);
    }

    /** 1: the input was well-formed but the work failed (an unreadable file, a model that will not run). */
    public int exitCode() {
        return 1;
    }
}
