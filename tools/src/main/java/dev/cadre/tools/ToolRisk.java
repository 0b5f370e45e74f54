package dev.cadre.tools;

import dev.cadre.api.RiskLevel;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Declares the risk and idempotency of a LangChain4j {@code @Tool} method adapted by {@link LangChain4jTools}. */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface ToolRisk {
    RiskLevel value();

    boolean idempotent() default false;
}
