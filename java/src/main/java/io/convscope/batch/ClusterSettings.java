package io.convscope.batch;

import java.io.Serializable;

import io.convscope.Device;
import io.convscope.UsageException;

/**
 * How a batch uses a cluster.
 *
 * @param master     Spark's master URL: {@code local[4]}, {@code spark://host:7077}
 * @param partitions how many pieces the image list is cut into, or 0 for two per task slot
 * @param threads    LibTorch intra-op threads in each executor JVM (its tasks share them), at least 1
 * @param device     where the executors run the model
 */
public record ClusterSettings(String master, int partitions, int threads, Device device) implements Serializable {
    public ClusterSettings {
        if (master == null || master.isBlank()) {
            throw UsageException.of("spark", "needs a master URL such as local[4] or spark://host:7077");
        }
        if (partitions < 0) {
            throw UsageException.of("partitions", "must be 1 or more (or 0 for two per task slot), got " + partitions);
        }
        if (threads < 1) {
            throw UsageException.of("threads", "must be 1 or more, got " + threads);
        }
    }
}
