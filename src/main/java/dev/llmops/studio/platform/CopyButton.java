package dev.llmops.studio.platform;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.icon.VaadinIcon;
import java.util.function.Supplier;

/**
 * Copies a text to the clipboard and confirms it: secrets shown once, commands to paste into a terminal. The
 * text is asked for on each click, so a command that changed since the button was made is copied as it is now.
 */
public class CopyButton extends Button {

    public CopyButton(Supplier<String> text) {
        super("Copy", VaadinIcon.COPY.create());
        addClickListener(e -> {
            getElement().executeJs("navigator.clipboard && navigator.clipboard.writeText($0)", text.get());
            Notifications.success("Copied to the clipboard");
        });
    }
}
