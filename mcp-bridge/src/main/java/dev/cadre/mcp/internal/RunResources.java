package dev.cadre.mcp.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cadre.api.RunEvent;
import dev.cadre.orchestrator.RunOptions;
import dev.cadre.orchestrator.journal.JournalStore;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code resources/list}, answered by Cadre rather than the SDK (whose list has no pages and knows only what was
 * registered in this process): the server's fixed resources, then every run journal in the runs directory's store, newest
 * first, {@link #PAGE} at a time. The cursor is the last item's URI, so runs started between two pages never shift
 * the later ones.
 */
public final class RunResources {

    /** Resources per page. */
    public static final int PAGE = 50;

    private static final String RUNS = "cadre://runs/";

    private final JournalStore store;
    private final Supplier<List<JsonNode>> fixed;

    /** {@code fixed}: the server's own resources (as JSON objects with at least a {@code uri}), listed first. */
    public RunResources(JournalStore store, Supplier<List<JsonNode>> fixed) {
        this.store = store;
        this.fixed = fixed;
    }

    /** A page of a {@code resources/list} result, or an {@link IllegalArgumentException} for a cursor this server did not give. */
    public ObjectNode page(String cursor) {
        String after = cursor == null ? null : decode(cursor);
        List<JsonNode> fixedResources = fixed.get();
        List<JsonNode> items = new ArrayList<>();
        int start = 0;
        String afterRun = null;
        if (after != null) {
            start = -1;
            for (int i = 0; i < fixedResources.size(); i++) {
                if (fixedResources.get(i).path("uri").asText().equals(after)) {
                    start = i + 1;
                }
            }
            if (start < 0) {
                if (!after.startsWith(RUNS) || !RunOptions.isRunId(after.substring(RUNS.length()))) {
                    throw new IllegalArgumentException("cursor is not one this server gave.");
                }
                start = fixedResources.size();
                afterRun = after.substring(RUNS.length());
            }
        }
        for (int i = start; i < fixedResources.size() && items.size() < PAGE + 1; i++) {
            items.add(fixedResources.get(i));
        }
        for (String id : runIds()) {
            if (items.size() > PAGE) {
                break;
            }
            if (afterRun == null || id.compareTo(afterRun) < 0) {
                items.add(run(id));
            }
        }
        ObjectNode result = JsonNodeFactory.instance.objectNode();
        ArrayNode resources = result.putArray("resources");
        items.stream().limit(PAGE).forEach(resources::add);
        if (items.size() > PAGE) {
            result.put("nextCursor", encode(items.get(PAGE - 1).path("uri").asText()));
        }
        return result;
    }

    /** The ids of the journals in the runs directory's store, newest first (run ids start with their time). */
    private List<String> runIds() {
        return store.runIds().stream().filter(RunOptions::isRunId).sorted(Comparator.reverseOrder()).toList();
    }

    private ObjectNode run(String id) {
        ObjectNode resource = JsonNodeFactory.instance.objectNode();
        resource.put("uri", RUNS + id);
        resource.put("name", id);
        String crew = crewOf(id);
        resource.put("title", crew == null ? "Run " + id : "Run " + id + " (crew " + crew + ")");
        resource.put("description", "The run's journal: its events as JSON Lines");
        resource.put("mimeType", "application/x-ndjson");
        return resource;
    }

    /** The crew named by a journal's first event, or null when it cannot be read. */
    private String crewOf(String runId) {
        try {
            List<RunEvent> events = store.read(runId).events();
            String crew = !events.isEmpty() && events.get(0) instanceof RunEvent.RunStarted started ? started.crew() : null;
            return crew != null && crew.length() <= 64 ? crew : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String encode(String uri) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(uri.getBytes(StandardCharsets.UTF_8));
    }

    private static String decode(String cursor) {
        try {
            return new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cursor is not one this server gave.");
        }
    }
}
