package dev.llmops.studio.run;

import dev.llmops.studio.support.H2Test;

@H2Test
class RunsOnH2Test extends RunEngineContractTests {
}
