package dev.cadre.api;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * A model reference such as {@code openai:gpt-4.1-mini} or {@code ollama:qwen2.5-coder}: a provider and the
 * provider's name for the model. The name may itself contain colons ({@code ollama:qwen2.5-coder:7b}).
 */
public record ModelRef(String provider, String name) {

    public ModelRef {
        if (provider == null || provider.isBlank() || name == null || name.isBlank()) {
            throw new IllegalArgumentException("Model reference '" + provider + ":" + name
                    + "' must look like 'provider:model', e.g. 'openai:gpt-4.1-mini'.");
        }
    }

    @JsonCreator
    public static ModelRef parse(String reference) {
        int colon = reference == null ? -1 : reference.indexOf(':');
        if (colon <= 0 || colon == reference.length() - 1 || reference.isBlank()) {
            throw new IllegalArgumentException("Model reference '" + reference
                    + "' must look like 'provider:model', e.g. 'openai:gpt-4.1-mini' or 'ollama:qwen2.5-coder'.");
        }
        return new ModelRef(reference.substring(0, colon).trim(), reference.substring(colon + 1).trim());
    }

    @JsonValue
    @Override
    public String toString() {
        return provider + ":" + name;
    }
}
