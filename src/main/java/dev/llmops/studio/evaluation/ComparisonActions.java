package dev.llmops.studio.evaluation;

import com.vaadin.flow.component.Component;
import java.util.List;

/**
 * Actions other features offer on a comparison of two test runs (feedback's "review side by side"), shown under
 * the comparison. Evaluation cannot name those features, as they depend on it; they implement this as a bean and
 * the screen asks all of them.
 */
public interface ComparisonActions {

    /** Fresh components for one comparison; empty when the signed-in user may do none. */
    List<Component> actionsFor(RunComparison comparison);
}
