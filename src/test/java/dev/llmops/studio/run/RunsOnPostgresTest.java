package dev.llmops.studio.run;

import dev.llmops.studio.support.PostgresTest;

@PostgresTest
class RunsOnPostgresTest extends RunEngineContractTests {
}
