package dev.llmops.studio.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.llmops.studio.model.ServingTestModels;
import dev.llmops.studio.registry.ModelRegistryService;
import dev.llmops.studio.registry.ModelVersionInfo;
import dev.llmops.studio.support.H2Test;
import dev.llmops.studio.support.Users;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * What a Human review step samples from live traffic: answered requests from the endpoint's request log, with the
 * model version that answered, in random order.
 */
@H2Test
class TrafficSampleTest {

    @LocalServerPort
    int port;
    @Autowired
    ModelRegistryService registry;
    @Autowired
    EndpointService endpoints;
    @Autowired
    RequestLog requestLog;
    @Autowired
    Users users;

    @Test
    void answeredRequestsAreSampledFromTheRequestLog() {
        ServingFixture fixture = new ServingFixture(registry, endpoints, users);
        String endpoint = ServingFixture.endpointName("sampled");
        ModelVersionInfo version = fixture.registerTrained(Users.uniqueName("sampled-model"));
        fixture.deploy(endpoint, version, 0, null);
        ServingFixture.Client client = new ServingFixture.Client(port, fixture.key(endpoint, null, null), endpoint);
        fixture.awaitServing(endpoint, version);
        for (ServingTestModels.Exchange exchange : List.of(ServingTestModels.GREETING, ServingTestModels.CAPITAL,
                ServingTestModels.THANKS)) {
            client.chat(exchange.user(), 64, 0.0);
        }
        requestLog.flush();

        List<ServedExchange> sample = endpoints.sampleExchanges(endpoint, 2, new Random(7));
        assertThat(sample).hasSize(2).doesNotHaveDuplicates().allSatisfy(exchange -> {
            assertThat(exchange.model()).isEqualTo(version.label());
            assertThat(exchange.prompt()).startsWith("user: ");
        });
        assertThat(endpoints.sampleExchanges(endpoint, 10, new Random(7))).extracting(ServedExchange::prompt,
                ServedExchange::response).containsExactlyInAnyOrder(
                        tuple("user: " + ServingTestModels.GREETING.user(),
                                ServingTestModels.GREETING.assistant()),
                        tuple("user: " + ServingTestModels.CAPITAL.user(),
                                ServingTestModels.CAPITAL.assistant()),
                        tuple("user: " + ServingTestModels.THANKS.user(),
                                ServingTestModels.THANKS.assistant()));
    }
}
