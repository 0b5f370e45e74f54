package dev.cadre.orchestrator.redaction.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
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

    /**
     * The accessors of a record class's components that can hold a string, as method handles typed
     * {@code (Object)Object} (a cache of reflection, not state): components of a primitive type, an enum or a time
     * type are left out, and calling a handle boxes nothing and builds no argument array.
     */
    private static final ClassValue<MethodHandle[]> ACCESSORS = new ClassValue<>() {
        @Override
        protected MethodHandle[] computeValue(Class<?> type) {
            List<MethodHandle> accessors = new ArrayList<>();
            for (RecordComponent component : type.getRecordComponents()) {
                if (holdsNoString(component.getType())) {
                    continue;
                }
                Method accessor = component.getAccessor();
                accessor.trySetAccessible();
                try {
                    accessors.add(MethodHandles.lookup().unreflect(accessor).asType(MethodType.methodType(Object.class, Object.class)));
                } catch (IllegalAccessException e) {
                    accessors.add(null);   // walked as unknown: the caller takes the exact path
                }
            }
            return accessors.toArray(MethodHandle[]::new);
        }
    };

    private static boolean holdsNoString(Class<?> type) {
        return type.isPrimitive() || type.isEnum() || Number.class.isAssignableFrom(type) || type == Boolean.class
                || java.time.temporal.TemporalAccessor.class.isAssignableFrom(type) || type == java.time.Duration.class;
    }

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
            for (MethodHandle accessor : ACCESSORS.get(record.getClass())) {
                if (accessor == null) {
                    return true;
                }
                Object component;
                try {
                    component = (Object) accessor.invokeExact((Object) record);
                } catch (Error e) {
                    throw e;
                } catch (Throwable e) {
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
