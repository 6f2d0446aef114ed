package io.convscope.occlusion;

/** Told after each evaluated chunk; the CLI draws a progress bar from it. */
@FunctionalInterface
public interface Progress {
    Progress NONE = (done, total) -> { };

    void windowsDone(int done, int total);
}
