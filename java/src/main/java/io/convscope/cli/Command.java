package io.convscope.cli;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/** One {@code convscope <name>} subcommand: it declares its options, then parses nothing and computes nothing itself. */
interface Command {
    String name();

    /** One line for the command list. */
    String summary();

    /** The command's own options; the common ones are added by {@link Main}. */
    Options options();

    /** Whether words after the command that are not options (like {@code bench filters}) are allowed. */
    default boolean takesArguments() {
        return false;
    }

    /** Runs with parsed options; returns the exit code. Failures are thrown as ConvscopeException. */
    int run(CommandLine line, Session session) throws Exception;
}
