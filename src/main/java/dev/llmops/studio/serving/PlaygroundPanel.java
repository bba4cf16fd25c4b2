package dev.llmops.studio.serving;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.vaadin.flow.component.Key;
import com.vaadin.flow.component.KeyModifier;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.UIDetachedException;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H4;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Pre;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.textfield.NumberField;
import com.vaadin.flow.component.textfield.TextArea;
import com.vaadin.flow.server.Command;
import com.vaadin.flow.theme.lumo.LumoUtility;
import dev.llmops.studio.model.ChatTurn;
import dev.llmops.studio.platform.CopyButton;
import dev.llmops.studio.platform.Notifications;
import dev.llmops.studio.security.CurrentUser;
import dev.llmops.studio.security.Permission;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A chat with the endpoint, streamed token by token. The messages take the same way as a client's (routing,
 * replicas, batching), so they show what clients get and count in the endpoint's metrics; beside it, the curl
 * command that sends the same request through the API.
 */
class PlaygroundPanel extends VerticalLayout {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<ChatTurn> SAMPLE = List.of(new ChatTurn("user", "Hello"));

    private final ReplicaHub hub;
    private final CurrentUser currentUser;
    private final String endpoint;
    private final Div messages = new Div();
    private final Paragraph emptyHint;
    private final TextArea input = new TextArea();
    private final NumberField temperature = new NumberField("Temperature");
    private final IntegerField maxTokens = new IntegerField("Max tokens");
    private final Button send = new Button("Send", VaadinIcon.PAPERPLANE.create());
    private final Button stop = new Button("Stop", VaadinIcon.STOP.create());
    private final Pre curl = new Pre();
    /** What the model sees as the conversation: only turns that were answered. */
    private final List<ChatTurn> conversation = new ArrayList<>();
    private List<ChatTurn> lastSent = SAMPLE;
    private String baseUrl = "";
    private Answer answering;

    PlaygroundPanel(ReplicaHub hub, CurrentUser currentUser, String endpoint, int maxTokensAllowed) {
        this.hub = hub;
        this.currentUser = currentUser;
        this.endpoint = endpoint;
        setId("playground");
        setPadding(false);

        messages.setId("playground-messages");
        messages.setWidthFull();
        messages.setHeight("45vh");
        messages.setMinHeight("12rem");
        messages.addClassNames(LumoUtility.Display.FLEX, LumoUtility.FlexDirection.COLUMN, LumoUtility.Gap.SMALL,
                LumoUtility.Padding.SMALL, LumoUtility.Border.ALL, LumoUtility.BorderColor.CONTRAST_10,
                LumoUtility.BorderRadius.LARGE, LumoUtility.Overflow.AUTO, LumoUtility.BoxSizing.BORDER);
        emptyHint = new Paragraph("Send a message to chat with " + endpoint + ". The answer streams in as the model"
                + " writes it; each request counts in the endpoint's metrics like a client's.");
        emptyHint.addClassName("empty-state");
        messages.add(emptyHint);

        input.setId("playground-input");
        input.setWidthFull();
        input.setMinHeight("4rem");
        input.setPlaceholder("Message " + endpoint + " (Ctrl+Enter sends)");
        temperature.setId("playground-temperature");
        temperature.setMin(0);
        temperature.setMax(2);
        temperature.setStep(0.1);
        temperature.setValue(0.7);
        temperature.setStepButtonsVisible(true);
        temperature.setWidth("9rem");
        maxTokens.setId("playground-max-tokens");
        maxTokens.setMin(1);
        maxTokens.setMax(maxTokensAllowed);
        maxTokens.setValue(Math.min(128, maxTokensAllowed));
        maxTokens.setStepButtonsVisible(true);
        maxTokens.setWidth("9rem");
        temperature.addValueChangeListener(e -> showCurl());
        maxTokens.addValueChangeListener(e -> showCurl());

        send.setId("playground-send");
        send.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        send.addClickListener(e -> send());
        // the blur and refocus commits the text area's value before the click, as a mouse click on Send would
        send.addClickShortcut(Key.ENTER, KeyModifier.CONTROL).listenOn(input).resetFocusOnActiveElement();
        send.addClickShortcut(Key.ENTER, KeyModifier.META).listenOn(input).resetFocusOnActiveElement();
        stop.setId("playground-stop");
        stop.addThemeVariants(ButtonVariant.LUMO_ERROR);
        stop.setVisible(false);
        stop.addClickListener(e -> {
            if (answering != null) {
                answering.generation.cancel();
            }
        });
        Button clear = new Button("Clear", VaadinIcon.ERASER.create(), e -> clear());
        clear.setId("playground-clear");
        clear.addThemeVariants(ButtonVariant.LUMO_TERTIARY);
        Div spacer = new Div();
        HorizontalLayout controls = new HorizontalLayout(temperature, maxTokens, spacer, clear, stop, send);
        controls.setWidthFull();
        controls.setAlignItems(FlexComponent.Alignment.BASELINE);
        controls.setFlexGrow(1, spacer);

        curl.setId("playground-curl");
        curl.addClassName("command");
        H4 curlTitle = new H4("The same request with curl");
        Paragraph curlHint = new Paragraph("Set LLMOPS_API_KEY to a key from the API keys tab. Any OpenAI client"
                + " works the same way, with the base URL above and " + endpoint + " as the model.");
        curlHint.addClassName("panel-hint");
        HorizontalLayout curlRow = new HorizontalLayout(curl, new CopyButton(this::curlCommand));
        curlRow.setAlignItems(FlexComponent.Alignment.START);
        add(messages, input, controls, curlTitle, curlHint, curlRow);
        showCurl();
    }

    void setBaseUrl(String baseUrl) {
        this.baseUrl = baseUrl;
        showCurl();
    }

    /** Stops the answer being written, if any: the replica frees its batch slot for others. */
    void cancel() {
        if (answering != null) {
            answering.generation.cancel();
            answering = null;
            setBusy(false);
        }
    }

    private void send() {
        String text = input.getValue().strip();
        if (text.isEmpty() || answering != null) {
            return;
        }
        if (temperature.isInvalid() || temperature.getValue() == null || maxTokens.isInvalid()
                || maxTokens.getValue() == null) {
            Notifications.error("Set a temperature between 0 and 2 and max tokens between 1 and "
                    + maxTokens.getMax() + ".");
            return;
        }
        currentUser.require(Permission.ENDPOINTS_TRY);
        emptyHint.setVisible(false);
        input.clear();
        conversation.add(new ChatTurn("user", text));
        messages.add(bubble("user", "You", text).bubble);
        lastSent = List.copyOf(conversation);
        showCurl();
        Answer answer = new Answer(UI.getCurrent(), bubble("assistant", endpoint, "…"), text);
        answer.message.text.addClassName(LumoUtility.TextColor.SECONDARY);
        messages.add(answer.message.bubble);
        scrollDown();
        answering = answer;
        setBusy(true);
        ReplicaRequest request = new ReplicaRequest("playground-" + UUID.randomUUID(), null, lastSent,
                roundedTemperature(), 1.0, maxTokens.getValue(), List.of(), ThreadLocalRandom.current().nextLong());
        try {
            answer.generation = hub.submit(endpoint, request, true, null, answer);
        } catch (ServingException e) {
            answer.fail(e.getMessage());
        }
    }

    private void clear() {
        cancel();
        conversation.clear();
        messages.removeAll();
        emptyHint.setVisible(true);
        messages.add(emptyHint);
        lastSent = SAMPLE;
        showCurl();
    }

    private void setBusy(boolean busy) {
        send.setEnabled(!busy);
        stop.setVisible(busy);
    }

    private void scrollDown() {
        messages.getElement().executeJs("this.scrollTop = this.scrollHeight");
    }

    private double roundedTemperature() {
        return Math.round(temperature.getValue() * 100) / 100.0;
    }

    private void showCurl() {
        curl.setText(curlCommand());
    }

    /** The request last sent (a sample before the first), as curl sends it to the OpenAI-compatible API. */
    private String curlCommand() {
        ObjectNode body = JSON.createObjectNode();
        body.put("model", endpoint);
        ArrayNode turns = body.putArray("messages");
        lastSent.forEach(turn -> turns.addObject().put("role", turn.role()).put("content", turn.content()));
        if (temperature.getValue() != null) {
            body.put("temperature", roundedTemperature());
        }
        if (maxTokens.getValue() != null) {
            body.put("max_tokens", maxTokens.getValue());
        }
        body.put("stream", true);
        String json;
        try {
            json = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return "curl -N " + baseUrl + "/v1/chat/completions \\\n"
                + "  -H \"Authorization: Bearer $LLMOPS_API_KEY\" \\\n"
                + "  -H \"Content-Type: application/json\" \\\n"
                + "  -d '" + json.replace("'", "'\\''") + "'";
    }

    private record Message(Div bubble, Div text, Span meta) {
    }

    private static Message bubble(String role, String author, String content) {
        Span who = new Span(author);
        who.addClassNames(LumoUtility.FontSize.XSMALL, LumoUtility.FontWeight.SEMIBOLD,
                LumoUtility.TextColor.SECONDARY);
        Div text = new Div(content);
        text.addClassNames("playground-text", LumoUtility.Whitespace.PRE_WRAP);
        Span meta = new Span();
        meta.addClassNames("playground-meta", LumoUtility.FontSize.XSMALL, LumoUtility.TextColor.SECONDARY);
        meta.setVisible(false);
        Div bubble = new Div(who, text, meta);
        bubble.addClassNames("playground-message", role, LumoUtility.Display.FLEX, LumoUtility.FlexDirection.COLUMN,
                LumoUtility.Gap.XSMALL, LumoUtility.Padding.Horizontal.MEDIUM, LumoUtility.Padding.Vertical.SMALL,
                LumoUtility.BorderRadius.LARGE, role.equals("user") ? LumoUtility.AlignSelf.END
                        : LumoUtility.AlignSelf.START,
                role.equals("user") ? LumoUtility.Background.PRIMARY_10 : LumoUtility.Background.CONTRAST_5);
        bubble.setMaxWidth("80%");
        return new Message(bubble, text, meta);
    }

    /**
     * One answer on its way. The hub calls it on its own threads; every change goes through {@link UI#access},
     * in the order the calls came, and is dropped once the answer is no longer the one being written (cleared).
     */
    private final class Answer implements GenerationSink {
        final UI ui;
        final Message message;
        final String question;
        final StringBuilder content = new StringBuilder();
        final long startedNanos = System.nanoTime();
        volatile long firstTextNanos;
        ReplicaHub.Generation generation = () -> { };

        Answer(UI ui, Message message, String question) {
            this.ui = ui;
            this.message = message;
            this.question = question;
        }

        @Override
        public void text(String delta) {
            if (firstTextNanos == 0) {
                firstTextNanos = System.nanoTime();
            }
            push(() -> {
                if (content.isEmpty()) {
                    message.text.removeClassName(LumoUtility.TextColor.SECONDARY);
                }
                content.append(delta);
                message.text.setText(content.toString());
                scrollDown();
            });
        }

        @Override
        public void finished(String finishReason, int promptTokens, int completionTokens) {
            long endedNanos = System.nanoTime();
            push(() -> {
                boolean stopped = finishReason.equals("cancelled");
                if (content.isEmpty()) {
                    message.text.setText(stopped ? "(stopped before the first token)" : "(empty answer)");
                }
                if (content.isEmpty() && stopped) {
                    conversation.remove(conversation.size() - 1);
                } else {
                    conversation.add(new ChatTurn("assistant", content.toString()));
                }
                message.meta.setText(stats(finishReason, promptTokens, completionTokens, endedNanos));
                message.meta.setVisible(true);
                done();
            });
        }

        @Override
        public void failed(int status, String type, String error) {
            push(() -> fail(error));
        }

        /** No answer: the question leaves the conversation and goes back into the input, to send again. */
        void fail(String error) {
            message.text.setText(error);
            message.text.removeClassName(LumoUtility.TextColor.SECONDARY);
            message.text.addClassName(LumoUtility.TextColor.ERROR);
            conversation.remove(conversation.size() - 1);
            if (input.getValue().isBlank()) {
                input.setValue(question);
            }
            done();
        }

        private void done() {
            answering = null;
            setBusy(false);
            scrollDown();
        }

        private String stats(String finishReason, int promptTokens, int completionTokens, long endedNanos) {
            long latencyMs = (endedNanos - startedNanos) / 1_000_000;
            StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "%d tokens in %,d ms",
                    completionTokens, latencyMs));
            if (firstTextNanos > 0) {
                text.append(String.format(Locale.ROOT, " · first token after %,d ms",
                        (firstTextNanos - startedNanos) / 1_000_000));
            }
            if (latencyMs > 0 && completionTokens > 0) {
                text.append(String.format(Locale.ROOT, " · %.1f tokens/s", completionTokens * 1000.0 / latencyMs));
            }
            text.append(String.format(Locale.ROOT, " · prompt %d tokens", promptTokens));
            switch (finishReason) {
                case "length" -> text.append(" · stopped at max tokens");
                case "cancelled" -> text.append(" · stopped");
                default -> { }
            }
            return text.toString();
        }

        private void push(Command change) {
            try {
                ui.access(() -> {
                    if (answering == this) {
                        change.execute();
                    }
                });
            } catch (UIDetachedException e) {
                generation.cancel();
            }
        }
    }
}
