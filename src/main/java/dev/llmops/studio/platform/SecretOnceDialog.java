package dev.llmops.studio.platform;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.textfield.TextField;

/**
 * Shows a newly created secret (API token, worker token) the only time it exists in clear, with a copy button.
 * It closes only through "Done", so a stray click cannot lose the secret before it is copied. Ids are
 * {@code <idPrefix>-created-dialog} and {@code <idPrefix>-secret}.
 */
public class SecretOnceDialog extends Dialog {

    public SecretOnceDialog(String idPrefix, String title, String secret, Component... below) {
        setId(idPrefix + "-created-dialog");
        setHeaderTitle(title);
        TextField field = new TextField("Copy it now: it will not be shown again");
        field.setId(idPrefix + "-secret");
        field.setValue(secret);
        field.setReadOnly(true);
        field.setWidth("36em");
        HorizontalLayout row = new HorizontalLayout(field, new CopyButton(() -> secret));
        row.setAlignItems(FlexComponent.Alignment.BASELINE);
        add(row);
        add(below);
        Button done = new Button("Done", e -> close());
        done.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        getFooter().add(done);
        setCloseOnOutsideClick(false);
    }
}
