package dev.llmops.studio.registry;

import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.value.ValueChangeMode;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouteParameters;
import dev.llmops.studio.security.Permission;
import dev.llmops.studio.security.RequiresPermission;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Every registered model with its newest version and aliases; search by name. */
@Route("models")
@PageTitle("Models")
@Menu(order = 17, icon = "vaadin:cube", title = "Models")
@RequiresPermission(Permission.MODELS_VIEW)
public class ModelsView extends VerticalLayout {

    static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

    ModelsView(ModelRegistryService registry) {
        setId("models-view");
        setSizeFull();
        TextField search = new TextField();
        search.setId("model-search");
        search.setPlaceholder("Search models");
        search.setPrefixComponent(VaadinIcon.SEARCH.create());
        search.setClearButtonVisible(true);
        search.setWidth("24em");
        search.setValueChangeMode(ValueChangeMode.LAZY);
        Paragraph hint = new Paragraph("Every model a pipeline trains or quantizes is registered here as a new"
                + " version, with where it came from and how it scores."
                + (registry.encryptedAtRest() ? " Weights are stored encrypted." : ""));
        hint.addClassName("panel-hint");

        Grid<RegisteredModel> grid = new Grid<>(RegisteredModel.class, false);
        grid.setId("models-grid");
        grid.addThemeVariants(GridVariant.LUMO_ROW_STRIPES);
        grid.addColumn(RegisteredModel::name).setHeader("Model").setFlexGrow(1);
        grid.addColumn(m -> "v" + m.latestVersion()).setHeader("Latest").setAutoWidth(true).setFlexGrow(0);
        grid.addColumn(RegisteredModel::versions).setHeader("Versions").setAutoWidth(true).setFlexGrow(0);
        grid.addComponentColumn(ModelsView::aliases).setHeader("Aliases").setAutoWidth(true).setFlexGrow(0);
        grid.addColumn(m -> m.updatedAt() == null ? "" : WHEN.format(m.updatedAt().atZoneSameInstant(ZoneOffset.UTC))
                + " UTC").setHeader("Updated").setAutoWidth(true).setFlexGrow(0);
        grid.addItemClickListener(e -> getUI().ifPresent(ui -> ui.navigate(ModelView.class,
                new RouteParameters("name", e.getItem().name()))));
        Div empty = new Div(new Paragraph("No models yet. Run a pipeline with a Fine-tune step (the “Fine-tune and"
                + " deploy” template trains one in minutes: select its Fine-tune step and press Run to here);"
                + " its model appears here."));
        empty.addClassName("empty-state");
        grid.setEmptyStateComponent(empty);
        grid.setItems(registry.list(null));
        grid.setSizeFull();
        search.addValueChangeListener(e -> grid.setItems(registry.list(e.getValue())));
        add(new HorizontalLayout(search), hint, grid);
    }

    static HorizontalLayout aliases(RegisteredModel model) {
        HorizontalLayout badges = new HorizontalLayout();
        badges.setSpacing(false);
        badges.getStyle().set("gap", "var(--lumo-space-xs)");
        model.aliases().forEach((alias, version) -> badges.add(badge(alias + " → v" + version, alias)));
        return badges;
    }

    static Span badge(String text, String alias) {
        Span badge = new Span(text);
        badge.getElement().getThemeList().add("badge pill " + (alias.equals(ModelRegistryService.PRODUCTION)
                ? "success primary" : alias.equals(ModelRegistryService.CANDIDATE) ? "contrast" : ""));
        return badge;
    }
}
