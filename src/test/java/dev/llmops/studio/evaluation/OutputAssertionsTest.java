package dev.llmops.studio.evaluation;

import static dev.llmops.studio.evaluation.AssertionType.CLASSIFICATION;
import static dev.llmops.studio.evaluation.AssertionType.CONTAINS;
import static dev.llmops.studio.evaluation.AssertionType.CONTAINS_ALL;
import static dev.llmops.studio.evaluation.AssertionType.CONTAINS_ANY;
import static dev.llmops.studio.evaluation.AssertionType.EQUALS;
import static dev.llmops.studio.evaluation.AssertionType.ICONTAINS;
import static dev.llmops.studio.evaluation.AssertionType.ICONTAINS_ALL;
import static dev.llmops.studio.evaluation.AssertionType.ICONTAINS_ANY;
import static dev.llmops.studio.evaluation.AssertionType.IS_JSON;
import static dev.llmops.studio.evaluation.AssertionType.JSON_SCHEMA;
import static dev.llmops.studio.evaluation.AssertionType.LENGTH;
import static dev.llmops.studio.evaluation.AssertionType.LLM_JUDGE;
import static dev.llmops.studio.evaluation.AssertionType.NONE;
import static dev.llmops.studio.evaluation.AssertionType.REGEX;
import static dev.llmops.studio.evaluation.AssertionType.ROUGE_L;
import static dev.llmops.studio.evaluation.AssertionType.STARTS_WITH;
import static dev.llmops.studio.evaluation.AssertionType.TOKEN_F1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every assertion type, passing and failing. */
class OutputAssertionsTest {

    private static final List<String> LABELS = List.of("positive", "negative", "neutral");

    @Test
    void textChecks() {
        passes(EQUALS, " The capital is Paris. ", "The capital is Paris.");
        fails(EQUALS, "The capital is paris.", "The capital is Paris.", "differs");
        passes(CONTAINS, "The capital is Paris.", "Paris");
        fails(CONTAINS, "The capital is paris.", "Paris", "missing [Paris]");
        passes(ICONTAINS, "The capital is PARIS.", "paris");
        fails(ICONTAINS, "The capital is Lyon.", "paris", "missing");
        passes(STARTS_WITH, "Paris is the capital.", "Paris");
        fails(STARTS_WITH, "The capital is Paris.", "Paris", "does not start with");
    }

    @Test
    void listChecksTakeJsonArraysOrBars() {
        passes(CONTAINS_ANY, "It costs 2,50 €.", "EUR | €");
        fails(CONTAINS_ANY, "It costs 2.50 dollars.", "[\"EUR\", \"€\"]", "contains none of [EUR, €]");
        passes(CONTAINS_ALL, "Paris, France", "[\"Paris\", \"France\"]");
        fails(CONTAINS_ALL, "Paris, Texas", "Paris|France", "missing [France]");
        passes(ICONTAINS_ANY, "Thanks, GOODBYE", "goodbye|bye");
        fails(ICONTAINS_ANY, "Thanks", "goodbye|bye", "contains none");
        passes(ICONTAINS_ALL, "HELLO world", "hello|World");
        fails(ICONTAINS_ALL, "HELLO", "hello|World", "missing [World]");
    }

    @Test
    void patternLengthAndJson() {
        passes(REGEX, "Order #12345 confirmed", "#\\d{5}\\b");
        fails(REGEX, "Order confirmed", "#\\d{5}", "does not match");
        fails(REGEX, "anything", "(unclosed", "not a valid regular expression");
        passes(LENGTH, "short answer", "5..20");
        passes(LENGTH, "café 😊", "..6");
        fails(LENGTH, "a much longer answer than allowed", "..10", "33 characters, outside ..10");
        fails(LENGTH, "x", "ten", "must be a range");
        passes(IS_JSON, "{\"city\": \"Paris\", \"population\": 2100000}", null);
        fails(IS_JSON, "{\"city\": Paris}", null, "not valid JSON");
        fails(IS_JSON, "  ", null, "not JSON");
    }

    @Test
    void jsonSchemaChecksTheOutputAgainstTheExpectedSchema() {
        String schema = """
                {"type": "object", "required": ["city", "population"],
                 "properties": {"city": {"type": "string"}, "population": {"type": "integer", "minimum": 0}}}""";
        passes(JSON_SCHEMA, "{\"city\": \"Paris\", \"population\": 2100000}", schema);
        fails(JSON_SCHEMA, "{\"city\": \"Paris\", \"population\": -3}", schema,
                "does not match the schema: /population: must have a minimum value of 0");
        fails(JSON_SCHEMA, "{\"city\": \"Paris\"}", schema, "required property 'population' not found");
        fails(JSON_SCHEMA, "{}", "{\"$ref\": \"https://example.com/schema.json\"}", "cannot be used");
        fails(JSON_SCHEMA, "The city is Paris.", schema, "not valid JSON");
        fails(JSON_SCHEMA, "{}", "{\"type\": ", "the expected JSON Schema is not valid JSON");
        fails(JSON_SCHEMA, "{}", "[1, 2]", "must be a JSON Schema");
        passes(JSON_SCHEMA, "[1, 2, 3]", "{\"$schema\": \"http://json-schema.org/draft-07/schema#\","
                + " \"type\": \"array\", \"items\": {\"type\": \"number\"}}");
    }

    @Test
    void noneRecordsTheOutputAndTheJudgeNeedsAPromptTest() {
        passes(NONE, "anything at all", null);
        fails(LLM_JUDGE, "Paris.", "Is it correct?", "an LLM judge grades this output");
    }

    @Test
    void assertionTypesAreFoundByLenientNames() {
        assertThat(AssertionType.named("json-schema")).contains(JSON_SCHEMA);
        assertThat(AssertionType.named(" IContains_Any ")).contains(ICONTAINS_ANY);
        assertThat(AssertionType.named("llm judge")).contains(LLM_JUDGE);
        assertThat(AssertionType.named("fuzzy")).isEmpty();
    }

    @Test
    void classificationMapsTheOutputToALabel() {
        AssertionResult right = OutputAssertions.check(CLASSIFICATION, "Sentiment: Positive, clearly.", "positive",
                LABELS, null);
        assertThat(right.pass()).isTrue();
        assertThat(right.predictedLabel()).isEqualTo("positive");
        AssertionResult wrong = OutputAssertions.check(CLASSIFICATION, "negative, not positive", "positive", LABELS,
                null);
        assertThat(wrong.pass()).isFalse();
        assertThat(wrong.predictedLabel()).as("the label named first").isEqualTo("negative");
        assertThat(wrong.reason()).contains("answered “negative”, expected “positive”");
        AssertionResult none = OutputAssertions.check(CLASSIFICATION, "It is positively great", "positive", LABELS,
                null);
        assertThat(none.pass()).as("whole words only").isFalse();
        assertThat(none.predictedLabel()).isNull();
    }

    @Test
    void overlapChecksCompareTheirScoreWithTheThreshold() {
        AssertionResult rouge = OutputAssertions.check(ROUGE_L, "The cat on the mat.", "the cat sat on the mat",
                null, 0.9);
        assertThat(rouge.pass()).isTrue();
        assertThat(rouge.score()).isCloseTo(10.0 / 11, within(1e-12));
        AssertionResult f1 = OutputAssertions.check(TOKEN_F1, "the cat sat", "the cat the", null, null);
        assertThat(f1.pass()).as("2/3 ≥ default 0.5").isTrue();
        assertThat(OutputAssertions.check(TOKEN_F1, "the cat sat", "the cat the", null, 0.7).reason())
                .isEqualTo("token F1 0.667 < threshold 0.70");
    }

    @Test
    void everyTypeIsCovered() {
        Set<AssertionType> tested = EnumSet.of(NONE, EQUALS, CONTAINS, ICONTAINS, CONTAINS_ANY, CONTAINS_ALL,
                ICONTAINS_ANY, ICONTAINS_ALL, REGEX, STARTS_WITH, LENGTH, IS_JSON, JSON_SCHEMA, CLASSIFICATION, TOKEN_F1,
                ROUGE_L, LLM_JUDGE);
        assertThat(tested).containsExactlyInAnyOrder(AssertionType.values());
    }

    private static void passes(AssertionType type, String output, String expected) {
        AssertionResult result = OutputAssertions.check(type, output, expected, null, null);
        assertThat(result.pass()).as("%s %s on “%s”: %s", type, expected, output, result.reason()).isTrue();
        assertThat(result.score()).isEqualTo(1);
    }

    private static void fails(AssertionType type, String output, String expected, String reason) {
        AssertionResult result = OutputAssertions.check(type, output, expected, null, null);
        assertThat(result.pass()).as("%s %s on “%s”", type, expected, output).isFalse();
        assertThat(result.reason()).contains(reason);
        assertThat(result.score()).isZero();
    }
}
