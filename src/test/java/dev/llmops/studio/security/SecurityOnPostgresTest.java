package dev.llmops.studio.security;

import dev.llmops.studio.support.PostgresTest;

@PostgresTest
class SecurityOnPostgresTest extends SecurityContractTests {
}
