package dev.llmops.studio.gate;

import dev.llmops.studio.security.Permission;
import dev.llmops.studio.security.RequiresPermission;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Manual gate decisions over REST, for release scripts: the same rules as on the run page (only the role or users
 * set on the step; only while the gate waits; the first decision stands; audited).
 */
@RestController
class GateApiController {

    private final GateService gates;

    GateApiController(GateService gates) {
        this.gates = gates;
    }

    record DecisionRequest(boolean approve, String comment) {
    }

    @GetMapping("/api/v1/runs/{runId}/gates/{nodeId}")
    @RequiresPermission(Permission.RUNS_VIEW)
    GateDecision decision(@PathVariable long runId, @PathVariable String nodeId) {
        return gates.decision(runId, nodeId).orElseThrow(() -> new dev.llmops.studio.platform.NotFoundException(
                "Gate " + nodeId + " of run " + runId + " has no decision yet"));
    }

    @PostMapping("/api/v1/runs/{runId}/gates/{nodeId}")
    @RequiresPermission(Permission.RUNS_VIEW)
    GateDecision decide(@PathVariable long runId, @PathVariable String nodeId, @RequestBody DecisionRequest request) {
        return gates.decide(runId, nodeId, request.approve(), request.comment());
    }
}
