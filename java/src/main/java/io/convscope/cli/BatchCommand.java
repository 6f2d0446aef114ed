package io.convscope.cli;

import java.nio.file.Path;
import java.util.Locale;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

import io.convscope.UsageException;
import io.convscope.batch.Batch;
import io.convscope.batch.BatchCluster;
import io.convscope.batch.BatchListener;
import io.convscope.batch.BatchReport;
import io.convscope.batch.BatchSpec;
import io.convscope.batch.ClusterSettings;
import io.convscope.batch.ImageList;
import io.convscope.batch.ImageSettings;
import io.convscope.model.TorchModel;
import io.convscope.predict.PredictSpec;

/** {@code convscope batch}: predictions and occlusion maps for a whole data set, resumable, one results table. */
final class BatchCommand implements Command {
    @Override
    public String name() {
        return "batch";
    }

    @Override
    public String summary() {
        return "predictions and occlusion maps for a folder or list of images, resumable, one results table";
    }

    @Override
    public Options options() {
        Options options = new Options()
                .addOption(OptionKit.required("images", "DIR|LIST.txt", "a folder of images (searched at any depth) "
                        + "or a text file with one image path a line"))
                .addOption(OptionKit.required("out", "DIR", "the batch folder: maps/, overlays/, rows/ and the "
                        + "results table; run again on it to finish an interrupted run"))
                .addOption(OptionKit.value("table", "F", "csv (default) or parquet (with the convscope-spark module)"))
                .addOption(OptionKit.flag("overlays", "also write each map over its image as overlays/*.png"))
                .addOption(OptionKit.value("topk", "K", "classes listed per image (default 5)"))
                .addOption(OptionKit.value("decode-threads", "N", "threads reading images while the model runs "
                        + "(default 2)"))
                .addOption(OptionKit.value("parallel", "N", "images analysed at once, sharing the model (default 1; "
                        + "small models: --parallel 2 --threads 1 on 2 cores)"))
                .addOption(OptionKit.value("spark", "MASTER", "run on Spark: local[N], local[*] or spark://host:port "
                        + "(needs the convscope-spark module)"))
                .addOption(OptionKit.value("partitions", "N", "with --spark: pieces of the image list (default: two "
                        + "per task slot)"));
        OcclusionCommand.mapOptions().getOptions().forEach(options::addOption);
        return options;
    }

    @Override
    public int run(CommandLine line, Session session) {
        ImageSettings each = new ImageSettings(OcclusionCommand.spec(line, false),
                OptionKit.positiveInt(line, "topk", PredictSpec.DEFAULT_TOPK), line.hasOption("overlays"),
                session.maxPixels());
        BatchSpec spec = new BatchSpec(ImageList.read(Path.of(line.getOptionValue("images"))),
                Path.of(line.getOptionValue("out")), each, line.getOptionValue("table", "csv"),
                OptionKit.positiveInt(line, "decode-threads", BatchSpec.DEFAULT_DECODE_THREADS),
                OptionKit.positiveInt(line, "parallel", 1));
        BatchListener progress = BatchProgress.forSession(session);
        BatchReport report;
        long start;
        if (line.hasOption("spark")) {
            if (line.hasOption("parallel")) {
                throw new UsageException("--parallel applies to one machine; on Spark, task slots (local[N], "
                        + "spark.executor.cores) set how many images run at once");
            }
            if (session.hasPreprocessingFlags()) {
                throw new UsageException("--resize, --crop, --mean and --std do not reach Spark's executors; put "
                        + "them in the model card (M.json beside M.pt)");
            }
            start = System.nanoTime();
            int threads = session.threads() > 0 ? session.threads() : Runtime.getRuntime().availableProcessors();
            report = BatchCluster.find().run(session.modelFile(), spec, new ClusterSettings(
                    line.getOptionValue("spark"), OptionKit.positiveInt(line, "partitions", 0), threads,
                    session.device()), progress);
        } else {
            if (line.hasOption("partitions")) {
                throw new UsageException("--partitions applies to --spark runs only");
            }
            try (TorchModel model = session.loadModel()) {
                start = System.nanoTime();
                report = Batch.run(model, spec, session.device(), progress);
            }
        }
        // From the model loaded (one machine) or from before the Spark session starts (Spark): what a user waits.
        double seconds = (System.nanoTime() - start) / 1e9;
        if (!session.quiet) {
            session.out.printf(Locale.ROOT, "%d images (%d done before, %d analysed now in %.1f s, %.2f images/s, "
                            + "%d failed): %s%n", report.images(), report.skipped(), report.ran(), seconds,
                    report.ran() / seconds, report.failed(), report.table());
        }
        if (report.failed() > 0) {
            session.err.println("convscope batch: " + report.failed() + " images failed; their rows in "
                    + report.table().getFileName() + " say why, and a new run on the same folder retries them");
            return 1;
        }
        return 0;
    }
}
