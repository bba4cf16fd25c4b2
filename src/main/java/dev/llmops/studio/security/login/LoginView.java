package dev.llmops.studio.security.login;

import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.login.LoginForm;
import com.vaadin.flow.component.login.LoginI18n;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.auth.AnonymousAllowed;
import com.vaadin.flow.spring.security.AuthenticationContext;

@Route(value = "login", autoLayout = false)
@PageTitle("Sign in · LLMOps Studio")
@AnonymousAllowed
public class LoginView extends VerticalLayout implements BeforeEnterObserver {

    private final LoginForm form = new LoginForm();
    private final AuthenticationContext authentication;

    LoginView(AuthenticationContext authentication, LoginThrottle throttle) {
        this.authentication = authentication;
        setSizeFull();
        setAlignItems(Alignment.CENTER);
        setJustifyContentMode(JustifyContentMode.CENTER);
        addClassName("login-view");

        LoginI18n i18n = LoginI18n.createDefault();
        i18n.getForm().setTitle("Sign in");
        i18n.getForm().setUsername("User name");
        LoginI18n.ErrorMessage error = i18n.getErrorMessage();
        error.setTitle("Sign-in failed");
        error.setMessage("Incorrect user name or password. After " + throttle.maxFailures()
                + " failed attempts, sign-in for that name pauses for " + throttle.lockDuration().toMinutes()
                + " minutes.");
        form.setI18n(i18n);
        form.setAction("login");
        form.setForgotPasswordButtonVisible(false);

        H1 brand = new H1("LLMOps Studio");
        brand.addClassName("login-brand");
        Paragraph tagline = new Paragraph("Build, train, deploy and review language models — in the browser.");
        tagline.addClassName("login-tagline");
        Paragraph firstStart = new Paragraph("First start? Sign in as 'admin' with the password printed in the "
                + "server log (or the one you set in STUDIO_ADMIN_PASSWORD).");
        firstStart.addClassName("login-hint");
        Div card = new Div(brand, tagline, form, firstStart);
        card.addClassName("login-card");
        add(card);
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        if (authentication.isAuthenticated()) {
            event.forwardTo("");
            return;
        }
        form.setError(event.getLocation().getQueryParameters().getParameters().containsKey("error"));
    }
}
