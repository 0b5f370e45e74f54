package dev.cadre.cli;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Context;
import dev.cadre.orchestrator.redaction.Redactor;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * {@code %redactedMsg} in the CLI's logback pattern: the log message with secrets replaced by {@value Redactor#MASK}.
 * It uses the redactor the command put in the logger context ({@link #use}), else one made from the environment.
 */
public final class RedactingMessageConverter extends MessageConverter {

    /** The logger-context object key under which the command's redactor is kept. */
    static final String REDACTOR = "cadre.redactor";

    @Override
    public String convert(ILoggingEvent event) {
        return redactor(getContext()).redact(super.convert(event));
    }

    /** The redactor the command set, else (made once per logger context) one from the environment. */
    static Redactor redactor(Context context) {
        if (context == null) {
            return Redactor.standard();
        }
        if (context.getObject(REDACTOR) instanceof Redactor configured) {
            return configured;
        }
        Redactor fromEnvironment = Redactor.fromEnvironment(System.getenv()); // two threads may both make one: same result
        context.putObject(REDACTOR, fromEnvironment);
        return fromEnvironment;
    }

    /** Makes log lines mask what {@code redactor} masks (for secrets that are not in the environment, like --token). */
    static void use(Redactor redactor) {
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (factory instanceof LoggerContext context) {
            context.putObject(REDACTOR, redactor);
        }
    }
}
