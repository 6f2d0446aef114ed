package io.convscope.cli;

import java.io.PrintStream;
import java.util.Locale;

import io.convscope.batch.BatchListener;
import io.convscope.batch.BatchRow;

/**
 * A one-line progress bar for {@code batch} on stderr: images done, rate, time left, failures. Shown only on a
 * terminal, as {@link ProgressBar} is.
 */
final class BatchProgress implements BatchListener {
    private static final int WIDTH = 30;

    private final PrintStream err;
    private long start;
    private int failed;

    private BatchProgress(PrintStream err) {
        this.err = err;
    }

    static BatchListener forSession(Session session) {
        return session.quiet || System.console() == null ? BatchListener.NONE : new BatchProgress(session.err);
    }

    @Override
    public void started(int images, int alreadyDone) {
        start = System.nanoTime();
        if (alreadyDone > 0) {
            err.printf(Locale.ROOT, "%d of %d images done by an earlier run; doing the other %d%n", alreadyDone,
                    images, images - alreadyDone);
        }
    }

    @Override
    public void imageDone(BatchRow row, int done, int toDo) {
        if (!row.ok()) {
            failed++;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double rate = done / seconds;
        long left = Math.round((toDo - done) / rate);
        int filled = (int) ((long) WIDTH * done / toDo);
        err.printf(Locale.ROOT, "\r[%s%s] %d/%d images, %.2f/s, ETA %d:%02d:%02d%s", "#".repeat(filled),
                " ".repeat(WIDTH - filled), done, toDo, rate, left / 3600, left / 60 % 60, left % 60,
                failed > 0 ? ", " + failed + " failed" : "");
        if (done == toDo) {
            err.println();
        }
        err.flush();
    }
}
