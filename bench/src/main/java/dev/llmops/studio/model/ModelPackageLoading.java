package dev.llmops.studio.model;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * For bench/encryption.sh: the engine's own model-package load path (unzip, then build the DJL model from the
 * safetensors), reachable from the bench package. It lives here because ModelPackage and LlamaBlock are
 * package-private, and unzips from a stream because the package may come out of the vault decrypting.
 */
public final class ModelPackageLoading {

    private ModelPackageLoading() {
    }

    /** Writes a package of the {@code small} preset with freshly initialised weights; returns its size. */
    public static long writeSmallPackage(Path zip) throws IOException {
        prepareEngine();
        try (NDManager manager = NDManager.newBaseManager()) {
            LlamaBlock block = LlamaBlock.create(LlamaShape.small(), manager);
            ModelPackage.write(block, ModelPackage.newMetadata(), zip);
            return block.parameterCount();
        }
    }

    /**
     * What a step does to use a stored model: unzips the package from {@code zip} into {@code folder} and loads
     * it into a DJL model (then discarded); returns the number of parameters loaded.
     */
    public static long unzipAndLoad(InputStream zip, Path folder) throws IOException {
        prepareEngine();
        ModelPackage.deleteRecursively(folder);
        Files.createDirectories(folder);
        try (ZipInputStream in = new ZipInputStream(zip)) {
            ZipEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                Files.copy(in, folder.resolve(entry.getName()));
            }
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            return ModelPackage.load(folder, null, manager).parameterCount();
        } finally {
            ModelPackage.deleteRecursively(folder);
        }
    }

    /** Loads the PyTorch engine (one intra-op thread), so that a timed load does not include it. */
    public static void prepareEngine() {
        ModelEngine.applyDefaults();
        if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads", "1");
        }
        ModelEngine.prepareThread(1);
    }
}
