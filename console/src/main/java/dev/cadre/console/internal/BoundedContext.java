package dev.cadre.console.internal;

import dev.cadre.http.BodyLimits;
import dev.cadre.http.BoundedBodies;
import dev.cadre.http.LoopbackGuard;
import java.time.Duration;
import java.util.Map;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The console's servlet context, whose request bodies {@link BoundedBodies} reads first (1 MiB within the body
 * timeout, no thread waiting for a slow client), after the Host and Origin checks; the servlets then read them from
 * memory. A subclass rather than a wrapper, so whoever mounts {@code CadreConsole.handler} gets the bound too.
 */
public final class BoundedContext extends ServletContextHandler {

    private final BoundedBodies bodies;

    public BoundedContext(LoopbackGuard guard, Duration bodyTimeout) {
        Handler servlets = new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                return BoundedContext.super.handle(request, response, callback);
            }
        };
        this.bodies = new BoundedBodies(servlets, BodyLimits.of(Json.MAX_BODY).withTimeout(bodyTimeout),
                r -> guard.checkHostAndOrigin(r.getHeaders().get(HttpHeader.HOST), r.getHeaders().get(HttpHeader.ORIGIN),
                        Request.getLocalPort(r)),
                (status, message) -> Json.text(Map.of("error", message)));
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        return bodies.handle(request, response, callback);
    }
}
