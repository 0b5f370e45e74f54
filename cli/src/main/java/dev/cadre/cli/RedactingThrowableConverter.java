package dev.cadre.cli;

import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/** {@code %redactedEx} in the CLI's logback pattern: a logged exception's stack trace with secrets masked. */
public final class RedactingThrowableConverter extends ThrowableProxyConverter {

    @Override
    public String convert(ILoggingEvent event) {
        return RedactingMessageConverter.redactor(getContext()).redact(super.convert(event));
    }
}
