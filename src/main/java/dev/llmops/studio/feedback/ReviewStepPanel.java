package dev.llmops.studio.feedback;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H4;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.progressbar.ProgressBar;
import dev.llmops.studio.designer.StepPanels;
import dev.llmops.studio.run.RunDetail;
import dev.llmops.studio.run.TaskInfo;
import java.util.Optional;

/** On the run page, for a Human review step: how far its batch is, and the way to the queue. */
@org.springframework.stereotype.Component
class ReviewStepPanel implements StepPanels {

    private final ReviewService reviews;

    ReviewStepPanel(ReviewService reviews) {
        this.reviews = reviews;
    }

    @Override
    public Optional<Component> panelFor(RunDetail run, TaskInfo task, Runnable changed) {
        if (!"human-review".equals(task.nodeType())) {
            return Optional.empty();
        }
        return reviews.batchOfStep(run.summary().id(), task.nodeId()).map(batch -> {
            Div panel = new Div();
            panel.setId("review-step");
            panel.addClassName("step-panel");
            ProgressBar progress = new ProgressBar(0, Math.max(1, batch.quota()),
                    Math.min(batch.quota(), batch.completedItems()));
            panel.add(new H4("Review queue “" + batch.queue() + "”"),
                    new Paragraph(batch.completedItems() + " of " + batch.items() + " item(s) fully reviewed; "
                            + batch.quota() + " needed" + (batch.deadline() == null ? "" : ", deadline "
                            + batch.deadline())),
                    progress, new Anchor(ReviewRoutes.dashboard(batch.queue()), "Open the queue"));
            return panel;
        });
    }
}
