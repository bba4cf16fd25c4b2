package dev.llmops.studio.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HuggingFaceImportTest {

    @TempDir
    Path dir;

    @Test
    void aShardedBf16CheckpointInsideAFolderBecomesAPackageThatLoadsToTheSameWeights() throws Exception {
        Path folder = dir.resolve("TinyLlama-like");
        Map<String, float[]> weights = RandomCheckpoint.randomWeights(RandomCheckpoint.SMALL, 11);
        RandomCheckpoint.write(folder, RandomCheckpoint.SMALL, weights, SafeTensors.DType.BF16, true);
        Path upload = zip(folder, "TinyLlama-like/");

        Path target = dir.resolve("package.zip");
        ModelPackages.Description description = HuggingFaceImport.importZip(upload, "TinyLlama-like.zip", target);

        assertThat(description.method()).isEqualTo("imported");
        assertThat(description.metadata().path("tokenizer").asText()).isEqualTo("huggingface");
        assertThat(description.metadata().path("lineage").path("importedFrom").asText())
                .isEqualTo("TinyLlama-like.zip");
        assertThat(description.parameters()).isEqualTo(RandomCheckpoint.SMALL.parameterCount());
        Path unpacked = dir.resolve("unpacked");
        ModelPackage.unpack(target, unpacked);
        assertThat(unpacked.resolve(CheckpointReader.INDEX_FILE)).as("shards kept as they came").exists();
        try (CheckpointReader original = CheckpointReader.open(folder);
             CheckpointReader imported = CheckpointReader.open(unpacked);
             NDManager manager = NDManager.newBaseManager()) {
            Map<String, float[]> expected = original.readWeights();
            imported.readWeights().forEach((name, values) -> assertThat(values).as(name)
                    .containsExactly(expected.get(name)));
            assertThat(ModelPackage.load(unpacked, null, manager).parameterCount())
                    .isEqualTo(RandomCheckpoint.SMALL.parameterCount());
        }
    }

    @Test
    void theStudiosOwnExportIsRecognisedAsByteTokenized() throws Exception {
        Path folder = dir.resolve("own");
        try (NDManager manager = NDManager.newBaseManager()) {
            LlamaBlock block = LlamaBlock.create(LlamaBlockTest.MICRO, manager);
            HuggingFaceFolders.exportFolder(block, folder, SafeTensors.DType.F32);
        }
        ByteTokenizer.writeHuggingFaceFiles(folder);

        ModelPackages.Description description = HuggingFaceImport.importZip(zip(folder, ""), "own.zip",
                dir.resolve("own-package.zip"));

        assertThat(description.metadata().path("tokenizer").asText()).isEqualTo("byte");
    }

    @Test
    void checkpointsThatCannotRunHereAreRefusedWithTheReason() throws Exception {
        Path noConfig = dir.resolve("no-config");
        Files.createDirectories(noConfig);
        Files.writeString(noConfig.resolve("README.md"), "hello");
        assertThatThrownBy(() -> HuggingFaceImport.importZip(zip(noConfig, ""), "x.zip", dir.resolve("a.zip")))
                .isInstanceOf(CheckpointFormatException.class).hasMessageContaining("no config.json");

        Path noTokenizer = dir.resolve("no-tokenizer");
        CheckpointWriter.write(noTokenizer, RandomCheckpoint.SMALL,
                RandomCheckpoint.randomWeights(RandomCheckpoint.SMALL, 2), SafeTensors.DType.F32, Long.MAX_VALUE);
        assertThatThrownBy(() -> HuggingFaceImport.importZip(zip(noTokenizer, ""), "x.zip", dir.resolve("b.zip")))
                .isInstanceOf(CheckpointFormatException.class).hasMessageContaining("tokenizer.json is missing");

        Path notAZip = Files.writeString(dir.resolve("model.zip"), "not a zip at all");
        assertThatThrownBy(() -> HuggingFaceImport.importZip(notAZip, "model.zip", dir.resolve("c.zip")))
                .isInstanceOf(CheckpointFormatException.class);
    }

    private Path zip(Path folder, String prefix) throws IOException {
        Path zip = Files.createTempFile(dir, "upload-", ".zip");
        try (OutputStream file = Files.newOutputStream(zip);
             ZipOutputStream out = new ZipOutputStream(file);
             Stream<Path> files = Files.list(folder)) {
            for (Path path : files.sorted().toList()) {
                out.putNextEntry(new ZipEntry(prefix + path.getFileName()));
                Files.copy(path, out);
                out.closeEntry();
            }
        }
        return zip;
    }
}
