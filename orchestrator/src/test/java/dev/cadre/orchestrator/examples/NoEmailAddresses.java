// docs/interceptors.md shows this class: keep them the same (InterceptorsEndToEndTest checks)
package dev.cadre.orchestrator.examples;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.guardrail.OutputGuardrail;
import dev.langchain4j.guardrail.OutputGuardrailResult;

/** A LangChain4j output guardrail: no e-mail addresses in answers. */
public final class NoEmailAddresses implements OutputGuardrail {

    @Override
    public OutputGuardrailResult validate(AiMessage answer) {
        return answer.text().matches("(?s).*\\b\\S+@\\S+\\.\\w+.*")
                ? reprompt("The answer gives an e-mail address.", "Do not give e-mail addresses; name the team instead.")
                : success();
    }
}
