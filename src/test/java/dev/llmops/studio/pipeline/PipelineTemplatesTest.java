package dev.llmops.studio.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The shipped templates load without Spring and are runnable as they are. */
class PipelineTemplatesTest {

    private final PipelineTemplates templates = new PipelineTemplates();
    private final GraphValidator validator = new GraphValidator(new NodeTypeCatalog());

    @Test
    void theThreeTemplatesLoadSortedByName() {
        assertThat(templates.all()).extracting(PipelineTemplate::id, PipelineTemplate::name).containsExactly(
                org.assertj.core.groups.Tuple.tuple("fine-tune-and-deploy", "Fine-tune and deploy"),
                org.assertj.core.groups.Tuple.tuple("review-and-retrain-loop", "Review and retrain loop"),
                org.assertj.core.groups.Tuple.tuple("scheduled-retrain-with-quality-gate",
                        "Scheduled retrain with quality gate"));
        assertThat(templates.all()).allSatisfy(template -> assertThat(template.description()).isNotBlank());
    }

    @Test
    void everyTemplatePassesValidation() {
        assertThat(templates.all()).allSatisfy(template -> assertThat(validator.validate(template.graph()))
                .as(template.id()).isEmpty());
    }

    @Test
    void fineTuneAndDeployIsTheSixStepPipeline() {
        PipelineGraph graph = template("fine-tune-and-deploy").graph();

        assertThat(graph.nodes()).extracting(GraphNode::type).containsExactly("dataset-upload", "fine-tune",
                "quantize", "deploy", "prompt-test", "human-review");
        assertThat(graph.edges()).hasSize(6);
        assertThat(graph.edges()).as("the quantize step measures perplexity on the uploaded validation split")
                .anyMatch(edge -> edge.source().equals("upload") && edge.target().equals("quantize")
                        && edge.targetPort().equals("dataset"));
        assertThat(graph.schedule()).isNull();
    }

    @Test
    void theRetrainLoopFeedsReviewedAnswersIntoASecondFineTune() {
        PipelineGraph graph = template("review-and-retrain-loop").graph();

        assertThat(graph.nodes()).extracting(GraphNode::type).containsExactly("dataset-upload", "fine-tune",
                "deploy", "prompt-test", "human-review", "fine-tune", "evaluate", "gate");
        assertThat(graph.edges()).contains(new GraphEdge("e5", "review", "dataset", "retrain", "dataset"),
                new GraphEdge("e6", "finetune", "model", "retrain", "baseModel"));
    }

    @Test
    void theScheduledRetrainRunsNightly() {
        PipelineGraph graph = template("scheduled-retrain-with-quality-gate").graph();

        assertThat(graph.schedule()).isEqualTo("0 0 3 * * ?");
        assertThat(graph.nodes()).extracting(GraphNode::type).containsExactly("dataset-upload", "fine-tune",
                "evaluate", "gate", "deploy");
    }

    @Test
    void nodesAreLaidOutLeftToRight() {
        assertThat(templates.all()).allSatisfy(template -> {
            List<GraphNode> nodes = template.graph().nodes();
            for (int i = 1; i < nodes.size(); i++) {
                assertThat(nodes.get(i).x()).as("%s node %d", template.id(), i).isGreaterThan(nodes.get(i - 1).x());
            }
        });
    }

    private PipelineTemplate template(String id) {
        return templates.all().stream().filter(template -> template.id().equals(id)).findFirst().orElseThrow();
    }
}
