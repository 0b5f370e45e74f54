package dev.cadre.orchestrator.internal.local;

import dev.cadre.api.Checkpoint;
import dev.cadre.api.Decision;
import dev.cadre.api.HumanGate;
import dev.cadre.api.RunStatus;
import dev.cadre.api.ModelRegistry;
import dev.cadre.api.Usage;
import dev.cadre.api.crew.CrewPolicy;
import com.github.benmanes.caffeine.cache.Cache;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import reactor.core.scheduler.Scheduler;
import dev.cadre.orchestrator.internal.DefaultRunHandle;
import dev.cadre.orchestrator.internal.RunRecorder;
import dev.cadre.orchestrator.internal.core.Command;
import dev.cadre.orchestrator.internal.core.Core;
import dev.cadre.orchestrator.internal.core.Input;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Mono;

/**
 * Runs a {@link Core} on this machine with Reactor: executes its commands (events journaled before they are
 * published, model and tool calls through {@link ModelCalls} and {@link ToolCalls}, checkpoints through the gate and
 * the run handle, timers) and feeds their results back, one at a time, on whichever thread delivered them (no hand-off,
 * no lock held while a call runs). Waiting holds no thread; cancel disposes every call in flight.
 */
public final class LocalDriver implements DefaultRunHandle.Driven {

    private static final Logger log = LoggerFactory.getLogger(LocalDriver.class);

    private final Core core;
    private final RunRecorder recorder;
    private final DefaultRunHandle handle;
    private final ModelCalls models;
    private final ToolCalls tools;
    private final HumanGate gate;
    private final Clock clock;
    private final ConcurrentLinkedQueue<Runnable> inbox = new ConcurrentLinkedQueue<>();
    private final AtomicInteger wip = new AtomicInteger();
    private final Disposable.Composite inFlight = Disposables.composite();
    private final Map<String, Checkpoint> pending = new LinkedHashMap<>();
    private final Map<String, Disposable> waits = new ConcurrentHashMap<>();
    private volatile boolean stopped;

    /** What the orchestrator gives every run's driver. */
    public record Services(ModelRegistry models, Scheduler blocking, Cache<ModelCacheKey, ChatResponse> modelCache, Clock clock,
                           RateLimits rateLimits) {}

    /** A cached model answer is keyed by model and the full request. */
    public record ModelCacheKey(String model, ChatRequest request) {}

    public LocalDriver(Core core, RunRecorder recorder, DefaultRunHandle handle, Services services, CrewPolicy policy,
                       boolean streaming, HumanGate gate) {
        this.core = core;
        this.recorder = recorder;
        this.handle = handle;
        this.models = new ModelCalls(services.models(), services.blocking(), services.modelCache(), recorder, policy.cache(),
                policy.retry(), streaming, services.rateLimits());
        this.tools = new ToolCalls(services.blocking());
        this.gate = gate;
        this.clock = services.clock();
        handle.driver(this);
    }

    /** Starts the run: the core's first decisions, and everything the journal already answers, then the calls. */
    public void start() {
        submit(() -> execute(core.start(clock.instant())));
    }

    private void feed(Input input) {
        submit(() -> execute(core.accept(input, clock.instant())));
    }

    /** Runs {@code work} now if no other thread is inside the core, else after what that thread is doing. */
    private void submit(Runnable work) {
        inbox.add(work);
        if (wip.getAndIncrement() != 0) {
            return;
        }
        do {
            Runnable next = inbox.poll();
            if (stopped) {
                continue;
            }
            try {
                next.run();
            } catch (RuntimeException | Error e) {
                log.error("Run {} failed unexpectedly", recorder.runId(), e);
                end(RunStatus.FAILED, null, "The run failed unexpectedly: " + Backoff.describe(e), core.usage());
            }
        } while (wip.decrementAndGet() != 0);
    }

    private void execute(List<Command> commands) {
        for (Command command : commands) {
            if (stopped) {
                return;
            }
            if (command instanceof Command.Record r) {
                recorder.emit(r.event());
            } else if (command instanceof Command.CallModel c) {
                track(models.call(c));
            } else if (command instanceof Command.CallTool c) {
                track(tools.call(c));
            } else if (command instanceof Command.AskHuman a) {
                ask(a.checkpoint());
            } else if (command instanceof Command.CheckpointClosed c) {
                closed(c.checkpointId());
            } else if (command instanceof Command.StartTimer t) {
                Duration left = Duration.between(clock.instant(), t.at());
                Disposable timer = Mono.delay(left.isNegative() ? Duration.ZERO : left)
                        .subscribe(x -> feed(new Input.TimerFired(t.id())));
                inFlight.add(timer);
                waits.put(t.id(), timer);
            } else if (command instanceof Command.StepOutput o) {
                handle.stepOutput(o.stepPath(), o.output(), o.outcome());
            } else if (command instanceof Command.EndRun e) {
                end(e.status(), e.output(), e.reason(), e.usage());
            }
        }
    }

    private void track(Mono<Input> call) {
        Disposable.Swap slot = Disposables.swap();
        inFlight.add(slot);
        slot.update(call.doFinally(signal -> inFlight.remove(slot)).subscribe(this::feed, error -> {
            log.error("Run {} failed unexpectedly", recorder.runId(), error);
            submit(() -> end(RunStatus.FAILED, null, "The run failed unexpectedly: " + Backoff.describe(error), core.usage()));
        }));
    }

    private void ask(Checkpoint checkpoint) {
        synchronized (pending) {
            pending.put(checkpoint.id(), checkpoint);
            handle.waiting(true);
        }
        Disposable byGate = Mono.defer(() -> gate.decide(checkpoint))
                .onErrorResume(e -> {
                    log.warn("The human gate failed on checkpoint {} of run {}; waiting for a decision through the run handle",
                            checkpoint.id(), recorder.runId(), e);
                    return Mono.empty();
                })
                .subscribe(decision -> decide(checkpoint.id(), decision, false));
        inFlight.add(byGate);
        waits.merge(checkpoint.id() + "#gate", byGate, (a, b) -> b);
    }

    private boolean decide(String id, Decision decision, boolean strict) {
        Checkpoint taken;
        synchronized (pending) {
            taken = pending.remove(id);
            handle.waiting(!pending.isEmpty());
        }
        if (taken == null) {
            if (strict) {
                List<String> ids = pending().stream().map(Checkpoint::id).toList();
                throw new IllegalArgumentException("Run '" + recorder.runId() + "' has no pending checkpoint '" + id + "'; pending: "
                        + (ids.isEmpty() ? "none" : String.join(", ", ids)) + ".");
            }
            return false;
        }
        feed(new Input.Decided(id, decision));
        return true;
    }

    private void closed(String id) {
        synchronized (pending) {
            pending.remove(id);
            handle.waiting(!pending.isEmpty());
        }
        for (String wait : List.of(id, id + "#gate")) {
            Disposable d = waits.remove(wait);
            if (d != null) {
                d.dispose();
                inFlight.remove(d);
            }
        }
    }

    private void end(RunStatus status, String output, String reason, Usage usage) {
        stopped = true;
        inFlight.dispose();
        handle.finish(status, output, reason, usage);
    }

    @Override
    public List<Checkpoint> pending() {
        synchronized (pending) {
            return List.copyOf(new ArrayList<>(pending.values()));
        }
    }

    @Override
    public void resolve(String checkpointId, Decision decision) {
        decide(checkpointId, decision, true);
    }

    @Override
    public void stop() {
        stopped = true;
        inFlight.dispose();
    }

    @Override
    public Usage usage() {
        return core.usage();
    }
}
