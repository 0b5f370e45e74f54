package dev.cadre.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * In front of a servlet context that reads request bodies with blocking reads: reads each body asynchronously
 * (no thread waits for a slow client), within {@link BodyLimits}, and only then hands the request, its body in
 * memory, to the next handler. A body over the limit gets 413 (after its bytes are read and dropped, up to 16 times
 * the limit, so the client sees the answer rather than a reset; one announced larger at once), one not complete within the timeout 408, one that
 * would take the bytes buffered for all clients over their bound 503; each as a one-sentence error written by
 * {@code errorBody}, and the connection is closed. A {@code gate} (the {@link LoopbackGuard} checks) refuses a
 * request before any of its body is read.
 */
public final class BoundedBodies extends Handler.Wrapper {

    private static final Logger log = LoggerFactory.getLogger(BoundedBodies.class);
    /** How many times the limit a body too large is read to be dropped; one announced larger is refused at once. */
    private static final long DISCARD_AT_MOST = 16;

    private final BodyLimits limits;
    private final Function<Request, LoopbackGuard.Refusal> gate;
    private final BiFunction<Integer, String, String> errorBody;
    private final AtomicLong buffered = new AtomicLong();

    /**
     * @param gate      refuses a request from its headers alone ({@code null}: it may go on)
     * @param errorBody the JSON body of a refusal with this status and sentence
     */
    public BoundedBodies(Handler next, BodyLimits limits, Function<Request, LoopbackGuard.Refusal> gate,
                         BiFunction<Integer, String, String> errorBody) {
        super(next);
        this.limits = Objects.requireNonNull(limits);
        this.gate = Objects.requireNonNull(gate);
        this.errorBody = Objects.requireNonNull(errorBody);
    }

    /** The bytes of bodies received and not yet read by the next handler (for tests). */
    public long bufferedBytes() {
        return buffered.get();
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        Handler next = getHandler();
        if (next == null) {
            return false;
        }
        long length = request.getLength();
        boolean body = length > 0 || (length < 0 && request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING));
        if (!body) {
            return next.handle(request, response, callback);
        }
        LoopbackGuard.Refusal refusal = gate.apply(request);
        if (refusal != null) {
            if (refusal.status() == 401) {
                response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer");
            }
            refuse(response, callback, refusal.status(), refusal.message());
            return true;
        }
        if (length > DISCARD_AT_MOST * limits.maxBytes()) {
            refuse(response, callback, 413, tooLarge()); // not worth reading to drop: the client may see a reset
            return true;
        }
        new Reading(next, request, response, callback, length > limits.maxBytes()).start();
        return true;
    }

    private String tooLarge() {
        return "Request body over " + limits.maxBytes() + " bytes.";
    }

    private void refuse(Response response, Callback callback, int status, String message) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json;charset=utf-8");
        response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
        response.write(true, ByteBuffer.wrap(errorBody.apply(status, message).getBytes(StandardCharsets.UTF_8)), callback);
    }

    /** One body being received: reads what is there, then asks to be called back when more comes. */
    private final class Reading implements Runnable {
        private final Handler next;
        private final Request request;
        private final Response response;
        private final Callback callback;
        private Scheduler.Task timeout;
        private boolean over;
        private long reserved;
        private byte[] bytes = new byte[1024];
        private int size;
        private long discarded;
        private boolean tooLarge;

        Reading(Handler next, Request request, Response response, Callback callback, boolean tooLarge) {
            this.next = next;
            this.request = request;
            this.response = response;
            this.callback = callback;
            this.tooLarge = tooLarge;
        }

        void start() {
            synchronized (this) {
                long left = limits.timeout().toNanos() - (System.nanoTime() - request.getHeadersNanoTime());
                timeout = request.getComponents().getScheduler().schedule(this::timedOut, Math.max(0, left), TimeUnit.NANOSECONDS);
            }
            run();
        }

        /** Reads every chunk available now; called again by {@link Request#demand} when more arrives. */
        @Override
        public void run() {
            if (read()) {
                dispatch(); // outside the lock: the next handler may take long, and completes on other threads
            }
        }

        /** Whether the whole body is here and the request goes on. */
        private synchronized boolean read() {
            while (!over) {
                Content.Chunk chunk = request.read();
                if (chunk == null) {
                    request.demand(this);
                    return false;
                }
                if (Content.Chunk.isFailure(chunk)) {
                    end();
                    release();
                    callback.failed(chunk.getFailure());
                    return false;
                }
                boolean last = chunk.isLast();
                int n = chunk.remaining();
                if (tooLarge || size + (long) n > limits.maxBytes()) {
                    tooLarge = true;
                    discarded += n;
                } else if (!reserve(n)) {
                    chunk.release();
                    finish(503, "The server is receiving too many request bodies at once (over "
                            + limits.maxBufferedBytes() + " bytes); try again.");
                    return false;
                } else {
                    append(chunk.getByteBuffer());
                }
                chunk.release();
                if (tooLarge && (last || discarded > DISCARD_AT_MOST * limits.maxBytes())) {
                    finish(413, tooLarge());
                    return false;
                }
                if (last) {
                    return end();
                }
            }
            return false;
        }

        private boolean reserve(int n) {
            long now = buffered.addAndGet(n);
            if (now > limits.maxBufferedBytes()) {
                buffered.addAndGet(-n);
                return false;
            }
            reserved += n;
            return true;
        }

        private void append(ByteBuffer data) {
            int n = data.remaining();
            if (size + n > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(size + n, Math.min(limits.maxBytes(), bytes.length * 2)));
            }
            data.get(bytes, size, n);
            size += n;
        }

        private synchronized void timedOut() {
            finish(408, "The request body did not arrive within " + limits.timeout().toMillis() / 1000.0
                    + " s (" + (size + discarded) + " bytes came).");
        }

        /** Ends the reading once: only the first of the last chunk, a refusal and the timeout counts. */
        private boolean end() {
            if (over) {
                return false;
            }
            over = true;
            timeout.cancel();
            return true;
        }

        private void finish(int status, String message) {
            if (end()) {
                release();
                log.debug("Request body refused ({}): {}", status, message);
                refuse(response, callback, status, message);
            }
        }

        /** Gives the body's bytes back to the budget: once it was read, or the request ended. */
        private synchronized void release() {
            buffered.addAndGet(-reserved);
            reserved = 0;
            bytes = null;
        }

        private void dispatch() {
            Buffered wrapped = new Buffered(request, ByteBuffer.wrap(bytes, 0, size), this::release);
            Callback done = Callback.from(callback, this::release);
            try {
                if (!next.handle(wrapped, response, done)) {
                    Response.writeError(request, response, done, 404);
                }
            } catch (Throwable t) {
                Response.writeError(request, response, done, t);
            }
        }
    }

    /** The request with its whole body in memory: one last chunk, then end of content. */
    private static final class Buffered extends Request.Wrapper {
        private ByteBuffer body;
        private final Runnable onRead;

        Buffered(Request request, ByteBuffer body, Runnable onRead) {
            super(request);
            this.body = body;
            this.onRead = onRead;
        }

        @Override
        public synchronized Content.Chunk read() {
            if (body == null) {
                return Content.Chunk.EOF;
            }
            Content.Chunk chunk = Content.Chunk.from(body, true);
            body = null;
            onRead.run();
            return chunk;
        }

        @Override
        public void demand(Runnable demandCallback) {
            demandCallback.run();
        }

        @Override
        public boolean consumeAvailable() {
            synchronized (this) {
                body = null;
            }
            return true;
        }
    }
}
