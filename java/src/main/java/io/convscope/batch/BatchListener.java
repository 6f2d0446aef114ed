package io.convscope.batch;

/** Told how a batch goes; the CLI draws a progress bar from it. Called on the thread that runs the model. */
public interface BatchListener {
    BatchListener NONE = new BatchListener() {
    };

    /** Before the first image: {@code images} in the list, {@code alreadyDone} of them done by an earlier run. */
    default void started(int images, int alreadyDone) {
    }

    /** After an image's row is written: {@code done} of this run's {@code toDo} images. */
    default void imageDone(BatchRow row, int done, int toDo) {
    }

    /**
     * An image's map and overlay are in place and its row, the record that it is done, is about to be written.
     * A test halts the JVM here to show that a run killed between the two redoes that image.
     */
    default void beforeRow(String key) {
    }
}
