package dev.llmops.studio.pipeline;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.quartz.CronExpression;
import org.springframework.stereotype.Component;

/**
 * The authoritative check of a pipeline before it is saved as runnable or started: node types, connections,
 * parameters, cycles and the schedule. The canvas checks the same things for quick feedback, but only this
 * answer counts, because requests can come from anywhere (the REST API, an imported file).
 *
 * <p>Every problem is reported, not just the first, in a stable order: by node in graph order, then problems
 * of the pipeline as a whole. A parameter that is absent or {@code null} takes its default; a blank string
 * counts as not set.
 */
@Component
public class GraphValidator {

    private static final String CRON_EXAMPLE = "for example “0 0 3 * * ?” runs at 03:00 every day";

    private final NodeTypeCatalog catalog;

    public GraphValidator(NodeTypeCatalog catalog) {
        this.catalog = catalog;
    }

    /** Never throws for a bad graph; an empty list means the pipeline may run. */
    public List<ValidationIssue> validate(PipelineGraph graph) {
        return new Check(graph).run();
    }

    /** The state of one validation: issues are collected per node so they can be returned in graph order. */
    private final class Check {

        private final PipelineGraph graph;
        private final List<GraphNode> nodes;
        /** The first node with each id; edges address nodes by id, so later duplicates cannot be connected. */
        private final Map<String, Integer> indexById = new HashMap<>();
        private final List<List<ValidationIssue>> byNode = new ArrayList<>();
        private final List<ValidationIssue> pipelineWide = new ArrayList<>();

        Check(PipelineGraph graph) {
            this.graph = graph;
            this.nodes = graph.nodes();
            for (int i = 0; i < nodes.size(); i++) {
                indexById.putIfAbsent(nodes.get(i).id(), i);
                byNode.add(new ArrayList<>());
            }
        }

        List<ValidationIssue> run() {
            if (nodes.isEmpty()) {
                pipelineWide.add(new ValidationIssue(null, null,
                        "Add at least one node to the pipeline: drag a step from the palette onto the canvas."));
            }
            for (int i = 0; i < nodes.size(); i++) {
                checkNode(i);
            }
            int[][] incoming = checkEdges();
            for (int i = 0; i < nodes.size(); i++) {
                checkInputs(i, incoming[i]);
            }
            checkCycles();
            checkSchedule();
            List<ValidationIssue> issues = new ArrayList<>();
            byNode.forEach(issues::addAll);
            issues.addAll(pipelineWide);
            return List.copyOf(issues);
        }

        private void checkNode(int index) {
            GraphNode node = nodes.get(index);
            if (indexById.get(node.id()) != index) {
                add(index, null, "another node already has the id “" + node.id()
                        + "”; give every node its own id.");
            }
            Optional<NodeType> type = catalog.find(node.type());
            if (type.isEmpty()) {
                add(index, null, "unknown node type “" + node.type()
                        + "”; delete this node and add a step from the palette instead.");
                return;
            }
            for (ParamSpec spec : type.get().params()) {
                checkParam(index, spec, node.params().get(spec.name()));
            }
            // sorted, so equal graphs built with differently ordered maps report alike
            for (String name : new TreeSet<>(node.params().keySet())) {
                if (type.get().param(name).isEmpty()) {
                    add(index, name, "unknown parameter “" + name + "”; remove it.");
                }
            }
        }

        private void checkParam(int index, ParamSpec spec, Object given) {
            Object value = given == null ? spec.defaultValue() : given;
            String prefix = "parameter “" + spec.label() + "” ";
            if (value == null || value instanceof String text && text.isBlank()) {
                if (spec.required()) {
                    add(index, spec.name(), prefix + (spec.type() == ParamType.ENUM
                            ? "is required; choose one of " + quoted(spec.options()) + "."
                            : "is required; enter a value."));
                }
                return;
            }
            String problem = switch (spec.type()) {
                case STRING, TEXT -> value instanceof String ? null : "must be text (is " + show(value) + ")";
                case BOOL -> value instanceof Boolean ? null : "must be true or false (is " + show(value) + ")";
                case ENUM -> value instanceof String text && spec.options().contains(text) ? null
                        : "must be one of " + quoted(spec.options()) + " (is " + show(value) + ")";
                case CRON -> value instanceof String text && CronExpression.isValidExpression(text) ? null
                        : "is not a valid Quartz cron expression (is " + show(value) + "); " + CRON_EXAMPLE;
                case INT -> isIntegral(value) ? outOfRange(spec, (Number) value)
                        : "must be a whole number (is " + show(value) + ")";
                case FLOAT -> value instanceof Number number && Double.isFinite(number.doubleValue())
                        ? outOfRange(spec, number) : "must be a number (is " + show(value) + ")";
            };
            if (problem != null) {
                add(index, spec.name(), prefix + problem + ".");
            }
        }

        /**
         * Checks every edge's ends and returns, per node and input port (in the node type's order), how many
         * edges from existing nodes arrive there.
         */
        private int[][] checkEdges() {
            int[][] incoming = new int[nodes.size()][];
            for (int i = 0; i < nodes.size(); i++) {
                incoming[i] = new int[type(i).map(type -> type.inputs().size()).orElse(0)];
            }
            for (GraphEdge edge : graph.edges()) {
                Integer source = indexById.get(edge.source());
                Integer target = indexById.get(edge.target());
                if (source == null && target == null) {
                    pipelineWide.add(new ValidationIssue(null, null, "Connection " + describe(edge)
                            + " joins nodes that are not in the pipeline (“" + edge.source() + "” and “"
                            + edge.target() + "”); delete it."));
                    continue;
                }
                if (source == null) {
                    add(target, edge.targetPort(), "input “" + inputLabel(target, edge.targetPort())
                            + "” is connected to a node “" + edge.source()
                            + "” that is not in the pipeline; delete that connection.");
                    continue;
                }
                if (target == null) {
                    add(source, edge.sourcePort(), "output “" + outputLabel(source, edge.sourcePort())
                            + "” is connected to a node “" + edge.target()
                            + "” that is not in the pipeline; delete that connection.");
                    continue;
                }
                Optional<Port> output = type(source).flatMap(type -> type.output(edge.sourcePort()));
                if (type(source).isPresent() && output.isEmpty()) {
                    add(source, edge.sourcePort(), "there is no output “" + edge.sourcePort() + "”; "
                            + alternatives("connect from", type(source).get().outputs(), "outputs") + ".");
                }
                Optional<Port> input = type(target).flatMap(type -> type.input(edge.targetPort()));
                if (type(target).isPresent() && input.isEmpty()) {
                    add(target, edge.targetPort(), "there is no input “" + edge.targetPort() + "”; "
                            + alternatives("connect to", type(target).get().inputs(), "inputs") + ".");
                }
                if (input.isPresent()) {
                    incoming[target][type(target).get().inputs().indexOf(input.get())]++;
                }
                if (output.isPresent() && input.isPresent() && output.get().type() != input.get().type()) {
                    add(target, edge.targetPort(), "input “" + input.get().label() + "” expects "
                            + input.get().type() + " but “" + name(source) + "” sends " + output.get().type()
                            + ". Connect an output of type " + input.get().type() + " instead.");
                }
            }
            return incoming;
        }

        private void checkInputs(int index, int[] incoming) {
            if (indexById.get(nodes.get(index).id()) != index || type(index).isEmpty()) {
                return; // a duplicate cannot be connected at all; its id is the problem to fix
            }
            List<Port> inputs = type(index).get().inputs();
            for (int p = 0; p < inputs.size(); p++) {
                Port port = inputs.get(p);
                if (incoming[p] > 1 && !port.multiple()) {
                    add(index, port.id(), "input “" + port.label() + "” takes one connection but has "
                            + incoming[p] + "; remove all but one.");
                } else if (incoming[p] == 0 && port.required()) {
                    add(index, port.id(), "input “" + port.label() + "” is required; connect a " + port.type()
                            + " output to it.");
                }
            }
        }

        /**
         * One issue per strongly connected group of nodes, naming its shortest cycle through the group's
         * first node. Listing every elementary cycle could run into thousands for a dense tangle, and
         * breaking one reported cycle makes any remaining one show up on the next check.
         */
        private void checkCycles() {
            List<List<Integer>> successors = new ArrayList<>();
            nodes.forEach(node -> successors.add(new ArrayList<>()));
            for (GraphEdge edge : graph.edges()) {
                Integer source = indexById.get(edge.source());
                Integer target = indexById.get(edge.target());
                if (source != null && target != null) {
                    successors.get(source).add(target);
                }
            }
            int[] component = components(successors);
            int[] size = new int[nodes.size()];
            for (int c : component) {
                size[c]++;
            }
            boolean[] reported = new boolean[nodes.size()];
            // groups are disjoint and each search stays inside its own, so one parent array serves them all
            int[] parent = new int[nodes.size()];
            Arrays.fill(parent, -1);
            for (int start = 0; start < nodes.size(); start++) {
                int c = component[start];
                if (reported[c] || size[c] == 1 && !successors.get(start).contains(start)) {
                    continue;
                }
                reported[c] = true;
                String cycle = shortestCycle(start, component, successors, parent).stream().map(this::name)
                        .collect(Collectors.joining(" → "));
                add(start, null, null, "Cycle: " + cycle
                        + ". Pipelines must flow one way; remove one of these connections.");
            }
        }

        /**
         * Tarjan's strongly connected components, with an explicit stack rather than recursion so that a huge
         * posted graph cannot overflow the thread's stack. Returns each node's component number.
         */
        private static int[] components(List<List<Integer>> successors) {
            int n = successors.size();
            int[] order = new int[n];
            Arrays.fill(order, -1);
            int[] low = new int[n];
            int[] component = new int[n];
            int[] nextSuccessor = new int[n];
            boolean[] onStack = new boolean[n];
            Deque<Integer> stack = new ArrayDeque<>();
            Deque<Integer> path = new ArrayDeque<>();
            int visited = 0;
            int components = 0;
            for (int root = 0; root < n; root++) {
                if (order[root] != -1) {
                    continue;
                }
                order[root] = low[root] = visited++;
                stack.push(root);
                onStack[root] = true;
                path.push(root);
                while (!path.isEmpty()) {
                    int v = path.peek();
                    if (nextSuccessor[v] < successors.get(v).size()) {
                        int w = successors.get(v).get(nextSuccessor[v]++);
                        if (order[w] == -1) {
                            order[w] = low[w] = visited++;
                            stack.push(w);
                            onStack[w] = true;
                            path.push(w);
                        } else if (onStack[w]) {
                            low[v] = Math.min(low[v], order[w]);
                        }
                        continue;
                    }
                    path.pop();
                    if (!path.isEmpty()) {
                        low[path.peek()] = Math.min(low[path.peek()], low[v]);
                    }
                    if (low[v] == order[v]) {
                        int w;
                        do {
                            w = stack.pop();
                            onStack[w] = false;
                            component[w] = components;
                        } while (w != v);
                        components++;
                    }
                }
            }
            return component;
        }

        /** Breadth-first from start back to itself, staying inside its component: start, …, start. */
        private static List<Integer> shortestCycle(int start, int[] component, List<List<Integer>> successors,
                int[] parent) {
            Deque<Integer> queue = new ArrayDeque<>();
            queue.add(start);
            while (!queue.isEmpty()) {
                int current = queue.poll();
                for (int next : successors.get(current)) {
                    if (next == start) {
                        List<Integer> cycle = new ArrayList<>();
                        cycle.add(start);
                        for (int at = current; at != start; at = parent[at]) {
                            cycle.add(at);
                        }
                        cycle.add(start);
                        Collections.reverse(cycle);
                        return cycle;
                    }
                    if (component[next] == component[start] && parent[next] == -1) {
                        parent[next] = current;
                        queue.add(next);
                    }
                }
            }
            throw new IllegalStateException("A cyclic component without a cycle through " + start);
        }

        private void checkSchedule() {
            String schedule = graph.schedule();
            if (schedule != null && !CronExpression.isValidExpression(schedule)) {
                pipelineWide.add(new ValidationIssue(null, "schedule", "The schedule “" + schedule
                        + "” is not a valid Quartz cron expression (seconds, minutes, hours, day of month, month,"
                        + " day of week); " + CRON_EXAMPLE + "."));
            }
        }

        private Optional<NodeType> type(int index) {
            return catalog.find(nodes.get(index).type());
        }

        /** What users see on the canvas: the label, else the type's name, else the id. */
        private String name(int index) {
            GraphNode node = nodes.get(index);
            if (node.label() != null && !node.label().isBlank()) {
                return node.label();
            }
            return type(index).map(NodeType::name).orElse(node.id());
        }

        private String inputLabel(int index, String portId) {
            return type(index).flatMap(type -> type.input(portId)).map(Port::label).orElse(portId);
        }

        private String outputLabel(int index, String portId) {
            return type(index).flatMap(type -> type.output(portId)).map(Port::label).orElse(portId);
        }

        private void add(int index, String field, String problem) {
            add(index, field, name(index) + ": ", problem);
        }

        private void add(int index, String field, String prefix, String problem) {
            byNode.get(index).add(new ValidationIssue(nodes.get(index).id(), field,
                    (prefix == null ? "" : prefix) + problem));
        }
    }

    private static String describe(GraphEdge edge) {
        return edge.id() != null ? "“" + edge.id() + "”" : "from “" + edge.source() + "” to “" + edge.target() + "”";
    }

    private static String alternatives(String verb, List<Port> ports, String noun) {
        if (ports.isEmpty()) {
            return "this step has no " + noun;
        }
        return verb + " " + (ports.size() == 1 ? "" : "one of ")
                + quoted(ports.stream().map(Port::label).toList()) + " instead";
    }

    private static boolean isIntegral(Object value) {
        return value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte
                || value instanceof BigInteger;
    }

    private static String outOfRange(ParamSpec spec, Number value) {
        double number = value.doubleValue();
        if (spec.min() != null && number < spec.min()) {
            return "must be at least " + format(spec.min()) + " (is " + format(value) + ")";
        }
        if (spec.max() != null && number > spec.max()) {
            return "must be at most " + format(spec.max()) + " (is " + format(value) + ")";
        }
        return null;
    }

    private static String quoted(List<String> values) {
        return values.stream().map(value -> "“" + value + "”").collect(Collectors.joining(", "));
    }

    /** A value as users typed it: text in quotes (shortened), numbers without exponent or trailing ".0". */
    private static String show(Object value) {
        if (value instanceof String text) {
            String oneLine = text.replace('\n', ' ');
            return "“" + (oneLine.length() > 40 ? oneLine.substring(0, 39) + "…" : oneLine) + "”";
        }
        if (value instanceof Number number) {
            return format(number);
        }
        if (value instanceof Map<?, ?>) {
            return "a group of values";
        }
        if (value instanceof List<?>) {
            return "a list";
        }
        return String.valueOf(value);
    }

    private static String format(Number number) {
        if ((number instanceof Double || number instanceof Float) && Double.isFinite(number.doubleValue())) {
            return BigDecimal.valueOf(number.doubleValue()).stripTrailingZeros().toPlainString();
        }
        return number.toString();
    }
}
