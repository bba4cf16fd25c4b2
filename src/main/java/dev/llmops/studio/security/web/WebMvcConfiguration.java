package dev.llmops.studio.security.web;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

@Configuration(proxyBeanMethods = false)
class WebMvcConfiguration implements WebMvcConfigurer {

    private final ApiPermissionInterceptor apiPermissions;

    WebMvcConfiguration(ApiPermissionInterceptor apiPermissions) {
        this.apiPermissions = apiPermissions;
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(apiPermissions).addPathPatterns("/api/**");
    }
}
