package io.convscope.occlusion;

import io.convscope.Choices;

/**
 * How the occluded copies are evaluated. Both engines give the same map to float tolerance.
 * <ul>
 *   <li>{@code FULL}: every layer of every occluded copy is computed in full.</li>
 *   <li>{@code INCREMENTAL}: the base activations are computed once and each window carries only the changed
 *       patch of each layer of the model's leading chain (see {@link IncrementalScorer}); an error where the
 *       model does not allow it.</li>
 *   <li>{@code AUTO}: incremental where the model allows it and the counted saving is worth it, else full.</li>
 * </ul>
 */
public enum Engine {
    FULL,
    INCREMENTAL,
    AUTO;

    public String cliName() {
        return Choices.cliName(this);
    }

    public static Engine parse(String text) {
        return Choices.parse(Engine.class, text, "engine");
    }
}
