package dev.cadre.eval;

import java.util.List;
import java.util.Map;

/** How each crew did on one case: runs passed of runs made, and the journals of its runs, by crew name. */
public record CaseSummary(String caseId, Map<String, Cell> crews) {

    /** One crew on one case. */
    public record Cell(int passed, int runs, List<String> journals) {
        public Cell {
            journals = List.copyOf(journals);
        }
    }

    public CaseSummary {
        crews = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(crews));
    }
}
