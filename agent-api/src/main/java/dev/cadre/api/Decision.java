package dev.cadre.api;

import java.util.Objects;

/**
 * A human's (or a policy's) answer to a {@link Checkpoint}.
 *
 * @param kind         approve, reject with feedback, edit the output, or abort the run
 * @param feedback     why; for a rejection, what to change (the step is redone with it in its context)
 * @param editedOutput the output to use instead, for {@link Kind#EDIT}
 * @param decidedBy    who decided: a user name, "policy:auto-approve", "timeout", ...
 */
public record Decision(Kind kind, String feedback, String editedOutput, String decidedBy) {

    public enum Kind { APPROVE, REJECT, EDIT, ABORT }

    public Decision {
        Objects.requireNonNull(kind, "kind");
        if (kind == Kind.EDIT && editedOutput == null) {
            throw new IllegalArgumentException("An EDIT decision needs the edited output.");
        }
    }

    public static Decision approve(String decidedBy) {
        return new Decision(Kind.APPROVE, null, null, decidedBy);
    }

    public static Decision reject(String feedback, String decidedBy) {
        return new Decision(Kind.REJECT, feedback, null, decidedBy);
    }

    public static Decision edit(String editedOutput, String decidedBy) {
        return new Decision(Kind.EDIT, null, editedOutput, decidedBy);
    }

    public static Decision abort(String reason, String decidedBy) {
        return new Decision(Kind.ABORT, reason, null, decidedBy);
    }
}
