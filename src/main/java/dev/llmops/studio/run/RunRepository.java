package dev.llmops.studio.run;

import static dev.llmops.studio.db.Tables.RUN;
import static dev.llmops.studio.db.Tables.TASK_LOG;
import static dev.llmops.studio.db.Tables.TASK_METRIC;
import static dev.llmops.studio.db.Tables.TASK_RUN;

import dev.llmops.studio.db.tables.records.TaskRunRecord;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Repository;

/**
 * Runs and tasks. Every status change is a conditional update on the status it expects, so two servers (or a
 * reaper and a worker) can never both move the same task: the loser sees 0 rows and backs off.
 */
@Repository
class RunRepository {

    private final DSLContext db;

    RunRepository(DSLContext db) {
        this.db = db;
    }

    long insertRun(long pipelineId, String pipelineName, int version, String graphJson, RunTrigger trigger,
            String startedBy, OffsetDateTime now) {
        return db.insertInto(RUN)
                .set(RUN.PIPELINE_ID, pipelineId)
                .set(RUN.PIPELINE_NAME, pipelineName)
                .set(RUN.PIPELINE_VERSION, version)
                .set(RUN.GRAPH, graphJson)
                .set(RUN.STATUS, RunStatus.RUNNING.name())
                .set(RUN.TRIGGER_KIND, trigger.name())
                .set(RUN.STARTED_BY, startedBy)
                .set(RUN.CREATED_AT, now)
                .returning(RUN.ID).fetchOne(RUN.ID);
    }

    void insertTask(long runId, String nodeId, String type, String label, TaskStatus status, int maxAttempts,
            int cpu, int gpus, int memoryMb, String requiredLabels, int timeoutSeconds, OffsetDateTime now) {
        db.insertInto(TASK_RUN)
                .set(TASK_RUN.RUN_ID, runId)
                .set(TASK_RUN.NODE_ID, nodeId)
                .set(TASK_RUN.NODE_TYPE, type)
                .set(TASK_RUN.NODE_LABEL, label)
                .set(TASK_RUN.STATUS, status.name())
                .set(TASK_RUN.ATTEMPT, 0)
                .set(TASK_RUN.MAX_ATTEMPTS, maxAttempts)
                .set(TASK_RUN.CPU_CORES, cpu)
                .set(TASK_RUN.GPUS, gpus)
                .set(TASK_RUN.MEMORY_MB, memoryMb)
                .set(TASK_RUN.REQUIRED_LABELS, requiredLabels)
                .set(TASK_RUN.TIMEOUT_SECONDS, timeoutSeconds)
                .set(TASK_RUN.QUEUED_AT, status == TaskStatus.QUEUED ? now : null)
                .execute();
    }

    Optional<TaskRow> task(long taskId) {
        return db.selectFrom(TASK_RUN).where(TASK_RUN.ID.eq(taskId)).fetchOptional(RunRepository::row);
    }

    List<TaskRow> tasks(long runId) {
        return db.selectFrom(TASK_RUN).where(TASK_RUN.RUN_ID.eq(runId)).orderBy(TASK_RUN.ID).fetch(RunRepository::row);
    }

    private static TaskRow row(TaskRunRecord t) {
        return new TaskRow(t.getId(), t.getRunId(), t.getNodeId(), t.getNodeType(), t.getNodeLabel(),
                TaskStatus.valueOf(t.getStatus()), t.getAttempt(), t.getMaxAttempts(), t.getTimeoutSeconds(),
                t.getWorkerId(), t.getLeaseExpiresAt(), t.getQueuedAt(), t.getStartedAt(), t.getFinishedAt(),
                t.getProgress(), t.getMessage(), t.getOutputs(), t.getCancelRequested(), t.getGpus(), t.getMemoryMb(),
                WorkerLabels.parse(t.getRequiredLabels()), t.getCheckpoint());
    }

    Optional<String> runGraph(long runId) {
        return db.select(RUN.GRAPH).from(RUN).where(RUN.ID.eq(runId)).fetchOptional(RUN.GRAPH);
    }

    /**
     * Locks the run's row until the transaction ends, so the outcomes of one run's tasks are decided one at a time.
     * Queueing a join and settling a run read the other tasks' states; without the lock two tasks finishing at
     * once would each see the other still running, and neither would queue the join or end the run.
     */
    void lockRun(long runId) {
        db.select(RUN.ID).from(RUN).where(RUN.ID.eq(runId)).forUpdate().fetch();
    }

    /** Runs still open although every task has finished: the reaper settles them (a safety net). */
    List<Long> unsettledRuns() {
        return db.select(RUN.ID).from(RUN)
                .where(RUN.STATUS.in(RunStatus.RUNNING.name(), RunStatus.CANCELLING.name()))
                .andNotExists(DSL.selectOne().from(TASK_RUN).where(TASK_RUN.RUN_ID.eq(RUN.ID))
                        .and(TASK_RUN.STATUS.notIn(TaskStatus.SUCCEEDED.name(), TaskStatus.FAILED.name(),
                                TaskStatus.CANCELLED.name())))
                .fetch(RUN.ID);
    }

    Optional<RunStatus> runStatus(long runId) {
        return db.select(RUN.STATUS).from(RUN).where(RUN.ID.eq(runId)).fetchOptional(RUN.STATUS)
                .map(RunStatus::valueOf);
    }

    /**
     * Queued tasks whose backoff has passed and whose resource needs fit, oldest first, with the labels they
     * require (matched by the caller: a subset test is clearer in Java than in portable SQL).
     */
    List<LeaseCandidate> leaseCandidates(WorkerOffer offer, OffsetDateTime now, int limit) {
        return db.select(TASK_RUN.ID, TASK_RUN.REQUIRED_LABELS).from(TASK_RUN)
                .where(TASK_RUN.STATUS.eq(TaskStatus.QUEUED.name()))
                .and(TASK_RUN.NOT_BEFORE.isNull().or(TASK_RUN.NOT_BEFORE.le(now)))
                .and(TASK_RUN.CPU_CORES.le(offer.cpuCores())).and(TASK_RUN.GPUS.le(offer.freeGpus()))
                .and(TASK_RUN.MEMORY_MB.le((int) Math.min(Integer.MAX_VALUE, offer.freeMemoryMb())))
                .and(TASK_RUN.NODE_TYPE.in(offer.nodeTypes()))
                .orderBy(TASK_RUN.QUEUED_AT, TASK_RUN.ID)
                .limit(limit)
                .fetch(r -> new LeaseCandidate(r.get(TASK_RUN.ID), WorkerLabels.parse(r.get(TASK_RUN.REQUIRED_LABELS))));
    }

    record LeaseCandidate(long taskId, Set<String> requiredLabels) {
    }

    boolean lease(long taskId, String workerId, OffsetDateTime expires) {
        return db.update(TASK_RUN)
                .set(TASK_RUN.STATUS, TaskStatus.LEASED.name())
                .set(TASK_RUN.WORKER_ID, workerId)
                .set(TASK_RUN.LEASE_EXPIRES_AT, expires)
                .set(TASK_RUN.ATTEMPT, TASK_RUN.ATTEMPT.plus(1))
                .set(TASK_RUN.PROGRESS, 0.0)
                // an earlier attempt's outputs die with it: only the attempt that succeeds publishes any
                .set(TASK_RUN.OUTPUTS, (String) null)
                .where(TASK_RUN.ID.eq(taskId)).and(TASK_RUN.STATUS.eq(TaskStatus.QUEUED.name()))
                .execute() == 1;
    }

    boolean markRunning(long taskId, String workerId, OffsetDateTime now) {
        return db.update(TASK_RUN)
                .set(TASK_RUN.STATUS, TaskStatus.RUNNING.name())
                .set(TASK_RUN.STARTED_AT, now)
                .where(TASK_RUN.ID.eq(taskId)).and(TASK_RUN.WORKER_ID.eq(workerId))
                .and(TASK_RUN.STATUS.eq(TaskStatus.LEASED.name()))
                .execute() == 1;
    }

    /** Extends the lease while the worker still holds the task; false when it was taken away. */
    boolean renew(long taskId, String workerId, OffsetDateTime expires) {
        return db.update(TASK_RUN)
                .set(TASK_RUN.LEASE_EXPIRES_AT, expires)
                .where(TASK_RUN.ID.eq(taskId)).and(TASK_RUN.WORKER_ID.eq(workerId))
                .and(TASK_RUN.STATUS.in(TaskStatus.LEASED.name(), TaskStatus.RUNNING.name()))
                .execute() == 1;
    }

    /** The outputs recorded so far by the worker that holds the task; empty when it no longer holds it. */
    Optional<String> lockHeldOutputs(long taskId, String workerId) {
        return db.select(TASK_RUN.OUTPUTS).from(TASK_RUN)
                .where(TASK_RUN.ID.eq(taskId)).and(TASK_RUN.WORKER_ID.eq(workerId))
                .and(TASK_RUN.STATUS.in(TaskStatus.LEASED.name(), TaskStatus.RUNNING.name()))
                .forUpdate().fetchOptional(r -> r.get(TASK_RUN.OUTPUTS) == null ? "" : r.get(TASK_RUN.OUTPUTS));
    }

    /** The checkpoint of a task the worker holds, locked ("" when none yet); empty when it does not hold it. */
    Optional<String> lockHeldCheckpoint(long taskId, String workerId) {
        return db.select(TASK_RUN.CHECKPOINT).from(TASK_RUN)
                .where(TASK_RUN.ID.eq(taskId)).and(TASK_RUN.WORKER_ID.eq(workerId))
                .and(TASK_RUN.STATUS.in(TaskStatus.LEASED.name(), TaskStatus.RUNNING.name()))
                .forUpdate().fetchOptional(r -> r.value1() == null ? "" : r.value1());
    }

    void setCheckpoint(long taskId, String checkpoint, OffsetDateTime now) {
        db.update(TASK_RUN).set(TASK_RUN.CHECKPOINT, checkpoint).set(TASK_RUN.CHECKPOINT_AT, now)
                .where(TASK_RUN.ID.eq(taskId)).execute();
    }

    void setOutputs(long taskId, String outputsJson) {
        db.update(TASK_RUN).set(TASK_RUN.OUTPUTS, outputsJson).where(TASK_RUN.ID.eq(taskId)).execute();
    }

    boolean finish(long taskId, String workerId, TaskStatus to, String message, OffsetDateTime now) {
        return db.update(TASK_RUN)
                .set(TASK_RUN.STATUS, to.name())
                .set(TASK_RUN.MESSAGE, message)
                .set(TASK_RUN.FINISHED_AT, now)
                .set(TASK_RUN.LEASE_EXPIRES_AT, (OffsetDateTime) null)
                .set(TASK_RUN.PROGRESS, to == TaskStatus.SUCCEEDED ? DSL.val(1.0) : TASK_RUN.PROGRESS)
                .where(TASK_RUN.ID.eq(taskId)).and(TASK_RUN.WORKER_ID.eq(workerId))
                .and(TASK_RUN.STATUS.in(TaskStatus.LEASED.name(), TaskStatus.RUNNING.name()))
                .execute() == 1;
    }

    /** Puts a task back in the queue for another attempt (after a failure or a lost worker). */
    boolean requeue(long taskId, Collection<TaskStatus> from, OffsetDateTime notBefore, String message,
            OffsetDateTime now) {
        return db.update(TASK_RUN)
                .set(TASK_RUN.STATUS, TaskStatus.QUEUED.name())
                .set(TASK_RUN.NOT_BEFORE, notBefore)
                .set(TASK_RUN.WORKER_ID, (String) null)
                .set(TASK_RUN.LEASE_EXPIRES_AT, (OffsetDateTime) null)
                .set(TASK_RUN.QUEUED_AT, now)
                .set(TASK_RUN.MESSAGE, message)
                .where(TASK_RUN.ID.eq(taskId)).and(TASK_RUN.STATUS.in(from.stream().map(Enum::name).toList()))
                .execute() == 1;
    }

    boolean queue(long taskId, OffsetDateTime now) {
        return db.update(TASK_RUN)
                .set(TASK_RUN.STATUS, TaskStatus.QUEUED.name())
                .set(TASK_RUN.QUEUED_AT, now)
                .where(TASK_RUN.ID.eq(taskId)).and(TASK_RUN.STATUS.eq(TaskStatus.PENDING.name()))
                .execute() == 1;
    }

    /**
     * Parks a held task until it is woken or {@code wakeAt} passes. The attempt is given back: waiting for people
     * is not a failure, and the next lease counts it again.
     */
    boolean park(long taskId, String workerId, String reason, OffsetDateTime wakeAt) {
        return db.update(TASK_RUN)
                .set(TASK_RUN.STATUS, TaskStatus.WAITING.name())
                .set(TASK_RUN.MESSAGE, reason)
                .set(TASK_RUN.NOT_BEFORE, wakeAt)
                .set(TASK_RUN.WORKER_ID, (String) null)
                .set(TASK_RUN.LEASE_EXPIRES_AT, (OffsetDateTime) null)
                .set(TASK_RUN.ATTEMPT, TASK_RUN.ATTEMPT.minus(1))
                .where(TASK_RUN.ID.eq(taskId)).and(TASK_RUN.WORKER_ID.eq(workerId))
                .and(TASK_RUN.STATUS.in(TaskStatus.LEASED.name(), TaskStatus.RUNNING.name()))
                .execute() == 1;
    }

    /** Queues a waiting task to run again now. */
    boolean wake(long taskId, String message, OffsetDateTime now) {
        return db.update(TASK_RUN)
                .set(TASK_RUN.STATUS, TaskStatus.QUEUED.name())
                .set(TASK_RUN.NOT_BEFORE, (OffsetDateTime) null)
                .set(TASK_RUN.QUEUED_AT, now)
                .set(TASK_RUN.MESSAGE, message)
                .where(TASK_RUN.ID.eq(taskId)).and(TASK_RUN.STATUS.eq(TaskStatus.WAITING.name()))
                .execute() == 1;
    }

    /** Waiting tasks whose wake-up time has come. */
    List<Long> dueWaiting(OffsetDateTime now) {
        return db.select(TASK_RUN.ID).from(TASK_RUN)
                .where(TASK_RUN.STATUS.eq(TaskStatus.WAITING.name()))
                .and(TASK_RUN.NOT_BEFORE.le(now))
                .fetch(TASK_RUN.ID);
    }

    /** The task of a step in a run. */
    Optional<TaskRow> task(long runId, String nodeId) {
        return db.selectFrom(TASK_RUN).where(TASK_RUN.RUN_ID.eq(runId)).and(TASK_RUN.NODE_ID.eq(nodeId))
                .fetchOptional(RunRepository::row);
    }

    /** Ends a task without a worker's word: failed after the last attempt, or cancelled. */
    boolean close(long taskId, Collection<TaskStatus> from, TaskStatus to, String message, OffsetDateTime now) {
        return db.update(TASK_RUN)
                .set(TASK_RUN.STATUS, to.name())
                .set(TASK_RUN.MESSAGE, message)
                .set(TASK_RUN.FINISHED_AT, now)
                .set(TASK_RUN.WORKER_ID, (String) null)
                .set(TASK_RUN.LEASE_EXPIRES_AT, (OffsetDateTime) null)
                .where(TASK_RUN.ID.eq(taskId)).and(TASK_RUN.STATUS.in(from.stream().map(Enum::name).toList()))
                .execute() == 1;
    }

    void requestCancel(long taskId) {
        db.update(TASK_RUN).set(TASK_RUN.CANCEL_REQUESTED, true).where(TASK_RUN.ID.eq(taskId)).execute();
    }

    void progress(long taskId, String workerId, double fraction) {
        db.update(TASK_RUN).set(TASK_RUN.PROGRESS, fraction)
                .where(TASK_RUN.ID.eq(taskId)).and(TASK_RUN.WORKER_ID.eq(workerId)).execute();
    }

    /** Tasks currently held by workers (leased or running), with their run's pipeline name. */
    List<HeldTask> heldTasks() {
        return db.select(TASK_RUN.WORKER_ID, TASK_RUN.RUN_ID, TASK_RUN.NODE_LABEL, RUN.PIPELINE_NAME)
                .from(TASK_RUN).join(RUN).on(RUN.ID.eq(TASK_RUN.RUN_ID))
                .where(TASK_RUN.STATUS.in(TaskStatus.LEASED.name(), TaskStatus.RUNNING.name()))
                .fetch(r -> new HeldTask(r.get(TASK_RUN.WORKER_ID), r.get(TASK_RUN.RUN_ID), r.get(TASK_RUN.NODE_LABEL),
                        r.get(RUN.PIPELINE_NAME)));
    }

    List<TaskRow> expiredLeases(OffsetDateTime now) {
        return db.selectFrom(TASK_RUN)
                .where(TASK_RUN.STATUS.in(TaskStatus.LEASED.name(), TaskStatus.RUNNING.name()))
                .and(TASK_RUN.LEASE_EXPIRES_AT.lt(now))
                .fetch(RunRepository::row);
    }

    boolean setRunStatus(long runId, Collection<RunStatus> from, RunStatus to, String message, OffsetDateTime now) {
        return db.update(RUN)
                .set(RUN.STATUS, to.name())
                .set(RUN.MESSAGE, message)
                .set(RUN.FINISHED_AT, to.finished() ? now : null)
                .where(RUN.ID.eq(runId)).and(RUN.STATUS.in(from.stream().map(Enum::name).toList()))
                .execute() == 1;
    }

    void appendLog(long taskId, List<String> lines, OffsetDateTime now) {
        var insert = db.insertInto(TASK_LOG, TASK_LOG.TASK_ID, TASK_LOG.LOGGED_AT, TASK_LOG.LINE);
        for (String line : lines) {
            insert = insert.values(taskId, now, line.length() > 4000 ? line.substring(0, 4000) + "…" : line);
        }
        insert.execute();
    }

    List<TaskLog> logAfter(long taskId, long afterId, int limit) {
        return db.selectFrom(TASK_LOG).where(TASK_LOG.TASK_ID.eq(taskId)).and(TASK_LOG.ID.gt(afterId))
                .orderBy(TASK_LOG.ID).limit(limit)
                .fetch(r -> new TaskLog(r.getId(), r.getLoggedAt(), r.getLine()));
    }

    /**
     * Locks the task's row while {@code workerId} holds it (leased or running) and returns its run; empty when
     * another worker holds it or it is no longer held. Writes under this lock cannot race a re-queue.
     */
    Optional<Long> lockHeldTask(long taskId, String workerId) {
        return db.select(TASK_RUN.RUN_ID).from(TASK_RUN)
                .where(TASK_RUN.ID.eq(taskId)).and(TASK_RUN.WORKER_ID.eq(workerId))
                .and(TASK_RUN.STATUS.in(TaskStatus.LEASED.name(), TaskStatus.RUNNING.name()))
                .forUpdate().fetchOptional(TASK_RUN.RUN_ID);
    }

    /**
     * Stores metric points, each replacing a stored point of the same name and step: two JDBC batches (delete,
     * insert) whatever the number of points. Callers pass at most one point per (name, step).
     */
    void replaceMetrics(long taskId, Collection<MetricPoint> points, OffsetDateTime now) {
        var delete = db.batch(db.deleteFrom(TASK_METRIC)
                .where(TASK_METRIC.TASK_ID.eq(DSL.param("task", Long.class)))
                .and(TASK_METRIC.NAME.eq(DSL.param("name", String.class)))
                .and(TASK_METRIC.STEP.eq(DSL.param("step", Long.class))));
        var insert = db.batch(db.insertInto(TASK_METRIC, TASK_METRIC.TASK_ID, TASK_METRIC.NAME, TASK_METRIC.STEP,
                        TASK_METRIC.METRIC_VALUE, TASK_METRIC.RECORDED_AT)
                .values(DSL.param("task", Long.class), DSL.param("name", String.class), DSL.param("step", Long.class),
                        DSL.param("value", Double.class), DSL.param("at", OffsetDateTime.class)));
        for (MetricPoint point : points) {
            delete = delete.bind(taskId, point.name(), point.step());
            insert = insert.bind(taskId, point.name(), point.step(), point.value(), now);
        }
        delete.execute();
        insert.execute();
    }

    /** One stored metric point with the size of its series ({@code points}), as {@link #metricSamples} reads it. */
    record MetricRow(long taskId, String name, long points, long step, double value) {
    }

    /**
     * A run's metric points ordered by task, name and step, thinned in the database to {@code maxPerSeries}
     * evenly spaced points (first and last included) for series that have more, so a long training run never
     * ships its whole history to a chart. Point j of n (from 0) is kept when it is the first to reach the next of
     * {@code maxPerSeries} equal buckets: {@code floor(j·(max-1)/(n-1)) > floor((j-1)·(max-1)/(n-1))}.
     */
    List<MetricRow> metricSamples(long runId, int maxPerSeries) {
        Field<Integer> rowNumber = DSL.rowNumber().over(DSL.partitionBy(TASK_METRIC.TASK_ID, TASK_METRIC.NAME)
                .orderBy(TASK_METRIC.STEP, TASK_METRIC.ID)).as("rn");
        Field<Integer> seriesSize = DSL.count().over(DSL.partitionBy(TASK_METRIC.TASK_ID, TASK_METRIC.NAME))
                .as("n");
        var numbered = db.select(TASK_METRIC.TASK_ID, TASK_METRIC.NAME, TASK_METRIC.STEP, TASK_METRIC.METRIC_VALUE,
                        rowNumber, seriesSize)
                .from(TASK_METRIC).join(TASK_RUN).on(TASK_RUN.ID.eq(TASK_METRIC.TASK_ID))
                .where(TASK_RUN.RUN_ID.eq(runId))
                .asTable("numbered");
        Field<Long> taskId = numbered.field(TASK_METRIC.TASK_ID);
        Field<String> name = numbered.field(TASK_METRIC.NAME);
        Field<Long> step = numbered.field(TASK_METRIC.STEP);
        Field<Double> value = numbered.field(TASK_METRIC.METRIC_VALUE);
        Field<Integer> rn = numbered.field(rowNumber);
        Field<Integer> n = numbered.field(seriesSize);
        // integer division on non-negative operands is floor on both databases; literals keep the types integral
        Field<Integer> buckets = DSL.inline(Math.max(2, maxPerSeries) - 1);
        Field<Integer> bucket = rn.minus(DSL.inline(1)).times(buckets).div(n.minus(DSL.inline(1)));
        Field<Integer> previousBucket = rn.minus(DSL.inline(2)).times(buckets).div(n.minus(DSL.inline(1)));
        return db.select(taskId, name, n, step, value).from(numbered)
                .where(n.le(DSL.inline(maxPerSeries)))
                .or(rn.eq(DSL.inline(1)))
                .or(bucket.gt(previousBucket))
                .orderBy(taskId, name, step)
                .fetch(r -> new MetricRow(r.get(taskId), r.get(name), r.get(n), r.get(step), r.get(value)));
    }

    List<RunSummary> runs(Long pipelineId, RunStatus status, String startedBy, int limit) {
        Condition condition = DSL.trueCondition();
        if (pipelineId != null) {
            condition = condition.and(RUN.PIPELINE_ID.eq(pipelineId));
        }
        if (status != null) {
            condition = condition.and(RUN.STATUS.eq(status.name()));
        }
        if (startedBy != null && !startedBy.isBlank()) {
            condition = condition.and(RUN.STARTED_BY.containsIgnoreCase(startedBy.trim()));
        }
        return summaries(condition, limit);
    }

    Optional<RunSummary> run(long runId) {
        return summaries(RUN.ID.eq(runId), 1).stream().findFirst();
    }

    private List<RunSummary> summaries(Condition condition, int limit) {
        var total = DSL.selectCount().from(TASK_RUN).where(TASK_RUN.RUN_ID.eq(RUN.ID)).asField("total");
        var done = DSL.selectCount().from(TASK_RUN).where(TASK_RUN.RUN_ID.eq(RUN.ID))
                .and(TASK_RUN.STATUS.eq(TaskStatus.SUCCEEDED.name())).asField("done");
        return db.select(RUN.ID, RUN.PIPELINE_ID, RUN.PIPELINE_NAME, RUN.PIPELINE_VERSION, RUN.STATUS,
                        RUN.TRIGGER_KIND, RUN.STARTED_BY, RUN.CREATED_AT, RUN.FINISHED_AT, RUN.MESSAGE, total, done)
                .from(RUN).where(condition).orderBy(RUN.CREATED_AT.desc(), RUN.ID.desc()).limit(limit)
                .fetch(r -> summary(r, r.get(total, Integer.class), r.get(done, Integer.class)));
    }

    private static RunSummary summary(Record r, int total, int done) {
        return new RunSummary(r.get(RUN.ID), r.get(RUN.PIPELINE_ID), r.get(RUN.PIPELINE_NAME),
                r.get(RUN.PIPELINE_VERSION), RunStatus.valueOf(r.get(RUN.STATUS)),
                RunTrigger.valueOf(r.get(RUN.TRIGGER_KIND)), r.get(RUN.STARTED_BY), r.get(RUN.CREATED_AT),
                r.get(RUN.FINISHED_AT), total, done, r.get(RUN.MESSAGE));
    }
}
