package dev.llmops.studio.model;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmops.studio.dataset.ChatMessage;
import dev.llmops.studio.dataset.DatasetRecord;
import dev.llmops.studio.model.ByteTokenizer.Encoded;
import dev.llmops.studio.model.ByteTokenizer.Message;
import dev.llmops.studio.model.ByteTokenizer.Role;
import dev.llmops.studio.run.NodeExecutor;
import dev.llmops.studio.run.StepSettingsException;
import dev.llmops.studio.run.TaskContext;
import dev.llmops.studio.run.WorkerComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Evaluate step: scores a model package on one split of a dataset version and writes an EVAL_REPORT (JSON)
 * with the scores and a few generated answers beside their references; the scores also appear as run metrics.
 */
@WorkerComponent
class EvaluateExecutor implements NodeExecutor {

    static final String REPORT_FORMAT = "llmops-studio-eval-report";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final int BATCH_SIZE = 8;

    @Override
    public String nodeType() {
        return "evaluate";
    }

    @Override
    public void execute(TaskContext context) throws Exception {
        Map<String, Object> params = context.params();
        String split = String.valueOf(params.getOrDefault("split", "test")).toLowerCase(Locale.ROOT);
        int maxExamples = context.intParam("maxExamples", 500);
        int samples = context.intParam("samples", 3);
        int maxNewTokens = context.intParam("maxNewTokens", 160);
        ModelEngine.prepareThread(context.cpuThreads());
        Path work = Files.createDirectories(context.checkpointDir().resolve("evaluate"));
        Path folder = work.resolve("model");
        ModelPackage.deleteRecursively(folder);
        ObjectNode model = ModelPackage.unpack(context.input("model"), folder);
        try (NDManager manager = NDManager.newBaseManager()) {
            LlamaBlock block = ModelPackage.load(folder, null, manager);
            ByteTokenizer tokenizer = new ByteTokenizer();
            TrainingExamples examples = TrainingExamples.read(context.input("dataset"), tokenizer,
                    block.shape().maxPositions(), false);
            List<Encoded> scored = examples.split(split);
            if (scored.isEmpty()) {
                throw new StepSettingsException("the dataset version has no " + split + " examples; choose"
                        + " another split or create a version with a " + split + " share");
            }
            scored = scored.subList(0, Math.min(maxExamples, scored.size()));
            context.log("scoring " + scored.size() + " " + split + " examples with a " + String.format(Locale.ROOT,
                    "%.2f M", block.parameterCount() / 1e6) + "-parameter model");
            ModelEvaluation.Scores scores = ModelEvaluation.score(block, scored, BATCH_SIZE, manager);
            context.progress(0.5);
            context.metric("eval_loss", 0, scores.loss());
            context.metric("perplexity", 0, scores.perplexity());
            context.metric("next_token_accuracy", 0, scores.nextTokenAccuracy());
            context.log(String.format(Locale.ROOT, "%s split: loss %.4f, perplexity %.2f, next-token accuracy"
                            + " %.1f %% over %d reply tokens", split, scores.loss(), scores.perplexity(),
                    100 * scores.nextTokenAccuracy(), scores.tokens()));

            ObjectNode report = JSON.createObjectNode();
            report.put("format", REPORT_FORMAT).put("createdAt", Instant.now().toString())
                    .put("model", context.inputs().get("model")).put("dataset", context.inputs().get("dataset"))
                    .put("split", split);
            report.set("modelMetadata", model);
            report.putObject("metrics").put("loss", scores.loss()).put("perplexity", scores.perplexity())
                    .put("next_token_accuracy", scores.nextTokenAccuracy()).put("examples", scores.examples())
                    .put("tokens", scores.tokens());
            ArrayNode generated = report.putArray("samples");
            LlamaGenerator generator = new LlamaGenerator(block);
            SamplingOptions greedy = SamplingOptions.greedy(maxNewTokens, List.of(new int[] {ByteTokenizer.EOS}));
            List<DatasetRecord> records = TrainingExamples.records(context.input("dataset"), split, samples * 4);
            int written = 0;
            for (DatasetRecord record : records) {
                if (written == samples || context.cancelRequested()) {
                    break;
                }
                List<ChatMessage> messages = record.messages();
                if (messages.size() < 2 || !"assistant".equals(messages.get(messages.size() - 1).role())) {
                    continue;
                }
                List<Message> prompt = new ArrayList<>();
                for (ChatMessage message : messages.subList(0, messages.size() - 1)) {
                    prompt.add(new Message(TrainingExamples.role(message.role()), message.content()));
                }
                int[] ids = tokenizer.encodeChat(prompt, true).ids();
                if (ids.length >= block.shape().maxPositions() - 1) {
                    continue;
                }
                LlamaGenerator.Generation generation = generator.generate(ids, greedy);
                String answer = tokenizer.decode(generation.tokens());
                String question = messages.get(messages.size() - 2).content();
                String reference = messages.get(messages.size() - 1).content();
                generated.addObject().put("id", record.id()).put("prompt", question).put("reference", reference)
                        .put("generated", answer)
                        .put("finishReason", generation.finishReason().name().toLowerCase(Locale.ROOT));
                context.log("sample " + (written + 1) + ": “" + abbreviate(question) + "” → “" + abbreviate(answer)
                        + "” (reference: “" + abbreviate(reference) + "”)");
                written++;
                context.progress(0.5 + 0.5 * written / Math.max(1, samples));
            }
            Path file = work.resolve("report.json");
            JSON.writeValue(file.toFile(), report);
            context.output("report", file);
            context.progress(1.0);
        }
    }

    private static String abbreviate(String text) {
        String line = text.replace('\n', ' ');
        return line.length() <= 120 ? line : line.substring(0, 119) + "…";
    }

    @Override
    public Duration timeout() {
        return Duration.ofHours(2);
    }
}
