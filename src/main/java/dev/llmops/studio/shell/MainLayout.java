package dev.llmops.studio.shell;

import com.vaadin.flow.component.applayout.AppLayout;
import com.vaadin.flow.component.applayout.DrawerToggle;
import com.vaadin.flow.component.avatar.Avatar;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.Icon;
import com.vaadin.flow.component.menubar.MenuBar;
import com.vaadin.flow.component.menubar.MenuBarVariant;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.Scroller;
import com.vaadin.flow.component.sidenav.SideNav;
import com.vaadin.flow.component.sidenav.SideNavItem;
import com.vaadin.flow.router.AfterNavigationEvent;
import com.vaadin.flow.router.AfterNavigationObserver;
import com.vaadin.flow.router.Layout;
import com.vaadin.flow.server.menu.MenuConfiguration;
import com.vaadin.flow.server.menu.MenuEntry;
import com.vaadin.flow.spring.security.AuthenticationContext;
import dev.llmops.studio.security.CurrentUser;
import java.util.List;

/**
 * The application frame. The side navigation lists the {@code @Menu} routes that the signed-in user may open
 * (Vaadin filters them through the same access checker as navigation); routes under {@code admin/} are grouped.
 */
@Layout
public class MainLayout extends AppLayout implements AfterNavigationObserver {

    static final String ADMIN_PREFIX = "admin";

    private final H1 pageTitle = new H1();

    MainLayout(CurrentUser currentUser, AuthenticationContext authentication) {
        setPrimarySection(Section.DRAWER);
        DrawerToggle toggle = new DrawerToggle();
        toggle.setAriaLabel("Menu");
        pageTitle.addClassName("page-title");
        Div spacer = new Div();
        HorizontalLayout navbar = new HorizontalLayout(toggle, pageTitle, spacer, userMenu(currentUser, authentication));
        navbar.setWidthFull();
        navbar.setAlignItems(FlexComponent.Alignment.CENTER);
        navbar.setFlexGrow(1, spacer);
        navbar.addClassName("navbar");
        addToNavbar(navbar);

        Span logo = new Span("LLMOps Studio");
        logo.addClassName("app-name");
        Scroller scroller = new Scroller(navigation());
        addToDrawer(new Div(logo), scroller);
    }

    private static SideNav navigation() {
        SideNav nav = new SideNav();
        nav.setId("main-nav");
        List<MenuEntry> entries = MenuConfiguration.getMenuEntries();
        SideNavItem admin = new SideNavItem("Admin");
        admin.setPrefixComponent(new Icon("vaadin:cog"));
        admin.setExpanded(true);
        admin.setId("nav-admin");
        for (MenuEntry entry : entries) {
            SideNavItem item = entry.icon() == null ? new SideNavItem(entry.title(), entry.path())
                    : new SideNavItem(entry.title(), entry.path(), new Icon(entry.icon()));
            if (entry.path().startsWith(ADMIN_PREFIX + "/") || entry.path().startsWith("/" + ADMIN_PREFIX + "/")) {
                if (admin.getItems().isEmpty()) {
                    nav.addItem(admin); // where its first screen falls in the menu order
                }
                admin.addItem(item);
            } else {
                nav.addItem(item);
            }
        }
        return nav;
    }

    private static MenuBar userMenu(CurrentUser currentUser, AuthenticationContext authentication) {
        String username = currentUser.username().orElse("?");
        Avatar avatar = new Avatar(username);
        avatar.addThemeVariants(com.vaadin.flow.component.avatar.AvatarVariant.LUMO_XSMALL);
        MenuBar menu = new MenuBar();
        menu.setId("user-menu");
        menu.addThemeVariants(MenuBarVariant.LUMO_TERTIARY_INLINE);
        HorizontalLayout who = new HorizontalLayout(avatar, new Span(username));
        who.setAlignItems(FlexComponent.Alignment.CENTER);
        who.setSpacing(true);
        var root = menu.addItem(who);
        root.getSubMenu().addItem("Account & API tokens", e -> e.getSource().getUI()
                .ifPresent(ui -> ui.navigate("account")));
        root.getSubMenu().addItem("Sign out", e -> authentication.logout()).setId("sign-out");
        return menu;
    }

    @Override
    public void afterNavigation(AfterNavigationEvent event) {
        pageTitle.setText(MenuConfiguration.getPageHeader(getContent()).orElse(""));
    }
}
