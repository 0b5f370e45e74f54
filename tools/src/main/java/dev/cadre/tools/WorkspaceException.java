package dev.cadre.tools;

/** A path or file operation the workspace refuses; the message says which path and why, in one sentence. */
public class WorkspaceException extends RuntimeException {
    public WorkspaceException(String message) {
        super(message, null, false, false);
    }
}
