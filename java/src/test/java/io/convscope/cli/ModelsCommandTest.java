package io.convscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.convscope.FreshBuiltinCache;

/** {@code convscope models} and {@code --model builtin:NAME}. */
@ExtendWith(FreshBuiltinCache.class)
class ModelsCommandTest {
    @Test
    void listsTheBuiltinModelsWithTheirCardsTheDefaultFirst() {
        CliRun run = CliRun.of("models", "--json");
        assertEquals(0, run.exitCode(), run.err());
        JsonArray models = JsonParser.parseString(run.out()).getAsJsonArray();
        assertEquals(List.of("builtin:expression", "builtin:face-recognition", "builtin:fashion"),
                models.asList().stream().map(m -> m.getAsJsonObject().get("model").getAsString()).toList());
        JsonObject expression = models.get(0).getAsJsonObject();
        assertTrue(expression.get("default").getAsBoolean());
        assertEquals("[3,112,112]", expression.get("input").toString());
        assertEquals("logit", expression.get("score").getAsString());
        assertEquals(4, expression.get("samples").getAsInt());
        assertEquals("similarity", models.get(1).getAsJsonObject().get("score").getAsString());
        assertEquals(10, models.get(2).getAsJsonObject().getAsJsonArray("labels").size());
        assertTrue(CliRun.of("models").out().startsWith("builtin:expression (default)\n"));
    }

    @Test
    void modelsAreNamedBuiltinAndTheDefaultIsTheExpressionNet() {
        CliRun layers = CliRun.of("layers", "--json");
        assertEquals(0, layers.exitCode(), layers.err());
        assertTrue(layers.out().contains("expression.pt"), "no --model: the expression net");
        CliRun fashion = CliRun.of("layers", "--model", "builtin:fashion");
        assertTrue(fashion.out().startsWith("model ") && fashion.out().contains("convscope-fashion.pt"),
                fashion.out());
        CliRun unknown = CliRun.of("layers", "--model", "builtin:alexnet");
        assertEquals(2, unknown.exitCode());
        assertEquals("convscope layers: error: --model 'builtin:alexnet' names no built-in model; the built-in models "
                + "are builtin:expression, builtin:face-recognition, builtin:fashion\n", unknown.err());
        CliRun demo = CliRun.of("demo", "--model", "alexnet.pt");
        assertEquals(2, demo.exitCode());
        assertTrue(demo.err().startsWith("convscope demo: error: --model must name a built-in model here"), demo.err());
    }
}
