package dev.cadre.orchestrator.redaction.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Walks the strings of a record of the run's vocabulary (its components, collections, maps) without copying them: how
 * the redactor finds, without building a JSON tree, that an event holds no secret. Stateless.
 */
public final class RecordStrings {

    /** The public accessors of a record class's components (a cache of reflection, not state). */
    private static final ClassValue<List<Method>> ACCESSORS = new ClassValue<>() {
        @Override
        protected List<Method> computeValue(Class<?> type) {
            List<Method> accessors = new ArrayList<>();
            for (RecordComponent component : type.getRecordComponents()) {
                Method accessor = component.getAccessor();
                accessor.trySetAccessible();
                accessors.add(accessor);
            }
            return List.copyOf(accessors);
        }
    };

    private RecordStrings() {
    }

    /** Whether any string in {@code value} passes {@code test}; an unknown type or deep nesting answers true. */
    public static boolean anyMatch(Object value, Predicate<String> test) {
        return anyMatch(value, test, 0);
    }

    /**
     * Whether any string in {@code value} (a record of the run's vocabulary, walked through its components,
     * collections and maps) passes {@code test}. A type it does not know, or nesting too deep, answers true, so the caller
     * takes the exact path through the JSON tree.
     */
    private static boolean anyMatch(Object value, Predicate<String> test, int depth) {
        if (value == null || value instanceof Number || value instanceof Boolean || value instanceof Enum<?>
                || value instanceof java.time.temporal.TemporalAccessor || value instanceof java.time.Duration) {
            return false;
        }
        if (depth > 16) {
            return true;
        }
        if (value instanceof String text) {
            return test.test(text);
        }
        if (value instanceof Record record) {
            List<Method> accessors = ACCESSORS.get(record.getClass());
            for (int i = 0; i < accessors.size(); i++) {
                Method accessor = accessors.get(i);
                Object component;
                try {
                    component = accessor.invoke(record);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    return true;
                }
                if (anyMatch(component, test, depth + 1)) {
                    return true;
                }
            }
            return false;
        }
        if (value instanceof List<?> items && items instanceof java.util.RandomAccess) {
            for (int i = 0; i < items.size(); i++) {
                if (anyMatch(items.get(i), test, depth + 1)) {
                    return true;
                }
            }
            return false;
        }
        if (value instanceof Collection<?> items) {
            for (Object item : items) {
                if (anyMatch(item, test, depth + 1)) {
                    return true;
                }
            }
            return false;
        }
        if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                if (anyMatch(entry.getKey(), test, depth + 1) || anyMatch(entry.getValue(), test, depth + 1)) {
                    return true;
                }
            }
            return false;
        }
        if (value instanceof JsonNode node) {
            return !node.isValueNode() || (node.isTextual() && test.test(node.textValue()));
        }
        return true;
    }
}
