package io.convscope.cli;

import java.io.PrintStream;

import io.convscope.occlusion.Progress;

/**
 * A one-line progress bar on stderr, shown only on a terminal and only once a run has taken a second, so
 * quick runs and logs stay clean.
 */
final class ProgressBar implements Progress {
    private static final long SHOW_AFTER_NANOS = 1_000_000_000L;
    private static final int WIDTH = 30;

    private final PrintStream err;
    private final long start = System.nanoTime();
    private boolean shown;

    private ProgressBar(PrintStream err) {
        this.err = err;
    }

    /** A bar when stderr is a terminal and the user did not ask for --quiet; otherwise nothing. */
    static Progress forSession(Session session) {
        return session.quiet || System.console() == null ? Progress.NONE : new ProgressBar(session.err);
    }

    @Override
    public void windowsDone(int done, int total) {
        long elapsed = System.nanoTime() - start;
        if (elapsed < SHOW_AFTER_NANOS && done < total) {
            return;
        }
        if (!shown && done == total) {
            return;
        }
        shown = true;
        int filled = (int) ((long) WIDTH * done / total);
        double rate = done / (elapsed / 1e9);
        err.printf("\r[%s%s] %d/%d windows, %.0f/s", "#".repeat(filled), " ".repeat(WIDTH - filled), done, total,
                rate);
        if (done == total) {
            err.println();
        }
        err.flush();
    }
}
