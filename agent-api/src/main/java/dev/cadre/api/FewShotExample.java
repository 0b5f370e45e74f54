package dev.cadre.api;

import java.util.Objects;

/** One worked example shown to the model before the task: an input and the answer the persona would give. */
public record FewShotExample(String input, String output) {
    public FewShotExample {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(output, "output");
    }
}
