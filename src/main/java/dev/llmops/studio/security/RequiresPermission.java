package dev.llmops.studio.security;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Guards a route (on the view class) or a REST endpoint (on the controller class or handler method) with a
 * permission from the matrix. Access is closed by default: a route or endpoint without it (and without
 * {@code @AnonymousAllowed}) is refused to everyone, and the access tests fail until it is declared.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface RequiresPermission {
    Permission value();
}
