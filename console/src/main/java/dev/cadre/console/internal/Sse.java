package dev.cadre.console.internal;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Server-Sent Events over an async servlet request: holds no request thread while waiting. Frames are written on
 * the console's bounded scheduler; a comment line every heartbeat finds clients that went away, and then (or when
 * the container reports the connection closed) the subscription is disposed and the request completed.
 */
public final class Sse {

    private static final Logger log = LoggerFactory.getLogger(Sse.class);
    static final String END = "event: end\ndata: {}\n\n";

    private final Scheduler scheduler;
    private final Duration heartbeat;
    private final AtomicInteger open = new AtomicInteger();

    public Sse(Scheduler scheduler, Duration heartbeat) {
        this.scheduler = scheduler;
        this.heartbeat = heartbeat;
    }

    /** Streams open now. */
    public int open() {
        return open.get();
    }

    /** A data frame: {@code id} (may be null) and one line of JSON. */
    static String frame(String id, String json) {
        return (id == null ? "" : "id: " + id + "\n") + "data: " + json + "\n\n";
    }

    /** Streams {@code frames}, then an {@code end} event when they complete. */
    void stream(HttpServletRequest request, HttpServletResponse response, Flux<String> frames) throws IOException {
        response.setStatus(200);
        response.setContentType("text/event-stream");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        AsyncContext async = request.startAsync();
        async.setTimeout(0);
        ServletOutputStream out = response.getOutputStream();
        out.write(": connected\n\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
        open.incrementAndGet();
        AtomicBoolean done = new AtomicBoolean();
        Disposable.Swap subscription = Disposables.swap();
        Runnable finish = () -> {
            if (done.compareAndSet(false, true)) {
                open.decrementAndGet();
                subscription.dispose();
                try {
                    async.complete();
                } catch (IllegalStateException e) {
                    log.debug("SSE request already completed", e);
                }
            }
        };
        async.addListener(new AsyncListener() {
            @Override public void onComplete(AsyncEvent event) { finish.run(); }
            @Override public void onTimeout(AsyncEvent event) { finish.run(); }
            @Override public void onError(AsyncEvent event) { finish.run(); }
            @Override public void onStartAsync(AsyncEvent event) { }
        });
        Flux<String> pings = Flux.interval(heartbeat, heartbeat, scheduler).map(i -> ": ping\n\n");
        subscription.update(Flux.merge(frames.concatWith(Mono.just(END)), pings)
                .takeUntil(END::equals)
                .publishOn(scheduler)
                .subscribe(frame -> {
                    try {
                        out.write(frame.getBytes(StandardCharsets.UTF_8));
                        out.flush();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }, error -> {
                    log.debug("SSE stream ended: {}", error.toString());
                    finish.run();
                }, finish));
    }
}
