package dev.llmops.studio.feedback;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.textfield.TextField;
import dev.llmops.studio.evaluation.ComparisonActions;
import dev.llmops.studio.evaluation.RunComparison;
import dev.llmops.studio.evaluation.TestRunInfo;
import dev.llmops.studio.platform.InvalidRequestException;
import dev.llmops.studio.platform.Notifications;
import dev.llmops.studio.security.CurrentUser;
import dev.llmops.studio.security.Permission;
import java.util.List;

/**
 * Under a comparison of two prompt-test runs: put both runs' answers in a review queue as A/B pairs, so reviewers
 * choose the better one (in random order on their screen). Cases where both answered the same are left out: there
 * is nothing to choose.
 */
@org.springframework.stereotype.Component
class ReviewSideBySideAction implements ComparisonActions {

    private final ReviewService reviews;
    private final CurrentUser currentUser;

    ReviewSideBySideAction(ReviewService reviews, CurrentUser currentUser) {
        this.reviews = reviews;
        this.currentUser = currentUser;
    }

    @Override
    public List<Component> actionsFor(RunComparison comparison) {
        if (!currentUser.has(Permission.REVIEW_QUEUES_MANAGE)) {
            return List.of();
        }
        List<NewReviewItem> pairs = pairs(comparison);
        Button open = new Button("Review side by side…", VaadinIcon.SPLIT_H.create(), e -> dialog(comparison, pairs)
                .open());
        open.setId("review-side-by-side");
        open.setEnabled(!pairs.isEmpty());
        open.setTooltipText(pairs.isEmpty() ? "Both runs gave the same answers: nothing to choose between"
                : pairs.size() + " case(s) with different answers go to reviewers as A/B pairs");
        return List.of(open);
    }

    static List<NewReviewItem> pairs(RunComparison comparison) {
        String a = label(comparison.baseline());
        String b = label(comparison.candidate());
        return comparison.cases().stream()
                .filter(c -> c.baseline().output() != null && c.candidate().output() != null
                        && !c.baseline().output().strip().equals(c.candidate().output().strip()))
                .map(c -> NewReviewItem.pairwise(c.prompt(), c.baseline().output(), a, c.candidate().output(), b))
                .toList();
    }

    private Dialog dialog(RunComparison comparison, List<NewReviewItem> pairs) {
        Dialog dialog = new Dialog();
        dialog.setHeaderTitle("Review side by side");
        TextField queue = new TextField("Review queue");
        queue.setId("side-by-side-queue");
        queue.setValue(comparison.candidate().suiteName() + "-ab");
        queue.setHelperText("Created if it does not exist; reviewers with the Reviewer role get the pairs.");
        queue.setWidthFull();
        IntegerField perItem = new IntegerField("Reviewers per pair");
        perItem.setValue(1);
        perItem.setMin(1);
        perItem.setMax(5);
        perItem.setStepButtonsVisible(true);
        Paragraph what = new Paragraph(pairs.size() + " pair(s): the answers of run " + comparison.baseline().id()
                + " and run " + comparison.candidate().id() + " to the same prompt, shown in random order.");
        VerticalLayout body = new VerticalLayout(what, queue, perItem);
        body.setPadding(false);
        dialog.add(body);
        Button send = new Button("Send " + pairs.size() + " pair(s) to review", e -> {
            try {
                String name = queue.getValue().strip();
                if (reviews.queues().stream().noneMatch(q -> q.name().equals(name))) {
                    reviews.createQueue(name, "Which answer is better? Choose A or B (or a tie), and correct the"
                            + " better one if it is still wrong.", perItem.getValue() == null ? 1 : perItem.getValue());
                }
                ReviewBatchInfo batch = reviews.addItems(name, "comparison of test runs " + comparison.baseline().id()
                        + " and " + comparison.candidate().id() + " of suite " + comparison.candidate().suiteName(),
                        pairs, ReviewService.Reviewers.REVIEWER_ROLE, null, null);
                dialog.close();
                Notifications.success(batch.items() + " pair(s) are in review queue “" + name + "”");
            } catch (InvalidRequestException ex) {
                Notifications.error(ex.getMessage());
            }
        });
        send.setId("side-by-side-send");
        send.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        dialog.getFooter().add(new Button("Cancel", e -> dialog.close()), send);
        return dialog;
    }

    private static String label(TestRunInfo run) {
        return "run " + run.id() + " (" + (run.model() != null ? run.model().label() : run.target().label()) + ")";
    }
}
