package dev.llmops.studio.shell;

import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.ErrorParameter;
import com.vaadin.flow.router.HasErrorParameter;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.ParentLayout;
import com.vaadin.flow.router.NotFoundException;
import com.vaadin.flow.router.RouterLink;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Shown for unknown routes and for routes the user may not open: the two look the same on purpose, so the
 * page does not reveal which admin screens exist.
 */
@ParentLayout(MainLayout.class)
@PageTitle("Page not found")
public class NotFoundView extends Div implements HasErrorParameter<NotFoundException> {

    public NotFoundView() {
        fill(this);
    }

    static void fill(Div page) {
        page.setId("not-found");
        page.addClassName("not-found");
        page.add(new H2("Page not found"));
        page.add(new Paragraph("This page does not exist, or your roles do not allow you to open it."));
        page.add(new RouterLink("Back to the start page", HomeView.class));
    }

    @Override
    public int setErrorParameter(BeforeEnterEvent event, ErrorParameter<NotFoundException> parameter) {
        return HttpServletResponse.SC_NOT_FOUND;
    }
}
