package dev.llmops.studio.serving;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.Key;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Pre;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.textfield.TextField;
import dev.llmops.studio.platform.InvalidRequestException;
import dev.llmops.studio.platform.RevokeControl;
import dev.llmops.studio.platform.SecretOnceDialog;
import java.util.List;
import java.util.Locale;

/**
 * The endpoint's API keys: who may call it and how fast. A new key's secret is shown once, with how to use it;
 * afterwards only its first characters tell keys apart.
 */
class ApiKeysPanel extends VerticalLayout {

    private final EndpointService endpoints;
    private final String endpoint;
    private final Grid<ApiKeyInfo> grid = new Grid<>(ApiKeyInfo.class, false);
    private List<ApiKeyInfo> shown = List.of();
    private String baseUrl = "";

    ApiKeysPanel(EndpointService endpoints, String endpoint, boolean canManage) {
        this.endpoints = endpoints;
        this.endpoint = endpoint;
        setId("api-keys");
        setPadding(false);
        Paragraph hint = new Paragraph("Clients send a key as “Authorization: Bearer <key>”. Limits are per key and"
                + " minute; a client over its limit gets 429 with the seconds to wait.");
        hint.addClassName("panel-hint");
        grid.setId("api-keys-grid");
        grid.addThemeVariants(GridVariant.LUMO_ROW_STRIPES, GridVariant.LUMO_COMPACT);
        grid.setAllRowsVisible(true);
        grid.addColumn(ApiKeyInfo::name).setHeader("Name").setFlexGrow(1);
        grid.addColumn(k -> k.prefix() + "…").setHeader("Key").setAutoWidth(true).setFlexGrow(0);
        grid.addColumn(k -> limit(k.requestsPerMinute())).setHeader("Requests / min").setAutoWidth(true)
                .setFlexGrow(0);
        grid.addColumn(k -> limit(k.tokensPerMinute())).setHeader("Tokens / min").setAutoWidth(true).setFlexGrow(0);
        grid.addColumn(ApiKeyInfo::createdBy).setHeader("Created by").setAutoWidth(true).setFlexGrow(0);
        grid.addColumn(k -> EndpointsView.when(k.createdAt())).setHeader("Created (UTC)").setAutoWidth(true)
                .setFlexGrow(0);
        grid.addColumn(k -> k.lastUsedAt() == null ? "never" : EndpointsView.when(k.lastUsedAt()))
                .setHeader("Last used (UTC)").setAutoWidth(true).setFlexGrow(0);
        grid.addComponentColumn(k -> status(k, canManage)).setHeader("Status").setAutoWidth(true).setFlexGrow(0);
        grid.setEmptyStateText(canManage ? "No API keys yet. Create one for each client, so each can be limited and"
                + " revoked on its own." : "No API keys yet. ML engineers create them.");
        add(hint);
        if (canManage) {
            Button create = new Button("Create API key", VaadinIcon.KEY.create(), e -> openCreate());
            create.setId("create-api-key");
            create.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
            add(create);
        }
        add(grid);
        refresh();
    }

    void setBaseUrl(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    /** Re-reads the keys (last used changes with every request); redraws only when something changed. */
    void refresh() {
        List<ApiKeyInfo> keys = endpoints.keys(endpoint);
        if (!keys.equals(shown)) {
            shown = keys;
            grid.setItems(keys);
        }
    }

    private void openCreate() {
        Dialog dialog = new Dialog();
        dialog.setId("api-key-dialog");
        dialog.setHeaderTitle("New API key for " + endpoint);
        TextField name = new TextField("Name");
        name.setId("api-key-name");
        name.setPlaceholder("e.g. support bot");
        name.setHelperText("Who uses it, to tell keys apart");
        IntegerField requests = new IntegerField("Requests per minute");
        requests.setId("api-key-rpm");
        IntegerField tokens = new IntegerField("Tokens per minute");
        tokens.setId("api-key-tpm");
        for (IntegerField limit : List.of(requests, tokens)) {
            limit.setMin(1);
            limit.setPlaceholder("unlimited");
            limit.setHelperText("Empty for no limit");
        }
        FormLayout form = new FormLayout(name, requests, tokens);
        form.setResponsiveSteps(new FormLayout.ResponsiveStep("0", 2));
        form.setColspan(name, 2);
        dialog.add(form);
        Button create = new Button("Create", e -> {
            try {
                CreatedApiKey created = endpoints.createKey(endpoint, name.getValue(), requests.getValue(),
                        tokens.getValue());
                dialog.close();
                refresh();
                showSecret(created);
            } catch (InvalidRequestException ex) {
                name.setErrorMessage(ex.getMessage());
                name.setInvalid(true);
            }
        });
        create.setId("api-key-create");
        create.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        create.addClickShortcut(Key.ENTER);
        dialog.getFooter().add(new Button("Cancel", e -> dialog.close()), create);
        dialog.setWidth("30rem");
        dialog.open();
        name.focus();
    }

    private void showSecret(CreatedApiKey created) {
        Paragraph how = new Paragraph("Clients use it like an OpenAI key, with " + baseUrl + "/v1 as the base URL"
                + " and " + endpoint + " as the model:");
        Pre usage = new Pre("export LLMOPS_API_KEY=" + created.secret() + "\ncurl " + baseUrl
                + "/v1/models -H \"Authorization: Bearer $LLMOPS_API_KEY\"");
        usage.addClassName("command");
        new SecretOnceDialog("api-key", "API key '" + created.key().name() + "' created", created.secret(), how,
                usage).open();
    }

    private Component status(ApiKeyInfo key, boolean canManage) {
        if (!canManage && key.active()) {
            return new Span("Active");
        }
        return RevokeControl.of(key.active(), key.revokedAt() == null ? null
                : "Revoked " + EndpointsView.when(key.revokedAt()) + " UTC", key.name(), "Clients using this key"
                + " are refused (401) from their next request.", "revoke-api-key-" + key.id(),
                () -> endpoints.revokeKey(endpoint, key.id()), this::refresh);
    }

    private static String limit(Integer perMinute) {
        return perMinute == null ? "unlimited" : String.format(Locale.ROOT, "%,d", perMinute);
    }
}
