package dev.llmops.studio.shell;

import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.Version;
import dev.llmops.studio.platform.DatabaseInfo;
import dev.llmops.studio.security.Permission;
import dev.llmops.studio.security.RequiresPermission;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.info.BuildProperties;

/** Version, build and environment facts that a bug report needs. */
@Route("about")
@PageTitle("About")
@Menu(order = 999, icon = "vaadin:info-circle-o", title = "About")
@RequiresPermission(Permission.APP_USE)
public class AboutView extends VerticalLayout {

    AboutView(ObjectProvider<BuildProperties> buildProvider, DatabaseInfo database) {
        setId("about-view");
        add(new H2("LLMOps Studio"));
        BuildProperties build = buildProvider.getIfAvailable();
        Div facts = new Div();
        facts.addClassName("facts");
        facts.add(fact("Version", build == null ? "development build" : build.getVersion()));
        facts.add(fact("Built", build == null || build.getTime() == null ? "unknown"
                : DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(build.getTime().atOffset(ZoneOffset.UTC)) + " UTC"));
        facts.add(fact("Database", database.describe()).withId("about-database"));
        facts.add(fact("Java", System.getProperty("java.vendor") + " " + System.getProperty("java.version")));
        facts.add(fact("Spring Boot", SpringBootVersion.getVersion()));
        facts.add(fact("Vaadin Flow", Version.getFullVersion()));
        add(facts);
    }

    private static Fact fact(String label, String value) {
        return new Fact(label, value);
    }

    /** A label/value row. */
    static final class Fact extends Div {
        Fact(String label, String value) {
            Span l = new Span(label);
            l.addClassName("fact-label");
            Span v = new Span(value);
            v.addClassName("fact-value");
            add(l, v);
            addClassName("fact");
        }

        Fact withId(String id) {
            setId(id);
            return this;
        }
    }
}
