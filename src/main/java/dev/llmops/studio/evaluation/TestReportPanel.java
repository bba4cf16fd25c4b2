package dev.llmops.studio.evaluation;

import com.vaadin.flow.component.grid.ColumnTextAlign;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.H4;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One test run's results: pass rate and what was tested, each case with its verdict, answer and cost, and for
 * classification cases the scores per label with macro and micro averages and the confusion matrix.
 */
class TestReportPanel extends VerticalLayout {

    /** A row of the per-label table: a label, or an average (support = cases). */
    private record LabelRow(String label, double precision, double recall, double f1, int support) {
    }

    /** A row of the confusion matrix: the expected label and how often each label was predicted for it. */
    private record ConfusionRow(String expected, List<Long> counts) {
    }

    TestReportPanel(TestReport report) {
        setId("test-report");
        setPadding(false);
        TestRunInfo run = report.run();
        Span passRate = PromptTestsView.passRate(run);
        passRate.setId("report-pass-rate");
        Span about = new Span("Test run " + run.id() + " against " + target(run) + " · " + run.createdBy() + ", "
                + PromptTestsView.when(run.createdAt()) + " UTC · temperature " + run.options().temperature()
                + ", at most " + run.options().maxTokens() + " tokens"
                + (run.runId() == null ? "" : " · pipeline run " + run.runId() + ", step " + run.nodeId()));
        about.addClassName("panel-hint");
        HorizontalLayout summary = new HorizontalLayout(passRate, about);
        summary.setAlignItems(FlexComponent.Alignment.BASELINE);
        add(summary);
        if (run.status() == TestRunStatus.FAILED) {
            Paragraph failed = new Paragraph("The run failed: " + run.message());
            failed.setId("report-failure");
            failed.getStyle().set("color", "var(--lumo-error-text-color)");
            add(failed);
            return;
        }
        add(new H4("Cases"), cases(report.results()));
        ClassificationMetrics classification = report.metrics().classification();
        if (classification != null) {
            Paragraph hint = new Paragraph("Over the " + classification.count() + " classification cases: accuracy "
                    + percent(classification.accuracy()) + ". An answer naming none of the labels counts as "
                    + PromptTestMetrics.NO_LABEL + ".");
            hint.addClassName("panel-hint");
            add(new H4("Classification"), hint, labels(classification), new H4("Confusion matrix"),
                    confusion(classification));
        }
    }

    static String target(TestRunInfo run) {
        String target = (run.target().kind() == TestTarget.Kind.ENDPOINT ? "endpoint " : "model ")
                + run.target().label();
        return run.target().kind() == TestTarget.Kind.ENDPOINT && run.model() != null
                ? target + " (" + run.model().label() + ")" : target;
    }

    private static Grid<CaseResult> cases(List<CaseResult> results) {
        Grid<CaseResult> grid = new Grid<>(CaseResult.class, false);
        grid.setId("results-grid");
        grid.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_ROW_STRIPES, GridVariant.LUMO_WRAP_CELL_CONTENT);
        grid.setAllRowsVisible(true);
        grid.addColumn(CaseResult::position).setHeader("#").setAutoWidth(true).setFlexGrow(0);
        grid.addComponentColumn(r -> verdict(r.passed())).setHeader("Result").setAutoWidth(true).setFlexGrow(0);
        grid.addColumn(CaseResult::prompt).setHeader("Prompt").setFlexGrow(2);
        grid.addColumn(r -> r.assertion() + (r.expected() == null ? "" : ": " + r.expected())).setHeader("Expected")
                .setFlexGrow(2);
        grid.addColumn(r -> r.output() == null ? "(no answer)" : r.output()).setHeader("Output").setFlexGrow(3);
        grid.addColumn(r -> r.score() == null ? "" : String.format(Locale.ROOT, "%.2f", r.score())).setHeader("Score")
                .setAutoWidth(true).setFlexGrow(0).setTextAlign(ColumnTextAlign.END);
        grid.addColumn(CaseResult::reason).setHeader("Why").setFlexGrow(2);
        grid.addColumn(r -> String.format(Locale.ROOT, "%,.0f ms", r.latencyMs())).setHeader("Latency")
                .setAutoWidth(true).setFlexGrow(0).setTextAlign(ColumnTextAlign.END);
        grid.addColumn(r -> r.promptTokens() + " + " + r.completionTokens()).setHeader("Tokens")
                .setTooltipGenerator(r -> "prompt + completion tokens").setAutoWidth(true).setFlexGrow(0)
                .setTextAlign(ColumnTextAlign.END);
        grid.setItems(results);
        return grid;
    }

    private static Grid<LabelRow> labels(ClassificationMetrics metrics) {
        List<LabelRow> rows = new ArrayList<>();
        metrics.perLabel().forEach((label, s) -> rows.add(new LabelRow(label, s.precision(), s.recall(), s.f1(),
                s.support())));
        rows.add(new LabelRow("macro average", metrics.macroPrecision(), metrics.macroRecall(), metrics.macroF1(),
                metrics.count()));
        rows.add(new LabelRow("micro average", metrics.microPrecision(), metrics.microRecall(), metrics.microF1(),
                metrics.count()));
        Grid<LabelRow> grid = new Grid<>(LabelRow.class, false);
        grid.setId("labels-grid");
        grid.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_ROW_STRIPES);
        grid.setAllRowsVisible(true);
        grid.setWidth("40rem");
        grid.addColumn(LabelRow::label).setHeader("Label").setFlexGrow(1);
        grid.addColumn(r -> decimal(r.precision())).setHeader("Precision").setTextAlign(ColumnTextAlign.END);
        grid.addColumn(r -> decimal(r.recall())).setHeader("Recall").setTextAlign(ColumnTextAlign.END);
        grid.addColumn(r -> decimal(r.f1())).setHeader("F1").setTextAlign(ColumnTextAlign.END);
        grid.addColumn(LabelRow::support).setHeader("Cases").setTextAlign(ColumnTextAlign.END);
        grid.setItems(rows);
        return grid;
    }

    private static Grid<ConfusionRow> confusion(ClassificationMetrics metrics) {
        Grid<ConfusionRow> grid = new Grid<>(ConfusionRow.class, false);
        grid.setId("confusion-grid");
        grid.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_COLUMN_BORDERS);
        grid.setAllRowsVisible(true);
        grid.setWidth(Math.min(60, 12 + 8 * metrics.labels().size()) + "rem");
        grid.addColumn(ConfusionRow::expected).setHeader("expected ↓ / predicted →").setAutoWidth(true);
        for (int j = 0; j < metrics.labels().size(); j++) {
            int column = j;
            grid.addColumn(r -> r.counts().get(column)).setHeader(metrics.labels().get(j))
                    .setTextAlign(ColumnTextAlign.END);
        }
        List<ConfusionRow> rows = new ArrayList<>();
        List<List<Long>> counts = metrics.confusionRows();
        for (int i = 0; i < counts.size(); i++) {
            rows.add(new ConfusionRow(metrics.labels().get(i), counts.get(i)));
        }
        grid.setItems(rows);
        return grid;
    }

    static Span verdict(boolean passed) {
        Span badge = new Span(passed ? "pass" : "fail");
        badge.getElement().setAttribute("theme", "badge " + (passed ? "success" : "error"));
        return badge;
    }

    static String decimal(double value) {
        return String.format(Locale.ROOT, "%.3f", value);
    }

    static String percent(double value) {
        return String.format(Locale.ROOT, "%.1f %%", 100 * value);
    }
}
