package dev.llmops.studio.pipeline;

import dev.llmops.studio.support.PostgresTest;

@PostgresTest
class PipelinesOnPostgresTest extends PipelineServiceContractTests {
}
