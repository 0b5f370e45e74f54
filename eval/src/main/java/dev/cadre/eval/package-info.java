/**
 * Evaluating crews. The few types a user needs: {@link dev.cadre.eval.EvalFile} (cases and checks, from YAML),
 * {@link dev.cadre.eval.EvalCrew} (a crew made for each run's workspace), {@link dev.cadre.eval.Evaluation} (runs every
 * case on every crew at the same budget, resumably), {@link dev.cadre.eval.EvalReport} (the numbers, as Markdown, JSON
 * or HTML), {@link dev.cadre.eval.Baseline} (the regression gate), {@link dev.cadre.eval.Baselines} (single agent,
 * vote, coder alone), {@link dev.cadre.eval.Cassette} and {@link dev.cadre.eval.ReplayTests} (record once, replay
 * offline). See docs/evaluation.md.
 */
package dev.cadre.eval;
