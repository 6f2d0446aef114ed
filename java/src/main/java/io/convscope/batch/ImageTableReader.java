package io.convscope.batch;

import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;

import io.convscope.UsageException;

/**
 * Reads the image paths of a Parquet table: what the convscope-spark module provides (as a service), since
 * Parquet's reader needs Hadoop classes that the core jar does not carry.
 */
public interface ImageTableReader {
    /** The paths in the table's {@code image} column (else its {@code path} column), in table order. */
    List<Path> read(Path table);

    /** The reader on the class path; fails naming the field {@code images} when there is none. */
    static ImageTableReader find() {
        return ServiceLoader.load(ImageTableReader.class).findFirst().orElseThrow(() -> UsageException.of("images",
                "is a Parquet table, which is read by the convscope-spark module: build it (mvn install, then mvn -f "
                        + "spark/pom.xml package) and run through ./convscope, which adds it; or give a text list"));
    }
}
