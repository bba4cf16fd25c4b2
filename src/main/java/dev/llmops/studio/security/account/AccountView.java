package dev.llmops.studio.security.account;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.PasswordField;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import dev.llmops.studio.platform.InvalidRequestException;
import dev.llmops.studio.platform.Notifications;
import dev.llmops.studio.platform.RevokeControl;
import dev.llmops.studio.platform.SecretOnceDialog;
import dev.llmops.studio.security.CurrentUser;
import dev.llmops.studio.security.Permission;
import dev.llmops.studio.security.RequiresPermission;
import dev.llmops.studio.security.users.PasswordPolicy;
import dev.llmops.studio.security.users.UserAccountService;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** One's own account: change password, create and revoke personal API tokens. */
@Route("account")
@PageTitle("Account")
@Menu(order = 990, icon = "vaadin:user", title = "Account")
@RequiresPermission(Permission.APP_USE)
public class AccountView extends VerticalLayout {

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

    private final ApiTokenService tokens;
    private final UserAccountService users;
    private final Grid<ApiToken> grid = new Grid<>(ApiToken.class, false);

    AccountView(ApiTokenService tokens, UserAccountService users, CurrentUser currentUser) {
        this.tokens = tokens;
        this.users = users;
        setId("account-view");
        setMaxWidth("1000px");

        add(new H3("API tokens"));
        add(new Paragraph("Tokens let scripts call the REST API as you (Authorization: Bearer <token>), with "
                + "your roles. A token is shown once when created; store it in a secret manager."));
        TextField name = new TextField();
        name.setPlaceholder("Token name, e.g. ci-pipeline");
        name.setId("token-name");
        name.setWidth("20em");
        Button create = new Button("Create token", VaadinIcon.KEY.create(), e -> createToken(name));
        create.setId("create-token");
        create.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        HorizontalLayout createRow = new HorizontalLayout(name, create);
        createRow.setAlignItems(FlexComponent.Alignment.BASELINE);
        add(createRow);

        grid.setId("tokens-grid");
        grid.addThemeVariants(GridVariant.LUMO_ROW_STRIPES);
        grid.setAllRowsVisible(true);
        grid.addColumn(ApiToken::name).setHeader("Name").setAutoWidth(true);
        grid.addColumn(t -> t.prefix() + "…").setHeader("Token").setAutoWidth(true);
        grid.addColumn(t -> when(t.createdAt())).setHeader("Created (UTC)").setAutoWidth(true);
        grid.addColumn(t -> t.lastUsedAt() == null ? "never" : when(t.lastUsedAt())).setHeader("Last used (UTC)")
                .setAutoWidth(true);
        grid.addComponentColumn(this::statusOrRevoke).setHeader("Status").setAutoWidth(true);
        grid.setEmptyStateText("No tokens yet. Name one above and create it.");
        add(grid);

        add(new H3("Password"));
        add(passwordForm(currentUser.username().orElse("")));
        refreshTokens();
    }

    private void createToken(TextField name) {
        name.setInvalid(false);
        try {
            ApiTokenService.CreatedToken created = tokens.create(name.getValue());
            name.clear();
            refreshTokens();
            showSecretOnce(created);
        } catch (InvalidRequestException ex) {
            name.setErrorMessage(ex.getMessage());
            name.setInvalid(true);
        }
    }

    private void showSecretOnce(ApiTokenService.CreatedToken created) {
        new SecretOnceDialog("token", "Token '" + created.token().name() + "' created", created.secret()).open();
    }

    private Component statusOrRevoke(ApiToken token) {
        return RevokeControl.of(token.active(), token.active() ? null : "Revoked " + when(token.revokedAt()) + " UTC",
                token.name(), "Scripts using this token will be refused immediately.", "revoke-" + token.id(),
                () -> tokens.revoke(token.id()), this::refreshTokens);
    }

    private Component passwordForm(String username) {
        PasswordField current = new PasswordField("Current password");
        current.setId("current-password");
        PasswordField next = new PasswordField("New password");
        next.setId("new-own-password");
        next.setHelperText("At least " + PasswordPolicy.MIN_LENGTH + " characters");
        PasswordField repeat = new PasswordField("Repeat new password");
        repeat.setId("repeat-own-password");
        Button change = new Button("Change password", e -> {
            current.setInvalid(false);
            next.setInvalid(false);
            repeat.setInvalid(false);
            if (!next.getValue().equals(repeat.getValue())) {
                repeat.setErrorMessage("The two new passwords differ.");
                repeat.setInvalid(true);
                return;
            }
            try {
                users.changeOwnPassword(current.getValue(), next.getValue());
                current.clear();
                next.clear();
                repeat.clear();
                Notifications.success("Password changed");
            } catch (InvalidRequestException ex) {
                PasswordField field = "currentPassword".equals(ex.field()) ? current : next;
                field.setErrorMessage(ex.getMessage());
                field.setInvalid(true);
            }
        });
        change.setId("change-password");
        HorizontalLayout form = new HorizontalLayout(current, next, repeat, change);
        form.setAlignItems(FlexComponent.Alignment.BASELINE);
        form.setWrap(true);
        return form;
    }

    private void refreshTokens() {
        grid.setItems(tokens.mine());
    }

    private static String when(OffsetDateTime time) {
        return WHEN.format(time.atZoneSameInstant(ZoneOffset.UTC));
    }
}
