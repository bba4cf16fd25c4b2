package dev.llmops.studio.designer;

import com.vaadin.flow.component.Component;
import dev.llmops.studio.run.RunDetail;
import dev.llmops.studio.run.TaskInfo;
import java.util.Optional;

/**
 * What other features show on the run page for one of their steps (a quality gate's approve and reject buttons,
 * a review step's queue progress). The run page cannot name those features, as they depend on the run engine; they
 * implement this as a bean and the page asks all of them for the selected step.
 */
public interface StepPanels {

    /**
     * A fresh component for the step, or empty when this feature has nothing to show for it.
     *
     * @param changed call after an action that changes the run, so the page reads it again
     */
    Optional<Component> panelFor(RunDetail run, TaskInfo task, Runnable changed);
}
