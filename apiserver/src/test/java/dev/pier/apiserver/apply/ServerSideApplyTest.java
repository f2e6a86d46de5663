package dev.pier.apiserver.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.auth.TokenFile;
import dev.pier.apiserver.cell.Cell;
import dev.pier.apiserver.cell.Cells;
import dev.pier.apiserver.errors.ApiException;
import dev.pier.apiserver.meta.Json;
import dev.pier.apiserver.patch.PatchSchema;
import dev.pier.apiserver.patch.PatchType;
import dev.pier.apiserver.patch.Patcher;
import dev.pier.apiserver.registry.ResourceStore;
import dev.pier.apiserver.registry.WriteOptions;
import dev.pier.storage.sqlite.SqliteStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

import static dev.pier.apiserver.apply.FieldSetTest.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** managedFields on every write and server-side apply, through the real store on SQLite, without HTTP. */
class ServerSideApplyTest {
    @TempDir
    static Path dir;
    static SqliteStore kv;
    static Cells cells;
    static Cell cell;

    @BeforeAll
    static void start() {
        kv = SqliteStore.open(dir.resolve("state.db"));
        cells = new Cells(kv, Clock.systemUTC(), TokenFile.empty());
        cell = cells.management();
    }

    @AfterAll
    static void stop() {
        cells.close();
        kv.close();
    }

    static ResourceStore store(String group, String resource) {
        return cell.store(cell.registry().find(group, "v1", resource).orElseThrow());
    }

    static WriteOptions as(String manager) {
        return new WriteOptions(false, manager, "Strict");
    }

    static ServerSideApply.Result apply(String group, String resource, String name, String manager, boolean force, String config) {
        ResourceStore store = store(group, resource);
        return ServerSideApply.apply(store.type(), store, "default", name, false, manager, Boolean.toString(force), as(manager),
                config.replace('\'', '"').getBytes(StandardCharsets.UTF_8), c -> {
                });
    }

    static ObjectNode applied(String group, String resource, String name, String manager, boolean force, String config) {
        ServerSideApply.Result r = apply(group, resource, name, manager, force, config);
        assertThat(r.failure()).as("apply failure").isNull();
        return r.object();
    }

    /** manager → fieldsV1 of its entry with that operation. */
    static JsonNode fields(JsonNode object, String manager, String operation) {
        for (JsonNode e : object.path("metadata").path("managedFields")) {
            if (e.path("manager").asText().equals(manager) && e.path("operation").asText().equals(operation)) return e.path("fieldsV1");
        }
        return null;
    }

    static List<String> managers(JsonNode object) {
        List<String> out = new java.util.ArrayList<>();
        for (JsonNode e : object.path("metadata").path("managedFields")) {
            out.add(e.path("manager").asText() + "/" + e.path("operation").asText()
                    + (e.has("subresource") ? "/" + e.path("subresource").asText() : ""));
        }
        return out;
    }

    static String deployment(String name, int replicas, String extra) {
        return """
                {'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'%s'%s},
                 'spec':{'replicas':%d,'selector':{'matchLabels':{'app':'%s'}},
                   'template':{'metadata':{'labels':{'app':'%s'}},'spec':{'containers':[{'name':'nginx','image':'nginx:1'}]}}}}"""
                .formatted(name, extra, replicas, name, name);
    }

    // ---------------------------------------------------------------- Update operations

    @Test
    void createAndUpdatesRecordUpdateEntries() {
        ResourceStore cms = store("", "configmaps");
        ObjectNode cm = (ObjectNode) json("{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'rec','labels':{'a':'1'}},'data':{'k':'v'}}");
        ObjectNode created = cms.create("default", cm, as("kubectl-create"));
        JsonNode entry = created.path("metadata").path("managedFields").get(0);
        assertThat(entry.path("manager").asText()).isEqualTo("kubectl-create");
        assertThat(entry.path("operation").asText()).isEqualTo("Update");
        assertThat(entry.path("apiVersion").asText()).isEqualTo("v1");
        assertThat(entry.path("fieldsType").asText()).isEqualTo("FieldsV1");
        assertThat(entry.path("time").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        assertThat(entry.path("fieldsV1")).isEqualTo(json("{'f:data':{'.':{},'f:k':{}},'f:metadata':{'f:labels':{'.':{},'f:a':{}}}}"));
        assertThat(cms.get("default", "rec")).isEqualTo(created);

        // another manager changes k and adds j: it takes k away from the creator
        ObjectNode patched = cms.guaranteedUpdate("default", "rec", "", false, as("kubectl-edit"), c -> {
            c.with("data").put("k", "v2").put("j", "x");
            return c;
        });
        assertThat(fields(patched, "kubectl-edit", "Update")).isEqualTo(json("{'f:data':{'f:j':{},'f:k':{}}}"));
        assertThat(fields(patched, "kubectl-create", "Update")).isEqualTo(json("{'f:data':{},'f:metadata':{'f:labels':{'.':{},'f:a':{}}}}"));

        // a PUT by the same manager merges into its entry; removing the labels drops them from their owner
        ObjectNode put = patched.deepCopy();
        ((ObjectNode) put.path("metadata")).remove(List.of("labels", "managedFields"));
        ((ObjectNode) put.path("data")).put("z", "1");
        ObjectNode updated = cms.update("default", "rec", put, false, as("kubectl-edit"));
        assertThat(fields(updated, "kubectl-edit", "Update")).isEqualTo(json("{'f:data':{'f:j':{},'f:k':{},'f:z':{}}}"));
        assertThat(fields(updated, "kubectl-create", "Update")).isEqualTo(json("{'f:data':{}}"));

        // an unchanged write changes nothing, not even times
        ObjectNode same = cms.update("default", "rec", updated.deepCopy(), false, as("someone"));
        assertThat(same).isEqualTo(updated);
    }

    @Test
    void statusWritesAreEntriesOfTheStatusSubresource() {
        ResourceStore deploys = store("apps", "deployments");
        ObjectNode d = (ObjectNode) json(deployment("stat", 1, ""));
        deploys.create("default", d, as("kubectl-create"));
        ObjectNode after = deploys.guaranteedUpdate("default", "stat", "", true, as("pier-controller"), c -> {
            c.with("status").put("replicas", 1).put("observedGeneration", 1);
            return c;
        });
        assertThat(managers(after)).containsExactly("kubectl-create/Update", "pier-controller/Update/status");
        assertThat(fields(after, "pier-controller", "Update")).isEqualTo(json("{'f:status':{'f:observedGeneration':{},'f:replicas':{}}}"));
        assertThat(fields(after, "kubectl-create", "Update").has("f:status")).isFalse();
    }

    @Test
    void clientsSetManagedFieldsOnlyWithValidValues() {
        ResourceStore cms = store("", "configmaps");
        ObjectNode created = cms.create("default",
                (ObjectNode) json("{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'mf'},'data':{'k':'v'}}"), as("creator"));
        JsonNode original = created.path("metadata").path("managedFields");

        // invalid: kept as stored
        ObjectNode invalid = cms.guaranteedUpdate("default", "mf", "", false, as("x"), c -> {
            c.with("metadata").set("managedFields", json("[{'manager':'evil','operation':'Steal','apiVersion':'v1','fieldsType':'FieldsV1'}]"));
            return c;
        });
        assertThat(invalid.path("metadata").path("managedFields")).isEqualTo(original);
        // []: kept as stored (clients unaware of managedFields never strip them)
        ObjectNode empty = cms.guaranteedUpdate("default", "mf", "", false, as("x"), c -> {
            c.with("metadata").putArray("managedFields");
            return c;
        });
        assertThat(empty.path("metadata").path("managedFields")).isEqualTo(original);
        // valid: replaces
        ObjectNode valid = cms.guaranteedUpdate("default", "mf", "", false, as("x"), c -> {
            c.with("metadata").set("managedFields", json("""
                    [{'manager':'other','operation':'Apply','apiVersion':'v1','time':'2025-01-01T00:00:00Z','fieldsType':'FieldsV1',
                      'fieldsV1':{'f:data':{'f:k':{}}}}]"""));
            return c;
        });
        assertThat(managers(valid)).containsExactly("other/Apply");
        // [{}]: resets; the writer then owns only what it changed in the same request
        ObjectNode reset = cms.guaranteedUpdate("default", "mf", "", false, as("resetter"), c -> {
            c.with("metadata").set("managedFields", json("[{}]"));
            c.with("data").put("n", "1");
            return c;
        });
        assertThat(managers(reset)).containsExactly("resetter/Update");
        assertThat(fields(reset, "resetter", "Update")).isEqualTo(json("{'f:data':{'f:n':{}}}"));
        // status writes never take managedFields from the client
        ResourceStore deploys = store("apps", "deployments");
        deploys.create("default", (ObjectNode) json(deployment("mfs", 1, "")), as("creator"));
        ObjectNode status = deploys.guaranteedUpdate("default", "mfs", "", true, as("ctl"), c -> {
            c.with("metadata").set("managedFields", json("[{}]"));
            c.with("status").put("replicas", 3);
            return c;
        });
        assertThat(managers(status)).containsExactly("creator/Update", "ctl/Update/status");
    }

    @Test
    void writesWithoutAManagerAreTheServers() {
        ObjectNode created = store("", "configmaps").create("default",
                (ObjectNode) json("{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'anon'},'data':{'k':'v'}}"), WriteOptions.defaults());
        assertThat(managers(created)).containsExactly("kube-apiserver/Update");
        assertThat(FieldManager.managerFromUserAgent("kubectl/v1.32.4 (linux/amd64) kubernetes/59526cd")).isEqualTo("kubectl");
        assertThat(FieldManager.managerFromUserAgent("curl")).isEqualTo("curl");
        assertThat(FieldManager.managerFromUserAgent(null)).isEmpty();
    }

    // ---------------------------------------------------------------- apply

    @Test
    void applyCreatesThenUpdatesThenConflictsThenForces() {
        ServerSideApply.Result created = apply("apps", "deployments", "web", "kubectl", false, deployment("web", 1, ""));
        assertThat(created.code()).isEqualTo(201);
        assertThat(managers(created.object())).containsExactly("kubectl/Apply");
        assertThat(fields(created.object(), "kubectl", "Apply").path("f:spec").has("f:replicas")).isTrue();
        assertThat(created.object().path("spec").path("strategy").path("type").asText()).isEqualTo("RollingUpdate"); // defaults applied

        ServerSideApply.Result updated = apply("apps", "deployments", "web", "kubectl", false, deployment("web", 3, ""));
        assertThat(updated.code()).isEqualTo(200);
        assertThat(updated.object().path("spec").path("replicas").asInt()).isEqualTo(3);
        assertThat(updated.object().path("metadata").path("generation").asInt()).isEqualTo(2);

        ServerSideApply.Result conflict = apply("apps", "deployments", "web", "other", false, deployment("web", 5, ""));
        assertThat(conflict.code()).isEqualTo(409);
        assertThat(conflict.failure().path("reason").asText()).isEqualTo("Conflict");
        assertThat(conflict.failure().path("message").asText())
                .isEqualTo("Apply failed with 1 conflict: conflict with \"kubectl\": .spec.replicas");
        JsonNode cause = conflict.failure().path("details").path("causes").get(0);
        assertThat(cause.path("reason").asText()).isEqualTo("FieldManagerConflict");
        assertThat(cause.path("message").asText()).isEqualTo("conflict with \"kubectl\"");
        assertThat(cause.path("field").asText()).isEqualTo(".spec.replicas");
        assertThat(store("apps", "deployments").get("default", "web").path("spec").path("replicas").asInt()).isEqualTo(3);

        ObjectNode forced = applied("apps", "deployments", "web", "other", true, deployment("web", 5, ""));
        assertThat(forced.path("spec").path("replicas").asInt()).isEqualTo(5);
        assertThat(fields(forced, "kubectl", "Apply").path("f:spec").has("f:replicas")).isFalse();
        assertThat(fields(forced, "other", "Apply").path("f:spec").has("f:replicas")).isTrue();
        // the image is shared: same value, no conflict, both own it
        assertThat(fields(forced, "kubectl", "Apply").path("f:spec").path("f:template").path("f:spec").path("f:containers")
                .path("k:{\"name\":\"nginx\"}").has("f:image")).isTrue();
    }

    @Test
    void applyingEqualValuesSharesOwnershipAndAnUnchangedApplyWritesNothing() {
        ObjectNode first = applied("", "configmaps", "share", "a", false,
                "{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'share'},'data':{'k':'v','only-a':'1'}}");
        ObjectNode second = applied("", "configmaps", "share", "b", false,
                "{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'share'},'data':{'k':'v'}}");
        assertThat(fields(second, "a", "Apply")).isEqualTo(json("{'f:data':{'f:k':{},'f:only-a':{}}}"));
        assertThat(fields(second, "b", "Apply")).isEqualTo(json("{'f:data':{'f:k':{}}}"));
        assertThat(second.path("metadata").path("resourceVersion").asLong()).isGreaterThan(first.path("metadata").path("resourceVersion").asLong());
        ObjectNode again = applied("", "configmaps", "share", "b", false,
                "{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'share'},'data':{'k':'v'}}");
        assertThat(again).isEqualTo(second);
        // a stops applying k: b still owns it, so it stays; only-a goes
        ObjectNode dropped = applied("", "configmaps", "share", "a", false,
                "{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'share'},'data':{'z':'1'}}");
        assertThat(dropped.path("data")).isEqualTo(json("{'k':'v','z':'1'}"));
    }

    @Test
    void fieldsAManagerStopsApplyingAreRemoved() {
        applied("apps", "deployments", "prune", "kubectl", false, deployment("prune", 2, ",'labels':{'app':'prune','tier':'web'}"));
        ObjectNode after = applied("apps", "deployments", "prune", "kubectl", false, deployment("prune", 2, ",'labels':{'app':'prune'}"));
        assertThat(after.path("metadata").path("labels")).isEqualTo(json("{'app':'prune'}"));
        // replicas no longer applied: removed, then defaulted again by the server (nobody owns the default)
        String noReplicas = deployment("prune", 2, ",'labels':{'app':'prune'}").replace("'replicas':2,", "");
        ObjectNode defaulted = applied("apps", "deployments", "prune", "kubectl", false, noReplicas);
        assertThat(defaulted.path("spec").path("replicas").asInt()).isEqualTo(1);
        assertThat(fields(defaulted, "kubectl", "Apply").path("f:spec").has("f:replicas")).isFalse();
    }

    @Test
    void containersOfTwoManagersMergeByName() {
        String a = """
                {'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'two'},
                 'spec':{'selector':{'matchLabels':{'app':'two'}},'template':{'metadata':{'labels':{'app':'two'}},
                   'spec':{'containers':[{'name':'a','image':'a:1','ports':[{'containerPort':80}]}]}}}}""";
        String b = """
                {'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'two'},
                 'spec':{'template':{'spec':{'containers':[{'name':'b','image':'b:1'}]}}}}""";
        applied("apps", "deployments", "two", "mgr-a", false, a);
        ObjectNode both = applied("apps", "deployments", "two", "mgr-b", false, b);
        JsonNode containers = both.path("spec").path("template").path("spec").path("containers");
        assertThat(containers).extracting(c -> c.path("name").asText()).containsExactly("a", "b");
        assertThat(containers.get(0).path("ports").get(0).path("protocol").asText()).isEqualTo("TCP");
        assertThat(fields(both, "mgr-b", "Apply")).isEqualTo(json("""
                {'f:spec':{'f:template':{'f:spec':{'f:containers':{'k:{"name":"b"}':{'.':{},'f:image':{},'f:name':{}}}}}}}"""));
        // re-applying a (port without protocol) matches the defaulted port: nothing changes
        ObjectNode again = applied("apps", "deployments", "two", "mgr-a", false, a);
        assertThat(again.path("spec")).isEqualTo(both.path("spec"));
        assertThat(again.path("metadata").path("managedFields")).isEqualTo(both.path("metadata").path("managedFields"));
        // a's image changes: no conflict with b, whose container stays
        ObjectNode changed = applied("apps", "deployments", "two", "mgr-a", false, a.replace("a:1", "a:2"));
        containers = changed.path("spec").path("template").path("spec").path("containers");
        assertThat(containers.get(0).path("image").asText()).isEqualTo("a:2");
        assertThat(containers.get(1).path("image").asText()).isEqualTo("b:1");
        // b stops applying its container: it goes, a's stays
        ObjectNode gone = applied("apps", "deployments", "two", "mgr-b", false,
                "{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'two','labels':{'b':'x'}}}");
        assertThat(gone.path("spec").path("template").path("spec").path("containers"))
                .extracting(c -> c.path("name").asText()).containsExactly("a");
        // b taking a's image is a conflict naming the list item
        ServerSideApply.Result conflict = apply("apps", "deployments", "two", "mgr-b", false, b.replace("'b'", "'a'"));
        assertThat(conflict.failure().path("details").path("causes").get(0).path("field").asText())
                .isEqualTo(".spec.template.spec.containers[name=\"a\"].image");
    }

    @Test
    void anUpdateAfterApplyTakesOwnership() {
        applied("apps", "deployments", "upd", "kubectl", false, deployment("upd", 2, ""));
        ObjectNode scaled = store("apps", "deployments").guaranteedUpdate("default", "upd", "", false, as("kubectl-scale"), c -> {
            c.with("spec").put("replicas", 4);
            return c;
        });
        assertThat(fields(scaled, "kubectl-scale", "Update")).isEqualTo(json("{'f:spec':{'f:replicas':{}}}"));
        assertThat(fields(scaled, "kubectl", "Apply").path("f:spec").has("f:replicas")).isFalse();
        ServerSideApply.Result conflict = apply("apps", "deployments", "upd", "kubectl", false, deployment("upd", 2, ""));
        assertThat(conflict.code()).isEqualTo(409);
        assertThat(conflict.failure().path("message").asText())
                .isEqualTo("Apply failed with 1 conflict: conflict with \"kubectl-scale\" using apps/v1: .spec.replicas");
        // applying the live value is no conflict: shared
        ObjectNode shared = applied("apps", "deployments", "upd", "kubectl", false, deployment("upd", 4, ""));
        assertThat(fields(shared, "kubectl-scale", "Update")).isEqualTo(json("{'f:spec':{'f:replicas':{}}}"));
        assertThat(fields(shared, "kubectl", "Apply").path("f:spec").has("f:replicas")).isTrue();
    }

    @Test
    void applyRequiresAFieldManagerAndAMatchingConfiguration() {
        ResourceStore cms = store("", "configmaps");
        String cm = "{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'req'}}";
        assertThatThrownBy(() -> apply("", "configmaps", "req", "", false, cm))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.code()).isEqualTo(422);
                    assertThat(e.getMessage()).contains("fieldManager: Required value: is required for apply patch");
                });
        assertThatThrownBy(() -> apply("", "configmaps", "req", "m", false, cm.replace("'v1'", "'v2'")))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getMessage()).contains("Incorrect version specified in apply patch"));
        assertThatThrownBy(() -> apply("", "configmaps", "req", "m", false, cm.replace("'req'", "'other'")))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(400));
        assertThatThrownBy(() -> apply("", "configmaps", "req", "m", false,
                "{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'req','managedFields':[]}}"))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getMessage()).isEqualTo("metadata.managedFields must be nil"));
        // dryRun stores nothing
        ServerSideApply.Result dry = ServerSideApply.apply(cms.type(), cms, "default", "req", false, "m", null,
                new WriteOptions(true, "m", "Strict"), cm.replace('\'', '"').getBytes(StandardCharsets.UTF_8), c -> {
                });
        assertThat(dry.code()).isEqualTo(201);
        assertThatThrownBy(() -> cms.get("default", "req")).isInstanceOf(ApiException.class);
        // YAML bodies work too
        ServerSideApply.Result yaml = ServerSideApply.apply(cms.type(), cms, "default", "req", false, "m", "false", as("m"),
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: req\ndata:\n  a: b\n".getBytes(StandardCharsets.UTF_8), c -> {
                });
        assertThat(yaml.object().path("data").path("a").asText()).isEqualTo("b");
    }

    @Test
    void applyToTheStatusSubresourceAppliesStatusOnly() {
        applied("apps", "deployments", "sts", "kubectl", false, deployment("sts", 1, ""));
        ResourceStore deploys = store("apps", "deployments");
        ServerSideApply.Result r = ServerSideApply.apply(deploys.type(), deploys, "default", "sts", true, "ctl", "false", as("ctl"),
                """
                        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"sts"},
                         "spec":{"replicas":9},"status":{"replicas":1,"conditions":[{"type":"Available","status":"True"}]}}"""
                        .getBytes(StandardCharsets.UTF_8), c -> {
                });
        assertThat(r.code()).isEqualTo(200);
        assertThat(r.object().path("spec").path("replicas").asInt()).isEqualTo(1);
        assertThat(r.object().path("status").path("replicas").asInt()).isEqualTo(1);
        assertThat(managers(r.object())).containsExactly("ctl/Apply/status", "kubectl/Apply"); // same second: by manager
        assertThat(fields(r.object(), "ctl", "Apply")).isEqualTo(json("""
                {'f:status':{'f:conditions':{'k:{"type":"Available"}':{'.':{},'f:status':{},'f:type':{}}},'f:replicas':{}}}"""));
    }

    // ---------------------------------------------------------------- client-side → server-side apply

    /** What kubectl's csaupgrade does: folds the client-side apply manager into the server-side applier. */
    static ArrayNode migrated(JsonNode managedFields, String csaManager, String ssaManager) {
        ArrayNode out = Json.object().arrayNode();
        FieldSet csa = null;
        ObjectNode ssa = null;
        for (JsonNode e : managedFields) {
            if (e.path("manager").asText().equals(csaManager) && e.path("operation").asText().equals("Update")) {
                csa = FieldSet.fromFieldsV1(e.path("fieldsV1"));
                continue;
            }
            ObjectNode copy = e.deepCopy();
            if (e.path("manager").asText().equals(ssaManager) && e.path("operation").asText().equals("Apply")) ssa = copy;
            out.add(copy);
        }
        ssa.set("fieldsV1", FieldSet.fromFieldsV1(ssa.path("fieldsV1")).union(csa).toFieldsV1());
        return out;
    }

    @Test
    void clientSideApplyMigratesToServerSideApply() {
        ResourceStore deploys = store("apps", "deployments");
        // 1. kubectl apply -f (client-side): POST with the last-applied annotation as kubectl-client-side-apply
        ObjectNode config = (ObjectNode) json(deployment("mig", 1, ",'labels':{'app':'mig','tier':'web'}"));
        ObjectNode withAnnotation = config.deepCopy();
        withAnnotation.with("metadata").putObject("annotations")
                .put(FieldManager.LAST_APPLIED, Values.canonical(config) + "\n");
        ObjectNode created = deploys.create("default", withAnnotation, as("kubectl-client-side-apply"));
        assertThat(managers(created)).containsExactly("kubectl-client-side-apply/Update");

        // 2. kubectl apply --server-side -f with replicas changed: conflicts with the client-side manager are
        //    allowed where the live value is still the last-applied one
        String changed = deployment("mig", 3, ",'labels':{'app':'mig','tier':'web'}");
        ObjectNode ssa = applied("apps", "deployments", "mig", "kubectl", false, changed);
        assertThat(ssa.path("spec").path("replicas").asInt()).isEqualTo(3);
        assertThat(fields(ssa, "kubectl-client-side-apply", "Update").path("f:spec").has("f:replicas")).isFalse();
        String lastApplied = ssa.path("metadata").path("annotations").path(FieldManager.LAST_APPLIED).asText();
        assertThat(Json.parseObject(lastApplied.getBytes(StandardCharsets.UTF_8)).path("spec").path("replicas").asInt()).isEqualTo(3); // kept in step

        // a different manager gets no such help
        ServerSideApply.Result other = apply("apps", "deployments", "mig", "someone", false,
                deployment("mig", 1, ",'labels':{'app':'mig','tier':'api'}"));
        assertThat(other.code()).isEqualTo(409);

        // 3. kubectl saves the annotation under kubectl-last-applied
        String annotationOnly = """
                {'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'mig','namespace':'default',
                  'annotations':{'%s':%s}}}""".formatted(FieldManager.LAST_APPLIED, Values.quote(lastApplied).replace('"', '\''));
        // (the quote dance: apply() turns ' into ", so escape the annotation's own quotes first)
        String body = annotationOnly.replace('\'', '"');
        ServerSideApply.Result saved = ServerSideApply.apply(deploys.type(), deploys, "default", "mig", false,
                "kubectl-last-applied", null, as("kubectl-last-applied"), body.getBytes(StandardCharsets.UTF_8), c -> {
                });
        assertThat(saved.failure()).isNull();
        assertThat(managers(saved.object())).contains("kubectl-last-applied/Apply", "kubectl-client-side-apply/Update");

        // 4. kubectl's JSON patch replacing managedFields (and resourceVersion as a precondition)
        ObjectNode live = saved.object();
        ArrayNode patch = Json.object().arrayNode();
        patch.addObject().put("op", "replace").put("path", "/metadata/managedFields")
                .set("value", migrated(live.path("metadata").path("managedFields"), "kubectl-client-side-apply", "kubectl"));
        patch.addObject().put("op", "replace").put("path", "/metadata/resourceVersion")
                .put("value", live.path("metadata").path("resourceVersion").asText());
        ObjectNode after = deploys.guaranteedUpdate("default", "mig", "", false, as("kubectl-last-applied"),
                c -> Patcher.apply(PatchType.JSON, c, patch, PatchSchema.NONE));
        assertThat(managers(after)).containsExactlyInAnyOrder("kubectl/Apply", "kubectl-last-applied/Apply");
        assertThat(fields(after, "kubectl", "Apply").path("f:metadata").path("f:labels").has("f:tier")).isTrue();

        // 5. now server-side apply owns what client-side apply set: dropping the tier label removes it
        ObjectNode pruned = applied("apps", "deployments", "mig", "kubectl", false, deployment("mig", 3, ",'labels':{'app':'mig'}"));
        assertThat(pruned.path("metadata").path("labels")).isEqualTo(json("{'app':'mig'}"));
        assertThat(pruned.path("metadata").path("annotations").has(FieldManager.LAST_APPLIED)).isTrue();
    }
}
