package dev.cadre.mcp.internal;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * A run's notifications to one client (progress, log messages), sent one after another in the order the run's events
 * came, so a client sees "writer is working" before "writer answered"; and a way to wait until those given so far are
 * out, so a tool's result never overtakes the progress that led to it. A notification that fails is dropped, not
 * retried; a client that stops reading holds the wait for at most {@link #MAX_WAIT}.
 */
public final class OrderedNotifications {

    static final Duration MAX_WAIT = Duration.ofSeconds(5);

    private final Sinks.Many<Mono<Void>> queue = Sinks.many().unicast().onBackpressureBuffer();
    private final Sinks.Many<Long> sent = Sinks.many().replay().latest();
    private final AtomicLong queued = new AtomicLong();

    public OrderedNotifications() {
        queue.asFlux()
                .concatMap(n -> n.onErrorResume(e -> Mono.empty()).then(Mono.just(1L)))
                .scan(0L, Long::sum)
                .subscribe(n -> sent.emitNext(n, Sinks.EmitFailureHandler.busyLooping(Duration.ofSeconds(1))));
    }

    /** Queues a notification; it is sent after every one queued before it. */
    public void send(Mono<Void> notification) {
        queued.incrementAndGet();
        queue.emitNext(notification, Sinks.EmitFailureHandler.busyLooping(Duration.ofSeconds(1)));
    }

    /** Completes when every notification queued so far has been sent (or dropped). */
    public Mono<Void> drained() {
        long target = queued.get();
        return sent.asFlux().filter(n -> n >= target).next().then().timeout(MAX_WAIT, Mono.empty());
    }
}
