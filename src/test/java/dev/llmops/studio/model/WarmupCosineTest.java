package dev.llmops.studio.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class WarmupCosineTest {

    @Test
    void warmsUpLinearlyThenDecaysAlongACosineToTheFloor() {
        WarmupCosine schedule = new WarmupCosine(1e-3f, 10, 110, 0.1f);
        assertThat(schedule.getNewValue(1)).isCloseTo(1e-4f, within(1e-9f));
        assertThat(schedule.getNewValue(5)).isCloseTo(5e-4f, within(1e-9f));
        assertThat(schedule.getNewValue(10)).isCloseTo(1e-3f, within(1e-9f));
        assertThat(schedule.getNewValue(60)).as("halfway through the decay").isCloseTo(5.5e-4f, within(1e-8f));
        assertThat(schedule.getNewValue(110)).isCloseTo(1e-4f, within(1e-9f));
        assertThat(schedule.getNewValue(500)).as("flat after the end").isCloseTo(1e-4f, within(1e-9f));
        float previous = Float.MAX_VALUE;
        for (int update = 10; update <= 110; update++) {
            assertThat(schedule.getNewValue(update)).isLessThanOrEqualTo(previous);
            previous = schedule.getNewValue(update);
        }
    }

    @Test
    void withoutWarmUpItStartsAtThePeak() {
        assertThat(new WarmupCosine(2e-3f, 0, 100, 0f).getNewValue(0)).isCloseTo(2e-3f, within(1e-9f));
    }

    @Test
    void nonsenseIsRefusedWithTheValues() {
        assertThatThrownBy(() -> new WarmupCosine(1e-3f, 20, 10, 0f)).hasMessageContaining("20, 10");
        assertThatThrownBy(() -> new WarmupCosine(0f, 0, 10, 0f)).hasMessageContaining("peak > 0");
    }
}
