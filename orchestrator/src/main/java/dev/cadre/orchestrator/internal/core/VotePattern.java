package dev.cadre.orchestrator.internal.core;

import dev.cadre.orchestrator.pattern.PatternContext;
import dev.cadre.orchestrator.pattern.Promise;
import dev.cadre.orchestrator.pattern.Pattern;
import dev.cadre.api.Agent;
import dev.cadre.api.Task;
import dev.cadre.api.crew.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Every voter answers the question {@code samples} times ({@code sample-K/VOTER}), independently and at the same
 * time; the output is the majority answer, ties broken by order.
 */
final class VotePattern implements Pattern<Step.Vote> {

    @Override
    public Promise<Outcome> run(Step.Vote v, String path, PatternContext steps) {
        Task question = steps.effective(v.question());
        List<Supplier<Promise<String>>> ballots = new ArrayList<>();
        for (int k = 1; k <= v.samples(); k++) {
            for (Agent voter : v.voters()) {
                String ballotPath = path + "/sample-" + k + "/" + voter.id();
                ballots.add(() -> steps.agent(voter, question, Map.of(), ballotPath));
            }
        }
        return steps.all(ballots, Math.max(1, v.voters().size())).map(answers -> {
            List<String> normalized = answers.stream().map(a -> Answers.normalize(a, v.answerField())).toList();
            Answers.Majority m = Answers.majority(normalized);
            return new Outcome(answers.get(m.index()), "majority " + m.count() + " of " + answers.size() + " votes"
                    + (m.tie() ? ", tie broken by order" : ""));
        });
    }
}
