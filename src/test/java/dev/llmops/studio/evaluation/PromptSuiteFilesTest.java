package dev.llmops.studio.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmops.studio.model.ChatTurn;
import dev.llmops.studio.platform.InvalidRequestException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading suites from CSV and JSONL, and pointing at the line (and column) of the first problem. */
class PromptSuiteFilesTest {

    @TempDir
    Path dir;

    @Test
    void aCsvSuiteHasOneCasePerRowWithItsColumns() throws IOException {
        List<PromptCase> cases = read("suite.csv", """
                prompt,expected,assertion,threshold,label,group
                Hello,help,icontains,,,greeting
                "What is the capital of France?","Paris",CONTAINS,,,"geo, europe"
                Is this good?,positive,classification,,,
                Summarise it,The capital of France is Paris.,rouge-l,0.6,,
                Just say something,,,,,
                """);
        assertThat(cases).containsExactly(
                new PromptCase("Hello", null, "help", AssertionType.ICONTAINS, null, null, "greeting"),
                new PromptCase("What is the capital of France?", null, "Paris", AssertionType.CONTAINS, null, null,
                        "geo, europe"),
                new PromptCase("Is this good?", null, "positive", AssertionType.CLASSIFICATION, null, "positive",
                        null),
                new PromptCase("Summarise it", null, "The capital of France is Paris.", AssertionType.ROUGE_L, 0.6,
                        null, null),
                new PromptCase("Just say something", null, null, AssertionType.NONE, null, null, null));
    }

    @Test
    void semicolonsWorkAndColumnsMayBeMissing() throws IOException {
        assertThat(read("suite.csv", "Prompt;Expected\nHello;help\n")).containsExactly(
                new PromptCase("Hello", null, "help", AssertionType.ICONTAINS, null, null, null));
    }

    @Test
    void aJsonlSuiteTakesPromptsOrChatsAndSchemasAsObjects() throws IOException {
        List<PromptCase> cases = read("suite.jsonl", """
                {"prompt": "Hello", "expected": "help", "assertion": "icontains", "group": "greeting"}

                {"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Who are you?"}], "assertion": "llm_judge", "expected": "Says it is a model", "threshold": 3}
                {"prompt": "Give JSON", "assertion": "json_schema", "expected": {"type": "object"}}
                """);
        assertThat(cases).hasSize(3);
        assertThat(cases.get(1).messages()).containsExactly(new ChatTurn("system", "Be brief."),
                new ChatTurn("user", "Who are you?"));
        assertThat(cases.get(1).shownPrompt()).isEqualTo("Who are you?");
        assertThat(cases.get(1).threshold()).isEqualTo(3.0);
        assertThat(cases.get(2).expected()).isEqualTo("{\"type\":\"object\"}");
    }

    @Test
    void csvProblemsNameTheLineAndColumn() {
        rejected("bad.csv", "prompt,expected,assertion,threshold\nHello,help,contains,\nHi,x,fuzzy,\n",
                "bad.csv:3:3: unknown assertion “fuzzy”");
        rejected("bad.csv", "prompt,expected,assertion,threshold\nHello,hi,token_f1,high\n",
                "bad.csv:2:4: threshold “high” is not a number");
        rejected("bad.csv", "prompt,expected,assertion\nHello,,regex\n", "bad.csv:2:2: REGEX needs an expected value");
        rejected("bad.csv", "prompt,expected,assertion\n\"Hello\",\"(unclosed\",regex\n",
                "bad.csv:2:2: the expected value is not a valid regular expression");
        rejected("bad.csv", "prompt,answer\nHello,hi\n", "bad.csv:1:2: unknown column “answer”");
        rejected("bad.csv", "expected\nhi\n", "bad.csv:1: the header has no “prompt” column");
        rejected("bad.csv", "prompt,expected\nHello,hi,extra\n", "bad.csv:2:3: row has 3 fields, header has 2");
        rejected("bad.csv", "prompt,expected\n,hi\n", "bad.csv:2:1: the prompt is empty");
    }

    @Test
    void jsonlProblemsNameTheLineAndCharacter() {
        rejected("bad.jsonl", "{\"prompt\": \"Hello\"}\n{\"prompt\": \"Hi\", \"expected\": }\n",
                "bad.jsonl:2:30: invalid JSON");
        rejected("bad.jsonl", "{\"prompt\": \"Hello\", \"answer\": \"hi\"}\n", "bad.jsonl:1: unknown key “answer”");
        rejected("bad.jsonl", "{\"messages\": [{\"role\": \"robot\", \"content\": \"hi\"}]}\n",
                "bad.jsonl:1: messages: message 1: role must be system, user or assistant");
        rejected("bad.jsonl", "[1, 2]\n", "bad.jsonl:1: expected a JSON object");
        rejected("bad.jsonl", "{\"prompt\": \"Rate it\", \"assertion\": \"llm-judge\", \"threshold\": 7}\n",
                "bad.jsonl:1: threshold: the threshold of LLM_JUDGE is between 1 and 5");
    }

    @Test
    void emptyAndNonUtf8FilesAreRefused() throws IOException {
        rejected("empty.csv", "prompt,expected\n", "empty.csv has no cases");
        Path latin1 = dir.resolve("latin1.csv");
        Files.write(latin1, "prompt\ncaf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> PromptSuiteFiles.read(latin1, "latin1.csv"))
                .isInstanceOf(InvalidRequestException.class).hasMessage("latin1.csv is not UTF-8 text; save it as UTF-8");
    }

    private List<PromptCase> read(String name, String content) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, content);
        return PromptSuiteFiles.read(file, name);
    }

    private void rejected(String name, String content, String message) {
        assertThatThrownBy(() -> read(name, content)).isInstanceOf(InvalidRequestException.class)
                .hasMessageStartingWith(message);
    }
}
