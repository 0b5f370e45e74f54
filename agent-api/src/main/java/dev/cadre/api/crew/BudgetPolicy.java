package dev.cadre.api.crew;

/** What happens when a budget is used up. */
public enum BudgetPolicy {
    /** The run fails with the budget as its reason and keeps the outputs it has. */
    FAIL,
    /** Later model calls use the crew's cheaper model; the exhausted limit is not enforced again. */
    CHEAPER_MODEL,
    /** A BUDGET checkpoint asks whether to go on; approval grants the same budget again, rejection fails the run. */
    ASK_HUMAN
}
