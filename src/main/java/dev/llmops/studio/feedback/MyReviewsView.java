package dev.llmops.studio.feedback;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H4;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.progressbar.ProgressBar;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import dev.llmops.studio.security.Permission;
import dev.llmops.studio.security.RequiresPermission;
import java.util.List;

/** The signed-in reviewer's queues, each with how far they are, and the way into the work. */
@Route("review")
@PageTitle("Review")
@Menu(order = 21, icon = "vaadin:user-check", title = "Review")
@RequiresPermission(Permission.REVIEW_WORK)
public class MyReviewsView extends VerticalLayout {

    MyReviewsView(ReviewService reviews) {
        setId("my-reviews-view");
        Paragraph hint = new Paragraph("Rate, vote on, compare and correct model answers. Drafts are kept as you"
                + " go; the review workspace is made for the keyboard.");
        hint.addClassName("panel-hint");
        add(hint);
        List<ReviewerQueue> queues = reviews.myQueues();
        if (queues.isEmpty()) {
            Div empty = new Div(new Paragraph("No items are assigned to you yet. Items arrive when a pipeline's"
                    + " Human review step runs, or when a queue owner adds them."));
            empty.setId("my-reviews-empty");
            empty.addClassName("empty-state");
            add(empty);
            return;
        }
        Div cards = new Div();
        cards.setId("my-review-queues");
        cards.addClassName("review-queue-cards");
        queues.forEach(queue -> cards.add(card(queue)));
        add(cards);
    }

    private Div card(ReviewerQueue queue) {
        ReviewerProgress progress = queue.progress();
        H4 name = new H4(queue.queue());
        name.addClassName("review-card-title");
        Div card = new Div(name);
        card.addClassName("review-card");
        if (queue.instructions() != null) {
            Paragraph instructions = new Paragraph(queue.instructions());
            instructions.addClassName("review-instructions-short");
            card.add(instructions);
        }
        ProgressBar bar = new ProgressBar(0, 1, progress.fraction());
        Span reviewed = new Span(ReviewWorkspaceView.progressText(progress));
        reviewed.addClassName("review-queue-progress");
        boolean done = progress.submitted() >= progress.assigned();
        Button open = new Button(done ? "Open" : progress.submitted() == 0 ? "Start reviewing"
                : "Continue reviewing", VaadinIcon.ARROW_RIGHT.create(),
                e -> getUI().ifPresent(ui -> ui.navigate(ReviewRoutes.review(queue.queue()))));
        open.setIconAfterText(true);
        if (!done) {
            open.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        }
        HorizontalLayout footer = new HorizontalLayout(reviewed, open);
        footer.setAlignItems(FlexComponent.Alignment.CENTER);
        footer.setJustifyContentMode(FlexComponent.JustifyContentMode.BETWEEN);
        footer.setWidthFull();
        card.add(bar, footer);
        return card;
    }
}
