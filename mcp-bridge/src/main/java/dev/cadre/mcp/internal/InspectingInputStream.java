package dev.cadre.mcp.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stdio input seen line by line (one JSON-RPC message per line) through {@link InboundMessages}: valid messages go on
 * to the SDK's stdio transport; what the SDK would choke on (it ends the session at the first line it cannot read) is
 * answered here, on the same output and under the same lock the SDK writes with. Lines over
 * {@link InboundMessages#MAX_BYTES} are skipped without being held in memory. Until the client's {@code initialize}
 * arrives, a {@code ping} is answered here and any other request refused: the SDK would hold them until
 * initialization, and with 256 held it processes nothing more.
 *
 * <p>A client that opens with a 2026-07-28 request ({@code server/discover}, or a protocol version in {@code _meta})
 * instead of {@code initialize} speaks that protocol for the rest of the connection: its messages go to the
 * 2026-07-28 server's stdio transport through {@code modern} instead of the SDK's 2025-11-25 one.
 */
public final class InspectingInputStream extends InputStream {

    private static final Logger log = LoggerFactory.getLogger(InspectingInputStream.class);

    private final InputStream in;
    private final OutputStream out;
    private final InboundMessages inbound;
    private final CountDownLatch ended = new CountDownLatch(1);
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private final OutputStream modern;
    private boolean initializeSeen;
    private boolean modernSeen;
    private byte[] current = new byte[0];
    private int position;

    /** {@code out} is the stream the SDK writes to: answers are written under its monitor, as the SDK's are. */
    public InspectingInputStream(InputStream in, OutputStream out, InboundMessages inbound) {
        this(in, out, inbound, null);
    }

    /** {@code modern}: where the lines of a 2026-07-28 client go (null: that protocol is refused as not initialized). */
    public InspectingInputStream(InputStream in, OutputStream out, InboundMessages inbound, OutputStream modern) {
        this.in = new BufferedInputStream(in, 1 << 16);
        this.out = out;
        this.inbound = inbound;
        this.modern = modern;
    }

    private boolean fill() throws IOException {
        while (position >= current.length) {
            byte[] next = readLine();
            if (next == null) {
                if (modern != null) {
                    modern.close();
                }
                ended.countDown();
                return false;
            }
            if (next.length > InboundMessages.MAX_BYTES) {
                answer(InboundMessages.errorResponse(null, InboundMessages.INVALID_REQUEST,
                        "Message over " + InboundMessages.MAX_BYTES + " bytes: skipped."));
                continue;
            }
            if (isBlank(next)) {
                continue;
            }
            InboundMessages.Verdict verdict = inbound.check("stdio", next);
            if (modern != null && !initializeSeen && (modernSeen || InboundMessages.modern(verdict))) {
                modernSeen = true;
                if (verdict.answer() && verdict.code() != InboundMessages.INVALID_PARAMS) {
                    answer(verdict.errorResponse());
                } else if (verdict.forward() || verdict.answer()) {
                    // the 2026-07-28 server checks its methods' params itself (some 2025-11-25 methods are gone there)
                    String line = verdict.forward() ? verdict.json() : new String(next, StandardCharsets.UTF_8);
                    modern.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                    modern.flush();
                }
                continue;
            }
            if (verdict.answer()) {
                answer(verdict.errorResponse());
            } else if (verdict.forward() && (!verdict.request() || admitted(verdict))) {
                String local = inbound.localAnswer(verdict);
                if (local != null) {
                    write(local);
                    continue;
                }
                current = (verdict.json() + "\n").getBytes(StandardCharsets.UTF_8);
                position = 0;
            }
        }
        return true;
    }

    /** Whether a request may go on to the SDK; before {@code initialize}, answers it here instead. */
    private boolean admitted(InboundMessages.Verdict request) throws IOException {
        if (initializeSeen || request.method().equals("initialize")) {
            initializeSeen = true;
            return true;
        }
        JsonNode id = request.id();
        if (request.method().equals("ping")) {
            answer("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":{}}");
        } else {
            answer(InboundMessages.errorResponse(id, InboundMessages.INVALID_REQUEST,
                    "The server is not initialized: send initialize first."));
        }
        return false;
    }

    /**
     * The next line without its end of line, or null at the end of the input. A line over the limit is read to its
     * end but only its first {@code MAX_BYTES + 1} bytes are kept.
     */
    private byte[] readLine() throws IOException {
        line.reset();
        int b;
        boolean any = false;
        while ((b = in.read()) != -1) {
            any = true;
            if (b == '\n') {
                break;
            }
            if (line.size() <= InboundMessages.MAX_BYTES) {
                line.write(b);
            }
        }
        if (!any) {
            return null;
        }
        byte[] bytes = line.toByteArray();
        int length = bytes.length;
        if (length > 0 && length <= InboundMessages.MAX_BYTES && bytes[length - 1] == '\r') {
            return java.util.Arrays.copyOf(bytes, length - 1);
        }
        return bytes;
    }

    private static boolean isBlank(byte[] bytes) {
        for (byte b : bytes) {
            if (b != ' ' && b != '\t' && b != '\r') {
                return false;
            }
        }
        return true;
    }

    private void answer(String json) throws IOException {
        log.debug("Answered an invalid message on stdio: {}", json);
        write(json);
    }

    private void write(String json) throws IOException {
        synchronized (out) {
            out.write((json + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
    }

    @Override
    public int read() throws IOException {
        return fill() ? current[position++] & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (!fill()) {
            return -1;
        }
        int n = Math.min(len, current.length - position);
        System.arraycopy(current, position, b, off, n);
        position += n;
        return n;
    }

    /** Waits until the input has ended (the client closed stdin). */
    public void awaitEnd() throws InterruptedException {
        ended.await();
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
