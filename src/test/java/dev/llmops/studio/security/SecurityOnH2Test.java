package dev.llmops.studio.security;

import dev.llmops.studio.support.H2Test;

@H2Test
class SecurityOnH2Test extends SecurityContractTests {
}
