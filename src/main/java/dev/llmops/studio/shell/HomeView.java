package dev.llmops.studio.shell;

import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.Icon;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouterLink;
import com.vaadin.flow.server.menu.MenuConfiguration;
import dev.llmops.studio.security.CurrentUser;
import dev.llmops.studio.security.Permission;
import dev.llmops.studio.security.RequiresPermission;
import dev.llmops.studio.security.Role;
import java.util.stream.Collectors;

/** Landing page: who you are, what you may open, and how to reach the API. */
@Route("")
@PageTitle("Home")
@Menu(order = 0, icon = "vaadin:home", title = "Home")
@RequiresPermission(Permission.APP_USE)
public class HomeView extends VerticalLayout {

    HomeView(CurrentUser currentUser) {
        setId("home-view");
        setMaxWidth("960px");
        String roles = currentUser.roles().stream().map(Role::label).sorted().collect(Collectors.joining(", "));
        add(new H2("Welcome, " + currentUser.username().orElse("") + "."));
        add(new Paragraph("Signed in with the role" + (currentUser.roles().size() > 1 ? "s " : " ") + roles
                + ". The sections below are the ones your roles open."));

        Div cards = new Div();
        cards.addClassName("home-cards");
        MenuConfiguration.getMenuEntries().stream()
                .filter(entry -> !entry.path().isEmpty() && !"/".equals(entry.path()))
                .forEach(entry -> {
                    RouterLink link = new RouterLink();
                    link.setRoute(entry.menuClass());
                    if (entry.icon() != null) {
                        link.add(new Icon(entry.icon()));
                    }
                    link.add(new Span(entry.title()));
                    link.addClassName("home-card");
                    cards.add(link);
                });
        add(cards);

        H2 api = new H2("Automate with the REST API");
        Paragraph apiText = new Paragraph("Create a personal API token under Account, then call the API with "
                + "'Authorization: Bearer <token>'. ");
        apiText.add(new Anchor("/swagger-ui.html", "Browse the API documentation"));
        add(api, apiText);
    }
}
