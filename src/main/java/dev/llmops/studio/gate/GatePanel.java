package dev.llmops.studio.gate;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H4;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.textfield.TextArea;
import dev.llmops.studio.designer.StepPanels;
import dev.llmops.studio.platform.Notifications;
import dev.llmops.studio.run.RunDetail;
import dev.llmops.studio.run.TaskInfo;
import dev.llmops.studio.run.TaskStatus;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/** On the run page, for a gate step: its decision, or approve and reject buttons while it waits for one. */
@org.springframework.stereotype.Component
class GatePanel implements StepPanels {

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

    private final GateService gates;

    GatePanel(GateService gates) {
        this.gates = gates;
    }

    @Override
    public Optional<Component> panelFor(RunDetail run, TaskInfo task, Runnable changed) {
        if (!GateService.NODE_TYPE.equals(task.nodeType())) {
            return Optional.empty();
        }
        Optional<GateDecision> decision = gates.decision(run.summary().id(), task.nodeId());
        if (decision.isPresent()) {
            GateDecision made = decision.get();
            Div done = box("gate-decision");
            done.add(new H4(made.approved() ? "Approved" : "Rejected"), new Paragraph("by " + made.decidedBy() + " on "
                    + WHEN.format(made.decidedAt().atZoneSameInstant(ZoneOffset.UTC)) + " UTC"
                    + (made.comment() == null ? "" : ": “" + made.comment() + "”")));
            return Optional.of(done);
        }
        if (task.status() != TaskStatus.WAITING) {
            return Optional.empty();
        }
        Div waiting = box("gate-approval");
        waiting.add(new H4("Approval needed"), new Paragraph(task.message() == null ? "" : task.message()));
        if (!gates.mayDecide(run, task.nodeId())) {
            waiting.add(new Paragraph("Only " + gates.approvers(run, task.nodeId()).describe()
                    + " may approve or reject this gate."));
            return Optional.of(waiting);
        }
        TextArea comment = new TextArea("Comment (recorded with your decision)");
        comment.setId("gate-comment");
        comment.setWidthFull();
        Button approve = new Button("Approve", VaadinIcon.CHECK.create());
        approve.setId("gate-approve");
        approve.addThemeVariants(ButtonVariant.LUMO_SUCCESS, ButtonVariant.LUMO_PRIMARY);
        Button reject = new Button("Reject", VaadinIcon.BAN.create());
        reject.setId("gate-reject");
        reject.addThemeVariants(ButtonVariant.LUMO_ERROR);
        approve.addClickListener(e -> decide(run, task, true, comment.getValue(), changed));
        reject.addClickListener(e -> decide(run, task, false, comment.getValue(), changed));
        waiting.add(comment, new HorizontalLayout(approve, reject));
        return Optional.of(waiting);
    }

    private void decide(RunDetail run, TaskInfo task, boolean approve, String comment, Runnable changed) {
        gates.decide(run.summary().id(), task.nodeId(), approve, comment);
        Notifications.success((approve ? "Approved" : "Rejected") + " “" + task.nodeLabel() + "”");
        changed.run();
    }

    private static Div box(String id) {
        Div box = new Div();
        box.setId(id);
        box.addClassName("step-panel");
        return box;
    }
}
