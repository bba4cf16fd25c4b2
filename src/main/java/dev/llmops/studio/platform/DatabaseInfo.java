package dev.llmops.studio.platform;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.springframework.stereotype.Component;

/** Which database the application is connected to, for settings that differ (Quartz) and for the About page. */
@Component
public class DatabaseInfo {

    private final DataSource dataSource;

    public DatabaseInfo(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public boolean isPostgres() {
        return describe().startsWith("PostgreSQL");
    }

    /** For example "PostgreSQL 15.19" or "H2 2.3.232 (2024-08-11)". */
    public String describe() {
        try (Connection connection = dataSource.getConnection()) {
            DatabaseMetaData meta = connection.getMetaData();
            String product = meta.getDatabaseProductName();
            String name = product.toLowerCase(java.util.Locale.ROOT).contains("postgres") ? "PostgreSQL" : product;
            return name + " " + meta.getDatabaseProductVersion();
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot reach the database", e);
        }
    }
}
