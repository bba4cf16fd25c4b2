package dev.llmops.studio.registry;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/** Where registered model packages are kept, by an opaque reference: encrypted at rest. */
interface ModelFiles {

    String put(Path plainPackage) throws IOException;

    InputStream open(String storedRef) throws IOException;

    void delete(String storedRef) throws IOException;
}
