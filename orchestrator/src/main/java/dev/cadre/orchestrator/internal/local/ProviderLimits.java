package dev.cadre.orchestrator.internal.local;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a provider's response headers say about its rate limit, OpenAI's style ({@code x-ratelimit-limit-requests},
 * {@code x-ratelimit-remaining-requests}, {@code x-ratelimit-reset-requests}, the same for {@code -tokens}) and
 * {@code retry-after}: the limits per minute (0 when not said) and how long every call must wait, if nothing remains.
 */
record ProviderLimits(int requestsPerMinute, long tokensPerMinute, Optional<Duration> pause) {

    static final ProviderLimits NONE = new ProviderLimits(0, 0, Optional.empty());

    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|h|m|s)");
    private static final Duration LONGEST = Duration.ofHours(1);

    static ProviderLimits from(Map<String, List<String>> headers) {
        if (headers == null || headers.isEmpty()) {
            return NONE;
        }
        Map<String, String> h = new java.util.HashMap<>();
        headers.forEach((name, values) -> {
            if (name != null && values != null && !values.isEmpty()) {
                h.put(name.toLowerCase(Locale.ROOT), values.get(0).trim());
            }
        });
        Duration pause = null;
        for (String side : List.of("requests", "tokens")) {
            if ("0".equals(h.get("x-ratelimit-remaining-" + side))) {
                pause = longer(pause, duration(h.get("x-ratelimit-reset-" + side)));
            }
        }
        pause = longer(pause, duration(h.get("retry-after")));
        long requests = number(h.get("x-ratelimit-limit-requests"));
        return new ProviderLimits((int) Math.min(requests, Integer.MAX_VALUE), number(h.get("x-ratelimit-limit-tokens")),
                Optional.ofNullable(pause));
    }

    private static Duration longer(Duration a, Duration b) {
        return a == null ? b : b == null ? a : a.compareTo(b) >= 0 ? a : b;
    }

    private static long number(String value) {
        try {
            return value == null ? 0 : Math.max(0, Long.parseLong(value));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** {@code 2} or {@code 1.5} (seconds), or Go-style {@code 6m0s}, {@code 20ms}, {@code 1h2m3.5s}; capped at an hour. */
    static Duration duration(String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        Duration total;
        if (value.matches("\\d+(\\.\\d+)?")) {
            total = Duration.ofMillis((long) (Double.parseDouble(value) * 1000));
        } else {
            Matcher m = PART.matcher(value);
            total = Duration.ZERO;
            int end = 0;
            while (m.find() && m.start() == end) {
                double amount = Double.parseDouble(m.group(1));
                long millis = switch (m.group(2)) {
                    case "h" -> (long) (amount * 3_600_000);
                    case "m" -> (long) (amount * 60_000);
                    case "s" -> (long) (amount * 1000);
                    default -> (long) amount;
                };
                total = total.plusMillis(millis);
                end = m.end();
            }
            if (end != value.length()) {
                return null;
            }
        }
        return total.compareTo(LONGEST) > 0 ? LONGEST : total;
    }
}
