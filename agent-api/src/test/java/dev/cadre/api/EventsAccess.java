package dev.cadre.api;

import java.util.List;

/** Opens {@link Events} to tests in other packages. */
public final class EventsAccess {
    private EventsAccess() {}

    public static List<RunEvent> oneOfEach(String run) {
        return Events.oneOfEach(run);
    }
}
