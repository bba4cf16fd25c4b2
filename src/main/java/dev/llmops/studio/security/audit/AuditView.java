package dev.llmops.studio.security.audit;

import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.datepicker.DatePicker;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.value.ValueChangeMode;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import dev.llmops.studio.security.AuditEntry;
import dev.llmops.studio.security.AuditLog;
import dev.llmops.studio.security.AuditQuery;
import dev.llmops.studio.security.Permission;
import dev.llmops.studio.security.RequiresPermission;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Admin screen: the audit trail, newest first, filtered by actor, action, text and date, loaded page by page. */
@Route("admin/audit")
@PageTitle("Audit log")
@Menu(order = 910, icon = "vaadin:records", title = "Audit log")
@RequiresPermission(Permission.AUDIT_READ)
public class AuditView extends VerticalLayout {

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'");

    private final AuditLog audit;
    private final TextField actor = new TextField();
    private final ComboBox<String> action = new ComboBox<>();
    private final TextField text = new TextField();
    private final DatePicker from = new DatePicker();
    private final DatePicker to = new DatePicker();
    private final Grid<AuditEntry> grid = new Grid<>(AuditEntry.class, false);
    private final Span total = new Span();

    AuditView(AuditLog audit) {
        this.audit = audit;
        setId("audit-view");
        setSizeFull();

        actor.setPlaceholder("Actor");
        actor.setId("audit-actor");
        action.setPlaceholder("Any action");
        action.setId("audit-action");
        action.setItems(audit.knownActions());
        action.setClearButtonVisible(true);
        text.setPlaceholder("Target or details contain…");
        text.setPrefixComponent(VaadinIcon.SEARCH.create());
        from.setPlaceholder("From (UTC)");
        to.setPlaceholder("To (UTC, inclusive)");
        for (TextField field : new TextField[] {actor, text}) {
            field.setValueChangeMode(ValueChangeMode.LAZY);
            field.setClearButtonVisible(true);
        }
        actor.addValueChangeListener(e -> refresh());
        text.addValueChangeListener(e -> refresh());
        action.addValueChangeListener(e -> refresh());
        from.addValueChangeListener(e -> refresh());
        to.addValueChangeListener(e -> refresh());
        HorizontalLayout filters = new HorizontalLayout(actor, action, text, from, to, total);
        filters.setAlignItems(FlexComponent.Alignment.BASELINE);
        filters.setWrap(true);
        total.addClassName("audit-total");

        grid.setId("audit-grid");
        grid.addThemeVariants(GridVariant.LUMO_ROW_STRIPES, GridVariant.LUMO_COMPACT);
        grid.addColumn(e -> WHEN.format(e.occurredAt().atZoneSameInstant(ZoneOffset.UTC))).setHeader("When")
                .setAutoWidth(true).setFlexGrow(0);
        grid.addColumn(AuditEntry::actor).setHeader("Actor").setAutoWidth(true);
        grid.addColumn(AuditEntry::action).setHeader("Action").setAutoWidth(true);
        grid.addColumn(AuditEntry::target).setHeader("Target").setAutoWidth(true);
        grid.addColumn(AuditEntry::details).setHeader("Details").setFlexGrow(1);
        grid.addColumn(AuditEntry::clientAddress).setHeader("Client").setAutoWidth(true);
        grid.setEmptyStateText("No audit events match these filters.");
        grid.setSizeFull();

        add(filters, grid);
        refresh();
    }

    private void refresh() {
        AuditQuery query = new AuditQuery(actor.getValue(), action.getValue(), text.getValue(),
                start(from.getValue()), start(to.getValue() == null ? null : to.getValue().plusDays(1)));
        grid.setItems(q -> audit.search(query, q.getOffset(), q.getLimit()).stream(), q -> audit.count(query));
        int count = audit.count(query);
        total.setText(count + (count == 1 ? " event" : " events"));
    }

    private static OffsetDateTime start(LocalDate day) {
        return day == null ? null : day.atStartOfDay().atOffset(ZoneOffset.UTC);
    }
}
