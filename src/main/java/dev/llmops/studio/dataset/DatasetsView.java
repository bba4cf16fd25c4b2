package dev.llmops.studio.dataset;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.ListItem;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.UnorderedList;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouteParameters;
import dev.llmops.studio.platform.BackgroundWork;
import dev.llmops.studio.platform.InvalidRequestException;
import dev.llmops.studio.platform.Notifications;
import dev.llmops.studio.security.CurrentUser;
import dev.llmops.studio.security.Permission;
import dev.llmops.studio.security.RequiresPermission;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Every dataset with its newest version; upload a new one; admins erase a person's data everywhere. */
@Route("datasets")
@PageTitle("Datasets")
@Menu(order = 15, icon = "vaadin:database", title = "Datasets")
@RequiresPermission(Permission.DATASETS_VIEW)
public class DatasetsView extends VerticalLayout {

    static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

    private final DatasetService datasets;

    DatasetsView(DatasetService datasets, CurrentUser currentUser) {
        this.datasets = datasets;
        setId("datasets-view");
        setSizeFull();
        HorizontalLayout actions = new HorizontalLayout();
        if (currentUser.has(Permission.DATASETS_EDIT)) {
            Button upload = new Button("Upload dataset", VaadinIcon.UPLOAD.create(),
                    e -> getUI().ifPresent(ui -> ui.navigate(DatasetUploadView.class)));
            upload.setId("upload-dataset");
            upload.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
            actions.add(upload);
        }
        if (currentUser.has(Permission.DATASETS_ERASE)) {
            Button erase = new Button("Erase a person's data", VaadinIcon.ERASER.create(), e -> openErasure());
            erase.setId("open-erasure");
            erase.addThemeVariants(ButtonVariant.LUMO_ERROR);
            actions.add(erase);
        }
        Paragraph hint = new Paragraph("A dataset is a series of immutable versions. Each version is checked row by "
                + "row, has personal data handled, duplicates removed and a seeded train/validation/test split. "
                + "Pipelines read them through the Dataset upload step.");
        hint.addClassName("panel-hint");

        Grid<DatasetSummary> grid = new Grid<>(DatasetSummary.class, false);
        grid.setId("datasets-grid");
        grid.addThemeVariants(GridVariant.LUMO_ROW_STRIPES);
        grid.addColumn(DatasetSummary::name).setHeader("Dataset").setFlexGrow(1);
        grid.addColumn(d -> d.latestVersion() == null ? "erased" : "v" + d.latestVersion()).setHeader("Latest")
                .setAutoWidth(true).setFlexGrow(0);
        grid.addColumn(d -> String.format("%,d", d.latestRows())).setHeader("Examples").setAutoWidth(true)
                .setFlexGrow(0);
        grid.addColumn(DatasetSummary::versions).setHeader("Versions").setAutoWidth(true).setFlexGrow(0);
        grid.addColumn(d -> WHEN.format(d.updatedAt().atZoneSameInstant(ZoneOffset.UTC)) + " UTC")
                .setHeader("Updated").setAutoWidth(true).setFlexGrow(0);
        grid.addColumn(DatasetSummary::description).setHeader("Description").setFlexGrow(2);
        grid.addItemClickListener(e -> getUI().ifPresent(ui -> ui.navigate(DatasetView.class,
                new RouteParameters("name", e.getItem().name()))));
        Div empty = new Div(new Paragraph("No datasets yet. Upload a CSV, JSONL or text file to create the first."));
        empty.addClassName("empty-state");
        grid.setEmptyStateComponent(empty);
        grid.setItems(datasets.list());
        grid.setSizeFull();
        add(actions, hint, grid);
    }

    private void openErasure() {
        Dialog dialog = new Dialog();
        dialog.setId("erasure-dialog");
        dialog.setHeaderTitle("Erase a person's data");
        Paragraph explain = new Paragraph("Every dataset version containing the value (for example an e-mail "
                + "address) is replaced by a clean version where it reads <ERASED>, and the old content is deleted "
                + "from disk. The audit log records the erasure, not the value.");
        TextField value = new TextField("Value to erase");
        value.setId("erasure-value");
        value.setWidthFull();
        Div result = new Div();
        result.setId("erasure-result");
        Button erase = new Button("Erase everywhere");
        erase.setId("erase");
        erase.addThemeVariants(ButtonVariant.LUMO_ERROR, ButtonVariant.LUMO_PRIMARY);
        erase.addClickListener(e -> {
            value.setInvalid(false);
            erase.setEnabled(false);
            String needle = value.getValue();
            BackgroundWork.start(this, "dataset-erasure", handle -> datasets.erase(needle), done -> {
                erase.setEnabled(true);
                value.clear();
                result.removeAll();
                if (done.erasedVersions().isEmpty()) {
                    result.add(new Paragraph("The value is in no dataset version."));
                } else {
                    result.add(new Paragraph("Erased from " + done.erasedVersions().size()
                            + " version(s); their content is deleted:"));
                    UnorderedList list = new UnorderedList();
                    for (int i = 0; i < done.erasedVersions().size(); i++) {
                        list.add(new ListItem(done.erasedVersions().get(i) + " → " + done.cleanVersions().get(i)));
                    }
                    result.add(list);
                }
                Notifications.success("Erasure done");
            }, failure -> {
                erase.setEnabled(true);
                if (failure instanceof InvalidRequestException invalid) {
                    value.setErrorMessage(invalid.getMessage());
                    value.setInvalid(true);
                } else {
                    Notifications.error("Erasure failed: " + failure.getMessage());
                }
            });
        });
        dialog.add(explain, value, result);
        dialog.getFooter().add(new Button("Close", e -> {
            dialog.close();
            getUI().ifPresent(ui -> ui.getPage().reload());
        }), erase);
        dialog.setWidth("36rem");
        dialog.open();
    }

    static Component badge(String text, String theme) {
        com.vaadin.flow.component.html.Span badge = new com.vaadin.flow.component.html.Span(text);
        badge.getElement().getThemeList().add("badge " + theme);
        return badge;
    }
}
