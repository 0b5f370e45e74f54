package dev.cadre.orchestrator.internal.local;

import dev.langchain4j.model.chat.response.ChatResponse;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The HTTP headers of a model's response, where the client keeps them: LangChain4j's OpenAI-compatible clients put the
 * raw response in their metadata ({@code rawHttpResponse().headers()}). Read by reflection so the orchestrator needs no
 * provider module; a client without them gives none. The lookup is cached per metadata class.
 */
final class ResponseHeaders {

    private final ClassValue<Optional<Method>> rawResponse = new ClassValue<>() {
        @Override
        protected Optional<Method> computeValue(Class<?> type) {
            try {
                Method m = type.getMethod("rawHttpResponse");
                return m.getParameterCount() == 0 ? Optional.of(m) : Optional.empty();
            } catch (NoSuchMethodException | SecurityException e) {
                return Optional.empty();
            }
        }
    };

    @SuppressWarnings("unchecked")
    Map<String, List<String>> of(ChatResponse response) {
        Object metadata = response == null ? null : response.metadata();
        if (metadata == null) {
            return Map.of();
        }
        Optional<Method> raw = rawResponse.get(metadata.getClass());
        if (raw.isEmpty()) {
            return Map.of();
        }
        try {
            Object http = raw.get().invoke(metadata);
            if (http == null) {
                return Map.of();
            }
            Object headers = http.getClass().getMethod("headers").invoke(http);
            return headers instanceof Map<?, ?> map ? (Map<String, List<String>>) map : Map.of();
        } catch (ReflectiveOperationException | RuntimeException e) {
            return Map.of();
        }
    }
}
