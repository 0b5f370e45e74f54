package dev.cadre.orchestrator.internal.core;

import dev.cadre.orchestrator.pattern.Failure;
import dev.cadre.orchestrator.pattern.Promise;
import java.util.ArrayDeque;
import java.util.function.Consumer;

/** The core's run queue: callbacks run one after another, never nested, so replaying a long journal keeps a flat stack. */
public final class Trampoline implements Consumer<Runnable> {

    private final ArrayDeque<Runnable> ready = new ArrayDeque<>();
    private boolean draining;

    public void later(Runnable task) {
        ready.add(task);
    }

    @Override
    public void accept(Runnable task) {
        later(task);
    }

    /** Runs queued work, including work it queues, until none is left. */
    public void drain() {
        if (draining) {
            return;
        }
        draining = true;
        try {
            Runnable task;
            while ((task = ready.poll()) != null) {
                task.run();
            }
        } finally {
            draining = false;
        }
    }

    public <T> Promise<T> promise() {
        return Promise.pending(this);
    }

    public <T> Promise<T> done(T value) {
        return Promise.done(this, value);
    }

    public <T> Promise<T> failed(Failure failure) {
        return Promise.failed(this, failure);
    }
}
