package dev.cadre.mcp.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/** Stdio input seen line by line (one JSON-RPC message per line) through {@link Cancellations#inspect}. */
public final class InspectingInputStream extends InputStream {

    private final BufferedReader reader;
    private final Cancellations cancellations;
    private final java.util.concurrent.CountDownLatch ended = new java.util.concurrent.CountDownLatch(1);
    private byte[] current = new byte[0];
    private int position;

    public InspectingInputStream(InputStream in, Cancellations cancellations) {
        this.reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        this.cancellations = cancellations;
    }

    private boolean fill() throws IOException {
        while (position >= current.length) {
            String line = reader.readLine();
            if (line == null) {
                ended.countDown();
                return false;
            }
            current = (cancellations.inspect("stdio", line) + "\n").getBytes(StandardCharsets.UTF_8);
            position = 0;
        }
        return true;
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
        reader.close();
    }
}
