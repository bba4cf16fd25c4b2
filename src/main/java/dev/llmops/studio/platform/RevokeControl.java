package dev.llmops.studio.platform;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.confirmdialog.ConfirmDialog;
import com.vaadin.flow.component.html.Span;

/**
 * The status cell of a secret in a list (API tokens, worker tokens): "Revoked" once revoked, otherwise a Revoke
 * button that asks first, says what revoking breaks, and shows a refusal (already revoked elsewhere) as an error.
 */
public final class RevokeControl {

    private RevokeControl() {
    }

    /** @param revokedTooltip hover text of the "Revoked" badge, or null */
    public static Component of(boolean active, String revokedTooltip, String name, String consequence, String buttonId,
            Runnable revoke, Runnable afterwards) {
        if (!active) {
            Span revoked = new Span("Revoked");
            if (revokedTooltip != null) {
                revoked.getElement().setAttribute("title", revokedTooltip);
            }
            revoked.getElement().getThemeList().add("badge contrast");
            return revoked;
        }
        Button button = new Button("Revoke", e -> {
            ConfirmDialog confirm = new ConfirmDialog("Revoke '" + name + "'?", consequence + " This cannot be undone.",
                    "Revoke", ok -> {
                        try {
                            revoke.run();
                        } catch (NotFoundException ex) {
                            Notifications.error(ex.getMessage());
                        }
                        afterwards.run();
                    });
            confirm.setConfirmButtonTheme("error primary");
            confirm.setCancelable(true);
            confirm.open();
        });
        button.setId(buttonId);
        button.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_ERROR, ButtonVariant.LUMO_TERTIARY);
        return button;
    }
}
