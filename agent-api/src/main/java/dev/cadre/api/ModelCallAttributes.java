package dev.cadre.api;

/**
 * Keys of the attributes the orchestrator attaches to every model call through LangChain4j's
 * {@code ChatRequestOptions.listenerAttributes()}: chat-model listeners (logging, metrics, tracing) and scripted
 * models see which run, step and agent a call belongs to, without any of it entering the prompt.
 */
public final class ModelCallAttributes {
    /** The run id (String). */
    public static final String RUN_ID = "cadre.run_id";
    /** The step path (String). */
    public static final String STEP_PATH = "cadre.step_path";
    /** The persona id of the calling agent (String). */
    public static final String AGENT = "cadre.agent";
    /** The call's number within the agent's step, from 1 (Integer). */
    public static final String TURN = "cadre.turn";

    private ModelCallAttributes() {}
}
