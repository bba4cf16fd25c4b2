package dev.llmops.studio.support;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Real databases for integration tests: every Spring context gets its own fresh database, either H2 in
 * PostgreSQL mode (as the embedded default runs) or a real PostgreSQL 15 started once per test JVM.
 */
public final class TestDatabase {

    private TestDatabase() {
    }

    /** Short leases, retries and reaper period so failure paths finish in seconds. */
    private static final List<String> COMMON = List.of("vaadin.launch-browser=false",
            "studio.run.lease-duration=3s", "studio.run.retry-base-delay=100ms", "studio.run.reaper-interval=1s",
            "studio.worker.work-dir=target/worker", "studio.artifacts.dir=target/artifacts",
            "studio.security.master-key-file=target/master.key", "studio.vault.dir=target/vault");

    /**
     * Quartz keeps the job store's connection provider in a JVM-wide registry keyed by scheduler name. Test
     * contexts on different databases therefore need different names, or one context's scheduler would use
     * another's (possibly closed) database; servers of one cluster share the name of their database.
     */
    static String quartzName(String database) {
        return "spring.quartz.properties.org.quartz.scheduler.instanceName=studio-" + database;
    }

    /** Settings every test context shares. */
    private static TestPropertyValues common() {
        return TestPropertyValues.of(COMMON);
    }

    public static final class H2 implements ApplicationContextInitializer<ConfigurableApplicationContext> {
        @Override
        public void initialize(ConfigurableApplicationContext context) {
            String name = "studio-" + UUID.randomUUID();
            common().and(quartzName(name), "spring.datasource.url=jdbc:h2:mem:" + name
                    + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
                    "spring.datasource.username=sa", "spring.datasource.password=")
                    .applyTo(context);
        }
    }

    public static final class Postgres implements ApplicationContextInitializer<ConfigurableApplicationContext> {
        private static final AtomicInteger DATABASES = new AtomicInteger();
        private static EmbeddedPostgres server;

        @Override
        public void initialize(ConfigurableApplicationContext context) {
            TestPropertyValues.of(properties(newDatabase())).applyTo(context);
        }

        /** A fresh, empty database in the shared server; returns its JDBC URL. */
        public static String newDatabase() {
            EmbeddedPostgres pg = server();
            String database = "studio_" + DATABASES.incrementAndGet();
            try (Connection connection = pg.getPostgresDatabase().getConnection();
                    Statement statement = connection.createStatement()) {
                statement.execute("CREATE DATABASE " + database);
            } catch (SQLException e) {
                throw new IllegalStateException("Cannot create test database " + database, e);
            }
            return pg.getJdbcUrl("postgres", database);
        }

        /** Datasource settings for a URL from {@link #newDatabase()}, plus the settings every test context shares. */
        public static String[] properties(String url) {
            List<String> all = new ArrayList<>(List.of(quartzName(url.replaceAll(".*/", "")), "spring.datasource.url=" + url,
                    "spring.datasource.username=postgres", "spring.datasource.password=postgres"));
            all.addAll(COMMON);
            return all.toArray(String[]::new);
        }

        private static synchronized EmbeddedPostgres server() {
            if (server == null) {
                try {
                    server = EmbeddedPostgres.builder().start();
                } catch (IOException e) {
                    throw new UncheckedIOException("Cannot start the embedded PostgreSQL", e);
                }
                EmbeddedPostgres started = server;
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        started.close();
                    } catch (IOException ignored) {
                        // the JVM is exiting; the data directory is thrown away with target/
                    }
                }));
            }
            return server;
        }
    }
}
