package dev.llmops.studio.vault;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The server's master keys (generated on first start when none is configured) and the encryption they drive. */
@Configuration(proxyBeanMethods = false)
class VaultConfiguration {

    @Bean
    MasterKeyRing masterKeyRing(@Value("${studio.security.master-key:}") String masterKey,
            @Value("${studio.security.master-key-file:./data/master.key}") Path masterKeyFile,
            @Value("${studio.security.previous-master-key-files:}") String previousKeyFiles,
            @Value("${studio.security.previous-master-keys:}") String previousKeys) {
        return settings(masterKey, masterKeyFile, previousKeyFiles, previousKeys).load(true);
    }

    @Bean
    EncryptedFiles encryptedFiles(MasterKeyRing masterKeyRing) {
        return new EncryptedFiles(masterKeyRing);
    }

    /** Lists are comma-separated, as everywhere in the configuration; blanks are ignored. */
    static MasterKeySettings settings(String masterKey, Path masterKeyFile, String previousKeyFiles,
                                      String previousKeys) {
        return new MasterKeySettings(masterKey, masterKeyFile,
                split(previousKeyFiles).stream().map(Path::of).toList(), split(previousKeys));
    }

    private static List<String> split(String list) {
        return list == null ? List.of()
                : Arrays.stream(list.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }
}
