package dev.llmops.studio.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/** GPU discovery reads what {@code nvidia-smi --query-gpu=name,memory.total,utilization.gpu} prints. */
class CapabilitiesTest {

    @Test
    void parsesNvidiaSmiCsvWithoutHeaderOrUnits() throws IOException {
        String output = """
                NVIDIA H200, 143771, 37
                NVIDIA A100-SXM4-80GB, 81920, 0

                """;
        assertThat(Capabilities.parseNvidiaSmi(output)).containsExactly(
                new Capabilities.Gpu("NVIDIA H200", 143771, 37),
                new Capabilities.Gpu("NVIDIA A100-SXM4-80GB", 81920, 0));
    }

    @Test
    void unreadableFieldsBecomeZeroAndShortRowsAreSkipped() throws IOException {
        assertThat(Capabilities.parseNvidiaSmi("Tesla T4, [N/A], [Not Supported]\nbroken line\n"))
                .containsExactly(new Capabilities.Gpu("Tesla T4", 0, 0));
    }

    @Test
    void aMachineWithoutNvidiaSmiHasNoGpus() throws IOException {
        assertThat(Capabilities.parseNvidiaSmi("")).isEmpty();
    }
}
