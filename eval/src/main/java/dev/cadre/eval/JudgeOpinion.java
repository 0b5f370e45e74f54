package dev.cadre.eval;

import dev.cadre.api.Usage;
import java.math.BigDecimal;
import java.util.List;

/**
 * What a judge persona thought of one run's answer (a {@link Check.Judge}): an opinion, reported as such beside the
 * deterministic checks, never instead of them.
 *
 * @param persona  the judge persona's id
 * @param model    the model it ran on
 * @param score    its overall score
 * @param min      the scale's lowest score
 * @param max      the scale's highest score
 * @param pass     the least score that passes
 * @param criteria its score and reason per criterion, in the rubric's order
 * @param summary  its verdict in a sentence or two
 * @param journal  the judge run's journal, relative to the eval's directory
 * @param usage    what the judge used (not counted in the crew's tokens, cost or budget)
 */
public record JudgeOpinion(String persona, String model, BigDecimal score, int min, int max, BigDecimal pass, List<Criterion> criteria,
                           String summary, String journal, Usage usage) {

    /** The judge's score and reason for one criterion. */
    public record Criterion(String criterion, BigDecimal score, String reason) {}

    public JudgeOpinion {
        criteria = criteria == null ? List.of() : List.copyOf(criteria);
        usage = usage == null ? Usage.ZERO : usage;
    }

    public boolean passed() {
        return score.compareTo(pass) >= 0;
    }
}
