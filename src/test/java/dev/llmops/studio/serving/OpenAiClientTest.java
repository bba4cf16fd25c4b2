package dev.llmops.studio.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.errors.RateLimitException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import com.openai.models.models.Model;
import dev.llmops.studio.model.ServingTestModels;
import dev.llmops.studio.registry.ModelRegistryService;
import dev.llmops.studio.registry.ModelVersionInfo;
import dev.llmops.studio.security.Role;
import dev.llmops.studio.support.H2Test;
import dev.llmops.studio.support.Http;
import dev.llmops.studio.support.Users;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * A deployed model answers OpenAI's own Java client: model list, chat, completion, streaming, and errors the
 * client maps to its exception types, over real HTTP against the running server.
 */
@H2Test
class OpenAiClientTest {

    @LocalServerPort
    int port;
    @Autowired
    ModelRegistryService registry;
    @Autowired
    EndpointService endpoints;
    @Autowired
    Users users;
    @Autowired
    RequestLog requestLog;
    @Autowired
    EndpointRepository repository;

    @Test
    void officialOpenAiClientTalksToADeployedModel() {
        ServingFixture fixture = new ServingFixture(registry, endpoints, users);
        String endpoint = Users.uniqueName("assistant").toLowerCase().replaceAll("[^a-z0-9-]", "-");
        ModelVersionInfo version = fixture.registerTrained(Users.uniqueName("chat-model"));
        fixture.deploy(endpoint, version, 0, null);
        String key = fixture.key(endpoint, null, null);
        fixture.awaitServing(endpoint, version);
        OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl("http://localhost:" + port + "/v1").apiKey(key)
                .maxRetries(0).build();

        assertThat(client.models().list().data()).extracting(Model::id).containsExactly(endpoint);

        ChatCompletion chat = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model(endpoint).addUserMessage(ServingTestModels.GREETING.user()).temperature(0.0)
                .maxCompletionTokens(64).build());
        String answer = ServingTestModels.GREETING.assistant();
        assertThat(chat.choices().get(0).message().content()).contains(answer);
        assertThat(chat.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        assertThat(chat.usage().orElseThrow().completionTokens())
                .isGreaterThanOrEqualTo(answer.getBytes(StandardCharsets.UTF_8).length);
        assertThat(chat.usage().orElseThrow().promptTokens()).isPositive();

        Completion completion = client.completions().create(CompletionCreateParams.builder().model(endpoint)
                .prompt(ServingTestModels.STORY_START).maxTokens(80).temperature(0.0).build());
        assertThat(completion.choices().get(0).text()).startsWith(ServingTestModels.STORY_REST.substring(0, 20));

        List<String> pieces = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(
                ChatCompletionCreateParams.builder().model(endpoint)
                        .addUserMessage(ServingTestModels.CAPITAL.user()).temperature(0.0).build())) {
            stream.stream().forEach(chunk -> chunk.choices().forEach(choice ->
                    choice.delta().content().ifPresent(pieces::add)));
        }
        // how many chunks depends on load: a replica joins tokens its sender has not delivered yet into one chunk
        assertThat(pieces.stream().filter(p -> !p.isEmpty()).count()).as("streamed pieces").isPositive();
        assertThat(String.join("", pieces)).isEqualTo(ServingTestModels.CAPITAL.assistant());

        assertThatThrownBy(() -> client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("no-such-endpoint").addUserMessage("Hello").build()))
                .isInstanceOf(NotFoundException.class).hasMessageContaining("does not exist");
        assertThatThrownBy(() -> client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model(endpoint).addUserMessage("Hello").maxCompletionTokens(100_000).build()))
                .isInstanceOf(BadRequestException.class).hasMessageContaining("max_tokens");
        OpenAIClient stranger = OpenAIOkHttpClient.builder().baseUrl("http://localhost:" + port + "/v1")
                .apiKey("lsk-not-a-key").maxRetries(0).build();
        assertThatThrownBy(() -> stranger.models().list()).isInstanceOf(UnauthorizedException.class);

        // what monitoring gets: Prometheus meters per endpoint and version, and a request log without personal data
        client.chat().completions().create(ChatCompletionCreateParams.builder().model(endpoint)
                .addUserMessage("Hello, write to jane.doe@example.com").maxCompletionTokens(8).build());
        String metrics = new Http(port).get("/actuator/prometheus", users.tokenFor(fixture.engineer,
                Role.ML_ENGINEER)).body();
        assertThat(metrics).contains("studio_serving_requests_total{endpoint=\"" + endpoint + "\",outcome=\"ok\","
                + "version=\"" + version.label() + "\"")
                .contains("studio_serving_time_to_first_token_seconds_bucket{endpoint=\"" + endpoint + "\"")
                .contains("studio_serving_in_flight{endpoint=\"" + endpoint + "\"");
        requestLog.flush();
        List<LoggedRequest> logged = repository.recentRequests(fixture.get(endpoint).id(), 100);
        assertThat(logged).as("answered requests (refusals at the gateway never reach a model)").hasSize(4)
                .extracting(LoggedRequest::status).containsOnly(200);
        assertThat(logged).filteredOn(r -> r.prompt() != null && r.prompt().contains("write to"))
                .singleElement().satisfies(r -> assertThat(r.prompt()).doesNotContain("jane.doe@example.com"));
    }

    @Test
    void aKeyOverItsRequestLimitIsToldWhenToComeBack() {
        ServingFixture fixture = new ServingFixture(registry, endpoints, users);
        String endpoint = Users.uniqueName("limited").toLowerCase().replaceAll("[^a-z0-9-]", "-");
        ModelVersionInfo version = fixture.registerTrained(Users.uniqueName("limited-model"));
        fixture.deploy(endpoint, version, 0, null);
        String key = fixture.key(endpoint, 3, null);
        fixture.awaitServing(endpoint, version);
        OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl("http://localhost:" + port + "/v1").apiKey(key)
                .maxRetries(0).build();
        ChatCompletionCreateParams hello = ChatCompletionCreateParams.builder().model(endpoint)
                .addUserMessage("Hello").maxCompletionTokens(4).build();
        for (int i = 0; i < 3; i++) {
            client.chat().completions().create(hello);
        }
        assertThatThrownBy(() -> client.chat().completions().create(hello))
                .isInstanceOfSatisfying(RateLimitException.class, e -> {
                    assertThat(e.getMessage()).contains("3 requests per minute");
                    assertThat(e.headers().values("Retry-After")).singleElement()
                            .satisfies(seconds -> assertThat(Integer.parseInt(seconds)).isBetween(1, 60));
                });

        // tokens per minute: the first answer spends the budget (prompt and answer count), the next must wait
        OpenAIClient frugal = OpenAIOkHttpClient.builder().baseUrl("http://localhost:" + port + "/v1")
                .apiKey(fixture.key(endpoint, null, 20)).maxRetries(0).build();
        ChatCompletionCreateParams longer = ChatCompletionCreateParams.builder().model(endpoint)
                .addUserMessage("Hello").maxCompletionTokens(16).build();
        frugal.chat().completions().create(longer);
        assertThatThrownBy(() -> frugal.chat().completions().create(longer))
                .isInstanceOfSatisfying(RateLimitException.class,
                        e -> assertThat(e.getMessage()).contains("20 tokens per minute"));
    }
}
