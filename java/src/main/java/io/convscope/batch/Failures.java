package io.convscope.batch;

/** The one line a failed image's row keeps. */
final class Failures {
    private Failures() {
    }

    /** The exception's message up to its first line break, or its class name when it has none. */
    static String oneLine(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().strip();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
