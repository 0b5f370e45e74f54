package dev.cadre.api.crew;

import dev.cadre.api.Agent;
import java.util.Objects;

/** Someone a manager can delegate to: an agent, or a team (a nested hierarchical step whose manager takes the subtask). */
public sealed interface Worker permits Worker.AgentWorker, Worker.Team {

    /** The name the manager delegates to. */
    String name();

    record AgentWorker(Agent agent) implements Worker {
        public AgentWorker {
            Objects.requireNonNull(agent, "agent");
        }

        @Override
        public String name() {
            return agent.id();
        }
    }

    record Team(String name, Step.Hierarchical team) implements Worker {
        public Team {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(team, "team");
        }
    }

    static Worker agent(Agent agent) {
        return new AgentWorker(agent);
    }

    static Worker team(String name, Step.Hierarchical team) {
        return new Team(name, team);
    }
}
