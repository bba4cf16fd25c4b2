package dev.llmops.studio.security.users;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.HasValidation;
import com.vaadin.flow.component.Key;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.checkbox.CheckboxGroup;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.PasswordField;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.value.ValueChangeMode;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import dev.llmops.studio.platform.InvalidRequestException;
import dev.llmops.studio.platform.Notifications;
import dev.llmops.studio.platform.NotFoundException;
import dev.llmops.studio.security.Permission;
import dev.llmops.studio.security.RequiresPermission;
import dev.llmops.studio.security.Role;
import java.time.format.DateTimeFormatter;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Admin screen: list, create, enable/disable users, assign roles and reset passwords. */
@Route("admin/users")
@PageTitle("Users")
@Menu(order = 900, icon = "vaadin:users", title = "Users")
@RequiresPermission(Permission.USERS_MANAGE)
public class UsersView extends VerticalLayout {

    private static final DateTimeFormatter CREATED = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

    private final UserAccountService users;
    private final Grid<UserAccount> grid = new Grid<>(UserAccount.class, false);
    private final TextField filter = new TextField();
    private final Span count = new Span();

    UsersView(UserAccountService users) {
        this.users = users;
        setId("users-view");
        setSizeFull();

        filter.setPlaceholder("Filter by name or role");
        filter.setWidth("20em");
        filter.setPrefixComponent(VaadinIcon.SEARCH.create());
        filter.setValueChangeMode(ValueChangeMode.LAZY);
        filter.setClearButtonVisible(true);
        filter.addValueChangeListener(e -> refresh());
        Button create = new Button("New user", VaadinIcon.PLUS.create(), e -> openCreateDialog());
        create.setId("new-user");
        create.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        count.setId("users-count");
        count.addClassName("audit-total");
        HorizontalLayout toolbar = new HorizontalLayout(filter, count, create);
        toolbar.setWidthFull();
        toolbar.setAlignItems(FlexComponent.Alignment.BASELINE);
        toolbar.expand(count);

        grid.setId("users-grid");
        grid.addThemeVariants(GridVariant.LUMO_ROW_STRIPES);
        grid.addColumn(UserAccount::username).setHeader("User name").setSortable(true).setAutoWidth(true);
        grid.addColumn(UserAccount::displayName).setHeader("Name").setSortable(true).setAutoWidth(true);
        grid.addComponentColumn(UsersView::roleBadges).setHeader("Roles").setWidth("16em").setFlexGrow(1);
        grid.addComponentColumn(UsersView::statusBadge).setHeader("Status").setAutoWidth(true);
        grid.addColumn(u -> CREATED.format(u.createdAt())).setHeader("Created").setAutoWidth(true);
        grid.addComponentColumn(this::actions).setHeader("Actions").setAutoWidth(true).setFlexGrow(0);
        grid.setSizeFull();

        add(toolbar, grid);
        refresh();
    }

    private void refresh() {
        String text = filter.getValue().trim().toLowerCase(Locale.ROOT);
        List<UserAccount> all = users.list();
        List<UserAccount> shown = text.isEmpty() ? all : all.stream().filter(u -> u.username().contains(text)
                || u.displayName().toLowerCase(Locale.ROOT).contains(text)
                || u.roles().stream().anyMatch(r -> r.name().toLowerCase(Locale.ROOT).contains(text))).toList();
        grid.setItems(shown);
        count.setText(shown.size() == all.size() ? all.size() + (all.size() == 1 ? " user" : " users")
                : shown.size() + " of " + all.size() + " users");
    }

    private Component actions(UserAccount user) {
        Button roles = new Button("Roles", e -> openRolesDialog(user));
        Button password = new Button("Reset password", e -> openResetDialog(user));
        Button toggle = new Button(user.enabled() ? "Disable" : "Enable", e -> {
            try {
                users.setEnabled(user.username(), !user.enabled());
                Notifications.success((user.enabled() ? "Disabled " : "Enabled ") + user.username());
                refresh();
            } catch (InvalidRequestException | NotFoundException ex) {
                Notifications.error(ex.getMessage());
            }
        });
        for (Button b : List.of(roles, password, toggle)) {
            b.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_TERTIARY);
        }
        if (user.enabled()) {
            toggle.addThemeVariants(ButtonVariant.LUMO_ERROR);
        }
        roles.setId("roles-" + user.username());
        password.setId("reset-" + user.username());
        toggle.setId("toggle-" + user.username());
        return new HorizontalLayout(roles, password, toggle);
    }

    private void openCreateDialog() {
        Dialog dialog = new Dialog();
        dialog.setHeaderTitle("New user");
        dialog.setId("new-user-dialog");
        TextField username = new TextField("User name");
        username.setId("new-username");
        username.setHelperText("Lower-case letters, digits, '.', '_' or '-'");
        username.setRequiredIndicatorVisible(true);
        TextField displayName = new TextField("Display name");
        displayName.setId("new-display-name");
        PasswordField password = new PasswordField("Initial password");
        password.setId("new-password");
        password.setHelperText("At least " + PasswordPolicy.MIN_LENGTH + " characters; share it privately");
        password.setRequiredIndicatorVisible(true);
        CheckboxGroup<Role> roles = roleChooser(EnumSet.noneOf(Role.class));
        roles.setId("new-roles");
        FormLayout form = new FormLayout(username, displayName, password, roles);
        form.setColspan(roles, 2);
        dialog.add(form);

        Map<String, HasValidation> fields = Map.of("username", username, "displayName", displayName,
                "password", password, "roles", roles);
        Button save = new Button("Create user", e -> {
            clearErrors(fields);
            try {
                UserAccount created = users.create(new UserAccountService.NewUser(username.getValue(),
                        displayName.getValue(), password.getValue(), roles.getValue()));
                dialog.close();
                Notifications.success("Created user " + created.username());
                refresh();
            } catch (InvalidRequestException ex) {
                showError(fields, ex);
            }
        });
        save.setId("create-user");
        save.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        save.addClickShortcut(Key.ENTER);
        dialog.getFooter().add(new Button("Cancel", e -> dialog.close()), save);
        dialog.open();
        username.focus();
    }

    private void openRolesDialog(UserAccount user) {
        Dialog dialog = new Dialog();
        dialog.setHeaderTitle("Roles of " + user.username());
        CheckboxGroup<Role> roles = roleChooser(user.roles());
        roles.setId("edit-roles");
        dialog.add(roles);
        Button save = new Button("Save roles", e -> {
            roles.setInvalid(false);
            try {
                users.setRoles(user.username(), roles.getValue());
                dialog.close();
                Notifications.success("Roles of " + user.username() + " saved");
                refresh();
            } catch (InvalidRequestException ex) {
                roles.setErrorMessage(ex.getMessage());
                roles.setInvalid(true);
            }
        });
        save.setId("save-roles");
        save.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        dialog.getFooter().add(new Button("Cancel", e -> dialog.close()), save);
        dialog.open();
    }

    private void openResetDialog(UserAccount user) {
        Dialog dialog = new Dialog();
        dialog.setHeaderTitle("Reset password of " + user.username());
        PasswordField password = new PasswordField("New password");
        password.setId("reset-password");
        password.setWidth("22em");
        password.setHelperText("At least " + PasswordPolicy.MIN_LENGTH + " characters; share it privately");
        Button generate = new Button("Generate", VaadinIcon.MAGIC.create(), e -> {
            password.setValue(PasswordPolicy.generate());
            password.setRevealButtonVisible(true);
        });
        HorizontalLayout row = new HorizontalLayout(password, generate);
        row.setAlignItems(FlexComponent.Alignment.BASELINE);
        dialog.add(row);
        Button save = new Button("Set password", e -> {
            password.setInvalid(false);
            try {
                users.resetPassword(user.username(), password.getValue());
                dialog.close();
                Notifications.success("Password of " + user.username() + " reset");
            } catch (InvalidRequestException ex) {
                password.setErrorMessage(ex.getMessage());
                password.setInvalid(true);
            }
        });
        save.setId("save-password");
        save.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        dialog.getFooter().add(new Button("Cancel", e -> dialog.close()), save);
        dialog.open();
    }

    private static CheckboxGroup<Role> roleChooser(Set<Role> selected) {
        CheckboxGroup<Role> roles = new CheckboxGroup<>("Roles");
        roles.setItems(Role.values());
        roles.setItemLabelGenerator(r -> r.label() + " — " + r.description());
        roles.setValue(selected);
        roles.addThemeVariants(com.vaadin.flow.component.checkbox.CheckboxGroupVariant.LUMO_VERTICAL);
        roles.setRequiredIndicatorVisible(true);
        return roles;
    }

    private static Component roleBadges(UserAccount user) {
        HorizontalLayout badges = new HorizontalLayout();
        badges.setSpacing(false);
        badges.setWrap(true);
        badges.getStyle().set("gap", "var(--lumo-space-xs)");
        user.roles().stream().sorted().forEach(role -> {
            Span badge = new Span(role.name());
            badge.getElement().getThemeList().add(role == Role.ADMIN ? "badge contrast" : "badge");
            badges.add(badge);
        });
        return badges;
    }

    private static Component statusBadge(UserAccount user) {
        Span badge = new Span(user.enabled() ? "Active" : "Disabled");
        badge.getElement().getThemeList().add(user.enabled() ? "badge success" : "badge error");
        return badge;
    }

    private static void clearErrors(Map<String, HasValidation> fields) {
        fields.values().forEach(field -> field.setInvalid(false));
    }

    private static void showError(Map<String, HasValidation> fields, InvalidRequestException ex) {
        HasValidation field = ex.field() == null ? null : fields.get(ex.field());
        if (field == null) {
            Notifications.error(ex.getMessage());
            return;
        }
        field.setErrorMessage(ex.getMessage());
        field.setInvalid(true);
    }

}
