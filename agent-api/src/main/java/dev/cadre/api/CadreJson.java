package dev.cadre.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/** The JSON settings every Cadre module uses for its own types (events, journals, personas). */
public final class CadreJson {

    private static final ObjectMapper MAPPER = newMapper();

    private CadreJson() {}

    /**
     * A shared, fully configured mapper. Treat it as read-only: configure a copy from {@link #newMapper()}
     * if you need different settings.
     */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** A new mapper with Cadre's settings: ISO-8601 instants and durations, nulls omitted, unknown keys tolerated. */
    public static ObjectMapper newMapper() {
        return JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .addModule(new Jdk8Module())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .serializationInclusion(JsonInclude.Include.NON_NULL)
                .build();
    }
}
