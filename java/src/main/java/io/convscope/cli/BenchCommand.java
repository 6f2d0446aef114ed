package io.convscope.cli;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

import com.google.gson.Gson;

import io.convscope.UsageException;
import io.convscope.bench.ConcurrencyBenchmark;
import io.convscope.bench.FilterBenchmark;
import io.convscope.bench.OcclusionBenchmark;
import io.convscope.model.TorchModel;
import io.convscope.occlusion.Engine;
import io.convscope.occlusion.Method;
import io.convscope.occlusion.OcclusionSpec;
import io.convscope.occlusion.Size2;

/**
 * {@code convscope bench filters | occlusion}: runs one benchmark of {@link io.convscope.bench} and prints its
 * rows as JSON lines.
 */
final class BenchCommand implements Command {
    @Override
    public String name() {
        return "bench";
    }

    @Override
    public String summary() {
        return "performance runs that print JSON lines: bench filters | occlusion | concurrency";
    }

    @Override
    public boolean takesArguments() {
        return true;
    }

    @Override
    public Options options() {
        return new Options()
                .addOption(OptionKit.value("repeat", "N", "timed runs per case; occlusion: interleaved rounds (default 5)"))
                .addOption(OptionKit.value("window", "N|HxW", "occlusion: window size (default: as occlusion, 50 on 224 px inputs)"))
                .addOption(OptionKit.value("stride", "N|HxW", "occlusion: stride (default: as occlusion, 10 on 224 px inputs)"))
                .addOption(OptionKit.value("batch", "N", "occlusion: windows per forward pass (default: automatic)"))
                .addOption(OptionKit.value("loop-windows", "N", "occlusion: windows timed in the one-by-one baseline "
                        + "loop, spread over the rounds (default 40)"))
                .addOption(OptionKit.value("engine", "E", "occlusion: the engine timed against the full engine: "
                        + "incremental (default), auto or full"))
                .addOption(OptionKit.value("windows", "N", "occlusion: time only N consecutive windows from the middle "
                        + "of the grid (default: all; for slow models)"))
                .addOption(OptionKit.value("method", "M", "occlusion: grid (default) or captum"))
                .addOption(OptionKit.value("callers", "N", "concurrency: threads sharing the model (default 2)"))
                .addOption(OptionKit.value("maps", "N", "concurrency: maps per thread per round (default 4)"));
    }

    @Override
    public int run(CommandLine line, Session session) {
        List<String> targets = line.getArgList();
        String target = targets.size() == 1 ? targets.get(0) : "";
        if (!List.of("filters", "occlusion", "concurrency").contains(target)) {
            throw new UsageException("bench needs one target: filters, occlusion or concurrency (e.g. convscope "
                    + "bench occlusion --model alexnet.pt)");
        }
        int repeat = OptionKit.intValue(line, "repeat", 5);
        Gson gson = new Gson();
        Consumer<Map<String, Object>> print = row -> session.out.println(gson.toJson(row));
        if (target.equals("filters")) {
            try (TorchModel model = session.loadModel()) {
                FilterBenchmark.run(model, repeat, print);
            }
            return 0;
        }
        if (target.equals("concurrency")) {
            ConcurrencyBenchmark.Spec spec = new ConcurrencyBenchmark.Spec(OptionKit.intValue(line, "callers", 2),
                    OptionKit.intValue(line, "maps", 4), repeat);
            try (TorchModel model = session.loadModel()) {
                ConcurrencyBenchmark.run(model, spec, session.device(), print);
            }
            return 0;
        }
        OcclusionSpec occlusion = OcclusionSpec.defaults()
                .withMethod(Method.parse(line.getOptionValue("method", "grid")))
                .withBatch(OptionKit.positiveInt(line, "batch", 0));
        if (line.hasOption("window")) {
            occlusion = occlusion.withWindow(Size2.parse("window", line.getOptionValue("window")));
        }
        if (line.hasOption("stride")) {
            occlusion = occlusion.withStride(Size2.parse("stride", line.getOptionValue("stride")));
        }
        OcclusionBenchmark.Spec spec = new OcclusionBenchmark.Spec(occlusion,
                Engine.parse(line.getOptionValue("engine", "incremental")), repeat,
                OptionKit.intValue(line, "loop-windows", 40), OptionKit.positiveInt(line, "windows", 0));
        try (TorchModel model = session.loadModel()) {
            OcclusionBenchmark.run(model, spec, session.device(), print);
        }
        return 0;
    }
}
