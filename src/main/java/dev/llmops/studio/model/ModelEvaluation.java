package dev.llmops.studio.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import dev.llmops.studio.model.ByteTokenizer.Encoded;
import java.util.List;

/**
 * Language-model scores over the reply tokens of a set of examples: mean negative log-likelihood (loss),
 * perplexity = e^loss, and next-token accuracy, the share of reply tokens that are the model's top prediction.
 * Prompt tokens never count, as in training.
 */
final class ModelEvaluation {

    record Scores(int examples, long tokens, double loss, double perplexity, double nextTokenAccuracy) {
    }

    private ModelEvaluation() {
    }

    static Scores score(LlamaBlock block, List<Encoded> examples, int batchSize, NDManager manager) {
        if (examples.isEmpty()) {
            throw new IllegalArgumentException("no examples to score");
        }
        ModelEngine.stopRecordingGradients();
        double negativeLogLikelihood = 0;
        double correct = 0;
        long tokens = 0;
        for (int start = 0; start < examples.size(); start += batchSize) {
            LlamaTrainer.MicroBatch padded = TrainingExamples.pad(
                    examples.subList(start, Math.min(examples.size(), start + batchSize)));
            try (NDManager step = manager.newSubManager()) {
                LlamaTrainer.Batch batch = LlamaTrainer.Batch.of(step, padded.tokens(), padded.trainable());
                NDArray logits = block.forward(new ParameterStore(step, false), new NDList(batch.inputs()), false)
                        .singletonOrThrow();
                negativeLogLikelihood += logits.logSoftmax(-1).gather(batch.targets().expandDims(-1), -1)
                        .squeeze(-1).neg().mul(batch.weights()).sum().getFloat();
                correct += logits.argMax(-1).eq(batch.targets()).toType(DataType.FLOAT32, false)
                        .mul(batch.weights()).sum().getFloat();
                tokens += (long) batch.count();
            }
        }
        double loss = negativeLogLikelihood / tokens;
        return new Scores(examples.size(), tokens, loss, Math.exp(loss), correct / tokens);
    }
}
