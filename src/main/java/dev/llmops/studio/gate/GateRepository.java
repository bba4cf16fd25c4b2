package dev.llmops.studio.gate;

import static dev.llmops.studio.db.Tables.GATE_DECISION;

import java.util.Optional;
import org.jooq.DSLContext;
import org.springframework.stereotype.Repository;

@Repository
class GateRepository {

    private final DSLContext db;

    GateRepository(DSLContext db) {
        this.db = db;
    }

    Optional<GateDecision> decision(long runId, String nodeId) {
        return db.selectFrom(GATE_DECISION).where(GATE_DECISION.RUN_ID.eq(runId)).and(GATE_DECISION.NODE_ID.eq(nodeId))
                .fetchOptional(r -> new GateDecision(r.getRunId(), r.getNodeId(), r.getApproved(), r.getDecidedBy(),
                        r.getDecidedAt(), r.getComment()));
    }

    /** Records the decision; false when the gate was decided before (the first decision stands). */
    boolean insert(GateDecision decision) {
        return db.insertInto(GATE_DECISION, GATE_DECISION.RUN_ID, GATE_DECISION.NODE_ID, GATE_DECISION.APPROVED,
                        GATE_DECISION.DECIDED_BY, GATE_DECISION.DECIDED_AT, GATE_DECISION.COMMENT)
                .values(decision.runId(), decision.nodeId(), decision.approved(), decision.decidedBy(),
                        decision.decidedAt(), decision.comment())
                .onConflictDoNothing()
                .execute() == 1;
    }
}
