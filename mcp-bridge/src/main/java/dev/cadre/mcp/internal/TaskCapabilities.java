package dev.cadre.mcp.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.Module;
import com.fasterxml.jackson.databind.SerializationConfig;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ser.BeanSerializerModifier;
import com.fasterxml.jackson.databind.ser.ResolvableSerializer;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import dev.cadre.api.CadreJson;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * What the SDK 2.2.0's 2025-11-25 records cannot say about tasks, added as they are written to JSON (the mapper being
 * the SDK's extension point here): the server capability {@code tasks} ({@code list}, {@code cancel},
 * {@code requests.tools.call}) and, on the crew tools, {@code execution.taskSupport: "optional"}. Only the 2025-11-25
 * types are touched; the 2026-07-28 ones advertise the tasks extension through {@link TasksExtension}.
 */
public final class TaskCapabilities {

    private TaskCapabilities() {}

    /** The module for the server's mapper; {@code taskTools} are the tools that run as tasks. */
    public static Module module(Set<String> taskTools) {
        SimpleModule module = new SimpleModule("cadre-task-capabilities");
        module.setSerializerModifier(new BeanSerializerModifier() {
            @Override
            public JsonSerializer<?> modifySerializer(SerializationConfig config, BeanDescription description, JsonSerializer<?> serializer) {
                if (description.getBeanClass() == McpSchema.ServerCapabilities.class) {
                    return new Adding<>(McpSchema.ServerCapabilities.class, serializer, (capabilities, node) -> {
                        ObjectNode tasks = node.putObject("tasks");
                        tasks.putObject("list");
                        tasks.putObject("cancel");
                        tasks.putObject("requests").putObject("tools").putObject("call");
                    });
                }
                if (description.getBeanClass() == McpSchema.Tool.class) {
                    return new Adding<>(McpSchema.Tool.class, serializer, (tool, node) -> {
                        if (taskTools.contains(tool.name())) {
                            node.putObject("execution").put("taskSupport", "optional");
                        }
                    });
                }
                return serializer;
            }
        });
        return module;
    }

    /** The SDK's serializer, then {@code add} on the object it wrote. */
    private static final class Adding<T> extends StdSerializer<T> implements ResolvableSerializer {

        private final JsonSerializer<Object> delegate;
        private final BiConsumer<T, ObjectNode> add;

        @SuppressWarnings("unchecked")
        Adding(Class<T> type, JsonSerializer<?> delegate, BiConsumer<T, ObjectNode> add) {
            super(type);
            this.delegate = (JsonSerializer<Object>) delegate;
            this.add = add;
        }

        @Override
        public void resolve(SerializerProvider provider) throws JsonMappingException {
            if (delegate instanceof ResolvableSerializer resolvable) {
                resolvable.resolve(provider);
            }
        }

        @Override
        public void serialize(T value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            TokenBuffer buffer = provider.bufferForValueConversion(gen.getCodec());
            delegate.serialize(value, buffer, provider);
            ObjectNode node = buffer.asParser(gen.getCodec() != null ? gen.getCodec() : CadreJson.mapper()).readValueAsTree();
            add.accept(value, node);
            node.serialize(gen, provider);
        }
    }
}
