package dev.llmops.studio.dataset;

import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Span;
import java.util.Map;

/**
 * Horizontal bars for counts (label distribution, length histograms): a glance tells the shape, the numbers
 * are there for reading. Plain elements; no chart library needed for this.
 */
public class Bars extends Div {

    public Bars(String title, Map<String, Long> counts) {
        addClassName("bars");
        Div heading = new Div(title);
        heading.addClassName("bars-title");
        add(heading);
        long max = counts.values().stream().mapToLong(Long::longValue).max().orElse(0);
        if (max == 0) {
            Span none = new Span("none");
            none.addClassName("bars-empty");
            add(none);
            return;
        }
        counts.forEach((label, count) -> {
            Div row = new Div();
            row.addClassName("bars-row");
            Span name = new Span(label);
            name.addClassName("bars-label");
            Div track = new Div();
            track.addClassName("bars-track");
            Div bar = new Div();
            bar.addClassName("bars-bar");
            bar.setWidth(Math.max(0.5, 100.0 * count / max) + "%");
            track.add(bar);
            Span value = new Span(String.format("%,d", count));
            value.addClassName("bars-value");
            row.add(name, track, value);
            add(row);
        });
    }
}
