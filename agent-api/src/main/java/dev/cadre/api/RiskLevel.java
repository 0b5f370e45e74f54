package dev.cadre.api;

/** How much harm a tool call can do; gates and approval policies decide on it. Ordered from least to most risky. */
public enum RiskLevel {
    /** Reads state and changes nothing. */
    READ_ONLY,
    /** Changes files or other local state. */
    WRITES,
    /** Runs a process. */
    EXECUTES,
    /** Talks to a system outside this machine (network, other services). */
    EXTERNAL
}
