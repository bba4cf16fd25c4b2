package dev.llmops.studio.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One test per rule: each asserts the node, the field and a message that names the node and the problem. */
class GraphValidatorTest {

    private final NodeTypeCatalog catalog = new NodeTypeCatalog();
    private final GraphValidator validator = new GraphValidator(catalog);

    // --- a valid pipeline, and helpers to break it one way at a time

    /** Dataset upload → Fine-tune → Quantize → Deploy → Prompt test → Human review, every default kept. */
    private List<GraphNode> sixNodes() {
        List<GraphNode> nodes = new ArrayList<>();
        nodes.add(node("upload", "dataset-upload", "Dataset upload", Map.of("dataset", "support-tickets")));
        nodes.add(node("finetune", "fine-tune", "Fine-tune", Map.of()));
        nodes.add(node("quantize", "quantize", "Quantize", Map.of()));
        nodes.add(node("deploy", "deploy", "Deploy", Map.of("endpointName", "support-assistant")));
        nodes.add(node("prompttest", "prompt-test", "Prompt test", Map.of()));
        nodes.add(node("review", "human-review", "Human review", Map.of("queue", "support-answers")));
        return nodes;
    }

    private static List<GraphEdge> sixEdges() {
        List<GraphEdge> edges = new ArrayList<>();
        edges.add(new GraphEdge("e1", "upload", "dataset", "finetune", "dataset"));
        edges.add(new GraphEdge("e2", "finetune", "model", "quantize", "model"));
        edges.add(new GraphEdge("e3", "quantize", "model", "deploy", "model"));
        edges.add(new GraphEdge("e4", "deploy", "endpoint", "prompttest", "endpoint"));
        edges.add(new GraphEdge("e5", "prompttest", "report", "review", "report"));
        return edges;
    }

    /** A node with its type's defaults, overridden by {@code params}. */
    private GraphNode node(String id, String type, String label, Map<String, Object> params) {
        Map<String, Object> all = catalog.find(type).map(NodeType::defaultParams).orElseGet(LinkedHashMap::new);
        all.putAll(params);
        return new GraphNode(id, type, label, 0, 0, all);
    }

    /** The six-node pipeline with one parameter of one node replaced ({@code null} removes it). */
    private List<ValidationIssue> withParam(String nodeId, String param, Object value) {
        List<GraphNode> nodes = sixNodes();
        for (int i = 0; i < nodes.size(); i++) {
            GraphNode node = nodes.get(i);
            if (node.id().equals(nodeId)) {
                Map<String, Object> params = new HashMap<>(node.params());
                params.put(param, value);
                nodes.set(i, new GraphNode(node.id(), node.type(), node.label(), 0, 0, params));
            }
        }
        return validate(nodes, sixEdges());
    }

    private List<ValidationIssue> validate(List<GraphNode> nodes, List<GraphEdge> edges) {
        return validator.validate(new PipelineGraph(null, nodes, edges));
    }

    // --- the whole pipeline

    @Test
    void aValidSixNodePipelineHasNoIssues() {
        assertThat(validate(sixNodes(), sixEdges())).isEmpty();
    }

    @Test
    void aPipelineWithoutNodesGetsOnePipelineWideIssue() {
        assertThat(validator.validate(PipelineGraph.empty())).containsExactly(new ValidationIssue(null, null,
                "Add at least one node to the pipeline: drag a step from the palette onto the canvas."));
    }

    @Test
    void anInvalidScheduleIsAPipelineWideIssue() {
        List<ValidationIssue> issues = validator.validate(new PipelineGraph("every night", sixNodes(), sixEdges()));

        assertThat(issues).singleElement().satisfies(issue -> {
            assertThat(issue.nodeId()).isNull();
            assertThat(issue.field()).isEqualTo("schedule");
            assertThat(issue.message()).startsWith(
                    "The schedule “every night” is not a valid Quartz cron expression").contains("“0 0 3 * * ?”");
        });
        assertThat(validator.validate(new PipelineGraph("0 0 3 * * ?", sixNodes(), sixEdges()))).isEmpty();
    }

    // --- nodes

    @Test
    void anUnknownNodeTypeIsReported() {
        List<GraphNode> nodes = sixNodes();
        nodes.add(new GraphNode("x", "magic", "Mystery step", 0, 0, Map.of("power", 9000)));

        assertThat(validate(nodes, sixEdges())).containsExactly(new ValidationIssue("x", null,
                "Mystery step: unknown node type “magic”; delete this node and add a step from the palette instead."));
    }

    @Test
    void aDuplicateNodeIdIsReportedOnTheLaterNode() {
        List<GraphNode> nodes = sixNodes();
        nodes.add(node("finetune", "fine-tune", "Second fine-tune", Map.of()));

        assertThat(validate(nodes, sixEdges())).containsExactly(new ValidationIssue("finetune", null,
                "Second fine-tune: another node already has the id “finetune”; give every node its own id."));
    }

    @Test
    void aNodeWithoutLabelIsNamedByItsType() {
        List<GraphNode> nodes = sixNodes();
        nodes.set(3, new GraphNode("deploy", "deploy", null, 0, 0, Map.of()));

        assertThat(validate(nodes, sixEdges())).extracting(ValidationIssue::message)
                .containsExactly("Deploy: parameter “Endpoint name” is required; enter a value.");
    }

    // --- edges

    @Test
    void anEdgeToAMissingNodeIsReportedOnTheNodeThatExists() {
        List<GraphEdge> edges = sixEdges();
        edges.add(new GraphEdge("e6", "review", "feedback", "ghost", "in"));
        edges.add(new GraphEdge("e7", "phantom", "out", "finetune", "baseModel"));

        assertThat(validate(sixNodes(), edges)).containsExactly(
                new ValidationIssue("finetune", "baseModel", "Fine-tune: input “Base model” is connected to a node"
                        + " “phantom” that is not in the pipeline; delete that connection."),
                new ValidationIssue("review", "feedback", "Human review: output “Preference pairs” is connected to a node"
                        + " “ghost” that is not in the pipeline; delete that connection."));
    }

    @Test
    void anEdgeBetweenTwoMissingNodesIsAPipelineWideIssue() {
        List<GraphEdge> edges = sixEdges();
        edges.add(new GraphEdge("e6", "ghost", "out", "phantom", "in"));

        assertThat(validate(sixNodes(), edges)).containsExactly(new ValidationIssue(null, null,
                "Connection “e6” joins nodes that are not in the pipeline (“ghost” and “phantom”); delete it."));
    }

    @Test
    void anEdgeFromAnOutputTheTypeDoesNotHaveIsReported() {
        List<GraphEdge> edges = sixEdges();
        edges.set(1, new GraphEdge("e2", "finetune", "weights", "quantize", "model"));

        assertThat(validate(sixNodes(), edges)).containsExactly(new ValidationIssue("finetune", "weights",
                "Fine-tune: there is no output “weights”; connect from “Model” instead."));
    }

    @Test
    void anEdgeIntoAnInputTheTypeDoesNotHaveIsReported() {
        List<GraphNode> nodes = sixNodes();
        nodes.add(node("upload2", "dataset-upload", "More tickets", Map.of("dataset", "more-tickets")));
        List<GraphEdge> edges = sixEdges();
        edges.add(new GraphEdge("e6", "upload2", "dataset", "deploy", "dataset"));
        edges.add(new GraphEdge("e7", "upload2", "dataset", "upload", "dataset"));

        assertThat(validate(nodes, edges)).containsExactly(
                new ValidationIssue("upload", "dataset",
                        "Dataset upload: there is no input “dataset”; this step has no inputs."),
                new ValidationIssue("deploy", "dataset",
                        "Deploy: there is no input “dataset”; connect to “Model” instead."));
    }

    @Test
    void anEdgeBetweenDifferentPortTypesIsReportedOnTheTarget() {
        List<GraphEdge> edges = sixEdges();
        edges.set(2, new GraphEdge("e3", "upload", "dataset", "deploy", "model"));

        assertThat(validate(sixNodes(), edges)).containsExactly(new ValidationIssue("deploy", "model",
                "Deploy: input “Model” expects MODEL but “Dataset upload” sends DATASET."
                        + " Connect an output of type MODEL instead."));
    }

    @Test
    void aSingleInputWithTwoEdgesIsReportedOnce() {
        List<GraphEdge> edges = sixEdges();
        edges.add(new GraphEdge("e6", "finetune", "model", "deploy", "model"));

        assertThat(validate(sixNodes(), edges)).containsExactly(new ValidationIssue("deploy", "model",
                "Deploy: input “Model” takes one connection but has 2; remove all but one."));
    }

    @Test
    void anUnconnectedRequiredInputIsReportedButAnOptionalOneIsNot() {
        List<GraphEdge> edges = sixEdges();
        edges.remove(0);

        assertThat(validate(sixNodes(), edges)).containsExactly(new ValidationIssue("finetune", "dataset",
                "Fine-tune: input “Dataset” is required; connect a DATASET output to it."));
    }

    // --- parameters

    @Test
    void aMissingRequiredParameterIsReported() {
        assertThat(withParam("deploy", "endpointName", null)).containsExactly(new ValidationIssue("deploy",
                "endpointName", "Deploy: parameter “Endpoint name” is required; enter a value."));
    }

    @Test
    void aBlankRequiredParameterIsReported() {
        assertThat(withParam("deploy", "endpointName", "  \n")).containsExactly(new ValidationIssue("deploy",
                "endpointName", "Deploy: parameter “Endpoint name” is required; enter a value."));
    }

    @Test
    void aMissingOptionalParameterTakesItsDefault() {
        assertThat(withParam("finetune", "epochs", null)).isEmpty();
        assertThat(withParam("review", "instructions", "")).isEmpty();
    }

    @Test
    void textForAWholeNumberIsReported() {
        assertThat(withParam("finetune", "epochs", "abc")).containsExactly(new ValidationIssue("finetune", "epochs",
                "Fine-tune: parameter “Epochs” must be a whole number (is “abc”)."));
    }

    @Test
    void aDecimalForAWholeNumberIsReportedButAWholeNumberForADecimalIsFine() {
        assertThat(withParam("finetune", "epochs", 3.5)).containsExactly(new ValidationIssue("finetune", "epochs",
                "Fine-tune: parameter “Epochs” must be a whole number (is 3.5)."));
        assertThat(withParam("finetune", "learningRate", 1)).isEmpty();
        assertThat(withParam("finetune", "epochs", 7L)).isEmpty();
    }

    @Test
    void textForADecimalIsReported() {
        assertThat(withParam("finetune", "learningRate", "fast")).containsExactly(new ValidationIssue("finetune",
                "learningRate", "Fine-tune: parameter “Learning rate” must be a number (is “fast”)."));
    }

    @Test
    void aNumberForTextIsReported() {
        assertThat(withParam("deploy", "endpointName", 42)).containsExactly(new ValidationIssue("deploy",
                "endpointName", "Deploy: parameter “Endpoint name” must be text (is 42)."));
    }

    @Test
    void aValueBelowTheMinimumIsReported() {
        assertThat(withParam("finetune", "learningRate", 0.0000001)).containsExactly(new ValidationIssue("finetune",
                "learningRate", "Fine-tune: parameter “Learning rate” must be at least 0.000001 (is 0.0000001)."));
    }

    @Test
    void aValueAboveTheMaximumIsReported() {
        assertThat(withParam("finetune", "epochs", 5000)).containsExactly(new ValidationIssue("finetune", "epochs",
                "Fine-tune: parameter “Epochs” must be at most 1000 (is 5000)."));
    }

    @Test
    void aChoiceOutsideTheOptionsIsReported() {
        assertThat(withParam("finetune", "method", "qlora")).containsExactly(new ValidationIssue("finetune",
                "method", "Fine-tune: parameter “Method” must be one of “from-scratch”, “full”, “lora” (is “qlora”)."));
        assertThat(withParam("quantize", "groupSize", 64)).containsExactly(new ValidationIssue("quantize",
                "groupSize", "Quantize: parameter “Group size” must be one of “32”, “64”, “128” (is 64)."));
    }

    @Test
    void anUnknownParameterIsReported() {
        assertThat(withParam("quantize", "bits", 3)).containsExactly(new ValidationIssue("quantize", "bits",
                "Quantize: unknown parameter “bits”; remove it."));
    }

    /** No shipped node type has CRON or BOOL parameters yet, so these rules are checked on a test catalog. */
    @Test
    void anInvalidCronParameterAndANonBooleanAreReported() {
        NodeType timer = new NodeType("timer", "Timer", "Test", "vaadin:clock", "Fires on a schedule.", List.of(),
                List.of(), List.of(
                        new ParamSpec("cron", "When", ParamType.CRON, "0 0 * * * ?", null, null, true, null, null),
                        new ParamSpec("enabled", "Enabled", ParamType.BOOL, true, null, null, false, null, null)),
                new Resources(1, 0, 64));
        GraphValidator timers = new GraphValidator(new NodeTypeCatalog(List.of(timer)));

        List<ValidationIssue> issues = timers.validate(new PipelineGraph(null,
                List.of(new GraphNode("t", "timer", "Nightly", 0, 0, Map.of("cron", "at midnight", "enabled", "yes"))),
                List.of()));

        assertThat(issues).containsExactly(
                new ValidationIssue("t", "cron", "Nightly: parameter “When” is not a valid Quartz cron expression"
                        + " (is “at midnight”); for example “0 0 3 * * ?” runs at 03:00 every day."),
                new ValidationIssue("t", "enabled", "Nightly: parameter “Enabled” must be true or false (is “yes”)."));
        assertThat(timers.validate(new PipelineGraph(null,
                List.of(new GraphNode("t", "timer", "Nightly", 0, 0, Map.of("cron", "0 30 2 ? * MON-FRI"))),
                List.of()))).isEmpty();
    }

    // --- cycles

    @Test
    void aCycleIsReportedOnceNamingItsNodesInOrder() {
        List<GraphEdge> edges = sixEdges();
        edges.add(new GraphEdge("e6", "deploy", "endpoint", "finetune", "baseModel"));

        List<ValidationIssue> cycles = validate(sixNodes(), edges).stream()
                .filter(issue -> issue.message().startsWith("Cycle")).toList();

        assertThat(cycles).containsExactly(new ValidationIssue("finetune", null,
                "Cycle: Fine-tune → Quantize → Deploy → Fine-tune."
                        + " Pipelines must flow one way; remove one of these connections."));
    }

    @Test
    void aFeedbackLoopWithMatchingPortsIsStillACycle() {
        List<GraphEdge> edges = sixEdges();
        edges.set(0, new GraphEdge("e1", "review", "dataset", "finetune", "dataset"));

        assertThat(validate(sixNodes(), edges)).containsExactly(new ValidationIssue("finetune", null,
                "Cycle: Fine-tune → Quantize → Deploy → Prompt test → Human review → Fine-tune."
                        + " Pipelines must flow one way; remove one of these connections."));
    }

    @Test
    void separateCyclesAreReportedSeparately() {
        List<GraphNode> nodes = sixNodes();
        List<GraphEdge> edges = sixEdges();
        edges.add(new GraphEdge("e6", "quantize", "model", "finetune", "baseModel"));
        edges.add(new GraphEdge("e7", "review", "report", "review", "report"));

        List<ValidationIssue> cycles = validate(nodes, edges).stream()
                .filter(issue -> issue.message().startsWith("Cycle")).toList();

        assertThat(cycles).extracting(ValidationIssue::nodeId, ValidationIssue::message).containsExactly(
                org.assertj.core.groups.Tuple.tuple("finetune", "Cycle: Fine-tune → Quantize → Fine-tune."
                        + " Pipelines must flow one way; remove one of these connections."),
                org.assertj.core.groups.Tuple.tuple("review", "Cycle: Human review → Human review."
                        + " Pipelines must flow one way; remove one of these connections."));
    }

    @Test
    void aVeryLongLoopIsFoundWithoutRunningOutOfStack() {
        int length = 50_000;
        List<GraphNode> nodes = new ArrayList<>();
        List<GraphEdge> edges = new ArrayList<>();
        for (int i = 0; i < length; i++) {
            nodes.add(new GraphNode("q" + i, "quantize", "Q" + i, i, 0, Map.of()));
            edges.add(new GraphEdge("e" + i, "q" + i, "model", "q" + ((i + 1) % length), "model"));
        }

        List<ValidationIssue> issues = validate(nodes, edges);

        assertThat(issues).singleElement().satisfies(issue -> {
            assertThat(issue.nodeId()).isEqualTo("q0");
            assertThat(issue.message()).startsWith("Cycle: Q0 → Q1 → Q2 → ").contains("→ Q49999 → Q0.");
        });
    }

    // --- order and robustness

    @Test
    void issuesComeInGraphOrderThenPipelineWide() {
        List<GraphNode> nodes = sixNodes();
        nodes.set(5, node("review", "human-review", "Human review", Map.of("queue", "")));
        nodes.set(1, node("finetune", "fine-tune", "Fine-tune", Map.of("epochs", 0)));
        List<GraphEdge> edges = sixEdges();
        edges.add(new GraphEdge(null, "ghost", "out", "phantom", "in"));

        List<ValidationIssue> issues = validator.validate(new PipelineGraph("nonsense", nodes, edges));

        assertThat(issues).extracting(ValidationIssue::nodeId, ValidationIssue::field).containsExactly(
                org.assertj.core.groups.Tuple.tuple("finetune", "epochs"),
                org.assertj.core.groups.Tuple.tuple("review", "queue"),
                org.assertj.core.groups.Tuple.tuple(null, null),
                org.assertj.core.groups.Tuple.tuple(null, "schedule"));
        assertThat(issues.get(2).message()).isEqualTo("Connection from “ghost” to “phantom” joins nodes that are"
                + " not in the pipeline (“ghost” and “phantom”); delete it.");
    }

    @Test
    void oddValuesGiveIssuesRatherThanExceptions() {
        assertThat(withParam("finetune", "epochs", Map.of("a", 1))).extracting(ValidationIssue::message)
                .containsExactly("Fine-tune: parameter “Epochs” must be a whole number (is a group of values).");
        assertThat(withParam("finetune", "learningRate", Double.NaN)).extracting(ValidationIssue::message)
                .containsExactly("Fine-tune: parameter “Learning rate” must be a number (is NaN).");
        assertThat(withParam("finetune", "seed", new java.math.BigInteger("123456789012345678901234567890")))
                .extracting(ValidationIssue::field).containsExactly("seed");
    }
}
