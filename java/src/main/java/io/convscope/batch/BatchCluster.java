package io.convscope.batch;

import java.nio.file.Path;
import java.util.ServiceLoader;

import io.convscope.UsageException;

/**
 * A batch spread over a cluster: what the convscope-spark module provides (as a service), so that
 * {@code convscope batch --spark MASTER} works when that module is on the class path and the core jar needs
 * no Spark.
 */
public interface BatchCluster {
    /**
     * Runs {@code spec} with the model in {@code modelFile} (null: the bundled model) on the cluster at
     * {@code settings.master()}; outputs and resume as {@link Batch#run}.
     */
    BatchReport run(Path modelFile, BatchSpec spec, ClusterSettings settings, BatchListener listener);

    /** The cluster runner on the class path; fails naming the field {@code spark} when there is none. */
    static BatchCluster find() {
        return ServiceLoader.load(BatchCluster.class).findFirst().orElseThrow(() -> UsageException.of("spark",
                "needs the convscope-spark module on the class path: build it (mvn install, then mvn -f "
                        + "spark/pom.xml package) and run through ./convscope, which adds it"));
    }
}
