package dev.llmops.studio.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class NodeTypeCatalogTest {

    private final NodeTypeCatalog catalog = new NodeTypeCatalog();

    @Test
    void theEightNodeTypesAreInPaletteOrder() {
        assertThat(catalog.all()).extracting(NodeType::id).containsExactly("dataset-upload", "fine-tune",
                "quantize", "deploy", "prompt-test", "human-review", "evaluate", "gate");
        assertThat(catalog.find("fine-tune")).map(NodeType::category).contains("Training");
        assertThat(catalog.find("nope")).isEmpty();
    }

    @Test
    void idsAreUniqueWithinTheCatalogAndWithinEachType() {
        assertThat(catalog.all()).extracting(NodeType::id).doesNotHaveDuplicates();
        assertThat(catalog.all()).allSatisfy(type -> {
            assertThat(type.inputs()).extracting(Port::id).doesNotHaveDuplicates();
            assertThat(type.outputs()).extracting(Port::id).doesNotHaveDuplicates();
            assertThat(type.params()).extracting(ParamSpec::name).doesNotHaveDuplicates();
            assertThat(type.icon()).startsWith("vaadin:");
            assertThat(type.params()).allSatisfy(param -> assertThat(param.help()).isNotBlank());
        });
    }

    @Test
    void everyDefaultHasTheRightTypeAndLiesWithinItsOwnRange() {
        assertThat(catalog.all()).allSatisfy(type -> assertThat(type.params()).allSatisfy(param -> {
            Object value = param.defaultValue();
            String what = type.id() + "." + param.name();
            if (value == null) {
                return;
            }
            switch (param.type()) {
                case STRING, TEXT, CRON -> assertThat(value).as(what).isInstanceOf(String.class);
                case BOOL -> assertThat(value).as(what).isInstanceOf(Boolean.class);
                case ENUM -> assertThat(param.options()).as(what).contains((String) value);
                case INT -> assertThat(value).as(what).isInstanceOfAny(Integer.class, Long.class);
                case FLOAT -> assertThat(value).as(what).isInstanceOf(Double.class);
            }
            if (value instanceof Number number) {
                if (param.min() != null) {
                    assertThat(number.doubleValue()).as(what).isGreaterThanOrEqualTo(param.min());
                }
                if (param.max() != null) {
                    assertThat(number.doubleValue()).as(what).isLessThanOrEqualTo(param.max());
                }
            }
            if (param.type() != ParamType.ENUM) {
                assertThat(param.options()).as(what).isEmpty();
            }
        }));
    }

    @Test
    void defaultNodesPassValidationOnceTheirRequiredTextIsFilledIn() {
        GraphValidator validator = new GraphValidator(catalog);
        assertThat(catalog.all()).allSatisfy(type -> {
            List<String> missing = validator.validate(new PipelineGraph(null,
                    List.of(new GraphNode("n", type.id(), type.name(), 0, 0, type.defaultParams())), List.of()))
                    .stream().filter(issue -> issue.message().contains("parameter")).map(ValidationIssue::field)
                    .toList();
            assertThat(missing).as(type.id()).allSatisfy(name -> {
                ParamSpec param = type.param(name).orElseThrow();
                assertThat(param.required()).isTrue();
                assertThat(param.defaultValue()).isNull();
            });
        });
    }

    @Test
    void defaultParamsFollowSchemaOrderAndSkipParamsWithoutDefault() {
        NodeType deploy = catalog.find("deploy").orElseThrow();

        assertThat(deploy.defaultParams()).containsExactly(
                org.assertj.core.api.Assertions.entry("replicas", 1),
                org.assertj.core.api.Assertions.entry("maxBatchSize", 8),
                org.assertj.core.api.Assertions.entry("canaryPercent", 0));
        assertThat(deploy.input("model")).map(Port::type).contains(PortType.MODEL);
        assertThat(deploy.output("endpoint")).map(Port::type).contains(PortType.ENDPOINT);
        assertThat(deploy.param("replicas")).map(ParamSpec::max).contains(16.0);
    }

    @Test
    void theCanvasJsonListsEveryTypeWithItsPortsAndParams() throws Exception {
        JsonNode json = new ObjectMapper().readTree(catalog.toJson());

        assertThat(json.isArray()).isTrue();
        assertThat(json).hasSize(8);
        JsonNode fineTune = json.get(1);
        assertThat(fineTune.get("id").asText()).isEqualTo("fine-tune");
        assertThat(fineTune.get("inputs").get(0).get("required").asBoolean()).isTrue();
        assertThat(fineTune.get("inputs").get(1).get("id").asText()).isEqualTo("baseModel");
        assertThat(fineTune.get("inputs").get(1).get("multiple").asBoolean()).isFalse();
        assertThat(fineTune.get("outputs").get(0).get("type").asText()).isEqualTo("MODEL");
        JsonNode epochs = fineTune.get("params").get(2);
        assertThat(epochs.get("name").asText()).isEqualTo("epochs");
        assertThat(epochs.get("type").asText()).isEqualTo("INT");
        assertThat(epochs.get("default").intValue()).isEqualTo(3);
        assertThat(epochs.get("min").asDouble()).isEqualTo(1);
        assertThat(epochs.get("max").asDouble()).isEqualTo(1000);
        assertThat(epochs.has("options")).isFalse();
        assertThat(fineTune.get("params").get(1).get("options")).hasSize(2);
        assertThat(fineTune.get("resources").get("memoryMb").asInt()).isEqualTo(2048);
        assertThat(catalog.toJson()).isEqualTo(new NodeTypeCatalog().toJson());
    }
}
