package dev.llmops.studio.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmops.studio.model.ChatTurn;
import dev.llmops.studio.model.ServingTestModels;
import dev.llmops.studio.registry.ModelVersionInfo;
import dev.llmops.studio.support.PostgresTest;
import dev.llmops.studio.support.Users;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;

/** Suites, test runs, results and comparisons stored and read back on PostgreSQL as on H2. */
@PostgresTest
class PromptTestsOnPostgresTest {

    @Autowired
    ApplicationContext context;
    @Autowired
    PromptSuiteService suites;
    @Autowired
    PromptTestService tests;
    @TempDir
    Path dir;

    @Test
    void aSuiteIsSavedImportedRunAgainstAModelVersionAndCompared() throws Exception {
        PromptTestFixture fixture = new PromptTestFixture(context);
        ModelVersionInfo trained = fixture.register(Users.uniqueName("pg-model"),
                ServingTestModels.trainedTinyPackage());
        String suite = Users.uniqueName("pg-suite");
        fixture.as(() -> suites.create(suite, new SuiteContent("on PostgreSQL", null, null, List.of(
                new PromptCase(null, List.of(new ChatTurn("user", "Who are you?")), "tiny model",
                        AssertionType.ICONTAINS, null, null, "identity")))));
        Path file = dir.resolve("cases.jsonl");
        Files.writeString(file, """
                {"prompt": "Hello", "expected": "Hello! How can I help you today?", "assertion": "equals"}
                {"prompt": "What is the capital of France?", "expected": "Paris", "assertion": "classification"}
                {"messages": [{"role": "user", "content": "Thank you!"}], "expected": "welcome", "assertion": "icontains"}
                """);
        PromptSuite imported = fixture.as(() -> suites.importFile(suite, file, "cases.jsonl"));
        assertThat(imported.description()).as("an import keeps the settings").isEqualTo("on PostgreSQL");
        assertThat(imported.cases()).hasSize(3);
        assertThat(imported.cases().get(2).messages()).containsExactly(new ChatTurn("user", "Thank you!"));

        List<PromptCase> withJudge = new ArrayList<>(imported.cases());
        withJudge.add(new PromptCase("Hello", null, null, AssertionType.LLM_JUDGE, null, null, null));
        fixture.as(() -> suites.save(suite, new SuiteContent("on PostgreSQL", "gone-judge", "Be polite", withJudge)));

        RunOptions quick = new RunOptions(64, 0);
        TestReport first = fixture.as(() -> tests.run(suite, TestTarget.model(trained.modelName(), 1), quick,
                TestProgress.NONE));
        TestReport second = fixture.as(() -> tests.run(suite, TestTarget.model(trained.modelName(), 1), quick,
                TestProgress.NONE));
        assertThat(first.metrics().passed()).isEqualTo(3);
        assertThat(first.results().get(3).reason()).as("a judge that is not deployed grades nothing")
                .startsWith("the judge could not grade: the endpoint gone-judge is not deployed");
        assertThat(first.metrics().named()).containsEntry("accuracy", 1.0);

        TestReport stored = fixture.as(() -> tests.report(first.run().id()));
        assertThat(stored.results()).isEqualTo(first.results());
        assertThat(stored.run().metrics()).isEqualTo(first.metrics().named());
        RunComparison comparison = fixture.as(() -> tests.compare(first.run().id(), second.run().id()));
        assertThat(comparison.ties()).isEqualTo(4);
        assertThat(fixture.as(() -> suites.list())).filteredOn(s -> s.name().equals(suite)).singleElement()
                .satisfies(s -> assertThat(s.latestRun().id()).isEqualTo(second.run().id()));

        fixture.as(() -> {
            suites.delete(suite);
            return null;
        });
        assertThat(fixture.as(() -> tests.history(suite))).as("runs outlive their suite").hasSize(2);
    }
}
