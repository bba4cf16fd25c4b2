package dev.llmops.studio.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmops.studio.serving.ReplicaEvent;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplicaEventCoalescingTest {

    @Test
    void aRequestsPiecesOfTextAreJoinedAndItsEndStaysLast() {
        List<ReplicaEvent> batch = List.of(text("a", "Hel", 1), text("b", "Wo", 1), text("a", "lo", 2),
                new ReplicaEvent("a", null, 2, "stop", 5, null, 0), text("b", "rld", 2));

        assertThat(ReplicaSupervisor.coalesced(batch)).containsExactly(text("a", "Hello", 2),
                new ReplicaEvent("a", null, 2, "stop", 5, null, 0), text("b", "World", 2));
    }

    private static ReplicaEvent text(String id, String text, int tokens) {
        return new ReplicaEvent(id, text, tokens, null, 0, null, 0);
    }
}
