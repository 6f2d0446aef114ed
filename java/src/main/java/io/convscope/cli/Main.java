package io.convscope.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;

import io.convscope.ConvscopeException;
import io.convscope.UsageException;

/**
 * {@code convscope <command> [options]}. Parses, dispatches and turns failures into one line on stderr and an
 * exit code: 2 for usage errors, 1 for runtime failures, a stack trace only with {@code --verbose}.
 */
public final class Main {
    private static final Map<String, Command> COMMANDS = new LinkedHashMap<>();

    static {
        for (Command c : List.of(new LayersCommand(), new FiltersCommand(), new OcclusionCommand(), new RfCommand(),
                new ActivationsCommand(), new PredictCommand(), new ReportCommand(), new BatchCommand(), new DemoCommand(),
                new ModelsCommand(), new BenchCommand())) {
            COMMANDS.put(c.name(), c);
        }
    }

    private Main() {
    }

    public static void main(String[] args) {
        int code = run(args, System.out, System.err);
        System.out.flush();
        System.exit(code);
    }

    /** Runs one command in this JVM; what {@link #main} does, minus the exit. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
            printCommands(args.length == 0 ? err : out);
            return args.length == 0 ? 2 : 0;
        }
        if (args[0].equals("--version")) {
            out.println("convscope " + version());
            return 0;
        }
        Command command = COMMANDS.get(args[0]);
        if (command == null) {
            err.println("convscope: error: unknown command '" + args[0] + "'; commands: "
                    + String.join(", ", COMMANDS.keySet()));
            return 2;
        }
        Options options = withCommonOptions(command.options());
        String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
        if (List.of(rest).contains("--help") || List.of(rest).contains("-h")) {
            printHelp(command, options, out);
            return 0;
        }
        boolean verbose = List.of(rest).contains("--verbose");
        try {
            CommandLine line = DefaultParser.builder().setAllowPartialMatching(false).get().parse(options, rest);
            rejectRepeats(line);
            if (!command.takesArguments() && !line.getArgList().isEmpty()) {
                throw new UsageException("unexpected argument '" + line.getArgList().get(0) + "'; see convscope "
                        + command.name() + " --help");
            }
            return command.run(line, new Session(line, out, err));
        } catch (ParseException e) {
            err.println("convscope " + command.name() + ": error: " + e.getMessage() + "; see convscope "
                    + command.name() + " --help");
            return 2;
        } catch (ConvscopeException e) {
            err.println("convscope " + command.name() + ": error: " + FlagNames.inMessage(e, options));
            if (verbose) {
                e.printStackTrace(err);
            }
            return e.exitCode();
        } catch (Exception | Error e) {
            // Anything else is our bug or LibTorch's: still one line, with the trace behind --verbose.
            err.println("convscope " + command.name() + ": error: " + describe(e)
                    + (verbose ? "" : " (run with --verbose for details)"));
            if (verbose) {
                e.printStackTrace(err);
            }
            return 1;
        }
    }

    /**
     * Commons CLI keeps the first of {@code --out a --out b} and drops the second without a word; an option that
     * takes one value may therefore be given once. ({@code --image a b} is one option with two values.)
     */
    private static void rejectRepeats(CommandLine line) {
        Set<String> seen = new HashSet<>();
        for (Option o : line.getOptions()) {
            if (o.hasArg() && !o.hasArgs() && !seen.add(o.getLongOpt())) {
                throw new UsageException("--" + o.getLongOpt() + " is given more than once ('"
                        + String.join("', '", line.getOptionValues(o.getLongOpt())) + "'); give it once");
            }
        }
    }

    /** The version Maven wrote into the jar; a build from classes (the tests) has none. */
    static String version() {
        try (InputStream in = Main.class.getResourceAsStream(
                "/META-INF/maven/io.convscope/convscope/pom.properties")) {
            if (in == null) {
                return "(development build)";
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version", "(unknown version)");
        } catch (IOException e) {
            return "(unknown version)";
        }
    }

    private static String describe(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().strip();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    private static Options withCommonOptions(Options own) {
        Options all = new Options();
        own.getOptions().forEach(all::addOption);
        all.addOption(OptionKit.value("model", "M.pt", "TorchScript model file, or builtin:NAME (default: "
                + "builtin:expression; see convscope models)"));
        all.addOption(OptionKit.value("threads", "N", "LibTorch intra-op threads (default: all cores)"));
        all.addOption(OptionKit.value("device", "D", "cpu | cuda | auto (default: auto)"));
        all.addOption(OptionKit.value("resize", "N", "resize the shorter image side to N px (overrides the card)"));
        all.addOption(OptionKit.value("crop", "N", "centre crop N x N px, the model's input size (overrides the card)"));
        all.addOption(OptionKit.value("mean", "R,G,B", "per-channel mean for normalization (overrides the card)"));
        all.addOption(OptionKit.value("std", "R,G,B", "per-channel std for normalization (overrides the card)"));
        all.addOption(OptionKit.value("max-megapixels", "N", "refuse images larger than N megapixels before "
                + "decoding them (default 100)"));
        all.addOption(OptionKit.flag("quiet", "no progress or summary lines"));
        all.addOption(OptionKit.flag("verbose", "timings, and stack traces on errors"));
        if (!all.hasLongOption("json")) {
            all.addOption(OptionKit.flag("json", "print JSON instead of a table, where the command prints one"));
        }
        return all;
    }

    private static void printCommands(PrintStream stream) {
        stream.println("usage: convscope <command> [options]   (convscope <command> --help for its options; "
                + "convscope --version)");
        stream.println();
        for (Command c : COMMANDS.values()) {
            stream.printf("  %-12s %s%n", c.name(), c.summary());
        }
    }

    private static void printHelp(Command command, Options options, PrintStream out) {
        out.println("usage: convscope " + command.name() + " [options]");
        out.println(command.summary());
        out.println();
        Collection<Option> all = options.getOptions();
        int width = all.stream().mapToInt(o -> label(o).length()).max().orElse(0);
        for (Option o : all) {
            out.printf("  %-" + width + "s  %s%s%n", label(o), o.getDescription(), o.isRequired() ? " (required)" : "");
        }
    }

    private static String label(Option o) {
        return "--" + o.getLongOpt() + (o.hasArg() ? " " + o.getArgName() : "");
    }
}
