package dev.llmops.studio.dataset;

import dev.llmops.studio.run.NodeExecutor;
import dev.llmops.studio.run.TaskContext;
import java.time.Duration;
import org.springframework.stereotype.Component;

/**
 * The Dataset upload step: passes a dataset version (a fixed one or the latest) on as the DATASET artifact,
 * without copying it. It reads the database, so it runs on the server's embedded worker only (a plain
 * component, not a worker component), which is also where the content already is.
 */
@Component
class DatasetUploadExecutor implements NodeExecutor {

    private final DatasetService datasets;

    DatasetUploadExecutor(DatasetService datasets) {
        this.datasets = datasets;
    }

    @Override
    public String nodeType() {
        return "dataset-upload";
    }

    @Override
    public void execute(TaskContext context) {
        String name = String.valueOf(context.params().getOrDefault("dataset", ""));
        Object versionParam = context.params().get("version");
        String version = versionParam == null ? DatasetService.LATEST : versionParam.toString();
        DatasetVersionInfo resolved = datasets.resolveForRun(name, version);
        context.log("dataset “" + resolved.datasetName() + "” version " + resolved.version() + ": "
                + resolved.rows() + " examples (train " + resolved.train() + ", validation " + resolved.validation()
                + ", test " + resolved.test() + "), " + resolved.artifact());
        context.output("dataset", DatasetService.content(resolved));
        context.progress(1.0);
    }

    @Override
    public int maxAttempts() {
        return 2;
    }

    @Override
    public Duration timeout() {
        return Duration.ofMinutes(5);
    }
}
