package dev.llmops.studio.evaluation;

import dev.llmops.studio.platform.ConflictException;
import dev.llmops.studio.platform.InvalidRequestException;
import dev.llmops.studio.platform.NotFoundException;
import dev.llmops.studio.security.AuditLog;
import dev.llmops.studio.security.CurrentUser;
import dev.llmops.studio.security.Permission;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Prompt suites as people keep them: list, read, create, save (the cases are replaced as a whole), import from a
 * CSV or JSONL file, delete. Reading needs {@link Permission#PROMPT_TESTS_VIEW}, every change
 * {@link Permission#PROMPT_TESTS_EDIT}, and every change is audited.
 */
@Service
public class PromptSuiteService {

    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9 ._-]{0,99}");
    static final int MAX_CASES = 10_000;

    private final PromptSuiteRepository suites;
    private final PromptTestRepository tests;
    private final CurrentUser currentUser;
    private final AuditLog audit;
    private final Clock clock;

    PromptSuiteService(PromptSuiteRepository suites, PromptTestRepository tests, CurrentUser currentUser,
            AuditLog audit, Clock clock) {
        this.suites = suites;
        this.tests = tests;
        this.currentUser = currentUser;
        this.audit = audit;
        this.clock = clock;
    }

    /** Every suite with its latest test run. */
    @Transactional(readOnly = true)
    public List<PromptSuiteSummary> list() {
        currentUser.require(Permission.PROMPT_TESTS_VIEW);
        Map<String, TestRunInfo> latest = tests.latestRuns();
        return suites.summaries().stream().map(s -> s.withLatestRun(latest.get(s.name()))).toList();
    }

    @Transactional(readOnly = true)
    public PromptSuite get(String name) {
        return find(name).orElseThrow(() -> new NotFoundException("No prompt suite “" + name + "”."));
    }

    @Transactional(readOnly = true)
    public Optional<PromptSuite> find(String name) {
        currentUser.require(Permission.PROMPT_TESTS_VIEW);
        return suites.byName(name);
    }

    /** For a pipeline step, which acts for a run rather than a signed-in user. */
    @Transactional(readOnly = true)
    Optional<PromptSuite> findForRun(String name) {
        return suites.byName(name);
    }

    @Transactional
    public PromptSuite create(String name, SuiteContent content) {
        currentUser.require(Permission.PROMPT_TESTS_EDIT);
        String checkedName = checkedName(name);
        SuiteContent checked = checked(content);
        if (suites.lockByName(checkedName).isPresent()) {
            throw new ConflictException("name", "A prompt suite named “" + checkedName + "” exists already.");
        }
        OffsetDateTime now = OffsetDateTime.now(clock);
        suites.insert(checkedName, checked, currentUser.usernameOrSystem(), now);
        audit.record("prompt_suite.created", checkedName, cases(checked.cases().size()));
        return suites.byName(checkedName).orElseThrow();
    }

    /** Replaces the suite's description, judge settings and cases. */
    @Transactional
    public PromptSuite save(String name, SuiteContent content) {
        currentUser.require(Permission.PROMPT_TESTS_EDIT);
        SuiteContent checked = checked(content);
        long suiteId = suites.lockByName(name)
                .orElseThrow(() -> new NotFoundException("No prompt suite “" + name + "”."));
        suites.update(suiteId, checked, currentUser.usernameOrSystem(), OffsetDateTime.now(clock));
        audit.record("prompt_suite.saved", name, cases(checked.cases().size()));
        return suites.byName(name).orElseThrow();
    }

    /**
     * Reads a CSV or JSONL file into a new suite, or into an existing one whose cases it replaces (its description
     * and judge settings stay). A file with any problem changes nothing; the message names the line (and column).
     */
    @Transactional
    public PromptSuite importFile(String name, Path file, String fileName) throws IOException {
        currentUser.require(Permission.PROMPT_TESTS_EDIT);
        String checkedName = checkedName(name);
        List<PromptCase> cases = PromptSuiteFiles.read(file, fileName);
        if (cases.size() > MAX_CASES) {
            throw new InvalidRequestException("file", fileName + " has " + cases.size() + " cases; a suite holds at"
                    + " most " + MAX_CASES);
        }
        OffsetDateTime now = OffsetDateTime.now(clock);
        String actor = currentUser.usernameOrSystem();
        Optional<Long> existing = suites.lockByName(checkedName);
        if (existing.isPresent()) {
            SuiteContent kept = suites.byName(checkedName).orElseThrow().content();
            suites.update(existing.get(), new SuiteContent(kept.description(), kept.judgeEndpoint(),
                    kept.judgeRubric(), cases), actor, now);
        } else {
            suites.insert(checkedName, SuiteContent.of(cases), actor, now);
        }
        audit.record("prompt_suite.imported", checkedName, cases(cases.size()) + " from " + fileName
                + (existing.isPresent() ? ", replacing its cases" : ""));
        return suites.byName(checkedName).orElseThrow();
    }

    /** Deletes the suite and its cases; its test runs stay readable in reports and pipeline runs. */
    @Transactional
    public void delete(String name) {
        currentUser.require(Permission.PROMPT_TESTS_EDIT);
        if (!suites.delete(name)) {
            throw new NotFoundException("No prompt suite “" + name + "”.");
        }
        audit.record("prompt_suite.deleted", name, "");
    }

    private static String checkedName(String name) {
        String trimmed = name == null ? "" : name.strip();
        if (!NAME.matcher(trimmed).matches()) {
            throw new InvalidRequestException("name", "A suite name has 1 to 100 letters, digits, spaces, dots,"
                    + " dashes or underscores and starts with a letter or digit, e.g. support-smoke-tests.");
        }
        return trimmed;
    }

    private static SuiteContent checked(SuiteContent content) {
        if (content.cases().size() > MAX_CASES) {
            throw new InvalidRequestException("cases", "A suite holds at most " + MAX_CASES + " cases.");
        }
        for (int i = 0; i < content.cases().size(); i++) {
            Optional<PromptCase.Problem> problem = content.cases().get(i).problem();
            if (problem.isPresent()) {
                throw new InvalidRequestException("cases", "Case " + (i + 1) + ": " + problem.get().message() + ".");
            }
        }
        String judge = blankToNull(content.judgeEndpoint());
        boolean judged = content.cases().stream().anyMatch(c -> c.assertion() == AssertionType.LLM_JUDGE);
        if (judged && judge == null) {
            throw new InvalidRequestException("judgeEndpoint", "LLM_JUDGE cases need a judge: choose the endpoint"
                    + " that grades the answers.");
        }
        String description = blankToNull(content.description());
        if (description != null && description.length() > 2000) {
            throw new InvalidRequestException("description", "The description is limited to 2,000 characters.");
        }
        return new SuiteContent(description, judge == null ? null : judge.strip(),
                blankToNull(content.judgeRubric()), content.cases());
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text;
    }

    private static String cases(int count) {
        return count == 1 ? "1 case" : count + " cases";
    }
}
