package dev.llmops.studio;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.vaadin.flow.component.Component;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModules;

/**
 * The package-by-feature rules, checked on every build: modules (top-level packages) form no cycles and use
 * only each other's API package; each table belongs to one feature; views never talk SQL.
 */
class ArchitectureTest {

    private static final String BASE = "dev.llmops.studio";
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(BASE);

    /**
     * Which feature owns each generated jOOQ table. A new table fails this test until it is given an owner,
     * and only the owner's classes may use it; other features go through the owner's services.
     */
    private static final Map<String, String> TABLE_OWNERS = Map.ofEntries(
            Map.entry("AppUser", "security"),
            Map.entry("UserRole", "security"),
            Map.entry("LoginThrottle", "security"),
            Map.entry("ApiToken", "security"),
            Map.entry("AuditEvent", "security"),
            Map.entry("Pipeline", "pipeline"),
            Map.entry("PipelineVersion", "pipeline"),
            Map.entry("Run", "run"),
            Map.entry("TaskRun", "run"),
            Map.entry("TaskLog", "run"),
            Map.entry("TaskMetric", "run"),
            Map.entry("Worker", "worker"),
            Map.entry("WorkerToken", "worker"),
            Map.entry("Dataset", "dataset"),
            Map.entry("DatasetVersion", "dataset"),
            Map.entry("RegisteredModel", "registry"),
            Map.entry("ModelVersion", "registry"),
            Map.entry("ModelAlias", "registry"),
            Map.entry("ServingEndpoint", "serving"),
            Map.entry("EndpointDeployment", "serving"),
            Map.entry("EndpointReplica", "serving"),
            Map.entry("EndpointApiKey", "serving"),
            Map.entry("EndpointEvent", "serving"),
            Map.entry("EndpointRequest", "serving"),
            Map.entry("PromptSuite", "evaluation"),
            Map.entry("PromptCase", "evaluation"),
            Map.entry("PromptTestRun", "evaluation"),
            Map.entry("PromptTestResult", "evaluation"),
            Map.entry("ReviewQueue", "feedback"),
            Map.entry("ReviewBatch", "feedback"),
            Map.entry("ReviewItem", "feedback"),
            Map.entry("ReviewAssignment", "feedback"),
            Map.entry("ReviewWorkload", "feedback"),
            Map.entry("GateDecision", "gate"));

    @Test
    void modulesHaveNoCyclesAndUseOnlyEachOthersApi() {
        // the generated jOOQ classes are shared plumbing; who may use which table is checked below
        ApplicationModules.of(StudioApplication.class,
                JavaClass.Predicates.resideInAPackage(BASE + ".db..")).verify();
    }

    @Test
    void everyTableHasAnOwningFeatureAndOnlyItUsesTheTable() {
        Set<String> tables = new TreeSet<>();
        for (JavaClass table : CLASSES) {
            if (table.getPackageName().equals(BASE + ".db.tables") && !table.isNestedClass()) {
                tables.add(table.getSimpleName());
            }
        }
        assertThat(TABLE_OWNERS.keySet()).as("table owners").containsExactlyInAnyOrderElementsOf(tables);

        TABLE_OWNERS.forEach((table, owner) -> noClasses()
                .that().resideOutsideOfPackages(BASE + "." + owner + "..", BASE + ".db..")
                .should().dependOnClassesThat().haveFullyQualifiedName(BASE + ".db.tables." + table)
                .orShould().dependOnClassesThat()
                .haveFullyQualifiedName(BASE + ".db.tables.records." + table + "Record")
                .because("table " + table + " belongs to the " + owner + " feature")
                .check(CLASSES));
    }

    @Test
    void viewsDoNotUseSql() {
        noClasses().that().areAssignableTo(Component.class)
                .should().dependOnClassesThat().resideInAnyPackage("org.jooq..", BASE + ".db..", "java.sql..")
                .because("views call services; services call repositories")
                .check(CLASSES);
    }

    @Test
    void onlyRepositoriesTalkToJooq() {
        noClasses().that().resideOutsideOfPackage(BASE + ".db..")
                .and().haveSimpleNameNotEndingWith("Repository")
                .should().dependOnClassesThat().resideInAnyPackage("org.jooq..", BASE + ".db..")
                .because("SQL lives in repositories, one per feature table group")
                .check(CLASSES);
    }
}
