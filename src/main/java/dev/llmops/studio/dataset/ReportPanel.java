package dev.llmops.studio.dataset;

import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H4;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A version report as people read it: the counts in one sentence, personal data per field and type (masked
 * samples only), the rejected rows with file, line and column, and the shape of the data as bars. Used by the
 * upload check and by the version detail.
 */
class ReportPanel extends VerticalLayout {

    ReportPanel(VersionReport report) {
        setPadding(false);
        setId("dataset-report");
        DatasetStats stats = report.stats();
        Paragraph summary = new Paragraph(String.format("%,d rows read · %,d usable examples · %,d rejected · %,d "
                + "duplicates removed · %,d left out for personal data · %,d empty optional cells",
                report.rowsRead(), stats.rows(), report.rowsRejected(), report.duplicatesRemoved(),
                report.droppedForPii(), stats.emptyCells()));
        summary.setId("report-summary");
        add(summary);

        add(new H4("Personal data"));
        if (report.pii().isEmpty()) {
            Span none = new Span("None found (e-mail addresses, phone numbers, IBANs, payment cards, IP addresses).");
            none.setId("pii-none");
            add(none);
        } else {
            Grid<PiiFinding> pii = new Grid<>(PiiFinding.class, false);
            pii.setId("pii-report");
            pii.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_ROW_STRIPES);
            pii.setAllRowsVisible(true);
            pii.addColumn(PiiFinding::field).setHeader("Field").setAutoWidth(true);
            pii.addColumn(f -> f.type().label()).setHeader("Type").setAutoWidth(true);
            pii.addColumn(f -> String.format("%,d", f.count())).setHeader("Found").setAutoWidth(true);
            pii.addColumn(f -> String.join("   ", f.maskedSamples())).setHeader("Masked samples").setFlexGrow(1);
            pii.setItems(report.pii());
            add(pii);
        }

        if (report.rowsRejected() > 0) {
            add(new H4(String.format("Rejected rows (%,d%s)", report.rowsRejected(),
                    report.rowsRejected() > report.firstErrors().size()
                            ? ", first " + report.firstErrors().size() + " listed" : "")));
            Grid<RowError> errors = new Grid<>(RowError.class, false);
            errors.setId("row-errors");
            errors.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_ROW_STRIPES,
                    GridVariant.LUMO_WRAP_CELL_CONTENT);
            errors.addColumn(RowError::file).setHeader("File").setAutoWidth(true);
            errors.addColumn(RowError::line).setHeader("Line").setAutoWidth(true);
            errors.addColumn(e -> e.column() == null ? "" : e.column().toString()).setHeader("Column")
                    .setAutoWidth(true);
            errors.addColumn(RowError::reason).setHeader("Reason").setFlexGrow(1);
            errors.setItems(report.firstErrors());
            errors.setHeight(Math.min(12, report.firstErrors().size() + 1) * 36 + "px");
            add(errors);
        }

        add(new H4("Shape of the data"));
        Div figures = new Div();
        figures.addClassName("dataset-figures");
        if (!stats.labels().isEmpty()) {
            figures.add(new Bars("Labels", stats.labels()));
        }
        stats.attributes().forEach((attribute, values) -> figures.add(new Bars("Attribute “" + attribute + "”",
                values)));
        figures.add(new Bars(String.format("Prompt length, characters (mean %.0f, max %,d)",
                stats.promptChars().mean(), stats.promptChars().max()), buckets(stats.promptChars())));
        if (stats.responseChars().max() > 0) {
            figures.add(new Bars(String.format("Response length, characters (mean %.0f, max %,d)",
                    stats.responseChars().mean(), stats.responseChars().max()), buckets(stats.responseChars())));
        }
        figures.add(new Bars(String.format("Prompt length, tokens (byte-level; mean %.0f)", stats.promptTokens()
                .mean()), buckets(stats.promptTokens())));
        if (stats.responseTokens().max() > 0) {
            figures.add(new Bars(String.format("Response length, tokens (byte-level; mean %.0f)",
                    stats.responseTokens().mean()), buckets(stats.responseTokens())));
        }
        add(figures);
    }

    /** Buckets from the first to the last non-empty one, so the bars show the range that matters. */
    private static Map<String, Long> buckets(Histogram histogram) {
        Map<String, Long> counts = new LinkedHashMap<>();
        int first = 0;
        int last = histogram.counts().size() - 1;
        while (first < last && histogram.counts().get(first) == 0) {
            first++;
        }
        while (last > first && histogram.counts().get(last) == 0) {
            last--;
        }
        for (int i = first; i <= last; i++) {
            counts.put(Histogram.bucketLabel(i), histogram.counts().get(i));
        }
        return counts;
    }
}
