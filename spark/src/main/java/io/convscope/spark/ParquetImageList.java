package io.convscope.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.schema.GroupType;

import io.convscope.ConvscopeException;
import io.convscope.UsageException;
import io.convscope.batch.ImageTableReader;

/**
 * The image paths in a Parquet table: one file, or a folder of {@code part-*.parquet} files as Spark writes
 * them (read in name order). Relative paths are taken from the table's folder, as a text list's are.
 */
public final class ParquetImageList implements ImageTableReader {
    @Override
    public List<Path> read(Path table) {
        Path base = (Files.isDirectory(table) ? table : table.toAbsolutePath().getParent()).toAbsolutePath();
        List<Path> images = new ArrayList<>();
        for (Path part : parts(table)) {
            try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(),
                    new org.apache.hadoop.fs.Path(part.toUri())).withConf(new Configuration()).build()) {
                for (Group row = reader.read(); row != null; row = reader.read()) {
                    String column = column(row.getType(), table);
                    if (row.getFieldRepetitionCount(column) > 0) {
                        images.add(base.resolve(row.getString(column, 0)));
                    }
                }
            } catch (IOException | RuntimeException e) {
                throw UsageException.of("images", "table " + table + " cannot be read as Parquet: " + e.getMessage());
            }
        }
        return images;
    }

    private static String column(GroupType type, Path table) {
        for (String name : List.of("image", "path")) {
            if (type.containsField(name)) {
                return name;
            }
        }
        throw UsageException.of("images", "table " + table + " has no column 'image' or 'path' (it has "
                + type.getFields().stream().map(f -> f.getName()).toList() + ")");
    }

    private static List<Path> parts(Path table) {
        if (!Files.isDirectory(table)) {
            if (!Files.isRegularFile(table)) {
                throw UsageException.of("images", "table " + table + " does not exist");
            }
            return List.of(table);
        }
        try (Stream<Path> files = Files.list(table)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".parquet")).sorted().toList();
        } catch (IOException e) {
            throw new ConvscopeException("cannot list " + table + ": " + e.getMessage(), e);
        }
    }
}
