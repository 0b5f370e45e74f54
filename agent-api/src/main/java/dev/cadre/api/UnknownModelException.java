package dev.cadre.api;

/** A model reference that no registered model or provider answers to. */
public class UnknownModelException extends IllegalArgumentException {
    public UnknownModelException(String message) {
        super(message);
    }
}
