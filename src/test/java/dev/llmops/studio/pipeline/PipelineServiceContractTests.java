package dev.llmops.studio.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmops.studio.platform.ConflictException;
import dev.llmops.studio.security.Role;
import dev.llmops.studio.support.Http;
import dev.llmops.studio.support.SignedIn;
import dev.llmops.studio.support.Users;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.security.access.AccessDeniedException;

/** Pipelines, versions, conflicts and the pipeline API against a real database (see the subclasses). */
abstract class PipelineServiceContractTests {

    @LocalServerPort
    int port;
    @Autowired
    PipelineService pipelines;
    @Autowired
    PipelineTemplates templates;
    @Autowired
    Users users;
    @Autowired
    DSLContext db;

    private PipelineGraph template(String id) {
        return templates.get(id).graph();
    }

    private static PipelineGraph withParam(PipelineGraph graph, String nodeType, String param, Object value) {
        List<GraphNode> nodes = new ArrayList<>();
        for (GraphNode node : graph.nodes()) {
            if (node.type().equals(nodeType)) {
                Map<String, Object> params = new java.util.LinkedHashMap<>(node.params());
                params.put(param, value);
                nodes.add(new GraphNode(node.id(), node.type(), node.label(), node.x(), node.y(), params));
            } else {
                nodes.add(node);
            }
        }
        return new PipelineGraph(graph.schedule(), nodes, graph.edges());
    }

    @Test
    void savesCreateImmutableVersionsWithAuthorMessageAndChangeSummary() {
        String engineer = users.create("pl-engineer", Role.ML_ENGINEER);
        SignedIn.run(engineer, List.of(Role.ML_ENGINEER), () -> {
            PipelineSummary created = pipelines.create(Users.uniqueName("Support bot"), "answers tickets",
                    template("fine-tune-and-deploy"), "Created from template");
            assertThat(created.version()).isEqualTo(1);
            assertThat(created.runnable()).isTrue();

            PipelineGraph broken = withParam(template("fine-tune-and-deploy"), "fine-tune", "epochs", 5000);
            PipelineSummary draft = pipelines.save(created.id(), 1, broken, "more epochs");
            assertThat(draft.version()).isEqualTo(2);
            assertThat(draft.issueCount()).isEqualTo(1);
            assertThat(draft.runnable()).isFalse();

            List<PipelineVersionInfo> history = pipelines.history(created.id());
            assertThat(history).extracting(PipelineVersionInfo::version).containsExactly(2, 1);
            assertThat(history.get(0).author()).isEqualTo(engineer);
            assertThat(history.get(0).message()).isEqualTo("more epochs");
            assertThat(history.get(0).changeSummary()).contains("changed").contains("Fine-tune");
            assertThat(pipelines.version(created.id(), 1)).isEqualTo(template("fine-tune-and-deploy"));
            assertThat(pipelines.open(created.id()).graph()).isEqualTo(broken);
        });
    }

    @Test
    void aSecondEditorStartingFromAnOlderVersionGetsAConflictAndNothingIsOverwritten() {
        String first = users.create("pl-first", Role.DOMAIN_EXPERT);
        String second = users.create("pl-second", Role.ML_ENGINEER);
        long id = SignedIn.as(first, List.of(Role.DOMAIN_EXPERT), () -> pipelines.create(
                Users.uniqueName("Shared"), null, template("fine-tune-and-deploy"), null).id());

        SignedIn.run(first, List.of(Role.DOMAIN_EXPERT), () -> pipelines.save(id, 1,
                withParam(template("fine-tune-and-deploy"), "fine-tune", "epochs", 4), "first's edit"));
        SignedIn.run(second, List.of(Role.ML_ENGINEER), () -> {
            assertThatThrownBy(() -> pipelines.save(id, 1,
                    withParam(template("fine-tune-and-deploy"), "fine-tune", "epochs", 7), "second's edit"))
                    .isInstanceOf(EditConflictException.class)
                    .hasMessageContaining(first).hasMessageContaining("version 2")
                    .hasMessageContaining("save yours as a copy");
            assertThat(pipelines.history(id)).hasSize(2);
            assertThat(pipelines.open(id).graph().nodes().stream().filter(n -> n.type().equals("fine-tune"))
                    .findFirst().orElseThrow().params().get("epochs")).isEqualTo(4);

            PipelineSummary copy = pipelines.saveAsCopy(id,
                    withParam(template("fine-tune-and-deploy"), "fine-tune", "epochs", 7), "Shared (my copy)-" + id);
            assertThat(copy.owner()).isEqualTo(second);
            assertThat(copy.id()).isNotEqualTo(id);
        });
    }

    @Test
    void restoreSavesTheOldGraphAsANewVersion() {
        String engineer = users.create("pl-restore", Role.ML_ENGINEER);
        SignedIn.run(engineer, List.of(Role.ML_ENGINEER), () -> {
            long id = pipelines.create(Users.uniqueName("Restorable"), null, PipelineGraph.empty(), null).id();
            pipelines.save(id, 1, template("fine-tune-and-deploy"), "six steps");
            PipelineSummary restored = pipelines.restore(id, 1, 2);
            assertThat(restored.version()).isEqualTo(3);
            assertThat(pipelines.open(id).graph().nodes()).isEmpty();
            assertThat(pipelines.history(id).get(0).message()).isEqualTo("Restored version 1");
            assertThat(pipelines.history(id).get(0).changeSummary()).contains("removed");
        });
    }

    @Test
    void namesAreUniqueAndDuplicateFindsAFreeOne() {
        String engineer = users.create("pl-names", Role.ML_ENGINEER);
        SignedIn.run(engineer, List.of(Role.ML_ENGINEER), () -> {
            String name = Users.uniqueName("Unique");
            PipelineSummary original = pipelines.create(name, null, template("fine-tune-and-deploy"), null);
            assertThatThrownBy(() -> pipelines.create(name, null, PipelineGraph.empty(), null))
                    .isInstanceOf(ConflictException.class).hasMessageContaining("already exists");
            PipelineSummary copy = pipelines.duplicate(original.id());
            assertThat(copy.name()).isEqualTo(name + " (copy)");
            assertThat(pipelines.open(copy.id()).graph()).isEqualTo(pipelines.open(original.id()).graph());
        });
    }

    @Test
    void viewersCanReadButNotChange() {
        String engineer = users.create("pl-owner", Role.ML_ENGINEER);
        String viewer = users.create("pl-viewer", Role.VIEWER);
        long id = SignedIn.as(engineer, List.of(Role.ML_ENGINEER), () -> pipelines.create(
                Users.uniqueName("Visible"), null, template("fine-tune-and-deploy"), null).id());
        SignedIn.run(viewer, List.of(Role.VIEWER), () -> {
            assertThat(pipelines.open(id).graph().nodes()).hasSize(6);
            assertThatThrownBy(() -> pipelines.save(id, 1, PipelineGraph.empty(), null))
                    .isInstanceOf(AccessDeniedException.class);
            assertThatThrownBy(() -> pipelines.delete(id)).isInstanceOf(AccessDeniedException.class);
        });
    }

    @Test
    void deleteRemovesEveryVersionAndIsAudited() {
        String engineer = users.create("pl-delete", Role.ML_ENGINEER);
        String name = Users.uniqueName("Doomed");
        SignedIn.run(engineer, List.of(Role.ML_ENGINEER), () -> {
            long id = pipelines.create(name, null, template("fine-tune-and-deploy"), null).id();
            pipelines.save(id, 1, PipelineGraph.empty(), null);
            pipelines.delete(id);
            assertThat(db.fetchCount(db.selectFrom("pipeline_version").where("pipeline_id = ?", id))).isZero();
        });
        assertThat(db.fetchValues("select action from audit_event where target = ? order by id", name))
                .extracting(String::valueOf).containsExactly("pipeline.created", "pipeline.saved", "pipeline.deleted");
    }

    @Test
    void theApiImportsExportsValidatesAndRefusesBrokenFiles() {
        String engineer = users.create("pl-api", Role.ML_ENGINEER);
        String token = users.tokenFor(engineer, Role.ML_ENGINEER);
        Http http = new Http(port);
        String json = PipelineJson.write(template("fine-tune-and-deploy"));

        String name = Users.uniqueName("api-import");
        Http.Response created = http.send("POST", "/api/v1/pipelines?name=" + name, token, json);
        assertThat(created.status()).isEqualTo(201);
        long id = created.json().get("id").asLong();
        Http.Response exported = http.get("/api/v1/pipelines/" + id, token);
        assertThat(PipelineJson.read(exported.body())).isEqualTo(template("fine-tune-and-deploy"));

        Http.Response stale = http.send("PUT", "/api/v1/pipelines/" + id + "?baseVersion=0", token, json);
        assertThat(stale.status()).isEqualTo(409);

        Http.Response broken = http.send("POST", "/api/v1/pipelines?name=" + name + "-2", token,
                "{\"schemaVersion\": 99, \"nodes\": {}}");
        assertThat(broken.status()).isEqualTo(400);
        assertThat(broken.json().get("errors").toString()).contains("schemaVersion");

        Http.Response issues = http.send("POST", "/api/v1/pipelines/validate", token,
                PipelineJson.write(withParam(template("fine-tune-and-deploy"), "fine-tune", "epochs", 5000)));
        assertThat(issues.status()).isEqualTo(200);
        assertThat(issues.json().get(0).get("field").asText()).isEqualTo("epochs");
    }
}
