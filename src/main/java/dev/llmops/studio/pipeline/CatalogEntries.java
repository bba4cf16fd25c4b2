package dev.llmops.studio.pipeline;

import static dev.llmops.studio.pipeline.PortType.DATASET;
import static dev.llmops.studio.pipeline.PortType.ENDPOINT;
import static dev.llmops.studio.pipeline.PortType.EVAL_REPORT;
import static dev.llmops.studio.pipeline.PortType.FEEDBACK;
import static dev.llmops.studio.pipeline.PortType.MODEL;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The node types the studio ships, in palette order. Only parameters without a sensible default are
 * required; the others fall back to their default when left empty. Ids, port ids and parameter names are stored in saved
 * pipelines and read by the run engine, so they never change; labels, help and defaults may.
 */
final class CatalogEntries {

    private static final double SEED_MAX = Integer.MAX_VALUE;

    private CatalogEntries() {
    }

    static List<NodeType> all() {
        return Stream.of(datasetUpload(), fineTune(), quantize(), deploy(), promptTest(), humanReview(), evaluate(),
                gate()).map(CatalogEntries::withWorkerLabels).toList();
    }

    /** Every step can be pinned to workers with given labels; the parameter comes last in the form. */
    private static NodeType withWorkerLabels(NodeType type) {
        List<ParamSpec> params = new ArrayList<>(type.params());
        params.add(string(NodeTypeCatalog.WORKER_LABELS, "Worker labels", null, false,
                "Run only on workers that have all these labels, comma-separated (e.g. gpu-a100). "
                        + "Empty: any worker with the resources."));
        return new NodeType(type.id(), type.name(), type.category(), type.icon(), type.description(), type.inputs(),
                type.outputs(), params, type.resources());
    }

    private static NodeType datasetUpload() {
        return new NodeType("dataset-upload", "Dataset upload", "Data", "vaadin:upload",
                "Passes a version of an uploaded dataset on: personal data already handled, split into train,"
                        + " validation and test when it was uploaded (Datasets screen).",
                List.of(),
                List.of(output("dataset", "Dataset", DATASET)),
                List.of(
                        string("dataset", "Dataset name", null, true,
                                "Name of a dataset on the Datasets screen, e.g. support-replies (the demo data)."),
                        string("version", "Version", "latest", false,
                                "“latest” (the newest version when the run starts) or a version number, to pin"
                                        + " the data a pipeline trains on.")),
                new Resources(1, 0, 512));
    }

    private static NodeType fineTune() {
        return new NodeType("fine-tune", "Fine-tune", "Training", "vaadin:academy-cap",
                "Trains a Llama-architecture model on a dataset: a new one from scratch, or a connected base"
                        + " model (every weight, or LoRA adapters). Streams loss curves; resumes from checkpoints.",
                List.of(input("dataset", "Dataset", DATASET, true), input("baseModel", "Base model", MODEL, false)),
                List.of(output("model", "Model", MODEL)),
                List.of(
                        choice("method", "Method", "from-scratch", List.of("from-scratch", "full", "lora"),
                                "from-scratch: a new model of the chosen size (no base model); full: every weight"
                                        + " of the base model trains; lora: small adapter matrices train on the"
                                        + " frozen base (fast, little memory)."),
                        choice("preset", "Model size", "tiny", List.of("tiny", "small"),
                                "Size of a model trained from scratch: tiny ≈ 1 M parameters (minutes on a"
                                        + " laptop CPU), small ≈ 10 M."),
                        integer("epochs", "Epochs", 3, 1, 1000, "Passes over the training split."),
                        decimal("learningRate", "Learning rate", 0.0003, 1e-6, 1.0,
                                "Peak step size of the optimiser (AdamW), reached after the warm-up and decayed"
                                        + " along a cosine. From scratch ~2e-3; full fine-tuning ~1e-4; LoRA ~1e-3."),
                        integer("batchSize", "Batch size", 8, 1, 512, "Examples per forward pass."),
                        integer("gradientAccumulation", "Gradient accumulation", 1, 1, 256,
                                "Forward passes per optimiser step: the effective batch is batch size × this,"
                                        + " with the memory of one batch."),
                        integer("maxLength", "Max length (tokens)", 512, 8, 32_768,
                                "Longer examples are cut; capped by the model's context length."),
                        integer("warmupSteps", "Warm-up steps", 10, 0, 100_000,
                                "Steps over which the learning rate rises from zero to its peak."),
                        decimal("weightDecay", "Weight decay", 0.01, 0.0, 0.5,
                                "Decoupled weight decay of AdamW; norm gains are never decayed."),
                        decimal("maxGradNorm", "Gradient clipping", 1.0, 0.01, 100.0,
                                "Largest global gradient norm; larger gradients are scaled down."),
                        integer("evalEvery", "Validate every (steps)", 20, 1, 100_000,
                                "Computes the validation loss and perplexity this often (and at the end)."),
                        integer("earlyStoppingPatience", "Early-stopping patience", 3, 0, 1000,
                                "Stops after this many validations without improvement and keeps the best"
                                        + " weights; 0 trains every epoch."),
                        integer("checkpointEvery", "Checkpoint every (steps)", 50, 1, 100_000,
                                "A worker that dies resumes from the last checkpoint instead of step 0."),
                        integer("loraRank", "LoRA rank", 8, 1, 256, "Rank of the adapter matrices (lora only)."),
                        decimal("loraAlpha", "LoRA alpha", 16, 0.01, 1024,
                                "Adapter scale is alpha / rank (lora only)."),
                        decimal("loraDropout", "LoRA dropout", 0.05, 0.0, 0.9,
                                "Dropout on the adapters' input while training (lora only)."),
                        string("loraTargets", "LoRA target modules", "all", false,
                                "Projections that get adapters, comma-separated from q_proj, k_proj, v_proj,"
                                        + " o_proj, gate_proj, up_proj, down_proj; all: every one (lora only)."),
                        seed(),
                        string("modelName", "Registered model name", null, false,
                                "Name in the model registry; each run adds a version. Empty: the base model's"
                                        + " name, or the pipeline's.")),
                new Resources(2, 0, 2048));
    }

    private static NodeType quantize() {
        return new NodeType("quantize", "Quantize", "Optimisation", "vaadin:compress",
                "Stores the model's weights with fewer bits (int8 or int4), so the model file is 4 to 7 times"
                        + " smaller. Connect validation data to measure how much perplexity changes.",
                List.of(input("model", "Model", MODEL, true), input("dataset", "Validation data", DATASET, false)),
                List.of(output("model", "Model", MODEL)),
                List.of(
                        choice("scheme", "Scheme", "int8", List.of("int8", "int4"),
                                "int8 (one scale per output row) keeps quality almost unchanged; int4 halves the"
                                        + " size again at some cost."),
                        choice("groupSize", "Group size", "64", List.of("32", "64", "128"),
                                "int4 only: consecutive weights sharing one scale factor; smaller groups are more"
                                        + " accurate and larger.")),
                new Resources(1, 0, 1024));
    }

    private static NodeType deploy() {
        return new NodeType("deploy", "Deploy", "Serving", "vaadin:rocket",
                "Serves the model behind an HTTP endpoint.",
                List.of(input("model", "Model", MODEL, true)),
                List.of(output("endpoint", "Endpoint", ENDPOINT)),
                List.of(
                        string("endpointName", "Endpoint name", null, true,
                                "Name in the endpoint's URL; deploying again under the same name replaces it."),
                        integer("replicas", "Replicas", 1, 1, 16, "Copies of the model serving requests."),
                        integer("maxBatchSize", "Max batch size", 8, 1, 64,
                                "Requests answered together; larger batches raise throughput and latency."),
                        integer("canaryPercent", "Canary traffic (%)", 0, 0, 100,
                                "Share of traffic sent to the new model while the previous one keeps the rest;"
                                        + " 0 switches all traffic at once.")),
                new Resources(1, 0, 1024));
    }

    private static NodeType promptTest() {
        return new NodeType("prompt-test", "Prompt test", "Quality", "vaadin:comment-ellipsis-o",
                "Runs a prompt suite (or the prompts given here) against an endpoint or a model version: pass rate"
                        + " and, for classification cases, accuracy, precision, recall and F1 (Prompt tests screen).",
                List.of(input("endpoint", "Endpoint", ENDPOINT, false), input("model", "Model", MODEL, false)),
                List.of(output("report", "Report", EVAL_REPORT)),
                List.of(
                        string("suite", "Prompt suite", null, false,
                                "Name of a suite on the Prompt tests screen; when set it is used instead of the"
                                        + " prompts below."),
                        new ParamSpec("prompts", "Prompts", ParamType.TEXT,
                                "What is the capital of France?\nSummarise in one sentence: why do models need"
                                        + " evaluation?",
                                null, null, false, List.of(),
                                "One prompt per line, each answer recorded (no assertion); used when no suite is"
                                        + " named."),
                        integer("maxTokens", "Max tokens", 128, 1, 4096, "Longest answer, in tokens."),
                        decimal("temperature", "Temperature", 0.0, 0.0, 2.0,
                                "0 always picks the likeliest word, so a test repeats exactly; higher values give"
                                        + " more varied answers.")),
                new Resources(1, 0, 1024));
    }

    private static NodeType humanReview() {
        return new NodeType("human-review", "Human review", "Quality", "vaadin:user-check",
                "Puts the answers of a Prompt test (or an Evaluate step's samples, or sampled live traffic of an"
                        + " endpoint) in a review queue, waits until reviewers have rated and corrected them, then"
                        + " passes on the corrected and accepted answers as a new dataset version and the"
                        + " preference pairs (chosen/rejected).",
                List.of(input("report", "Report", EVAL_REPORT, false)),
                List.of(output("feedback", "Preference pairs", FEEDBACK),
                        output("dataset", "Corrected answers", DATASET)),
                List.of(
                        string("queue", "Review queue", null, true,
                                "Queue the items appear in (created on first use); reviewers pick work by queue."),
                        integer("reviewersPerItem", "Reviewers per item", 1, 1, 5,
                                "Different reviewers who must see each answer; with two or more the queue's"
                                        + " dashboard shows how much they agree."),
                        string("reviewers", "Reviewers", null, false,
                                "User names, comma-separated. Empty: everyone with the Reviewer role; the items are"
                                        + " spread evenly among them."),
                        integer("quota", "Items to review", 0, 0, 100_000,
                                "Fully reviewed items needed before the run goes on; 0: all of them."),
                        integer("deadlineHours", "Deadline (hours)", 0, 0, 24 * 365,
                                "After this long the run goes on with the reviews done so far; 0: no deadline."),
                        integer("maxItems", "Max items", 200, 1, 100_000, "Answers put in the queue at most."),
                        string("trafficEndpoint", "Sample traffic of endpoint", null, false,
                                "Also (or instead of a report) review answers the endpoint gave to real requests:"
                                        + " a random sample of its request log (personal data redacted as the"
                                        + " endpoint's settings say)."),
                        integer("trafficSample", "Traffic sample size", 50, 1, 10_000,
                                "Logged requests sampled at most, from the most recent ones."),
                        string("exportDataset", "Export to dataset", null, false,
                                "Dataset that gets the reviewed answers as its next version. Empty: the queue's"
                                        + " name followed by -reviewed."),
                        new ParamSpec("instructions", "Instructions", ParamType.TEXT, null, null, null, false,
                                List.of(), "Shown to reviewers above every item.")),
                new Resources(1, 0, 256));
    }

    private static NodeType evaluate() {
        return new NodeType("evaluate", "Evaluate", "Quality", "vaadin:chart",
                "Scores a model on a split of a dataset: loss, perplexity and next-token accuracy on the reference"
                        + " replies, plus a few generated answers to read beside them.",
                List.of(input("model", "Model", MODEL, true), input("dataset", "Dataset", DATASET, true)),
                List.of(output("report", "Report", EVAL_REPORT)),
                List.of(
                        choice("split", "Split", "test", List.of("test", "validation", "train"),
                                "Examples scored: test (held out from training and early stopping), validation,"
                                        + " or train."),
                        integer("maxExamples", "Max examples", 500, 1, 100_000,
                                "Examples scored at most, taken in dataset order."),
                        integer("samples", "Generated samples", 3, 0, 50,
                                "Examples whose prompt the model answers (greedy), stored with the report."),
                        integer("maxNewTokens", "Max new tokens", 160, 1, 4096, "Longest generated answer.")),
                new Resources(1, 0, 1024));
    }

    private static NodeType gate() {
        return new NodeType("gate", "Quality gate", "Quality", "vaadin:flag-checkered",
                "Passes the model on only when a metric of the report reaches its threshold, or when an approver"
                        + " approves it; otherwise the run stops here. Decisions are recorded with who and when.",
                List.of(input("report", "Report", EVAL_REPORT, true), input("model", "Model", MODEL, true)),
                List.of(output("model", "Approved model", MODEL)),
                List.of(
                        choice("mode", "Mode", "metric", List.of("metric", "manual"),
                                "metric: pass when the metric reaches the threshold; manual: the run waits on"
                                        + " this step until an approver approves or rejects it on the run page."),
                        choice("metric", "Metric", "f1", List.of("accuracy", "precision", "recall", "f1",
                                        "micro_f1", "pass_rate", "next_token_accuracy"),
                                "Metric of the report compared with the threshold in metric mode: a Prompt test"
                                        + " reports pass_rate and, with labels, accuracy, precision, recall and F1"
                                        + " (macro; micro_f1); an Evaluate step reports next_token_accuracy."),
                        decimal("threshold", "Threshold", 0.8, 0.0, 1.0, "Lowest metric value that passes."),
                        choice("approverRole", "Approver role", "ML_ENGINEER", List.of("ML_ENGINEER",
                                        "DOMAIN_EXPERT", "REVIEWER", "ADMIN"),
                                "Manual mode: users with this role may approve or reject."),
                        string("approvers", "Approvers", null, false,
                                "Manual mode: only these users (comma-separated names) may decide, instead of"
                                        + " everyone with the role.")),
                new Resources(1, 0, 256));
    }

    private static Port input(String id, String label, PortType type, boolean required) {
        return new Port(id, label, type, required, false);
    }

    private static Port output(String id, String label, PortType type) {
        return new Port(id, label, type, false, true);
    }

    private static ParamSpec string(String name, String label, String defaultValue, boolean required, String help) {
        return new ParamSpec(name, label, ParamType.STRING, defaultValue, null, null, required, List.of(), help);
    }

    private static ParamSpec choice(String name, String label, String defaultValue, List<String> options,
            String help) {
        return new ParamSpec(name, label, ParamType.ENUM, defaultValue, null, null, false, options, help);
    }

    private static ParamSpec integer(String name, String label, int defaultValue, double min, double max,
            String help) {
        return new ParamSpec(name, label, ParamType.INT, defaultValue, min, max, false, List.of(), help);
    }

    private static ParamSpec decimal(String name, String label, double defaultValue, double min, double max,
            String help) {
        return new ParamSpec(name, label, ParamType.FLOAT, defaultValue, min, max, false, List.of(), help);
    }

    private static ParamSpec seed() {
        return integer("seed", "Random seed", 42, 0, SEED_MAX,
                "Same seed, same data and same settings give the same result.");
    }
}
