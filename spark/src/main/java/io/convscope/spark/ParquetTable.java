package io.convscope.spark;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;

import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;

import io.convscope.ConvscopeException;
import io.convscope.batch.BatchRow;
import io.convscope.batch.Column;
import io.convscope.batch.TableWriter;

/**
 * The results table as one Parquet file, columns as {@link Column#ALL}: strings as UTF-8 binary, whole numbers
 * as int32, reals as double, lists as Parquet's standard three-level LIST (Spark reads them as arrays); every
 * column optional, a null left out. Written with parquet-hadoop's example writer into memory, so that the file
 * reaches the disk through {@link io.convscope.Outputs}, atomically, like every other output.
 */
public final class ParquetTable implements TableWriter {
    static final MessageType SCHEMA = schema();

    @Override
    public String format() {
        return "parquet";
    }

    @Override
    public byte[] encode(List<BatchRow> rows) {
        InMemoryFile file = new InMemoryFile();
        SimpleGroupFactory groups = new SimpleGroupFactory(SCHEMA);
        try (ParquetWriter<Group> writer = ExampleParquetWriter.builder(file).withType(SCHEMA)
                .withCompressionCodec(CompressionCodecName.UNCOMPRESSED).build()) {
            for (BatchRow row : rows) {
                writer.write(group(groups.newGroup(), row));
            }
        } catch (IOException e) {
            throw new ConvscopeException("cannot encode the results table as Parquet: " + e.getMessage(), e);
        }
        return file.bytes.toByteArray();
    }

    private static Group group(Group group, BatchRow row) {
        for (Column column : Column.ALL) {
            Object value = column.value().apply(row);
            if (value == null) {
                continue;
            }
            if (column.isList()) {
                Group list = group.addGroup(column.name());
                for (Object item : (List<?>) value) {
                    append(list.addGroup("list"), "element", item);
                }
            } else {
                append(group, column.name(), value);
            }
        }
        return group;
    }

    private static void append(Group group, String field, Object value) {
        if (value instanceof Integer i) {
            group.append(field, i);
        } else if (value instanceof Double d) {
            group.append(field, d);
        } else if (value instanceof String s) {
            group.append(field, s);
        } else {
            throw new IllegalArgumentException("no Parquet type for " + value.getClass());
        }
    }

    private static MessageType schema() {
        Types.MessageTypeBuilder message = Types.buildMessage();
        LogicalTypeAnnotation text = LogicalTypeAnnotation.stringType();
        for (Column c : Column.ALL) {
            switch (c.type()) {
                case STRING -> message.optional(PrimitiveTypeName.BINARY).as(text).named(c.name());
                case INT -> message.optional(PrimitiveTypeName.INT32).named(c.name());
                case DOUBLE -> message.optional(PrimitiveTypeName.DOUBLE).named(c.name());
                case INT_LIST -> message.optionalList().optionalElement(PrimitiveTypeName.INT32).named(c.name());
                case DOUBLE_LIST -> message.optionalList().optionalElement(PrimitiveTypeName.DOUBLE).named(c.name());
                case STRING_LIST -> message.optionalList().optionalElement(PrimitiveTypeName.BINARY).as(text)
                        .named(c.name());
                default -> throw new IllegalStateException("column type " + c.type());
            }
        }
        return message.named("convscope_batch");
    }

    /** A Parquet output file in memory. */
    private static final class InMemoryFile implements OutputFile {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        @Override
        public PositionOutputStream create(long blockSizeHint) {
            return new PositionOutputStream() {
                @Override
                public long getPos() {
                    return bytes.size();
                }

                @Override
                public void write(int b) {
                    bytes.write(b);
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    bytes.write(b, off, len);
                }
            };
        }

        @Override
        public PositionOutputStream createOrOverwrite(long blockSizeHint) {
            bytes.reset();
            return create(blockSizeHint);
        }

        @Override
        public boolean supportsBlockSize() {
            return false;
        }

        @Override
        public long defaultBlockSize() {
            return 0;
        }
    }
}
