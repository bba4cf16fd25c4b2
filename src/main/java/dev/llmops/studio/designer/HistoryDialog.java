package dev.llmops.studio.designer;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.confirmdialog.ConfirmDialog;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Span;
import dev.llmops.studio.pipeline.EditConflictException;
import dev.llmops.studio.pipeline.PipelineService;
import dev.llmops.studio.pipeline.PipelineSummary;
import dev.llmops.studio.pipeline.PipelineVersionInfo;
import dev.llmops.studio.platform.Notifications;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.function.IntConsumer;

/** Every saved version with who, when, why and what changed; any older one can be restored as a new version. */
class HistoryDialog extends Dialog {

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

    HistoryDialog(PipelineService pipelines, PipelineSummary summary, boolean canEdit, boolean unsaved,
            IntConsumer onRestored) {
        setHeaderTitle("History of “" + summary.name() + "”");
        setId("history-dialog");
        setWidth("min(1100px, 95vw)");
        Grid<PipelineVersionInfo> grid = new Grid<>(PipelineVersionInfo.class, false);
        grid.setId("history-grid");
        grid.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_ROW_STRIPES);
        grid.addColumn(v -> "v" + v.version()).setHeader("Version").setAutoWidth(true).setFlexGrow(0);
        grid.addColumn(v -> WHEN.format(v.createdAt().atZoneSameInstant(ZoneOffset.UTC)) + " UTC")
                .setHeader("Saved").setAutoWidth(true).setFlexGrow(0);
        grid.addColumn(PipelineVersionInfo::author).setHeader("By").setAutoWidth(true).setFlexGrow(0);
        grid.addColumn(v -> v.message() == null ? "" : v.message()).setHeader("Message").setFlexGrow(1);
        grid.addColumn(PipelineVersionInfo::changeSummary).setHeader("Changes").setFlexGrow(2);
        grid.addComponentColumn(v -> {
            Span state = new Span(v.issueCount() == 0 ? "Valid"
                    : v.issueCount() + (v.issueCount() == 1 ? " issue" : " issues"));
            state.getElement().getThemeList().add(v.issueCount() == 0 ? "badge success" : "badge error");
            return state;
        }).setHeader("State").setAutoWidth(true).setFlexGrow(0);
        if (canEdit) {
            grid.addComponentColumn(v -> {
                if (v.version() == summary.version()) {
                    return new Span("current");
                }
                Button restore = new Button("Restore", e -> confirmRestore(pipelines, summary, v.version(), unsaved,
                        onRestored));
                restore.setId("restore-v" + v.version());
                restore.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_TERTIARY);
                return restore;
            }).setAutoWidth(true).setFlexGrow(0);
        }
        grid.setItems(pipelines.history(summary.id()));
        grid.setAllRowsVisible(true);
        add(grid);
        getFooter().add(new Button("Close", e -> close()));
    }

    private void confirmRestore(PipelineService pipelines, PipelineSummary summary, int version, boolean unsaved,
            IntConsumer onRestored) {
        ConfirmDialog confirm = new ConfirmDialog("Restore version " + version + "?",
                "Its graph becomes version " + (summary.version() + 1) + "; no version is deleted."
                        + (unsaved ? " Your unsaved changes on the canvas will be discarded." : ""),
                "Restore", e -> {
                    try {
                        pipelines.restore(summary.id(), version, summary.version());
                        close();
                        onRestored.accept(version);
                    } catch (EditConflictException conflict) {
                        Notifications.error(conflict.getMessage());
                    }
                });
        confirm.setId("confirm-restore");
        confirm.setCancelable(true);
        confirm.open();
    }
}
