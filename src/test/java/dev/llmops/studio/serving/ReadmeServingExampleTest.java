package dev.llmops.studio.serving;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmops.studio.model.ServingTestModels;
import dev.llmops.studio.registry.ModelRegistryService;
import dev.llmops.studio.security.Role;
import dev.llmops.studio.support.H2Test;
import dev.llmops.studio.support.Users;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The README's serving example, run as written: its shell block is read from README.md and each command runs
 * in bash with curl against this server (only the port differs from localhost:8080, and the key placeholder is
 * filled from the previous answer, as a reader would paste it).
 */
@H2Test
class ReadmeServingExampleTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @LocalServerPort
    int port;
    @Autowired
    ModelRegistryService registry;
    @Autowired
    EndpointService endpoints;
    @Autowired
    Users users;

    @Test
    void theReadmesCurlCommandsDeployAndCallAnEndpoint() throws Exception {
        ServingFixture fixture = new ServingFixture(registry, endpoints, users);
        fixture.register("support-model", ServingTestModels.trainedTinyPackage());
        String token = users.tokenFor(fixture.engineer, Role.ML_ENGINEER);
        List<String> commands = commands(readmeBlock("## Serving (endpoints)"));
        assertThat(commands).hasSize(5);

        String deployed = bash(commands.get(0), Map.of("TOKEN", token));
        assertThat(JSON.readTree(deployed).path("name").asText()).isEqualTo("support-assistant");
        JsonNode key = JSON.readTree(bash(commands.get(1), Map.of("TOKEN", token)));
        String secret = key.path("secret").asText();
        assertThat(secret).startsWith("lsk-");
        assertThat(commands.get(2)).isEqualTo("export LLMOPS_API_KEY=lsk-…");

        Map<String, String> withKey = Map.of("LLMOPS_API_KEY", secret);
        JsonNode chat = JSON.readTree(bash(commands.get(3), withKey));
        assertThat(chat.at("/choices/0/message/content").asText())
                .isEqualTo(ServingTestModels.GREETING.assistant());
        assertThat(chat.at("/usage/completion_tokens").asInt()).isPositive();
        String stream = bash(commands.get(4), withKey);
        assertThat(stream).contains("\"object\":\"chat.completion.chunk\"").endsWith("data: [DONE]\n\n");
        StringBuilder streamed = new StringBuilder();
        for (String line : stream.split("\n")) {
            if (line.startsWith("data: {")) {
                streamed.append(JSON.readTree(line.substring(6)).at("/choices/0/delta/content").asText(""));
            }
        }
        // sampled at the default temperature 1: an answer, not necessarily the likeliest one
        assertThat(streamed.toString()).isNotBlank();
    }

    /** The first bash block after the heading. */
    private static String readmeBlock(String heading) throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        int section = readme.indexOf("\n" + heading + "\n");
        assertThat(section).as("README section " + heading).isPositive();
        int start = readme.indexOf("```bash\n", section) + "```bash\n".length();
        return readme.substring(start, readme.indexOf("```", start));
    }

    /** Commands of a block: comments dropped, continuation lines joined. */
    private static List<String> commands(String block) {
        List<String> commands = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : block.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String trimmed = line.strip();
            if (trimmed.endsWith("\\")) {
                current.append(trimmed, 0, trimmed.length() - 1).append(' ');
                continue;
            }
            commands.add(current.append(trimmed).toString());
            current.setLength(0);
        }
        return commands;
    }

    private String bash(String command, Map<String, String> environment) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("bash", "-c",
                "set -o pipefail; " + command.replace("http://localhost:8080", "http://localhost:" + port)
                        + " --silent --show-error --fail-with-body --max-time 120");
        builder.environment().putAll(environment);
        builder.redirectErrorStream(true);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(3, TimeUnit.MINUTES)).isTrue();
        assertThat(process.exitValue()).as("%s%n→ %s", command, output).isZero();
        return output;
    }
}
