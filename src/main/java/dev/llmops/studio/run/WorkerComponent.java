package dev.llmops.studio.run;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.stereotype.Component;

/**
 * A bean that workers need to run steps: node executors and what they use. The server creates these like any
 * component; a remote worker (no database, no UI) creates only these, so an executor must not depend on
 * server-only beans such as repositories.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Component
public @interface WorkerComponent {
}
