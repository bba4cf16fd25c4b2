package dev.llmops.studio.designer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import dev.llmops.studio.pipeline.GraphNode;
import dev.llmops.studio.pipeline.PipelineGraph;
import dev.llmops.studio.pipeline.ValidationIssue;
import java.util.List;
import java.util.function.Consumer;

/** Every validation issue as a list; clicking one selects and centres its step on the canvas. */
class IssuesPanel extends VerticalLayout {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Consumer<ValidationIssue> onSelect;

    IssuesPanel(Consumer<ValidationIssue> onSelect) {
        this.onSelect = onSelect;
        setId("issues-panel");
        setPadding(true);
        setSpacing(false);
    }

    void show(List<ValidationIssue> issues, PipelineGraph graph) {
        removeAll();
        if (issues.isEmpty()) {
            Paragraph ok = new Paragraph("No issues: this pipeline can run once saved.");
            ok.addClassName("panel-hint");
            add(ok);
            return;
        }
        for (ValidationIssue issue : issues) {
            Div item = new Div();
            item.addClassName("issue-item");
            item.getElement().setAttribute("data-node-id", issue.nodeId() == null ? "" : issue.nodeId());
            var icon = VaadinIcon.WARNING.create();
            icon.addClassName("issue-icon");
            String step = issue.nodeId() == null ? "Pipeline"
                    : graph.node(issue.nodeId()).map(GraphNode::label).orElse(issue.nodeId());
            Span where = new Span(step);
            where.addClassName("issue-step");
            item.add(icon, where, new Span(issue.message()));
            if (issue.nodeId() != null) {
                item.addClickListener(e -> onSelect.accept(issue));
                item.getElement().setAttribute("role", "button");
                item.getElement().setAttribute("tabindex", "0");
            }
            add(item);
        }
    }

    static String toJson(List<ValidationIssue> issues) {
        try {
            return JSON.writeValueAsString(issues);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
