package io.convscope.occlusion;

import java.util.Locale;

import io.convscope.UsageException;

/** The number whose drop the map shows: the target class's softmax probability or its raw logit. */
public enum Score {
    PROB,
    LOGIT;

    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Score parse(String text) {
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "prob" -> PROB;
            case "logit" -> LOGIT;
            default -> throw new UsageException("unknown score '" + text + "'; choose prob or logit");
        };
    }
}
