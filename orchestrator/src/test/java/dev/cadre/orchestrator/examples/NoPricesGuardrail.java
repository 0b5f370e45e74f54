// docs/interceptors.md shows this class: keep them the same (InterceptorsEndToEndTest checks)
package dev.cadre.orchestrator.examples;

import dev.cadre.orchestrator.TurnInterceptor;
import java.util.regex.Pattern;

/** Refuses answers that quote a price, and asks the model again without one. */
public final class NoPricesGuardrail implements TurnInterceptor {

    private static final Pattern PRICE = Pattern.compile("[$€£]\\s?\\d");

    @Override
    public Answer afterModelAnswer(Turn turn, String answer) {
        return PRICE.matcher(answer).find()
                ? Answer.retry("Do not quote prices; say where the customer can find them.")
                : Answer.accept();
    }
}
