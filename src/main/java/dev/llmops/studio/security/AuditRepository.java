package dev.llmops.studio.security;

import static dev.llmops.studio.db.Tables.AUDIT_EVENT;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Repository;

@Repository
class AuditRepository {

    private final DSLContext db;

    AuditRepository(DSLContext db) {
        this.db = db;
    }

    void insert(OffsetDateTime at, String actor, String action, String target, String details, String client) {
        db.insertInto(AUDIT_EVENT)
                .set(AUDIT_EVENT.OCCURRED_AT, at)
                .set(AUDIT_EVENT.ACTOR, actor)
                .set(AUDIT_EVENT.ACTION, action)
                .set(AUDIT_EVENT.TARGET, target)
                .set(AUDIT_EVENT.DETAILS, details)
                .set(AUDIT_EVENT.CLIENT_ADDRESS, client)
                .execute();
    }

    List<AuditEntry> find(AuditQuery query, int offset, int limit) {
        return db.selectFrom(AUDIT_EVENT)
                .where(conditions(query))
                .orderBy(AUDIT_EVENT.OCCURRED_AT.desc(), AUDIT_EVENT.ID.desc())
                .offset(offset)
                .limit(limit)
                .fetch(r -> new AuditEntry(r.getId(), r.getOccurredAt(), r.getActor(), r.getAction(),
                        r.getTarget(), r.getDetails(), r.getClientAddress()));
    }

    int count(AuditQuery query) {
        return db.fetchCount(AUDIT_EVENT, conditions(query));
    }

    List<String> actions() {
        return db.selectDistinct(AUDIT_EVENT.ACTION).from(AUDIT_EVENT).orderBy(AUDIT_EVENT.ACTION)
                .fetch(AUDIT_EVENT.ACTION);
    }

    private static List<Condition> conditions(AuditQuery q) {
        List<Condition> conditions = new ArrayList<>();
        if (q.actor() != null && !q.actor().isBlank()) {
            conditions.add(AUDIT_EVENT.ACTOR.containsIgnoreCase(q.actor().trim()));
        }
        if (q.action() != null && !q.action().isBlank()) {
            conditions.add(AUDIT_EVENT.ACTION.eq(q.action()));
        }
        if (q.text() != null && !q.text().isBlank()) {
            String text = q.text().trim();
            conditions.add(DSL.or(AUDIT_EVENT.TARGET.containsIgnoreCase(text),
                    AUDIT_EVENT.DETAILS.containsIgnoreCase(text)));
        }
        if (q.from() != null) {
            conditions.add(AUDIT_EVENT.OCCURRED_AT.ge(q.from()));
        }
        if (q.to() != null) {
            conditions.add(AUDIT_EVENT.OCCURRED_AT.lt(q.to()));
        }
        return conditions;
    }
}
