package dev.llmops.studio.registry;

import com.vaadin.flow.component.Component;
import java.util.List;

/**
 * Actions other features offer on a model version (serving's Deploy), shown with the version's own actions on
 * the model screen. The registry cannot name those features, as they depend on it; they implement this as a bean
 * and the screen asks all of them.
 */
public interface ModelVersionActions {

    /** Fresh components for one screen (buttons that open the feature's dialogs); empty when the user may do none. */
    List<Component> actionsFor(ModelVersionInfo version);
}
