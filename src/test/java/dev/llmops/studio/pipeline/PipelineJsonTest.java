package dev.llmops.studio.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PipelineJsonTest {

    private static PipelineGraph sample() {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("name", "support-tickets");
        params.put("text", "first line\nsecond line with “quotes” and \"escapes\"");
        params.put("count", 3);
        params.put("big", 5_000_000_000L);
        params.put("rate", 0.0003);
        params.put("whole", 2.0);
        params.put("negative", -1.5);
        params.put("flag", true);
        params.put("unset", null);
        params.put("list", List.of(1, "two", 3.5));
        params.put("nested", Map.of("inner", Map.of("deep", false)));
        return new PipelineGraph("0 0 3 * * ?",
                List.of(new GraphNode("n1", "dataset-upload", "Upload", 120, 80, params),
                        new GraphNode("n2", "fine-tune", null, 380.5, -40.25, Map.of("epochs", 5))),
                List.of(new GraphEdge("e1", "n1", "dataset", "n2", "dataset"),
                        new GraphEdge(null, "n1", "dataset", "n2", "baseModel")));
    }

    private static List<String> reasons(String json) {
        try {
            PipelineJson.read(json);
        } catch (InvalidPipelineFileException e) {
            return e.reasons();
        }
        throw new AssertionError("read() accepted " + json);
    }

    /** A file with one node whose body is {@code node}, to test one node field at a time. */
    private static String withNode(String node) {
        return "{\"schemaVersion\": 1, \"nodes\": [" + node + "], \"edges\": []}";
    }

    private static String withEdge(String edge) {
        return "{\"schemaVersion\": 1, \"nodes\": [], \"edges\": [" + edge + "]}";
    }

    // --- writing and reading back

    @Test
    void aGraphSurvivesTheRoundTrip() {
        PipelineGraph graph = sample();

        PipelineGraph read = PipelineJson.read(PipelineJson.write(graph));

        assertThat(read).isEqualTo(graph);
        assertThat(read.schedule()).isEqualTo("0 0 3 * * ?");
        Map<String, Object> params = read.node("n1").orElseThrow().params();
        assertThat(params.get("count")).isInstanceOf(Integer.class);
        assertThat(params.get("big")).isInstanceOf(Long.class);
        assertThat(params.get("rate")).isInstanceOf(Double.class);
        assertThat(params.get("whole")).isEqualTo(2.0);
        assertThat(params.get("flag")).isEqualTo(Boolean.TRUE);
        assertThat(params).containsEntry("unset", null);
        assertThat(read.node("n2").orElseThrow().label()).isNull();
        assertThat(read.edges().get(1).id()).isNull();
    }

    @Test
    void anEmptyGraphSurvivesTheRoundTrip() {
        assertThat(PipelineJson.read(PipelineJson.write(PipelineGraph.empty()))).isEqualTo(PipelineGraph.empty());
    }

    @Test
    void numbersBuiltInCodeAreNormalisedLikeJsonReadsThem() {
        GraphNode node = new GraphNode("n", "t", null, 0, 0, Map.of("a", 3L, "b", 0.5f, "c", (short) 2));

        assertThat(node.params()).containsEntry("a", 3).containsEntry("b", 0.5).containsEntry("c", 2);
        assertThat(PipelineJson.read(PipelineJson.write(new PipelineGraph(null, List.of(node), List.of())))
                .nodes()).containsExactly(node);
    }

    @Test
    void equalGraphsGiveTheSameTextWhateverTheirMapOrder() {
        Map<String, Object> forwards = new LinkedHashMap<>();
        forwards.put("a", 1);
        forwards.put("b", Map.of("y", 1, "x", 2));
        Map<String, Object> backwards = new LinkedHashMap<>();
        backwards.put("b", new HashMap<>(Map.of("x", 2, "y", 1)));
        backwards.put("a", 1);

        String first = PipelineJson.write(new PipelineGraph(null,
                List.of(new GraphNode("n", "t", "N", 1, 2, forwards)), List.of()));
        String second = PipelineJson.write(new PipelineGraph(null,
                List.of(new GraphNode("n", "t", "N", 1, 2, backwards)), List.of()));

        assertThat(first).isEqualTo(second);
        assertThat(PipelineJson.write(sample())).isEqualTo(PipelineJson.write(sample()));
    }

    @Test
    void theTextIsIndentedJsonWithSortedParameters() {
        PipelineGraph graph = new PipelineGraph(null,
                List.of(new GraphNode("n1", "quantize", "Quantize", 120, 80.5,
                        Map.of("scheme", "int8", "groupSize", "64"))),
                List.of(new GraphEdge("e1", "n1", "model", "n2", "model")));

        assertThat(PipelineJson.write(graph)).isEqualTo("""
                {
                  "schemaVersion": 1,
                  "nodes": [
                    {
                      "id": "n1",
                      "type": "quantize",
                      "label": "Quantize",
                      "position": {
                        "x": 120,
                        "y": 80.5
                      },
                      "params": {
                        "groupSize": "64",
                        "scheme": "int8"
                      }
                    }
                  ],
                  "edges": [
                    {
                      "id": "e1",
                      "source": "n1",
                      "sourcePort": "model",
                      "target": "n2",
                      "targetPort": "model"
                    }
                  ]
                }""");
    }

    @Test
    void templateFieldsAndMissingOptionalPartsAreAccepted() {
        PipelineGraph graph = PipelineJson.read("""
                {"schemaVersion": 1, "name": "Demo", "description": "Ignored here",
                 "nodes": [{"id": "n1", "type": "quantize"}]}""");

        assertThat(graph).isEqualTo(new PipelineGraph(null,
                List.of(new GraphNode("n1", "quantize", null, 0, 0, Map.of())), List.of()));
    }

    @Test
    void semanticProblemsAreLeftToTheValidator() {
        PipelineGraph graph = PipelineJson.read(withNode("{\"id\": \"n1\", \"type\": \"magic\","
                + " \"params\": {\"epochs\": \"abc\"}}").replace("\"edges\": []",
                        "\"edges\": [{\"source\": \"n1\", \"sourcePort\": \"x\", \"target\": \"n1\", \"targetPort\": \"y\"}]"));

        assertThat(graph.nodes()).hasSize(1);
        assertThat(graph.edges()).hasSize(1);
    }

    // --- what read() refuses

    @Test
    void brokenJsonIsReportedWithLineAndColumn() {
        assertThat(reasons("{\n  \"schemaVersion\": 1,\n  \"nodes\": [}\n"))
                .containsExactly("line 3, column 13: unexpected close marker '}': expected ']'");
        assertThat(reasons("{\"schemaVersion\": 1,\n\"nodes\": []"))
                .containsExactly("line 2, column 12: unexpected end-of-input: expected close marker for Object");
        assertThat(reasons("{\"schemaVersion\": 1} {}"))
                .containsExactly("line 1, column 22: unexpected text after the end of the pipeline");
    }

    @Test
    void duplicateJsonKeysAreRefused() {
        assertThat(reasons("{\"schemaVersion\": 1, \"schemaVersion\": 2}")).singleElement().asString()
                .isEqualTo("line 1, column 37: duplicate field 'schemaVersion'");
    }

    @Test
    void emptyTextAndNonObjectsAreRefused() {
        assertThat(reasons("  ")).containsExactly("the file is empty");
        assertThat(reasons("[1, 2]")).containsExactly("the top level must be a JSON object");
    }

    @Test
    void aMissingOrUnsupportedSchemaVersionIsRefused() {
        assertThat(reasons("{\"nodes\": []}")).containsExactly("missing \"schemaVersion\" (this version reads 1)");
        assertThat(reasons("{\"schemaVersion\": 7, \"nodes\": 5}"))
                .containsExactly("schemaVersion 7 is not supported (this version reads 1)");
        assertThat(reasons("{\"schemaVersion\": \"1\"}"))
                .containsExactly("\"schemaVersion\" must be a whole number (this version reads 1)");
    }

    @Test
    void nodesAndEdgesMustBeArrays() {
        assertThat(reasons("{\"schemaVersion\": 1, \"nodes\": {}, \"edges\": \"none\"}"))
                .containsExactly("\"nodes\" must be an array", "\"edges\" must be an array");
    }

    @Test
    void aNodeNeedsAStringIdAndType() {
        assertThat(reasons(withNode("{\"type\": \"quantize\"}"))).containsExactly("nodes[0]: missing \"id\"");
        assertThat(reasons(withNode("{\"id\": 1, \"type\": \"quantize\"}")))
                .containsExactly("nodes[0]: \"id\" must be a string");
        assertThat(reasons(withNode("{\"id\": \"n1\"}"))).containsExactly("nodes[0]: missing \"type\"");
        assertThat(reasons(withNode("{\"id\": \"\", \"type\": \"quantize\"}")))
                .containsExactly("nodes[0]: \"id\" must not be empty");
        assertThat(reasons(withNode("\"n1\""))).containsExactly("nodes[0]: must be an object");
    }

    @Test
    void nodeIdsMustBeUnique() {
        assertThat(reasons(withNode("{\"id\": \"n1\", \"type\": \"quantize\"}, {\"id\": \"n2\", \"type\": \"deploy\"},"
                + " {\"id\": \"n1\", \"type\": \"deploy\"}")))
                .containsExactly("nodes[2]: duplicate id \"n1\" (also used by nodes[0])");
    }

    @Test
    void paramsMustBeAnObject() {
        assertThat(reasons(withNode("{\"id\": \"n1\", \"type\": \"quantize\", \"params\": [\"int8\"]}")))
                .containsExactly("nodes[0]: \"params\" must be an object");
    }

    @Test
    void aPositionMustHaveNumbers() {
        assertThat(reasons(withNode("{\"id\": \"n1\", \"type\": \"quantize\", \"position\": {\"x\": \"left\"}}")))
                .containsExactly("nodes[0]: \"position\" must be an object with numbers \"x\" and \"y\"");
    }

    @Test
    void anEdgeNeedsBothEndsAndPorts() {
        assertThat(reasons(withEdge("{\"id\": \"e1\", \"target\": 3}"))).containsExactly(
                "edges[0]: missing \"source\"", "edges[0]: missing \"sourcePort\"",
                "edges[0]: \"target\" must be a string", "edges[0]: missing \"targetPort\"");
    }

    @Test
    void everyReasonIsCollectedAndSummarised() {
        String json = "{\"schemaVersion\": 1, \"schedule\": 5, \"nodes\": [{\"id\": \"n1\"}, 7],"
                + " \"edges\": [{\"source\": \"n1\", \"sourcePort\": \"a\", \"target\": \"n2\"}]}";

        assertThatThrownBy(() -> PipelineJson.read(json))
                .isInstanceOfSatisfying(InvalidPipelineFileException.class, e -> {
                    assertThat(e.reasons()).containsExactly("\"schedule\" must be a string",
                            "nodes[0]: missing \"type\"", "nodes[1]: must be an object",
                            "edges[0]: missing \"targetPort\"");
                    assertThat(e.getMessage()).isEqualTo(
                            "The file is not a valid pipeline: \"schedule\" must be a string (and 3 more).");
                    assertThat(e.field()).isNull();
                    assertThat(e.details()).as("listed as the problem's errors").isEqualTo(e.reasons());
                });
        assertThatThrownBy(() -> PipelineJson.read("{}")).hasMessage(
                "The file is not a valid pipeline: missing \"schemaVersion\" (this version reads 1).");
    }

    @Test
    void graphsAreImmutable() {
        List<GraphNode> nodes = new ArrayList<>(sample().nodes());
        PipelineGraph graph = new PipelineGraph(" ", nodes, null);
        nodes.clear();

        assertThat(graph.nodes()).hasSize(2);
        assertThat(graph.schedule()).isNull();
        assertThat(graph.edges()).isEmpty();
        assertThatThrownBy(() -> graph.nodes().get(0).params().put("x", 1))
                .isInstanceOf(UnsupportedOperationException.class);
    }
}
