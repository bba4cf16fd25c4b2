package dev.llmops.studio.platform;

import java.util.Properties;
import org.springframework.boot.autoconfigure.quartz.QuartzProperties;
import org.springframework.boot.autoconfigure.quartz.SchedulerFactoryBeanCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Quartz runs on the application's own database with the clustered JDBC job store, so extra servers on the
 * same PostgreSQL share triggers and take over each other's jobs. Spring's job store does not pick the SQL
 * delegate itself, so it is chosen here from the database actually connected.
 */
@Configuration(proxyBeanMethods = false)
class QuartzConfiguration {

    @Bean
    SchedulerFactoryBeanCustomizer quartzDriverDelegate(DatabaseInfo database, QuartzProperties quartz) {
        return factory -> {
            // setQuartzProperties replaces what Boot set from spring.quartz.properties, so start from those
            Properties properties = new Properties();
            properties.putAll(quartz.getProperties());
            properties.setProperty("org.quartz.jobStore.driverDelegateClass", database.isPostgres()
                    ? "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate"
                    : "org.quartz.impl.jdbcjobstore.StdJDBCDelegate");
            factory.setQuartzProperties(properties);
        };
    }
}
