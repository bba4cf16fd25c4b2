package dev.llmops.studio.evaluation;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.NumberField;
import com.vaadin.flow.component.textfield.TextArea;
import com.vaadin.flow.component.textfield.TextField;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Adds or edits one case of a suite: prompt, assertion, expected value, threshold, label and group. A chat case
 * (imported with messages) keeps its messages; its last user message is shown read-only. The help under the
 * expected value says what the chosen assertion wants there.
 */
class CaseDialog extends Dialog {

    private final TextArea prompt = new TextArea("Prompt");
    private final Select<AssertionType> assertion = new Select<>();
    private final TextArea expected = new TextArea("Expected");
    private final NumberField threshold = new NumberField("Threshold");
    private final TextField label = new TextField("Label");
    private final TextField group = new TextField("Group");
    private final Paragraph problem = new Paragraph();
    private final PromptCase original;

    CaseDialog(String title, PromptCase original, Consumer<PromptCase> onDone) {
        this.original = original;
        setId("case-dialog");
        setHeaderTitle(title);
        setWidth("44rem");
        prompt.setId("case-prompt");
        prompt.setMinHeight("5rem");
        assertion.setId("case-assertion");
        assertion.setLabel("Assertion");
        assertion.setItems(AssertionType.values());
        assertion.addValueChangeListener(e -> explain());
        expected.setId("case-expected");
        threshold.setId("case-threshold");
        threshold.setStep(0.05);
        label.setId("case-label");
        label.setMaxLength(PromptCase.MAX_ATTRIBUTE);
        label.setHelperText("For classification: the expected label (same as expected)");
        group.setId("case-group");
        group.setMaxLength(PromptCase.MAX_ATTRIBUTE);
        group.setHelperText("To slice results, e.g. billing");
        problem.setId("case-problem");
        problem.getStyle().set("color", "var(--lumo-error-text-color)");
        problem.setVisible(false);

        if (original != null) {
            prompt.setValue(original.shownPrompt());
            prompt.setReadOnly(original.messages() != null);
            if (original.messages() != null) {
                prompt.setHelperText("A chat of " + original.messages().size() + " messages (imported); the last"
                        + " user message is shown");
            }
            expected.setValue(original.expected() == null ? "" : original.expected());
            threshold.setValue(original.threshold());
            label.setValue(original.label() == null ? "" : original.label());
            group.setValue(original.group() == null ? "" : original.group());
        }
        assertion.setValue(original == null ? AssertionType.ICONTAINS : original.assertion());

        FormLayout form = new FormLayout(prompt, assertion, threshold, expected, label, group);
        form.setResponsiveSteps(new FormLayout.ResponsiveStep("0", 2));
        form.setColspan(prompt, 2);
        form.setColspan(expected, 2);
        add(form, problem);

        Button done = new Button(original == null ? "Add" : "Apply", e -> {
            PromptCase edited = edited();
            Optional<PromptCase.Problem> found = edited.problem();
            if (found.isPresent()) {
                problem.setText(found.get().message());
                problem.setVisible(true);
                return;
            }
            onDone.accept(edited);
            close();
        });
        done.setId("case-done");
        done.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        getFooter().add(new Button("Cancel", e -> close()), done);
    }

    private PromptCase edited() {
        boolean chat = original != null && original.messages() != null;
        return new PromptCase(chat ? null : prompt.getValue(), chat ? original.messages() : null,
                expected.getValue(), assertion.getValue(), threshold.getValue(), label.getValue(), group.getValue());
    }

    /** What the expected value and the threshold mean for the chosen assertion (docs/metrics.md). */
    private void explain() {
        AssertionType type = assertion.getValue();
        if (type == null) {
            return;
        }
        expected.setHelperText(switch (type) {
            case NONE -> "Not used: the answer is only recorded";
            case EQUALS, CONTAINS, ICONTAINS, STARTS_WITH -> "The text";
            case CONTAINS_ANY, CONTAINS_ALL, ICONTAINS_ANY, ICONTAINS_ALL -> "Texts separated by | or a JSON array";
            case REGEX -> "A Java regular expression, found anywhere in the answer";
            case LENGTH -> "A range of characters: 10..200, ..80 or 5..";
            case IS_JSON -> "Not used: the answer must parse as JSON";
            case JSON_SCHEMA -> "A JSON Schema the answer must match, e.g. {\"type\": \"object\"}";
            case CLASSIFICATION -> "The expected label; the suite's labels are the expected values of its"
                    + " classification cases";
            case TOKEN_F1, ROUGE_L -> "The reference answer";
            case LLM_JUDGE -> "A rubric for this case; empty: the suite's rubric";
        });
        threshold.setEnabled(type == AssertionType.TOKEN_F1 || type == AssertionType.ROUGE_L
                || type == AssertionType.LLM_JUDGE);
        threshold.setHelperText(type == AssertionType.LLM_JUDGE ? "The judge's score (1–5) that passes; empty: 4"
                : threshold.isEnabled() ? "0 to 1; empty: 0.5" : "Not used by this assertion");
    }
}
