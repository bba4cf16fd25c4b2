package dev.llmops.studio.pipeline;

import dev.llmops.studio.support.H2Test;

@H2Test
class PipelinesOnH2Test extends PipelineServiceContractTests {
}
