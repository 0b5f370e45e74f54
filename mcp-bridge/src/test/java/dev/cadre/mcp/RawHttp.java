package dev.cadre.mcp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** Raw HTTP/1.1 on loopback, for requests java.net.http will not send (a body that stops half way). */
final class RawHttp {

    record Answer(int status, String head, String body) {}

    private RawHttp() {}

    /** Connects and sends a POST's headers announcing {@code contentLength} bytes, then {@code prefix} of the body. */
    /** A served root in {@code dir}, beside (not around) a runs directory there, which the server refuses inside its root. */
    static java.nio.file.Path rootBeside(java.nio.file.Path dir) {
        try {
            return java.nio.file.Files.createDirectories(dir.resolve("root"));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static Socket startPost(int port, int contentLength, byte[] prefix, String session) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 10_000);
        String head = "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nContent-Type: application/json\r\n"
                + "Accept: application/json, text/event-stream\r\n" + (session == null ? "" : "Mcp-Session-Id: " + session + "\r\n")
                + "Content-Length: " + contentLength + "\r\n\r\n";
        socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().write(prefix);
        socket.getOutputStream().flush();
        return socket;
    }

    /** What the server answers on {@code socket} until it closes it, waiting up to {@code timeoutMillis} in all. */
    static Answer read(Socket socket, int timeoutMillis) throws IOException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[8192];
        try {
            while (true) {
                socket.setSoTimeout((int) Math.max(1, deadline - System.currentTimeMillis()));
                int n = in.read(buffer);
                if (n < 0) {
                    break;
                }
                got.write(buffer, 0, n);
                String text = got.toString(StandardCharsets.UTF_8);
                int end = text.indexOf("\r\n\r\n");
                int length = contentLength(text);
                if (end >= 0 && length >= 0 && got.size() >= end + 4 + length) {
                    break;
                }
            }
        } catch (SocketTimeoutException | java.net.SocketException ended) {
            // what came is the answer (nothing when it never came)
        }
        String text = got.toString(StandardCharsets.UTF_8);
        if (text.length() < 12) {
            return new Answer(0, text, "");
        }
        int end = text.indexOf("\r\n\r\n");
        return new Answer(Integer.parseInt(text.substring(9, 12)), end < 0 ? text : text.substring(0, end),
                end < 0 ? "" : text.substring(end + 4));
    }

    static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing a test socket
        }
    }

    private static int contentLength(String text) {
        for (String line : text.split("\r\n")) {
            if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                return Integer.parseInt(line.substring(15).trim());
            }
            if (line.isEmpty()) {
                break;
            }
        }
        return -1;
    }
}
