package dev.llmops.studio.security.web;

import dev.llmops.studio.platform.ProblemResponses;
import dev.llmops.studio.security.CurrentUser;
import dev.llmops.studio.security.RequiresPermission;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;

/** Applies {@link RequiresPermission} to REST handlers; a handler under /api without one is refused. */
@Component
class ApiPermissionInterceptor implements HandlerInterceptor {

    private final CurrentUser currentUser;

    ApiPermissionInterceptor(CurrentUser currentUser) {
        this.currentUser = currentUser;
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler)
            throws Exception {
        if (!(handler instanceof HandlerMethod method)) {
            return true;
        }
        RequiresPermission required = requiredPermission(method);
        if (required != null && currentUser.has(required.value())) {
            return true;
        }
        ProblemResponses.write(response, request.getRequestURI(), HttpStatus.FORBIDDEN, "Forbidden",
                required == null ? "This endpoint declares no permission and is closed."
                        : "Your roles do not allow this operation (needs " + required.value() + ").");
        return false;
    }

    static RequiresPermission requiredPermission(HandlerMethod method) {
        RequiresPermission onMethod = AnnotatedElementUtils.findMergedAnnotation(method.getMethod(),
                RequiresPermission.class);
        return onMethod != null ? onMethod
                : AnnotatedElementUtils.findMergedAnnotation(method.getBeanType(), RequiresPermission.class);
    }
}
