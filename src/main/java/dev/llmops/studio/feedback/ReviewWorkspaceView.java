package dev.llmops.studio.feedback;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.progressbar.ProgressBar;
import com.vaadin.flow.component.textfield.TextArea;
import com.vaadin.flow.data.value.ValueChangeMode;
import com.vaadin.flow.dom.DomEvent;
import com.vaadin.flow.dom.DomListenerRegistration;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.BeforeLeaveEvent;
import com.vaadin.flow.router.BeforeLeaveObserver;
import com.vaadin.flow.router.HasDynamicTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouterLink;
import dev.llmops.studio.platform.InvalidRequestException;
import dev.llmops.studio.platform.NotFoundException;
import dev.llmops.studio.platform.Notifications;
import dev.llmops.studio.security.Permission;
import dev.llmops.studio.security.RequiresPermission;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A reviewer works through their items in one queue, one at a time, mostly from the keyboard. What they enter is
 * saved as a draft after each change (text after a pause in typing) and whenever they move away, so nothing is
 * lost; reopening an item shows its draft. A pairwise item shows its two answers in the order drawn for this
 * reviewer, so a habit of picking the left one does not always favour the same model.
 */
@Route("review/:queue")
@RequiresPermission(Permission.REVIEW_WORK)
public class ReviewWorkspaceView extends VerticalLayout implements BeforeEnterObserver, BeforeLeaveObserver,
        HasDynamicTitle {

    private static final Logger LOG = LoggerFactory.getLogger(ReviewWorkspaceView.class);
    private static final DateTimeFormatter SAVED_AT = DateTimeFormatter.ofPattern("HH:mm:ss");
    /** Typing pauses this long before a comment or correction is saved as a draft. */
    private static final int TYPING_PAUSE_MS = 700;
    /**
     * Which key presses reach the server: Ctrl+Enter (or Cmd+Enter) anywhere, the single-key shortcuts only when
     * the reviewer is not typing, so digits and letters in the comment or the correction stay text.
     */
    private static final String SHORTCUT_FILTER = "!event.repeat && !event.altKey && ((event.ctrlKey"
            + " || event.metaKey) ? event.key === 'Enter' : (event.key.length === 1 && '12345abjke'.includes("
            + "event.key.toLowerCase()) && !['input', 'textarea', 'select'].includes(event.composedPath()[0]"
            + ".localName) && !event.composedPath()[0].isContentEditable))";

    private final ReviewService reviews;
    private String queue = "";
    /** The item on screen; null while a message (all done, nothing assigned) is shown instead. */
    private ReviewTask task;
    private ReviewForm form;
    /** What the server has for the item, so that only changes are saved. */
    private ReviewInput saved;
    private DomListenerRegistration shortcuts;

    private final Span savedState = new Span();
    private final Button[] ratingButtons = new Button[5];
    private final Button thumbsUp = new Button("Good", VaadinIcon.THUMBS_UP.create());
    private final Button thumbsDown = new Button("Bad", VaadinIcon.THUMBS_DOWN.create());
    private final Map<ReviewTag, Button> tagButtons = new EnumMap<>(ReviewTag.class);
    private final Button chooseLeft = new Button("A is better");
    private final Button chooseTie = new Button("Tie");
    private final Button chooseRight = new Button("B is better");
    private final Div leftCard = new Div();
    private final Div rightCard = new Div();
    private final Div responseArea = new Div();
    private final Button editResponse = new Button(VaadinIcon.EDIT.create());
    private final TextArea correction = new TextArea("Corrected answer");
    private final TextArea comment = new TextArea("Comment");
    private final Button previous = new Button("Previous", VaadinIcon.ARROW_LEFT.create());
    private final Button next = new Button("Next", VaadinIcon.ARROW_RIGHT.create());
    private final Button submit = new Button("Submit", VaadinIcon.CHECK.create());

    ReviewWorkspaceView(ReviewService reviews) {
        this.reviews = reviews;
        setId("review-workspace");
        setWidthFull();
        setMaxWidth("72rem");
        configureJudgement();
        configureText();
        previous.setId("review-previous");
        previous.addClickListener(e -> move(false));
        next.setId("review-next");
        next.setIconAfterText(true);
        next.addClickListener(e -> move(true));
        submit.setId("review-submit");
        submit.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        submit.setTooltipText("Ctrl+Enter; then the next open item");
        submit.addClickListener(e -> submitAndContinue());
        savedState.setId("review-saved");
        savedState.addClassName("panel-hint");
        addAttachListener(e -> shortcuts = e.getUI().getElement().addEventListener("keydown", this::onKey)
                .setFilter(SHORTCUT_FILTER).addEventData("event.key").addEventData("event.ctrlKey")
                .addEventData("event.metaKey"));
        addDetachListener(e -> {
            shortcuts.remove();
            saveOnDetach();
        });
    }

    @Override
    public String getPageTitle() {
        return "Review " + queue;
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        queue = event.getRouteParameters().get("queue").orElse("");
        try {
            reviews.next(queue).ifPresentOrElse(this::show, this::showNoOpenItem);
        } catch (NotFoundException e) {
            showMessage("No review queue named “" + queue + "”", "Your queues are listed on the Review screen.");
        }
    }

    @Override
    public void beforeLeave(BeforeLeaveEvent event) {
        save(false);
    }

    // ---- building the screen ----

    private void configureJudgement() {
        for (int stars = 1; stars <= 5; stars++) {
            int rating = stars;
            Button button = new Button(String.valueOf(stars), VaadinIcon.STAR.create(), e -> {
                form.rate(rating);
                changed();
            });
            button.setId("rate-" + stars);
            button.setAriaLabel(stars + " of 5");
            button.addThemeVariants(ButtonVariant.LUMO_SMALL);
            ratingButtons[stars - 1] = button;
        }
        thumbsUp.setId("thumbs-up");
        thumbsUp.addThemeVariants(ButtonVariant.LUMO_SMALL);
        thumbsDown.addThemeVariants(ButtonVariant.LUMO_SMALL);
        thumbsUp.addClickListener(e -> {
            form.toggleThumbs(Thumbs.UP);
            changed();
        });
        thumbsDown.setId("thumbs-down");
        thumbsDown.addClickListener(e -> {
            form.toggleThumbs(Thumbs.DOWN);
            changed();
        });
        for (ReviewTag tag : ReviewTag.values()) {
            Button chip = new Button(tag.id(), e -> {
                form.toggleTag(tag);
                changed();
            });
            chip.setId("tag-" + tag.id());
            chip.addThemeVariants(ButtonVariant.LUMO_SMALL);
            chip.addClassName("review-chip");
            tagButtons.put(tag, chip);
        }
        chooseLeft.setId("choose-left");
        chooseLeft.addClickListener(e -> chooseSide(true));
        chooseRight.setId("choose-right");
        chooseRight.addClickListener(e -> chooseSide(false));
        chooseTie.setId("choose-tie");
        chooseTie.addClickListener(e -> {
            form.chooseTie();
            changed();
        });
        leftCard.setId("response-left");
        rightCard.setId("response-right");
        editResponse.setId("edit-response");
        editResponse.addClickListener(e -> {
            if (form.editing()) {
                form.stopEditing();
                showResponses();
                changed();
            } else {
                startEditing();
            }
        });
    }

    private void configureText() {
        keptAsYouType(correction, "review-correction", text -> form.correct(text));
        correction.setMinHeight("10rem");
        correction.setHelperText("Saved as the answer to learn once it differs from the response.");
        keptAsYouType(comment, "review-comment", text -> form.comment(text));
        comment.setPlaceholder("Optional: what is wrong, what would be better");
    }

    /** A text area whose text goes into the form, and into the draft, when the reviewer pauses typing. */
    private void keptAsYouType(TextArea area, String id, Consumer<String> into) {
        area.setId(id);
        area.setWidthFull();
        area.setValueChangeMode(ValueChangeMode.LAZY);
        area.setValueChangeTimeout(TYPING_PAUSE_MS);
        area.addValueChangeListener(e -> {
            if (e.isFromClient()) {
                into.accept(e.getValue());
                changed();
            }
        });
    }

    private void show(ReviewTask shown) {
        task = shown;
        form = new ReviewForm(shown);
        saved = form.input();
        removeAll();
        add(header());
        if (shown.instructions() != null) {
            Paragraph instructions = new Paragraph(shown.instructions());
            instructions.setId("review-instructions");
            instructions.addClassName("review-instructions");
            add(instructions);
        }
        add(progress(shown), legend());
        add(textBlock("Prompt", "review-prompt", shown.prompt()));
        if (shown.context() != null) {
            add(textBlock("Context", "review-context", shown.context()));
        }
        if (shown.reference() != null) {
            add(textBlock("Reference answer", "review-reference", shown.reference()));
        }
        responseArea.setWidthFull();
        add(responseArea, judgement());
        comment.setValue(form.input().comment() == null ? "" : form.input().comment());
        HorizontalLayout actions = new HorizontalLayout(previous, next, editResponse, submit, savedState);
        actions.setAlignItems(FlexComponent.Alignment.BASELINE);
        actions.setWidthFull();
        add(comment, actions);
        previous.setEnabled(shown.position() > 1);
        next.setEnabled(shown.position() < shown.progress().assigned());
        submit.setText(shown.submitted() ? "Update review" : "Submit");
        showSavedState();
        showResponses();
        showChoices();
    }

    private Component header() {
        H3 title = new H3(queue);
        title.setId("review-title");
        title.addClassName("review-title");
        RouterLink back = new RouterLink("All my queues", MyReviewsView.class);
        HorizontalLayout header = new HorizontalLayout(title, back);
        header.setAlignItems(FlexComponent.Alignment.BASELINE);
        return header;
    }

    private static Component progress(ReviewTask shown) {
        ReviewerProgress progress = shown.progress();
        ProgressBar bar = new ProgressBar(0, 1, progress.fraction());
        bar.setId("review-progress-bar");
        bar.setWidth("14rem");
        Span reviewed = new Span(progressText(progress));
        reviewed.setId("review-progress");
        Span position = new Span("Item " + shown.position() + " of " + progress.assigned()
                + (shown.submitted() ? " · submitted" : ""));
        position.setId("review-position");
        position.addClassName("panel-hint");
        HorizontalLayout row = new HorizontalLayout(bar, reviewed, position);
        row.setAlignItems(FlexComponent.Alignment.CENTER);
        return row;
    }

    /** "12 of 40 reviewed": the reviewer's own count, the list of queues says the same. */
    static String progressText(ReviewerProgress progress) {
        return progress.submitted() + " of " + progress.assigned() + " reviewed";
    }

    private Component legend() {
        Div legend = new Div(new Span("Keys:"));
        legend.setId("review-shortcuts");
        legend.addClassName("review-legend");
        key(legend, "1–5", "rate");
        if (task.pairwise()) {
            key(legend, "A / B", "left / right is better");
        }
        key(legend, "J", "next item");
        key(legend, "K", "previous item");
        key(legend, "E", "edit the response");
        key(legend, "Ctrl+Enter", "submit and go on");
        return legend;
    }

    private static void key(Div legend, String keys, String meaning) {
        Span key = new Span(keys);
        key.addClassName("review-key");
        Span entry = new Span(key, new Span(meaning));
        entry.addClassName("review-legend-entry");
        legend.add(entry);
    }

    private static Component textBlock(String caption, String id, String text) {
        Div label = new Div(caption);
        label.addClassName("review-label");
        Div body = new Div(text);
        body.setId(id);
        body.addClassNames("review-text", "review-panel");
        Div block = new Div(label, body);
        block.setWidthFull();
        return block;
    }

    /** The response, or the pair side by side; the editor takes the response's place while open. */
    private void showResponses() {
        responseArea.removeAll();
        if (task.pairwise()) {
            leftCard.removeAll();
            leftCard.add(cardHeading("A", "shown left"), text(task.left()), chooseLeft);
            rightCard.removeAll();
            rightCard.add(cardHeading("B", "shown right"), text(task.right()), chooseRight);
            leftCard.setClassName("review-card");
            rightCard.setClassName("review-card");
            Div pair = new Div(leftCard, rightCard);
            pair.addClassName("review-pair");
            responseArea.add(pair, chooseTie);
            if (form.editing()) {
                responseArea.add(correction);
            }
        } else if (form.editing()) {
            responseArea.add(correction);
        } else {
            Div card = new Div(cardHeading("Response", null), text(task.response()));
            card.setId("review-response");
            card.addClassName("review-card");
            responseArea.add(card);
        }
        correction.setValue(form.editing() ? form.correction() : "");
        editResponse.setText(form.editing() ? "Discard correction" : "Edit response");
    }

    private static Component cardHeading(String title, String hint) {
        Div heading = new Div(new Span(title));
        heading.addClassName("review-card-title");
        if (hint != null) {
            Span small = new Span(hint);
            small.addClassName("panel-hint");
            heading.add(small);
        }
        return heading;
    }

    private static Component text(String content) {
        Div text = new Div(content);
        text.addClassName("review-text");
        return text;
    }

    private Component judgement() {
        Div ratings = group("Rating", ratingButtons);
        Div thumbs = group("Thumbs", thumbsUp, thumbsDown);
        Div tags = group("Problems", tagButtons.values().toArray(Component[]::new));
        Div row = new Div(ratings, thumbs, tags);
        row.addClassName("review-judgement");
        return row;
    }

    private static Div group(String caption, Component... members) {
        Div label = new Div(caption);
        label.addClassName("review-label");
        Div buttons = new Div(members);
        buttons.addClassName("review-buttons");
        return new Div(label, buttons);
    }

    private void showMessage(String title, String text) {
        task = null;
        form = null;
        removeAll();
        H3 heading = new H3(title);
        heading.setId("review-message");
        add(heading, new Paragraph(text), new RouterLink("Back to my review queues", MyReviewsView.class));
    }

    /** Nothing open: every item is submitted, or none is this reviewer's. */
    private void showNoOpenItem() {
        Optional<ReviewerQueue> mine = reviews.myQueues().stream().filter(q -> q.queue().equals(queue)).findFirst();
        if (mine.isEmpty()) {
            showMessage("Nothing to review here for you", "No items of “" + queue + "” are assigned to you. Your"
                    + " queues are listed on the Review screen.");
            return;
        }
        showMessage("All done — thank you", "You reviewed all " + mine.get().progress().assigned() + " item(s) of “"
                + queue + "”. New items show up on the Review screen when they are assigned to you.");
        Button again = new Button("Look over my reviews", VaadinIcon.ARROW_BACKWARD.create(), e ->
                reviews.first(queue).ifPresent(this::show));
        again.setId("review-look-over");
        add(again);
    }

    // ---- state on screen ----

    /** Shows the new state and keeps it as a draft. */
    private void changed() {
        showChoices();
        save(true);
    }

    private void showChoices() {
        for (int stars = 1; stars <= 5; stars++) {
            pressed(ratingButtons[stars - 1], form.rating() != null && form.rating() == stars);
        }
        pressed(thumbsUp, form.thumbs() == Thumbs.UP);
        pressed(thumbsDown, form.thumbs() == Thumbs.DOWN);
        tagButtons.forEach((tag, chip) -> pressed(chip, form.tagged(tag)));
        if (task.pairwise()) {
            Boolean left = form.leftChosen();
            pressed(chooseLeft, Boolean.TRUE.equals(left));
            pressed(chooseRight, Boolean.FALSE.equals(left));
            pressed(chooseTie, form.tie());
            leftCard.setClassName("chosen", Boolean.TRUE.equals(left));
            rightCard.setClassName("chosen", Boolean.FALSE.equals(left));
        }
    }

    private static void pressed(Button button, boolean on) {
        if (on) {
            button.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        } else {
            button.removeThemeVariants(ButtonVariant.LUMO_PRIMARY);
        }
        button.getElement().setAttribute("aria-pressed", String.valueOf(on));
    }

    private void showSavedState() {
        if (task.submitted()) {
            savedState.setText(task.savedAt() == null ? "Submitted" : "Submitted; last change "
                    + SAVED_AT.format(task.savedAt().atZoneSameInstant(ZoneId.systemDefault())));
        } else {
            savedState.setText(task.savedAt() == null ? "Not started" : "Draft saved "
                    + SAVED_AT.format(task.savedAt().atZoneSameInstant(ZoneId.systemDefault())));
        }
    }

    // ---- actions ----

    private void onKey(DomEvent event) {
        if (task == null) {
            return;
        }
        var data = event.getEventData();
        if (data.getBoolean("event.ctrlKey") || data.getBoolean("event.metaKey")) {
            submitAndContinue();
            return;
        }
        String key = data.getString("event.key").toLowerCase(Locale.ROOT);
        switch (key) {
            case "1", "2", "3", "4", "5" -> {
                form.rate(Integer.parseInt(key));
                changed();
            }
            case "a", "b" -> {
                if (task.pairwise()) {
                    chooseSide(key.equals("a"));
                }
            }
            case "j" -> move(true);
            case "k" -> move(false);
            case "e" -> startEditing();
            default -> {
                // the filter lets no other key through
            }
        }
    }

    private void chooseSide(boolean left) {
        form.chooseSide(left);
        changed();
    }

    private void startEditing() {
        if (!form.editing()) {
            form.startEditing();
            showResponses();
            changed();
        }
        correction.focus();
    }

    /** Saves, then opens the next or previous item; stays when there is none or the change cannot be kept. */
    private void move(boolean forward) {
        if (!save(false)) {
            return;
        }
        reviews.neighbour(queue, task.assignmentId(), forward).ifPresent(this::show);
    }

    private void submitAndContinue() {
        try {
            reviews.submit(task.assignmentId(), form.input());
        } catch (InvalidRequestException e) {
            Notifications.error(e.getMessage());
            return;
        }
        // no toast: at one item every few seconds they would pile up; the progress bar moving says it
        reviews.next(queue).ifPresentOrElse(this::show, this::showNoOpenItem);
    }

    /**
     * Keeps what changed since the last save: a draft, or for a submitted review the change itself, checked as a
     * submit is, since a submitted review must stay complete. Says why when {@code quietly} is false and the change
     * cannot be kept (a submitted review left incomplete); while the reviewer is still at it, that is no news.
     */
    private boolean save(boolean quietly) {
        if (task == null) {
            return true;
        }
        ReviewInput input = form.input();
        if (input.equals(saved)) {
            return true;
        }
        try {
            if (task.submitted()) {
                reviews.submit(task.assignmentId(), input);
            } else {
                reviews.saveDraft(task.assignmentId(), input);
            }
        } catch (InvalidRequestException e) {
            if (!quietly) {
                Notifications.error("Your change to this submitted review is not kept: " + e.getMessage());
            }
            return false;
        }
        saved = input;
        savedState.setText((task.submitted() ? "Change saved " : "Draft saved ")
                + SAVED_AT.format(LocalTime.now()));
        return true;
    }

    /** The tab closed or the session ended without navigating: the last chance to keep the draft. */
    private void saveOnDetach() {
        try {
            save(true);
        } catch (RuntimeException e) {
            LOG.warn("Could not keep the draft of review assignment {} on leaving: {}",
                    task == null ? null : task.assignmentId(), e.getMessage());
        }
    }
}
