package dev.cadre.eval;

import dev.cadre.api.Agent;
import dev.cadre.api.ModelRegistry;
import dev.cadre.api.Persona;
import dev.cadre.api.PriceTable;
import dev.cadre.api.crew.Crew;
import dev.cadre.api.crew.Step;
import dev.cadre.testkit.Reply;
import dev.cadre.testkit.ScriptedModel;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Two one-agent crews on two arithmetic cases, answered by a fresh ScriptedModel per run: "alpha" is always right
 * (100 + 20 tokens a call), "beta" is right on "add" and wrong on "mul" (50 + 10 tokens a call). Each run's model
 * is kept so tests can see which runs asked the model.
 */
final class Fixtures {

    static final String EVAL = """
            name: arithmetic
            repeat: 3
            cases:
              - id: add
                task: What is 2 + 3?
                checks:
                  - number: 5
                    field: answer
              - id: mul
                task: What is 6 * 7?
                checks:
                  - number: 42
                    field: answer
                  - max_model_calls: 1
            """;

    /** 1000 per million input tokens, 2000 per million output tokens: alpha's run costs 0.14, beta's 0.07. */
    static final PriceTable PRICES = PriceTable.NONE.with("scripted:model", "1000", "2000");

    final Map<RunKey, ScriptedModel> models = new ConcurrentHashMap<>();

    static EvalFile eval() {
        return EvalFile.parse("arithmetic.yaml", EVAL, Path.of("."));
    }

    static EvalCrew crew(String name, String agent) {
        Persona persona = Persona.builder(agent).role("Calculator").goal("Answer with JSON {\"answer\": <number>}.").build();
        return EvalCrew.of(Crew.of(name, Step.work(Agent.of(persona))));
    }

    ModelRegistry modelFor(RunKey key) {
        ScriptedModel model = ScriptedModel.builder()
                .agent("alpha", Reply.text(key.caseId().equals("add") ? "{\"answer\": 5}" : "{\"answer\": 42}").withUsage(100, 20))
                .agent("beta", Reply.text(key.caseId().equals("add") ? "{\"answer\": 5}" : "{\"answer\": 41}").withUsage(50, 10))
                .build();
        models.put(key, model);
        return ModelRegistry.of("scripted:model", model);
    }
}
