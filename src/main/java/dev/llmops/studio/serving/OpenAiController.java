package dev.llmops.studio.serving;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmops.studio.model.ChatTurn;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.async.DeferredResult;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter;

/**
 * The OpenAI-compatible API: {@code GET /v1/models}, {@code POST /v1/completions}, {@code POST /v1/chat/completions}
 * (with {@code stream: true} as server-sent events in OpenAI's chunk format). Authenticated by an endpoint's API
 * key; the {@code model} field names the endpoint. Errors come as OpenAI's error JSON with its status codes, so
 * existing clients (OpenAI SDKs, LangChain4j, curl scripts) work unchanged. No thread waits for a generation: a
 * plain answer completes a {@link DeferredResult}, a stream writes each piece as it arrives.
 */
@RestController
@RequestMapping("/v1")
@Tag(name = "OpenAI-compatible API", description = "Endpoint API keys (Authorization: Bearer lsk-…)")
class OpenAiController {

    static final Duration ANSWER_TIMEOUT = Duration.ofMinutes(10);
    private static final int COMPLETION_DEFAULT_MAX_TOKENS = 16;
    private static final SecureRandom SEEDS = new SecureRandom();

    private final ApiKeys keys;
    private final RateLimits limits;
    private final ReplicaHub hub;
    private final ObjectMapper json;

    OpenAiController(ApiKeys keys, RateLimits limits, ReplicaHub hub, ObjectMapper json) {
        this.keys = keys;
        this.limits = limits;
        this.hub = hub;
        this.json = json;
    }

    @GetMapping("/models")
    ObjectNode models(HttpServletRequest request) {
        ApiKeys.Caller caller = caller(request);
        ObjectNode list = json.createObjectNode().put("object", "list");
        ArrayNode data = list.putArray("data");
        if (!caller.stopped()) {
            data.addObject().put("id", caller.endpoint()).put("object", "model").put("created", 0)
                    .put("owned_by", "llmops-studio");
        }
        return list;
    }

    @PostMapping("/completions")
    Object completions(@RequestBody JsonNode body, HttpServletRequest request) {
        ApiKeys.Caller caller = caller(request);
        String prompt = prompt(body.get("prompt"));
        return generate(caller, body, prompt, null, false);
    }

    @PostMapping("/chat/completions")
    Object chatCompletions(@RequestBody JsonNode body, HttpServletRequest request) {
        ApiKeys.Caller caller = caller(request);
        return generate(caller, body, null, messages(body.get("messages")), true);
    }

    private Object generate(ApiKeys.Caller caller, JsonNode body, String prompt, List<ChatTurn> messages,
            boolean chat) {
        requireModel(caller, body);
        int n = body.path("n").asInt(1);
        if (n != 1) {
            throw ServingException.invalid("Only n = 1 is supported; send separate requests for more answers.");
        }
        int defaultMaxTokens = chat ? caller.maxTokens() : Math.min(COMPLETION_DEFAULT_MAX_TOKENS, caller.maxTokens());
        JsonNode maxTokensNode = body.hasNonNull("max_completion_tokens") ? body.get("max_completion_tokens")
                : body.get("max_tokens");
        int maxTokens = maxTokensNode == null || maxTokensNode.isNull() ? defaultMaxTokens : maxTokensNode.asInt(-1);
        if (maxTokens < 1 || maxTokens > caller.maxTokens()) {
            throw ServingException.invalid("max_tokens must be between 1 and " + caller.maxTokens()
                    + " on this endpoint; got " + (maxTokensNode == null ? "none" : maxTokensNode.toString()) + ".");
        }
        double temperature = number(body, "temperature", 1.0, 0.0, 2.0);
        double topP = number(body, "top_p", 1.0, 0.0, 1.0);
        if (topP == 0) {
            throw ServingException.invalid("top_p must be above 0 and at most 1.");
        }
        List<String> stop = stop(body.get("stop"));
        long seed = body.hasNonNull("seed") ? body.get("seed").asLong() : SEEDS.nextLong();
        boolean stream = body.path("stream").asBoolean(false);
        boolean includeUsage = body.path("stream_options").path("include_usage").asBoolean(false);
        limits.admit(caller);

        String id = (chat ? "chatcmpl-" : "cmpl-") + UUID.randomUUID().toString().replace("-", "");
        ReplicaRequest request = new ReplicaRequest(id, prompt, messages, temperature, topP, maxTokens, stop, seed);
        long created = Instant.now().getEpochSecond();
        return stream ? stream(caller, request, chat, created, includeUsage)
                : answer(caller, request, chat, created);
    }

    private DeferredResult<ResponseEntity<Object>> answer(ApiKeys.Caller caller, ReplicaRequest request,
            boolean chat, long created) {
        DeferredResult<ResponseEntity<Object>> result = new DeferredResult<>(ANSWER_TIMEOUT.toMillis());
        StringBuilder text = new StringBuilder();
        ReplicaHub.Generation generation = hub.submit(caller.endpoint(), request, false, caller.keyId(),
                new GenerationSink() {
                    @Override
                    public void text(String delta) {
                        synchronized (text) {
                            text.append(delta);
                        }
                    }

                    @Override
                    public void finished(String finishReason, int promptTokens, int completionTokens) {
                        limits.charge(caller, promptTokens + completionTokens);
                        ObjectNode answer = envelope(request.id(), chat ? "chat.completion" : "text_completion",
                                created, caller.endpoint());
                        ObjectNode choice = answer.putArray("choices").addObject().put("index", 0);
                        String content;
                        synchronized (text) {
                            content = text.toString();
                        }
                        if (chat) {
                            choice.putObject("message").put("role", "assistant").put("content", content);
                        } else {
                            choice.put("text", content).putNull("logprobs");
                        }
                        choice.put("finish_reason", finishReason);
                        answer.set("usage", usage(promptTokens, completionTokens));
                        result.setResult(ResponseEntity.ok(answer));
                    }

                    @Override
                    public void failed(int status, String type, String message) {
                        result.setResult(error(new ServingException(status, type, null, message)));
                    }
                });
        result.onTimeout(() -> {
            generation.cancel();
            result.setResult(error(new ServingException(504, "server_error", "timeout",
                    "No answer within " + ANSWER_TIMEOUT.toMinutes() + " minutes.")));
        });
        return result;
    }

    private ResponseEntity<ResponseBodyEmitter> stream(ApiKeys.Caller caller, ReplicaRequest request, boolean chat,
            long created, boolean includeUsage) {
        ResponseBodyEmitter emitter = new ResponseBodyEmitter(ANSWER_TIMEOUT.toMillis());
        String object = chat ? "chat.completion.chunk" : "text_completion";
        ReplicaHub.Generation[] generation = new ReplicaHub.Generation[1];
        GenerationSink sink = new GenerationSink() {
            private boolean started;

            @Override
            public synchronized void text(String delta) {
                begin();
                send(chunk(delta, null));
            }

            @Override
            public synchronized void finished(String finishReason, int promptTokens, int completionTokens) {
                limits.charge(caller, promptTokens + completionTokens);
                begin();
                send(chunk(chat ? null : "", finishReason));
                if (includeUsage) {
                    ObjectNode usage = envelope(request.id(), object, created, caller.endpoint());
                    usage.putArray("choices");
                    usage.set("usage", usage(promptTokens, completionTokens));
                    send(usage);
                }
                sendRaw("data: [DONE]\n\n");
                emitter.complete();
            }

            @Override
            public synchronized void failed(int status, String type, String message) {
                // the status line has gone out already: OpenAI's servers send the error as an event too
                send(errorBody(new ServingException(status, type, null, message)));
                emitter.complete();
            }

            /** The first chat chunk carries the role, as OpenAI's do. */
            private void begin() {
                if (chat && !started) {
                    started = true;
                    ObjectNode first = envelope(request.id(), object, created, caller.endpoint());
                    first.putArray("choices").addObject().put("index", 0)
                            .<ObjectNode>set("delta", json.createObjectNode().put("role", "assistant")
                                    .put("content", ""))
                            .putNull("logprobs").putNull("finish_reason");
                    send(first);
                }
            }

            private ObjectNode chunk(String delta, String finishReason) {
                ObjectNode chunk = envelope(request.id(), object, created, caller.endpoint());
                ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
                if (chat) {
                    ObjectNode deltaNode = choice.putObject("delta");
                    if (delta != null) {
                        deltaNode.put("content", delta);
                    }
                } else {
                    choice.put("text", delta);
                }
                choice.putNull("logprobs");
                if (finishReason == null) {
                    choice.putNull("finish_reason");
                } else {
                    choice.put("finish_reason", finishReason);
                }
                return chunk;
            }

            private void send(ObjectNode event) {
                try {
                    sendRaw("data: " + json.writeValueAsString(event) + "\n\n");
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }

            private void sendRaw(String text) {
                try {
                    emitter.send(text, MediaType.TEXT_PLAIN);
                } catch (IOException | IllegalStateException e) {
                    // the client went away: stop generating for it
                    if (generation[0] != null) {
                        generation[0].cancel();
                    }
                }
            }
        };
        emitter.onTimeout(() -> generation[0].cancel());
        emitter.onError(error -> generation[0].cancel());
        generation[0] = hub.submit(caller.endpoint(), request, true, caller.keyId(), sink);
        return ResponseEntity.ok().contentType(MediaType.TEXT_EVENT_STREAM)
                .header(HttpHeaders.CACHE_CONTROL, "no-cache").header("X-Accel-Buffering", "no").body(emitter);
    }

    // ---- request parsing ----

    private ApiKeys.Caller caller(HttpServletRequest request) {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new ServingException(401, "invalid_request_error", "invalid_api_key", "You didn't provide an API"
                    + " key. Send the endpoint's key as Authorization: Bearer lsk-…; create one on the endpoint's"
                    + " page.");
        }
        return keys.authenticate(header.substring(7).trim()).orElseThrow(() -> new ServingException(401,
                "invalid_request_error", "invalid_api_key", "Incorrect API key provided. Keys are created and"
                + " revoked on the endpoint's page."));
    }

    private static void requireModel(ApiKeys.Caller caller, JsonNode body) {
        String model = body.path("model").asText("");
        if (model.isEmpty()) {
            throw ServingException.invalid("Send `model`: the endpoint's name (" + caller.endpoint() + ").");
        }
        if (!model.equals(caller.endpoint()) || caller.stopped()) {
            throw new ServingException(404, "invalid_request_error", "model_not_found", "The model `" + model
                    + "` does not exist or you do not have access to it.");
        }
    }

    private static String prompt(JsonNode node) {
        if (node != null && node.isTextual()) {
            return node.asText();
        }
        if (node != null && node.isArray() && node.size() == 1 && node.get(0).isTextual()) {
            return node.get(0).asText();
        }
        throw ServingException.invalid("`prompt` must be a string (or an array with one string).");
    }

    private static List<ChatTurn> messages(JsonNode node) {
        if (node == null || !node.isArray() || node.isEmpty()) {
            throw ServingException.invalid("`messages` must be a non-empty array of {role, content}.");
        }
        List<ChatTurn> turns = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode message = node.get(i);
            String role = message.path("role").asText("").toLowerCase(Locale.ROOT);
            if (role.equals("developer")) {
                role = "system";
            }
            if (!List.of("system", "user", "assistant").contains(role)) {
                throw ServingException.invalid("messages[" + i + "].role must be system, user or assistant.");
            }
            turns.add(new ChatTurn(role, content(message.get("content"), i)));
        }
        return turns;
    }

    /** Text content, or OpenAI's array of parts of which only text parts are understood. */
    private static String content(JsonNode content, int index) {
        if (content == null || content.isNull()) {
            return "";
        }
        if (content.isTextual()) {
            return content.asText();
        }
        if (content.isArray()) {
            StringBuilder text = new StringBuilder();
            for (JsonNode part : content) {
                if (!"text".equals(part.path("type").asText())) {
                    throw ServingException.invalid("messages[" + index + "].content: only text parts are supported.");
                }
                text.append(part.path("text").asText());
            }
            return text.toString();
        }
        throw ServingException.invalid("messages[" + index + "].content must be a string or an array of text parts.");
    }

    private static List<String> stop(JsonNode node) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        List<String> stop = new ArrayList<>();
        if (node.isTextual()) {
            stop.add(node.asText());
        } else if (node.isArray()) {
            node.forEach(s -> stop.add(s.asText()));
        } else {
            throw ServingException.invalid("`stop` must be a string or an array of up to 4 strings.");
        }
        if (stop.size() > 4 || stop.stream().anyMatch(String::isEmpty)) {
            throw ServingException.invalid("`stop` takes up to 4 non-empty strings.");
        }
        return stop;
    }

    private static double number(JsonNode body, String field, double fallback, double min, double max) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.isNumber() || node.asDouble() < min || node.asDouble() > max) {
            throw ServingException.invalid("`" + field + "` must be a number between " + min + " and " + max + ".");
        }
        return node.asDouble();
    }

    // ---- answers ----

    private ObjectNode envelope(String id, String object, long created, String model) {
        return json.createObjectNode().put("id", id).put("object", object).put("created", created)
                .put("model", model);
    }

    private ObjectNode usage(int promptTokens, int completionTokens) {
        return json.createObjectNode().put("prompt_tokens", promptTokens).put("completion_tokens", completionTokens)
                .put("total_tokens", promptTokens + completionTokens);
    }

    private ObjectNode errorBody(ServingException e) {
        ObjectNode body = json.createObjectNode();
        ObjectNode error = body.putObject("error").put("message", e.getMessage()).put("type", e.type());
        error.putNull("param");
        if (e.code() == null) {
            error.putNull("code");
        } else {
            error.put("code", e.code());
        }
        return body;
    }

    private ResponseEntity<Object> error(ServingException e) {
        ResponseEntity.BodyBuilder response = ResponseEntity.status(e.status()).contentType(MediaType.APPLICATION_JSON);
        if (e.retryAfterSeconds() > 0) {
            response.header(HttpHeaders.RETRY_AFTER, Long.toString(e.retryAfterSeconds()));
        }
        return response.body(errorBody(e));
    }

    @ExceptionHandler(ServingException.class)
    ResponseEntity<Object> refused(ServingException e) {
        return error(e);
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<Object> unreadable(HttpMessageNotReadableException e) {
        return error(ServingException.invalid("The request body is not valid JSON: "
                + e.getMostSpecificCause().getMessage()));
    }
}
