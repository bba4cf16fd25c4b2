package dev.llmops.studio.dataset;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.io.ClassPathResource;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Component;

/**
 * On the first start, the synthetic customer-support dataset the shipped templates use (templates/datasets,
 * written by us, no real personal data; a few example.com addresses and 555 numbers show redaction at work), so a
 * new user can run a template at once.
 */
@Component
class DemoDataset {

    static final String NAME = "support-replies";
    private static final String RESOURCE = "templates/datasets/support-replies.jsonl";
    private static final Logger log = LoggerFactory.getLogger(DemoDataset.class);

    private final DatasetService datasets;
    private final DatasetRepository repository;

    DemoDataset(DatasetService datasets, DatasetRepository repository) {
        this.datasets = datasets;
        this.repository = repository;
    }

    @EventListener(ApplicationReadyEvent.class)
    void createOnFirstStart() throws IOException {
        if (repository.datasetId(NAME).isPresent() || !repository.summaries().isEmpty()) {
            return;
        }
        Path file = Files.createTempFile("support-replies-", ".jsonl");
        try (InputStream in = new ClassPathResource(RESOURCE).getInputStream()) {
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            ColumnMapping mapping = new ColumnMapping(null, null, null, "intent", "id", List.of("channel", "region"));
            VersionSettings settings = new VersionSettings(mapping, 0.1, 0.1, 42, true, PiiPolicy.REDACT,
                    OnRowError.REJECT_FILE);
            DatasetVersionInfo version = datasets.createVersionAs("system", NAME, file, "support-replies.jsonl",
                    settings, "Synthetic customer-support conversations (demo data shipped with the studio)");
            log.info("Demo dataset “{}” created: {} examples", NAME, version.rows());
        } catch (DataIntegrityViolationException e) {
            log.info("Demo dataset created by another server at the same moment");
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
