package io.convscope.occlusion;

import io.convscope.Choices;

/** The number whose drop the map shows: the target class's softmax probability or its raw logit. */
public enum Score {
    PROB,
    LOGIT;

    public String cliName() {
        return Choices.cliName(this);
    }

    public static Score parse(String text) {
        return Choices.parse(Score.class, text, "score");
    }
}
