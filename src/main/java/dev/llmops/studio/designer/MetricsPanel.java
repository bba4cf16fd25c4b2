package dev.llmops.studio.designer;

import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.select.Select;
import dev.llmops.studio.run.MetricSeries;
import dev.llmops.studio.run.TaskInfo;
import dev.llmops.studio.run.TaskMetrics;
import dev.llmops.studio.run.TaskStatus;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The metric charts of one step of a run, with a choice of step when several reported metrics. Until the user
 * picks a step it follows the run: the step with metrics that is running, else the one that ran last.
 */
class MetricsPanel extends Div {

    static final String EMPTY_TEXT = "No metrics yet — steps that train or evaluate report them here";
    static final String LOSS = "Loss";

    private final Select<Long> step = new Select<>();
    private final Div charts = new Div();
    private final Div empty = new Div(EMPTY_TEXT);
    /** The charts on screen by title, kept across updates so the browser redraws them in place. */
    private final Map<String, MetricChart> chartsByTitle = new LinkedHashMap<>();

    private List<TaskMetrics> metrics = List.of();
    private Map<Long, String> stepLabels = Map.of();
    /** The step the user picked, in the select or on the canvas / task table; null while following the run. */
    private Long chosen;

    MetricsPanel() {
        setId("metrics-panel");
        addClassNames("metrics-panel", "step-tab-pane");
        setSizeFull();
        step.setId("metrics-step");
        step.setLabel("Step");
        step.setItemLabelGenerator(id -> stepLabels.getOrDefault(id, ""));
        step.addValueChangeListener(e -> {
            if (e.isFromClient() && e.getValue() != null) {
                chosen = e.getValue();
                show();
            }
        });
        charts.addClassName("metric-charts");
        empty.setId("metrics-empty");
        empty.addClassName("empty-state");
        add(step, charts, empty);
        setMetrics(List.of(), List.of());
    }

    /** New data for the run: every step's series (from the run service) and the tasks' states. */
    void setMetrics(List<TaskMetrics> metrics, List<TaskInfo> tasks) {
        this.metrics = metrics;
        Map<Long, String> labels = new LinkedHashMap<>();
        metrics.forEach(m -> labels.put(m.taskId(), m.nodeLabel()));
        if (!labels.equals(stepLabels)) {
            stepLabels = labels;
            step.setItems(List.copyOf(labels.keySet())); // only when steps come or go: it clears the value
        }
        if (chosen != null && !labels.containsKey(chosen)) {
            chosen = null;
        }
        Long shown = chosen != null ? chosen : following(metrics, tasks);
        if (shown != null && !shown.equals(step.getValue())) {
            step.setValue(shown);
        }
        show();
    }

    /** The user selected a step elsewhere on the page; show its charts if it has any. */
    void selectStep(long taskId) {
        if (metrics.stream().anyMatch(m -> m.taskId() == taskId)) {
            chosen = taskId;
            step.setValue(taskId);
            show();
        }
    }

    private void show() {
        Optional<TaskMetrics> current = metrics.stream().filter(m -> Objects.equals(m.taskId(), step.getValue()))
                .findFirst();
        boolean any = current.isPresent();
        step.setVisible(any);
        charts.setVisible(any);
        empty.setVisible(!any);
        Map<String, List<MetricSeries>> groups = any ? groups(current.get().series()) : Map.of();
        if (!List.copyOf(groups.keySet()).equals(List.copyOf(chartsByTitle.keySet()))) {
            // another set of charts: reuse those whose title stays (a "Loss" chart survives a change of step)
            Map<String, MetricChart> next = new LinkedHashMap<>();
            groups.keySet().forEach(title -> next.put(title, chartsByTitle.getOrDefault(title, new MetricChart(title))));
            chartsByTitle.clear();
            chartsByTitle.putAll(next);
            charts.removeAll();
            next.values().forEach(charts::add);
        }
        groups.forEach((title, series) -> chartsByTitle.get(title).setSeries(series));
    }

    /**
     * Series grouped into charts by what can share a y axis: every loss ({@code loss}, {@code train_loss},
     * {@code val_loss} …) on one "Loss" chart, which comes first; any other metric on a chart of its own.
     */
    static Map<String, List<MetricSeries>> groups(List<MetricSeries> series) {
        Map<String, List<MetricSeries>> groups = new LinkedHashMap<>();
        series.stream().filter(s -> isLoss(s.name()))
                .forEach(s -> groups.computeIfAbsent(LOSS, t -> new ArrayList<>()).add(s));
        series.stream().filter(s -> !isLoss(s.name())).sorted(Comparator.comparingInt(s -> rank(s.name())))
                .forEach(s -> groups.computeIfAbsent(title(s.name()), t -> new ArrayList<>()).add(s));
        return groups;
    }

    /** Quality first, then the optimiser, then speed and time left; unknown metrics in between, as reported. */
    private static int rank(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "perplexity" -> 0;
            case "learning_rate" -> 2;
            case "tokens_per_s" -> 3;
            case "eta_s" -> 4;
            default -> 1;
        };
    }

    private static boolean isLoss(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.equals("loss") || lower.endsWith("_loss");
    }

    /**
     * {@code learning_rate} → "Learning rate"; a unit suffix reads as a unit ({@code tokens_per_s} → "Tokens / s",
     * {@code eta_s} → "ETA (s)"); distinct from {@link #LOSS} so no metric joins the loss chart by name.
     */
    static String title(String name) {
        if (name.equalsIgnoreCase("eta_s")) {
            return "ETA (s)";
        }
        String words = name.replaceAll("_per_s$", " / s").replaceAll("_s$", " (s)").replace('_', ' ').trim();
        String title = words.isEmpty() ? name : Character.toUpperCase(words.charAt(0)) + words.substring(1);
        return title.equals(LOSS) ? name : title;
    }

    /** The step a watcher wants to see: the one with metrics that is running, else the one that ran last. */
    private static Long following(List<TaskMetrics> metrics, List<TaskInfo> tasks) {
        Map<Long, TaskInfo> byId = new LinkedHashMap<>();
        tasks.forEach(t -> byId.put(t.id(), t));
        List<TaskInfo> reporting = metrics.stream().map(m -> byId.get(m.taskId())).filter(Objects::nonNull).toList();
        return reporting.stream().filter(t -> t.status() == TaskStatus.RUNNING).map(TaskInfo::id).findFirst()
                .or(() -> reporting.stream()
                        .max(Comparator.comparing(MetricsPanel::lastActive, Comparator.nullsFirst(
                                Comparator.naturalOrder())))
                        .map(TaskInfo::id))
                .or(() -> metrics.stream().map(TaskMetrics::taskId).findFirst())
                .orElse(null);
    }

    private static OffsetDateTime lastActive(TaskInfo task) {
        return task.finishedAt() != null ? task.finishedAt() : task.startedAt();
    }
}
