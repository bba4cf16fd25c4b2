package dev.llmops.studio.evaluation;

import com.vaadin.flow.component.grid.ColumnTextAlign;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.H4;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Two runs of a suite side by side: wins, losses and ties per case and how every metric changed. */
class ComparisonPanel extends VerticalLayout {

    /** A metric in both runs. */
    private record MetricRow(String metric, double baseline, double candidate, double delta) {
    }

    ComparisonPanel(RunComparison comparison) {
        setId("comparison");
        setPadding(false);
        TestRunInfo baseline = comparison.baseline();
        TestRunInfo candidate = comparison.candidate();
        Paragraph summary = new Paragraph("Run " + candidate.id() + " (" + TestReportPanel.target(candidate)
                + ") against run " + baseline.id() + " (" + TestReportPanel.target(baseline) + "): "
                + comparison.wins() + " won, " + comparison.losses() + " lost, " + comparison.ties() + " tied"
                + (comparison.unmatched() > 0 ? "; " + comparison.unmatched() + " cases changed between the runs"
                + " and are left out" : "") + ".");
        summary.setId("comparison-summary");
        Paragraph rule = new Paragraph("A case is won when it passes now and failed before, or both passed (or both"
                + " failed) with a higher score now.");
        rule.addClassName("panel-hint");

        List<MetricRow> metrics = new ArrayList<>();
        for (Map.Entry<String, Double> delta : comparison.deltas().entrySet()) {
            metrics.add(new MetricRow(delta.getKey(), baseline.metrics().get(delta.getKey()),
                    candidate.metrics().get(delta.getKey()), delta.getValue()));
        }
        Grid<MetricRow> deltas = new Grid<>(MetricRow.class, false);
        deltas.setId("comparison-metrics");
        deltas.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_ROW_STRIPES);
        deltas.setAllRowsVisible(true);
        deltas.setWidth("36rem");
        deltas.addColumn(MetricRow::metric).setHeader("Metric");
        deltas.addColumn(r -> TestReportPanel.decimal(r.baseline())).setHeader("Run " + baseline.id())
                .setTextAlign(ColumnTextAlign.END);
        deltas.addColumn(r -> TestReportPanel.decimal(r.candidate())).setHeader("Run " + candidate.id())
                .setTextAlign(ColumnTextAlign.END);
        deltas.addColumn(r -> String.format(Locale.ROOT, "%+.3f", r.delta())).setHeader("Change")
                .setTextAlign(ColumnTextAlign.END);
        deltas.setItems(metrics);

        Grid<RunComparison.CaseComparison> cases = new Grid<>(RunComparison.CaseComparison.class, false);
        cases.setId("comparison-cases");
        cases.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_ROW_STRIPES,
                GridVariant.LUMO_WRAP_CELL_CONTENT);
        cases.setAllRowsVisible(true);
        cases.addColumn(RunComparison.CaseComparison::position).setHeader("#").setAutoWidth(true).setFlexGrow(0);
        cases.addComponentColumn(c -> outcome(c.outcome())).setHeader("Outcome").setAutoWidth(true).setFlexGrow(0);
        cases.addColumn(RunComparison.CaseComparison::prompt).setHeader("Prompt").setFlexGrow(2);
        cases.addColumn(c -> side(c.baseline())).setHeader("Run " + baseline.id()).setFlexGrow(3);
        cases.addColumn(c -> side(c.candidate())).setHeader("Run " + candidate.id()).setFlexGrow(3);
        cases.setItems(comparison.cases());
        add(summary, rule, new H4("Metrics"), deltas, new H4("Cases"), cases);
    }

    private static String side(CaseResult result) {
        return (result.passed() ? "pass" : "fail") + (result.score() == null ? "" : String.format(Locale.ROOT,
                " (%.2f)", result.score())) + ": " + (result.output() == null ? "(no answer)" : result.output());
    }

    private static Span outcome(RunComparison.Outcome outcome) {
        Span badge = new Span(switch (outcome) {
            case WIN -> "won";
            case LOSS -> "lost";
            case TIE -> "tie";
        });
        badge.getElement().setAttribute("theme", "badge " + switch (outcome) {
            case WIN -> "success";
            case LOSS -> "error";
            case TIE -> "contrast";
        });
        return badge;
    }
}
