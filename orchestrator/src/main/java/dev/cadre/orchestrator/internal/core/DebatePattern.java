package dev.cadre.orchestrator.internal.core;

import dev.cadre.orchestrator.pattern.PatternContext;
import dev.cadre.orchestrator.pattern.Promise;
import dev.cadre.orchestrator.pattern.Pattern;
import dev.cadre.api.Agent;
import dev.cadre.api.Task;
import dev.cadre.api.crew.Step;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.Supplier;

/**
 * Debaters answer at the same time ({@code round-0}), then revise seeing the others' answers (or a summariser's
 * summary) until they agree or the rounds run out; a judge decides, or else the majority (ties by debater order).
 */
final class DebatePattern implements Pattern<Step.Debate> {

    @Override
    public Promise<Outcome> run(Step.Debate d, String path, PatternContext steps) {
        return round(d, path, steps.effective(d.question()), 0, null, steps);
    }

    private Promise<Outcome> round(Step.Debate d, String path, Task question, int round, List<String> previous, PatternContext steps) {
        String roundPath = path + "/round-" + round;
        Promise<String> summary = previous != null && d.summarizer() != null
                ? steps.agent(d.summarizer(), Task.builder("summary").description("Summarise the debaters' answers below:"
                        + " each position and its main reasons, briefly.").build(), others(d, previous, -1, round), roundPath + "/summary")
                : steps.done("");
        return summary.then(sum -> {
            List<Supplier<Promise<String>>> answers = new ArrayList<>();
            for (int i = 0; i < d.debaters().size(); i++) {
                int self = i;
                Agent debater = d.debaters().get(i);
                answers.add(() -> steps.agent(debater, question, context(d, previous, self, round, sum), roundPath + "/" + debater.id()));
            }
            return steps.all(answers, d.debaters().size());
        }).then(answers -> {
            List<String> normalized = answers.stream().map(a -> Answers.normalize(a, d.answerField())).toList();
            boolean consensus = normalized.stream().distinct().count() == 1;
            if (consensus || round >= d.rounds()) {
                return decide(d, path, question, answers, normalized, round, consensus, steps);
            }
            return round(d, path, question, round + 1, answers, steps);
        });
    }

    private static LinkedHashMap<String, String> context(Step.Debate d, List<String> previous, int self, int round, String summary) {
        LinkedHashMap<String, String> context = new LinkedHashMap<>();
        if (previous != null) {
            context.put("Your previous answer", previous.get(self));
            if (d.summarizer() != null) {
                context.put("Summary of all answers in round " + (round - 1), summary);
            } else {
                context.putAll(others(d, previous, self, round));
            }
            context.put("Instructions", "Consider the other answers and their reasons, then give your revised answer"
                    + " in the same format.");
        }
        return context;
    }

    private static LinkedHashMap<String, String> others(Step.Debate d, List<String> answers, int self, int round) {
        LinkedHashMap<String, String> context = new LinkedHashMap<>();
        StringBuilder others = new StringBuilder();
        for (int j = 0; j < answers.size(); j++) {
            if (j != self) {
                others.append("### ").append(d.debaters().get(j).persona().role()).append("\n").append(answers.get(j).strip()).append("\n\n");
            }
        }
        context.put(self < 0 ? "Answers of round " + (round - 1) : "Other debaters' answers in round " + (round - 1), others.toString().strip());
        return context;
    }

    private Promise<Outcome> decide(Step.Debate d, String path, Task question, List<String> answers, List<String> normalized,
                                    int round, boolean consensus, PatternContext steps) {
        if (d.judge() != null) {
            LinkedHashMap<String, String> context = new LinkedHashMap<>();
            for (int i = 0; i < answers.size(); i++) {
                context.put("Answer of " + d.debaters().get(i).persona().role(), answers.get(i));
            }
            Task judging = new Task(question.id(), question.description() + "\n\nYou are the judge. Read the debaters' final"
                    + " answers below, decide which answer is right, and give your reasons.", question.expectedOutput(),
                    question.inputs(), List.of(), question.outputSchema());
            return steps.agent(d.judge(), judging, context, path + "/judge")
                    .map(out -> new Outcome(out, "judge decided after round " + round + (consensus ? " (the debaters agreed)" : "")));
        }
        Answers.Majority m = Answers.majority(normalized);
        String outcome = consensus ? "consensus in round " + round
                : "majority " + m.count() + " of " + normalized.size() + " after round " + round + (m.tie() ? ", tie broken by debater order" : "");
        return steps.done(new Outcome(answers.get(m.index()), outcome));
    }
}
