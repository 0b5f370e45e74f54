package dev.cadre.opentelemetry.internal;

import io.opentelemetry.api.common.AttributeKey;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Attribute keys: the OpenTelemetry GenAI semantic conventions' where one applies (as strings: the incubating
 * semconv artifact is not worth a dependency), {@code cadre.*} for the rest.
 */
public final class Keys {

    // GenAI semantic conventions
    public static final AttributeKey<String> OPERATION = AttributeKey.stringKey("gen_ai.operation.name");
    public static final AttributeKey<String> PROVIDER = AttributeKey.stringKey("gen_ai.provider.name");
    /** The older name of {@link #PROVIDER}, still read by many backends. */
    public static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("gen_ai.system");
    public static final AttributeKey<String> REQUEST_MODEL = AttributeKey.stringKey("gen_ai.request.model");
    public static final AttributeKey<Long> INPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.input_tokens");
    public static final AttributeKey<Long> OUTPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.output_tokens");
    public static final AttributeKey<List<String>> FINISH_REASONS = AttributeKey.stringArrayKey("gen_ai.response.finish_reasons");
    public static final AttributeKey<String> AGENT = AttributeKey.stringKey("gen_ai.agent.name");
    public static final AttributeKey<String> TOOL = AttributeKey.stringKey("gen_ai.tool.name");
    public static final AttributeKey<String> TOOL_CALL_ID = AttributeKey.stringKey("gen_ai.tool.call.id");
    public static final AttributeKey<String> TOOL_TYPE = AttributeKey.stringKey("gen_ai.tool.type");
    public static final AttributeKey<String> TOKEN_TYPE = AttributeKey.stringKey("gen_ai.token.type");
    public static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

    // Cadre
    public static final AttributeKey<String> RUN_ID = AttributeKey.stringKey("cadre.run_id");
    public static final AttributeKey<String> CREW = AttributeKey.stringKey("cadre.crew");
    public static final AttributeKey<String> TASK = AttributeKey.stringKey("cadre.task.id");
    public static final AttributeKey<Boolean> RESUMED = AttributeKey.booleanKey("cadre.resumed");
    public static final AttributeKey<String> RUN_STATUS = AttributeKey.stringKey("cadre.run.status");
    public static final AttributeKey<String> REASON = AttributeKey.stringKey("cadre.reason");
    public static final AttributeKey<String> STEP_PATH = AttributeKey.stringKey("cadre.step.path");
    public static final AttributeKey<String> STEP_KIND = AttributeKey.stringKey("cadre.step.kind");
    public static final AttributeKey<String> STEP_STATUS = AttributeKey.stringKey("cadre.step.status");
    public static final AttributeKey<String> STEP_OUTCOME = AttributeKey.stringKey("cadre.step.outcome");
    public static final AttributeKey<String> MODEL = AttributeKey.stringKey("cadre.model");
    public static final AttributeKey<Long> TURN = AttributeKey.longKey("cadre.turn");
    public static final AttributeKey<Boolean> CACHED = AttributeKey.booleanKey("cadre.cached");
    public static final AttributeKey<Double> COST = AttributeKey.doubleKey("cadre.cost");
    public static final AttributeKey<Long> MODEL_CALLS = AttributeKey.longKey("cadre.model_calls");
    public static final AttributeKey<Long> TOOL_CALLS = AttributeKey.longKey("cadre.tool_calls");
    public static final AttributeKey<String> TOOL_OUTCOME = AttributeKey.stringKey("cadre.tool.outcome");
    public static final AttributeKey<String> CHECKPOINT_ID = AttributeKey.stringKey("cadre.checkpoint.id");
    public static final AttributeKey<String> CHECKPOINT_KIND = AttributeKey.stringKey("cadre.checkpoint.kind");
    public static final AttributeKey<String> CHECKPOINT_RISK = AttributeKey.stringKey("cadre.checkpoint.risk");
    public static final AttributeKey<String> DECISION = AttributeKey.stringKey("cadre.checkpoint.decision");
    public static final AttributeKey<String> DECIDED_BY = AttributeKey.stringKey("cadre.checkpoint.decided_by");
    public static final AttributeKey<String> BUDGET_LIMIT = AttributeKey.stringKey("cadre.budget.limit");
    public static final AttributeKey<Double> BUDGET_USED = AttributeKey.doubleKey("cadre.budget.used");
    public static final AttributeKey<Double> BUDGET_MAX = AttributeKey.doubleKey("cadre.budget.max");

    /** Cadre's provider prefixes whose GenAI semantic-convention name differs from the prefix. */
    private static final Map<String, String> PROVIDERS = Map.of(
            "azure", "azure.ai.openai",
            "azure-openai", "azure.ai.openai",
            "bedrock", "aws.bedrock",
            "gemini", "gcp.gemini",
            "google", "gcp.gemini",
            "vertex", "gcp.vertex_ai",
            "vertexai", "gcp.vertex_ai",
            "mistral", "mistral_ai",
            "xai", "x_ai",
            "watsonx", "ibm.watsonx.ai");

    private Keys() {}

    /** The {@code gen_ai.provider.name} for a model reference's provider prefix ({@code openai:gpt-4.1} gives openai). */
    public static String provider(String prefix) {
        String p = prefix.toLowerCase(Locale.ROOT);
        return PROVIDERS.getOrDefault(p, p);
    }
}
