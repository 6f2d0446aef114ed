package io.convscope.cli;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

import io.convscope.model.BuiltinCatalog;

/** {@code convscope models}: the built-in models ({@code --model builtin:NAME}) with their cards. */
final class ModelsCommand implements Command {
    @Override
    public String name() {
        return "models";
    }

    @Override
    public String summary() {
        return "list the built-in models (--model builtin:NAME) with their cards";
    }

    @Override
    public Options options() {
        return new Options();
    }

    @Override
    public int run(CommandLine line, Session session) {
        BuiltinCatalog catalog = BuiltinCatalog.read();
        session.out.print(session.json ? catalog.json() : catalog.text());
        return 0;
    }
}
