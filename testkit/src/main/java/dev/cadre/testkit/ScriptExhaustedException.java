package dev.cadre.testkit;

/** A {@link ScriptedModel} was asked for more answers than its script holds; the message names agent and turn. */
public class ScriptExhaustedException extends IllegalStateException {
    public ScriptExhaustedException(String message) {
        super(message);
    }
}
