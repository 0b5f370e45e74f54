package dev.cadre.personas;

import dev.cadre.api.crew.Until;
import dev.cadre.personas.internal.Node;
import dev.cadre.personas.internal.Suggest;
import java.util.Set;

/**
 * A loop's exit condition must be able to end it: a verdict or text condition on an output no step of the loop
 * produces never changes between iterations, so the loop would run to its bound every time. Found when the file loads.
 */
final class LoopExit {

    private LoopExit() {}

    static void check(String loop, Until until, Set<String> produced, Node at) {
        String output = null;
        if (until instanceof Until.Verdict v) output = v.output();
        if (until instanceof Until.TextContains t) output = t.output();
        if (until instanceof Until.And a) {
            check(loop, a.left(), produced, at);
            check(loop, a.right(), produced, at);
        }
        if (until instanceof Until.Or o) {
            check(loop, o.left(), produced, at);
            check(loop, o.right(), produced, at);
        }
        if (output != null && !produced.contains(output)) {
            String nearest = Suggest.nearest(output, produced);
            throw at.error("loop step '" + loop + "' ends on the output of '" + output + "', which no step of the loop produces,"
                    + " so it has no exit condition" + (nearest != null ? " — did you mean '" + nearest + "'?" : "; its steps produce: "
                    + String.join(", ", produced)));
        }
    }
}
