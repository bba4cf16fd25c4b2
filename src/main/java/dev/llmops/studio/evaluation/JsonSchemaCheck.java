package dev.llmops.studio.evaluation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.util.List;
import java.util.stream.Collectors;

/**
 * {@link AssertionType#JSON_SCHEMA}: the output must be JSON that the case's JSON Schema accepts. The schema is
 * read as draft 2020-12 unless it names another draft with {@code $schema}. References to other documents are
 * never fetched (only the validator's bundled meta-schemas are read), so a schema in a suite cannot make the server
 * call out; such a reference fails the case.
 */
final class JsonSchemaCheck {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
            registry -> registry.schemaLoader(loader -> loader.fetchRemoteResources(false)));
    /** Violations named in the reason; the rest are counted. */
    private static final int ERRORS_SHOWN = 3;

    private JsonSchemaCheck() {
    }

    static AssertionResult check(String output, String schemaText) {
        Schema schema;
        try {
            JsonNode schemaNode = JSON.readTree(schemaText.strip());
            if (schemaNode == null || !(schemaNode.isObject() || schemaNode.isBoolean())) {
                return AssertionResult.of(false, "the expected value must be a JSON Schema: a JSON object such as"
                        + " {\"type\": \"object\", \"required\": [\"answer\"]}");
            }
            schema = SCHEMAS.getSchema(schemaNode);
        } catch (JsonProcessingException e) {
            return AssertionResult.of(false, "the expected JSON Schema is not valid JSON: " + e.getOriginalMessage());
        } catch (RuntimeException e) {
            return AssertionResult.of(false, "the expected JSON Schema cannot be used: " + e.getMessage());
        }
        JsonNode value;
        try {
            value = JSON.readTree(output.strip());
        } catch (JsonProcessingException e) {
            return AssertionResult.of(false, "not valid JSON: " + e.getOriginalMessage());
        }
        if (value == null || value.isMissingNode()) {
            return AssertionResult.of(false, "empty output is not JSON");
        }
        List<Error> errors;
        try {
            errors = schema.validate(value);
        } catch (RuntimeException e) {
            // e.g. a $ref to another document, which is never fetched
            return AssertionResult.of(false, "the expected JSON Schema cannot be used: " + e.getMessage());
        }
        if (errors.isEmpty()) {
            return AssertionResult.of(true, "valid JSON matching the schema");
        }
        String shown = errors.stream().limit(ERRORS_SHOWN).map(JsonSchemaCheck::describe)
                .collect(Collectors.joining("; "));
        return AssertionResult.of(false, "does not match the schema: " + shown
                + (errors.size() > ERRORS_SHOWN ? " (and " + (errors.size() - ERRORS_SHOWN) + " more)" : ""));
    }

    /** "/population: must have a minimum value of 0", or just the message when it is about the whole output. */
    private static String describe(Error error) {
        String location = String.valueOf(error.getInstanceLocation());
        return location.isEmpty() ? error.getMessage() : location + ": " + error.getMessage();
    }
}
