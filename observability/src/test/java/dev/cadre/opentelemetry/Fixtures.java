package dev.cadre.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.api.RiskLevel;
import dev.cadre.api.Tool;
import dev.cadre.api.ToolContext;
import dev.cadre.api.ToolResult;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.PointData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;
import java.util.stream.Collectors;
import reactor.core.publisher.Mono;

/** An OpenTelemetry SDK that keeps spans and metrics in memory, and helpers to read them. */
final class Fixtures implements AutoCloseable {

    final InMemorySpanExporter spans = InMemorySpanExporter.create();
    final InMemoryMetricReader metrics = InMemoryMetricReader.create();
    final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
            .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
            .build();

    List<SpanData> spans() {
        return spans.getFinishedSpanItems();
    }

    List<SpanData> named(String name) {
        return spans().stream().filter(s -> s.getName().equals(name)).toList();
    }

    SpanData one(String name) {
        List<SpanData> found = named(name);
        assertThat(found).as("spans named '%s' among %s", name, names()).hasSize(1);
        return found.get(0);
    }

    /** The span whose {@code cadre.step.path} is {@code path} and whose name starts with {@code prefix}. */
    SpanData at(String prefix, String path) {
        List<SpanData> found = spans().stream().filter(s -> s.getName().startsWith(prefix)
                && path.equals(s.getAttributes().get(AttributeKey.stringKey("cadre.step.path")))).toList();
        assertThat(found).as("'%s' spans at %s among %s", prefix, path, names()).hasSize(1);
        return found.get(0);
    }

    SpanData parent(SpanData span) {
        return spans().stream().filter(s -> s.getSpanId().equals(span.getParentSpanId())).findFirst()
                .orElseThrow(() -> new AssertionError("no parent for " + span.getName() + " among " + names()));
    }

    List<String> names() {
        return spans().stream().map(SpanData::getName).toList();
    }

    /** The ancestry of a span, from itself up to the root: "chat m < invoke_agent coder < cadre.step loop < ...". */
    String ancestry(SpanData span) {
        StringBuilder chain = new StringBuilder(span.getName());
        SpanData current = span;
        while (current.getParentSpanContext().isValid()) {
            current = parent(current);
            chain.append(" < ").append(current.getName());
        }
        return chain.toString();
    }

    Collection<MetricData> collect() {
        return metrics.collectAllMetrics();
    }

    static MetricData metric(Collection<MetricData> all, String name) {
        return all.stream().filter(m -> m.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no metric " + name + " among "
                        + all.stream().map(MetricData::getName).toList()));
    }

    /** A counter's values by one attribute. */
    static Map<String, Long> sums(Collection<MetricData> all, String name, String by) {
        return metric(all, name).getLongSumData().getPoints().stream().collect(Collectors.groupingBy(
                p -> String.valueOf(p.getAttributes().get(AttributeKey.stringKey(by))), Collectors.summingLong(p -> p.getValue())));
    }

    /** A histogram's counts by one attribute. */
    static Map<String, Long> counts(Collection<MetricData> all, String name, String by) {
        return metric(all, name).getHistogramData().getPoints().stream().collect(Collectors.groupingBy(
                p -> String.valueOf(p.getAttributes().get(AttributeKey.stringKey(by))), Collectors.summingLong(HistogramPointData::getCount)));
    }

    static List<? extends PointData> points(Collection<MetricData> all, String name) {
        return List.copyOf(metric(all, name).getData().getPoints());
    }

    @Override
    public void close() {
        sdk.close();
    }

    /** A tool with one string parameter {@code text}; records the contexts it was called with. */
    static final class TextTool implements Tool {
        final String name;
        final RiskLevel risk;
        final BiFunction<String, ToolContext, ToolResult> body;
        final List<ToolContext> contexts = new CopyOnWriteArrayList<>();

        TextTool(String name, RiskLevel risk, BiFunction<String, ToolContext, ToolResult> body) {
            this.name = name;
            this.risk = risk;
            this.body = body;
        }

        @Override
        public ToolSpecification specification() {
            return ToolSpecification.builder().name(name).description("Test tool " + name)
                    .parameters(JsonObjectSchema.builder().addStringProperty("text", "the text").required("text").build())
                    .build();
        }

        @Override
        public Mono<ToolResult> invoke(JsonNode arguments, ToolContext context) {
            contexts.add(context);
            return Mono.fromCallable(() -> body.apply(arguments.path("text").asText(), context));
        }

        @Override
        public RiskLevel risk() {
            return risk;
        }

        @Override
        public boolean idempotent() {
            return false;
        }
    }
}
