package dev.cadre.orchestrator.journal;

/** A journal could not be written or read; the message names the file (and line, when reading). */
public class JournalException extends RuntimeException {
    public JournalException(String message, Throwable cause) {
        super(message, cause);
    }

    public JournalException(String message) {
        super(message);
    }
}
