package dev.cadre.orchestrator.internal.core;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cadre.api.CadreJson;
import dev.cadre.api.RunEvent;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.function.Predicate;

/** Journals as drivers may write them: parallel branches' events land in any order. */
final class Journals {

    private Journals() {}

    /**
     * The journal with the events of each branch ({@code branchOf} gives an event's branch, or null when it is in none)
     * interleaved at random in the places branch events held, each branch's own order kept, and renumbered in the new
     * order as a journal would number them.
     */
    static List<RunEvent> interleave(List<RunEvent> events, Function<RunEvent, String> branchOf, Random random) {
        Map<String, Deque<RunEvent>> byBranch = new LinkedHashMap<>();
        List<Integer> places = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            String branch = branchOf.apply(events.get(i));
            if (branch != null) {
                byBranch.computeIfAbsent(branch, b -> new ArrayDeque<>()).add(events.get(i));
                places.add(i);
            }
        }
        List<RunEvent> out = new ArrayList<>(events);
        for (int place : places) {
            List<Deque<RunEvent>> left = byBranch.values().stream().filter(d -> !d.isEmpty()).toList();
            out.set(place, left.get(random.nextInt(left.size())).poll());
        }
        ObjectMapper mapper = CadreJson.mapper();
        List<RunEvent> renumbered = new ArrayList<>(out.size());
        for (int i = 0; i < out.size(); i++) {
            ObjectNode node = mapper.valueToTree(out.get(i));
            node.put("seq", i + 1);
            try {
                renumbered.add(mapper.treeToValue(node, RunEvent.class));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return renumbered;
    }

    /** The journal up to and including the first event {@code last} accepts. */
    static List<RunEvent> cutAfter(List<RunEvent> events, Predicate<RunEvent> last) {
        for (int i = 0; i < events.size(); i++) {
            if (last.test(events.get(i))) return List.copyOf(events.subList(0, i + 1));
        }
        throw new AssertionError("no such event in " + events.stream().map(CoreHarness::describe).toList());
    }
}
