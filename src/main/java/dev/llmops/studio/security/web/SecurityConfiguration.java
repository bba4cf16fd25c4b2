package dev.llmops.studio.security.web;

import static org.springframework.security.config.Customizer.withDefaults;

import com.vaadin.flow.spring.security.NavigationAccessControlConfigurer;
import com.vaadin.flow.spring.security.VaadinAwareSecurityContextHolderStrategy;
import com.vaadin.flow.spring.security.VaadinSecurityConfigurer;
import dev.llmops.studio.platform.ProblemResponses;
import dev.llmops.studio.security.AuditLog;
import dev.llmops.studio.security.Permission;
import dev.llmops.studio.security.BearerTokenAuthenticator;
import dev.llmops.studio.security.login.LoginView;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.annotation.web.configurers.HeadersConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter.ReferrerPolicy;
import org.springframework.security.web.session.HttpSessionEventPublisher;

/**
 * Two filter chains: the stateless API (bearer tokens, problem JSON, no CSRF since no cookie authenticates it)
 * and the Vaadin UI (form login, session, CSRF on). Both send the same security headers.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSecurity
class SecurityConfiguration {

    /**
     * One strategy instance for the whole JVM. Vaadin's own configuration creates a new instance per Spring
     * context and makes it the global one; each instance has its own ThreadLocal, so with two contexts in a
     * JVM (the test suite) code reading the global holder and filters holding the bean would see different
     * contexts. Sharing one instance keeps Vaadin's behaviour (falling back to the session's context in
     * background threads) and makes every reader agree.
     */
    private static final VaadinAwareSecurityContextHolderStrategy CONTEXT_HOLDER =
            new VaadinAwareSecurityContextHolderStrategy();

    @Bean
    static VaadinAwareSecurityContextHolderStrategy securityContextHolderStrategy() {
        SecurityContextHolder.setContextHolderStrategy(CONTEXT_HOLDER);
        return CONTEXT_HOLDER;
    }

    /**
     * Everything same-origin. Vaadin's bootstrap needs inline scripts and styles, and its client runs server
     * instructions through {@code new Function} (lazy chunk loading, executeJs), so 'unsafe-eval' is required:
     * without it the page stays blank. Push uses WebSockets on the same host.
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; "
            + "script-src 'self' 'unsafe-inline' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
            + "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self' ws: wss:; "
            + "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    @Bean
    PasswordEncoder passwordEncoder() {
        // {bcrypt} today, with the id in the hash so a later algorithm can upgrade hashes on sign-in
        return PasswordEncoderFactories.createDelegatingPasswordEncoder();
    }

    /**
     * The OpenAI-compatible API authenticates endpoint API keys itself (serving feature), so that refusals come in
     * OpenAI's error format that its clients understand; here it is only stateless and free of CSRF and sessions.
     */
    @Bean
    @Order(0)
    SecurityFilterChain openAiApiSecurity(HttpSecurity http) throws Exception {
        stateless(http.securityMatcher("/v1/**"))
                .anonymous(withDefaults())
                .authorizeHttpRequests(auth -> auth.anyRequest().permitAll());
        securityHeaders(http);
        return http.build();
    }

    @Bean
    @Order(1)
    SecurityFilterChain apiSecurity(HttpSecurity http, List<BearerTokenAuthenticator> tokens) throws Exception {
        stateless(http.securityMatcher("/api/**", "/actuator/**"))
                .addFilterBefore(new BearerTokenAuthenticationFilter(tokens), AnonymousAuthenticationFilter.class)
                .authorizeHttpRequests(auth -> auth
                        .requestMatchers("/actuator/health", "/actuator/health/**", "/actuator/info").permitAll()
                        .requestMatchers("/actuator/prometheus").hasAuthority(Permission.METRICS_READ.authority())
                        .requestMatchers("/actuator/**").denyAll()
                        .anyRequest().authenticated())
                .exceptionHandling(e -> e
                        .authenticationEntryPoint((request, response, ex) -> {
                            response.setHeader("WWW-Authenticate", "Bearer");
                            ProblemResponses.write(response, request.getRequestURI(), HttpStatus.UNAUTHORIZED,
                                    "Unauthorized", "Send a personal API token: Authorization: Bearer <token>.");
                        })
                        .accessDeniedHandler((request, response, ex) -> ProblemResponses.write(response,
                                request.getRequestURI(), HttpStatus.FORBIDDEN, "Forbidden",
                                "Your roles do not allow this operation.")));
        securityHeaders(http);
        return http.build();
    }

    @Bean
    @Order(2)
    SecurityFilterChain uiSecurity(HttpSecurity http, SignedInSessions sessions, AuditLog audit) throws Exception {
        http.sessionManagement(session -> session.maximumSessions(-1)
                .sessionRegistry(sessions.registry())
                .expiredSessionStrategy(sessions));
        http.authorizeHttpRequests(auth -> auth
                .requestMatchers("/v3/api-docs", "/v3/api-docs/**", "/swagger-ui.html", "/swagger-ui/**")
                .permitAll());
        securityHeaders(http);
        http.with(VaadinSecurityConfigurer.vaadin(), vaadin -> vaadin.loginView(LoginView.class)
                .addLogoutHandler((request, response, authentication) -> {
                    if (authentication != null) {
                        audit.recordAs(authentication.getName(), "auth.logout", authentication.getName(), null);
                    }
                }));
        return http.build();
    }

    /** Keeps the session registry current when sessions time out or users sign out. */
    @Bean
    HttpSessionEventPublisher httpSessionEventPublisher() {
        return new HttpSessionEventPublisher();
    }

    /** Routes are authorised by the permission matrix alone (see {@link PermissionViewAccessChecker}). */
    @Bean
    static NavigationAccessControlConfigurer navigationAccessControlConfigurer() {
        return new NavigationAccessControlConfigurer()
                .withNavigationAccessChecker(new PermissionViewAccessChecker());
    }

    /** No session, cookie, CSRF token or login page: each request carries its own credentials. */
    private static HttpSecurity stateless(HttpSecurity http) throws Exception {
        return http.csrf(AbstractHttpConfigurer::disable)
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .httpBasic(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable);
    }

    private static void securityHeaders(HttpSecurity http) throws Exception {
        http.headers(headers -> headers
                .contentTypeOptions(withDefaults())
                .frameOptions(HeadersConfigurer.FrameOptionsConfig::deny)
                .referrerPolicy(referrer -> referrer.policy(ReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN))
                .contentSecurityPolicy(csp -> csp.policyDirectives(CONTENT_SECURITY_POLICY)));
    }
}
