package dev.cadre.orchestrator.pattern;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A value the core will have later: a model answer, a tool result, a decision, a step's output. Single-threaded and
 * synchronous: listeners run on the core's trampoline (never on the caller's stack), so a long run replayed from its
 * journal does not grow the stack. Not Reactor: the core does no I/O and knows no threads.
 */
public final class Promise<T> {

    private final Consumer<Runnable> trampoline;
    private boolean settled;
    private T value;
    private Failure failure;
    private List<Consumer<Promise<T>>> listeners = new ArrayList<>(2);

    private Promise(Consumer<Runnable> trampoline) {
        this.trampoline = trampoline;
    }

    /**
     * A promise settled by whoever holds it; its listeners run through {@code later} (the core's run queue). Patterns
     * get promises from their {@link PatternContext}, never make them.
     */
    public static <T> Promise<T> pending(Consumer<Runnable> later) {
        return new Promise<>(later);
    }

    public static <T> Promise<T> done(Consumer<Runnable> trampoline, T value) {
        Promise<T> p = new Promise<>(trampoline);
        p.complete(value);
        return p;
    }

    public static <T> Promise<T> failed(Consumer<Runnable> trampoline, Failure failure) {
        Promise<T> p = new Promise<>(trampoline);
        p.fail(failure);
        return p;
    }

    public boolean isDone() {
        return settled;
    }

    /** Settles with a value; a promise settles once, later calls are ignored. */
    public void complete(T result) {
        settle(result, null);
    }

    public void fail(Failure why) {
        settle(null, why);
    }

    private void settle(T result, Failure why) {
        if (settled) {
            return;
        }
        settled = true;
        value = result;
        failure = why;
        List<Consumer<Promise<T>>> waiting = listeners;
        listeners = null;
        for (Consumer<Promise<T>> listener : waiting) {
            trampoline.accept(() -> listener.accept(this));
        }
    }

    private void listen(Consumer<Promise<T>> listener) {
        if (settled) {
            trampoline.accept(() -> listener.accept(this));
        } else {
            listeners.add(listener);
        }
    }

    /** Calls back with the value or the failure, once. */
    public void whenDone(Consumer<T> onValue, Consumer<Failure> onFailure) {
        listen(p -> {
            if (p.failure == null) onValue.accept(p.value);
            else onFailure.accept(p.failure);
        });
    }

    /** The next promise, made from this one's value; a failure passes through. */
    public <U> Promise<U> then(Function<T, Promise<U>> next) {
        Promise<U> result = new Promise<>(trampoline);
        whenDone(v -> {
            next.apply(v).whenDone(result::complete, result::fail);
        }, result::fail);
        return result;
    }

    public <U> Promise<U> map(Function<T, U> f) {
        return then(v -> done(trampoline, f.apply(v)));
    }

    /** Replaces a failure {@code handler} accepts (returns non-null for) with the promise it gives. */
    public Promise<T> recover(Function<Failure, Promise<T>> handler) {
        Promise<T> result = new Promise<>(trampoline);
        whenDone(result::complete, f -> {
            Promise<T> instead = handler.apply(f);
            if (instead == null) result.fail(f);
            else instead.whenDone(result::complete, result::fail);
        });
        return result;
    }

    /** Runs {@code effect} on the value or the failure, passing both on unchanged. */
    public Promise<T> peek(Consumer<T> onValue, Consumer<Failure> onFailure) {
        Promise<T> result = new Promise<>(trampoline);
        whenDone(v -> {
            onValue.accept(v);
            result.complete(v);
        }, f -> {
            onFailure.accept(f);
            result.fail(f);
        });
        return result;
    }

    /**
     * Runs {@code work} (each item's promise made when it starts), at most {@code concurrency} at a time, and gives the
     * values in the order of the items; the first failure fails the whole (the rest are left to the run's end).
     */
    public static <T> Promise<List<T>> all(Consumer<Runnable> trampoline, List<Supplier<Promise<T>>> work, int concurrency) {
        Promise<List<T>> result = new Promise<>(trampoline);
        int n = work.size();
        if (n == 0) {
            result.complete(List.of());
            return result;
        }
        List<T> values = new ArrayList<>(n);
        for (int i = 0; i < n; i++) values.add(null);
        int[] next = {0};
        int[] finished = {0};
        Runnable[] startNext = new Runnable[1];
        startNext[0] = () -> {
            if (result.isDone() || next[0] >= n) return;
            int index = next[0]++;
            work.get(index).get().whenDone(v -> {
                values.set(index, v);
                if (++finished[0] == n) result.complete(values);
                else startNext[0].run();
            }, result::fail);
        };
        for (int i = 0; i < Math.min(Math.max(1, concurrency), n); i++) {
            startNext[0].run();
        }
        return result;
    }
}
