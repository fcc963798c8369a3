//! The simulator as real clients see it (issue #13): `/openapi`, `PATCH`, `limitranges` and
//! `prunetags-sim --request-log`, first against the real server's answers (recordings
//! `openshift-4.13-round2/230–236`, one test per fact, named after the recording), then driven
//! by the REAL kubectl (`create -f`, `apply -f`, `label`, `annotate`, `get limitranges`), every
//! bundled version of it. Without kubectl those tests are skipped, unless `CI=true`: then they
//! fail.

mod common;
mod harness;

use std::collections::BTreeSet;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use http_body_util::BodyExt;
use prunetags::sim::watch::EventType;
use prunetags::sim::{Rule, Scenario, Sim, SimOptions};
use serde_json::{Value, json};

// ---- the recordings -----------------------------------------------------------------------------

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/openshift-4.13-round2")
}

fn recorded(name: &str) -> Value {
    let text = std::fs::read_to_string(fixtures().join(format!("{name}.json"))).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// A recorded request: (method, path, body). The `.request` files of this round are the method
/// and path, `user: NAME`, then the body.
fn recorded_request(name: &str) -> (String, String, String) {
    let text = std::fs::read_to_string(fixtures().join(format!("{name}.request"))).unwrap();
    let mut lines = text.lines();
    let (method, path) = lines.next().unwrap().split_once(' ').unwrap();
    let body: Vec<&str> = lines.filter(|l| !l.starts_with("user: ")).collect();
    (
        method.into(),
        path.into(),
        body.join("\n").trim().to_owned(),
    )
}

/// Every path of a JSON value (`.metadata.labels.team`, `.status.tags[].items[]`), without
/// `managedFields`, which the simulator does not keep (as `tests/sim_fidelity.rs` compares).
fn shape(v: &Value) -> BTreeSet<String> {
    fn walk(v: &Value, prefix: &str, out: &mut BTreeSet<String>) {
        match v {
            Value::Object(m) => {
                for (k, x) in m.iter().filter(|(k, _)| *k != "managedFields") {
                    let p = format!("{prefix}.{k}");
                    out.insert(p.clone());
                    walk(x, &p, out);
                }
            }
            Value::Array(a) => a.iter().for_each(|x| walk(x, &format!("{prefix}[]"), out)),
            _ => {}
        }
    }
    let mut out = BTreeSet::new();
    walk(v, "", &mut out);
    out
}

/// The recorded state: `ceo-rec/app` labelled `application=app` with a pushed `v1.0.0`, and
/// `alice` bound to `edit` there (what `edit` allows on image streams and tags).
async fn recorded_cluster() -> Sim {
    let sim = Sim::start(SimOptions {
        scenario: Scenario::Empty,
        ..Default::default()
    })
    .await
    .unwrap();
    sim.with_store(|s| {
        let now = s.now();
        s.create_stream_at("ceo-rec", "app", &[("application", "app")], now);
    });
    push(&sim, "ceo-rec", "app", "v1.0.0");
    sim.add_user(
        "alice-token",
        "alice",
        vec![Rule::new(
            &[
                "get", "list", "watch", "create", "update", "patch", "delete",
            ],
            &["imagestreams", "imagestreamtags", "imagestreams/status"],
            Some(&["ceo-rec"]),
        )],
    );
    sim
}

fn push(sim: &Sim, ns: &str, stream: &str, tag: &str) {
    use prunetags::sim::scenario::{make_image, sha_digest};
    let digest = sha_digest(&format!("{ns} {stream} {tag}"));
    let image = make_image(
        &digest,
        &format!("image-registry.openshift-image-registry.svc:5000/{ns}/{stream}@{digest}"),
        &sha_digest(&format!("config {ns} {stream} {tag}")),
        vec![(sha_digest(&format!("layer {ns} {stream} {tag}")), 1000)],
        jiff::Timestamp::now(),
    );
    sim.push(ns, stream, tag, image);
}

/// Sends a request with a given content type; returns (status, JSON body or Null).
async fn send(
    c: &kube::Client,
    method: &str,
    path: &str,
    content_type: &str,
    body: &str,
) -> (u16, Value) {
    let req = hyper::Request::builder()
        .method(method)
        .uri(path)
        .header("accept", "application/json")
        .header("content-type", content_type)
        .body(kube::client::Body::from(body.as_bytes().to_vec()))
        .unwrap();
    let resp = c
        .send(req)
        .await
        .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
    let code = resp.status().as_u16();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    (code, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

const MERGE: &str = "application/merge-patch+json";
const STRATEGIC: &str = "application/strategic-merge-patch+json";
const JSON_PATCH: &str = "application/json-patch+json";
const STREAM: &str = "/apis/image.openshift.io/v1/namespaces/ceo-rec/imagestreams/app";

/// Replays recording `name` as alice with `content_type`; checks the status and the shape of
/// the answer against the recorded one and returns it.
async fn replay_patch(sim: &Sim, name: &str, content_type: &str) -> Value {
    let alice = common::client(sim, "alice-token").await;
    let (method, path, body) = recorded_request(name);
    assert_eq!(method, "PATCH");
    let (code, got) = send(&alice, &method, &path, content_type, &body).await;
    let want = recorded(name);
    assert_eq!(code, 200, "{name}: {got}");
    let (gs, ws) = (shape(&got), shape(&want));
    assert_eq!(
        gs,
        ws,
        "{name}: missing {:?}, extra {:?}",
        ws.difference(&gs).collect::<Vec<_>>(),
        gs.difference(&ws).collect::<Vec<_>>()
    );
    got
}

fn rv(v: &Value) -> u64 {
    v["metadata"]["resourceVersion"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn recording_230_merge_patch_sets_a_label_and_keeps_the_rest() {
    let sim = recorded_cluster().await;
    let before = sim.image_stream("ceo-rec", "app").unwrap();
    let got = replay_patch(&sim, "230-patch-merge-imagestream-labels", MERGE).await;
    let want = recorded("230-patch-merge-imagestream-labels");
    assert_eq!(got["metadata"]["labels"], want["metadata"]["labels"]);
    // A metadata change: a new resourceVersion, the same generation (1, as recorded).
    assert!(rv(&got) > before.metadata.resource_version.unwrap().parse().unwrap());
    assert_eq!(
        got["metadata"]["generation"],
        want["metadata"]["generation"]
    );
    assert_eq!(
        got["status"]["tags"][0]["tag"],
        want["status"]["tags"][0]["tag"]
    );
    let stored = sim.image_stream("ceo-rec", "app").unwrap();
    assert_eq!(stored.metadata.labels.unwrap()["team"], "a");
    assert_eq!(sim.requests().last().unwrap().user, "alice");
}

#[tokio::test]
async fn recording_231_strategic_merge_patch_adds_an_annotation() {
    let sim = recorded_cluster().await;
    replay_patch(&sim, "230-patch-merge-imagestream-labels", MERGE).await;
    let got = replay_patch(
        &sim,
        "231-patch-strategic-imagestream-annotations",
        STRATEGIC,
    )
    .await;
    let want = recorded("231-patch-strategic-imagestream-annotations");
    assert_eq!(
        got["metadata"]["annotations"],
        want["metadata"]["annotations"]
    );
    assert_eq!(got["metadata"]["labels"], want["metadata"]["labels"]);
}

#[tokio::test]
async fn recording_232_json_patch_adds_an_escaped_key() {
    let sim = recorded_cluster().await;
    replay_patch(&sim, "230-patch-merge-imagestream-labels", MERGE).await;
    replay_patch(
        &sim,
        "231-patch-strategic-imagestream-annotations",
        STRATEGIC,
    )
    .await;
    let got = replay_patch(&sim, "232-patch-json-imagestream", JSON_PATCH).await;
    let want = recorded("232-patch-json-imagestream");
    assert_eq!(
        got["metadata"]["annotations"],
        want["metadata"]["annotations"]
    );
    assert_eq!(got["metadata"]["labels"], want["metadata"]["labels"]);
}

#[tokio::test]
async fn recording_233_merge_patch_of_a_pushed_istag_is_400() {
    let sim = recorded_cluster().await;
    let alice = common::client(&sim, "alice-token").await;
    let before = sim.image_stream("ceo-rec", "app").unwrap();
    let (_, path, body) = recorded_request("233-patch-merge-istag-pushed");
    let (code, got) = send(&alice, "PATCH", &path, MERGE, &body).await;
    assert_eq!(code, 400);
    assert_eq!(got, recorded("233-patch-merge-istag-pushed"));
    assert_eq!(sim.image_stream("ceo-rec", "app").unwrap(), before);
    // A PUT without a spec tag is refused the same way (the same update path).
    let (code, istag) = send(&alice, "GET", &path, MERGE, "").await;
    assert_eq!(code, 200);
    let (code, got) = send(&alice, "PUT", &path, "application/json", &istag.to_string()).await;
    assert_eq!((code, got), (400, recorded("233-patch-merge-istag-pushed")));
}

#[tokio::test]
async fn recording_234_limitranges_are_an_empty_list() {
    let sim = recorded_cluster().await;
    let admin = common::client(&sim, sim.admin_token()).await;
    let want = recorded("234-list-limitranges");
    for path in [
        "/api/v1/limitranges",
        "/api/v1/namespaces/ceo-rec/limitranges",
    ] {
        let (code, got) = send(&admin, "GET", path, "application/json", "").await;
        assert_eq!(code, 200, "{path}");
        assert_eq!(shape(&got), shape(&want), "{path}: {got}");
        assert_eq!(
            (&got["kind"], &got["items"]),
            (&want["kind"], &want["items"])
        );
        // The list's resourceVersion is the store's current one, a string.
        let current = sim.with_store(|s| s.resource_version());
        assert_eq!(rv(&got), current, "{path}");
    }
    let (code, got) = send(
        &admin,
        "GET",
        "/api/v1/namespaces/ceo-rec/limitranges/nope",
        "application/json",
        "",
    )
    .await;
    assert_eq!(code, 404);
    assert_eq!(got["message"], "limitranges \"nope\" not found");
}

#[tokio::test]
async fn recording_235_the_openapi_v3_index_has_the_recorded_form() {
    let sim = recorded_cluster().await;
    let admin = common::client(&sim, sim.admin_token()).await;
    let (code, got) = send(&admin, "GET", "/openapi/v3", "application/json", "").await;
    assert_eq!(code, 200);
    let want = recorded("235-openapi-v3-index");
    let form = |v: &Value| -> Vec<(String, usize)> {
        v["paths"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, e)| {
                // Only `serverRelativeURL`: `/openapi/v3/<key>?hash=<128 upper-case hex>`.
                assert_eq!(e.as_object().unwrap().len(), 1, "{k}: {e}");
                let url = e["serverRelativeURL"].as_str().unwrap();
                let hash = url
                    .strip_prefix(&format!("/openapi/v3/{k}?hash="))
                    .unwrap_or_else(|| panic!("{k}: {url}"));
                assert!(
                    hash.chars()
                        .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase()),
                    "{k}: {hash}"
                );
                (k.clone(), hash.len())
            })
            .collect()
    };
    let (got, want) = (form(&got), form(&want));
    assert_eq!(got, [("apis/image.openshift.io/v1".to_owned(), 128)]);
    assert!(want.contains(&got[0]), "the real index has the same entry");
}

#[tokio::test]
async fn recording_236_the_image_document_is_the_recorded_subset() {
    let sim = recorded_cluster().await;
    let admin = common::client(&sim, sim.admin_token()).await;
    let (_, index) = send(&admin, "GET", "/openapi/v3", "application/json", "").await;
    let url = index["paths"]["apis/image.openshift.io/v1"]["serverRelativeURL"]
        .as_str()
        .unwrap();
    let (code, doc) = send(&admin, "GET", url, "application/json", "").await;
    assert_eq!(code, 200);
    // The served document is the fixture, unchanged: what `openapi-subset.py` kept of 236.
    let fixture: Value = serde_json::from_str(
        &std::fs::read_to_string(fixtures().join("236-openapi-v3-image.subset.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(doc, fixture);
    assert_eq!(doc["openapi"], "3.0.0");
    let paths = doc["paths"].as_object().unwrap();
    assert!(
        paths
            .keys()
            .all(|p| p.starts_with("/apis/image.openshift.io/"))
    );
    // What kubectl reads: the PATCH of imagestreams takes `fieldValidation` (so validation is
    // the server's) and a strategic merge patch (so `apply` computes one from the schema).
    let patch =
        &paths["/apis/image.openshift.io/v1/namespaces/{namespace}/imagestreams/{name}"]["patch"];
    assert!(
        patch["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["name"] == "fieldValidation")
    );
    assert!(patch["requestBody"]["content"][STRATEGIC].is_object());
    let schemas = &doc["components"]["schemas"];
    let spec = &schemas["com.github.openshift.api.image.v1.ImageStreamSpec"];
    assert_eq!(
        spec["properties"]["tags"]["x-kubernetes-patch-merge-key"],
        "name"
    );
    let status = &schemas["com.github.openshift.api.image.v1.ImageStreamStatus"];
    assert_eq!(
        status["properties"]["tags"]["x-kubernetes-patch-merge-key"],
        "tag"
    );
    assert!(schemas["com.github.openshift.api.image.v1.ImageStreamTag"].is_object());
    // A second request by the hashed URL may be cached; anonymous clients may read it too.
    let anonymous = common::client(&sim, "").await;
    let (code, _) = send(&anonymous, "GET", url, "application/json", "").await;
    assert_eq!(code, 200);
}

// ---- PATCH keeps the stream's semantics ---------------------------------------------------------

#[tokio::test]
async fn a_strategic_patch_of_spec_tags_is_an_update() {
    let sim = recorded_cluster().await;
    let alice = common::client(&sim, "alice-token").await;
    let before = sim.image_stream("ceo-rec", "app").unwrap();
    let events_before = sim.with_store(|s| s.watch_events().len());
    // A spec tag `stable` from the pushed `v1.0.0`: generation 2, resolved into status.
    let body = json!({"spec": {"tags": [
        {"name": "stable", "from": {"kind": "ImageStreamTag", "name": "app:v1.0.0"}}
    ]}});
    let (code, got) = send(&alice, "PATCH", STREAM, STRATEGIC, &body.to_string()).await;
    assert_eq!(code, 200, "{got}");
    assert_eq!(got["metadata"]["generation"], 2);
    assert_eq!(got["spec"]["tags"][0]["generation"], 2);
    let is = sim.image_stream("ceo-rec", "app").unwrap();
    assert_eq!(
        is.current("stable").unwrap().image,
        before.current("v1.0.0").unwrap().image
    );
    let events = sim.with_store(|s| s.watch_events());
    assert_eq!(events.len(), events_before + 1);
    let last = events.last().unwrap();
    assert!(matches!(last.type_, EventType::Modified));
    assert_eq!(last.rv, rv(&got));

    // Another tag merges in by name; `$patch: delete` removes one.
    let body = json!({"spec": {"tags": [
        {"name": "edge", "from": {"kind": "DockerImage", "name": "quay.io/x/y:1"}, "reference": true},
        {"name": "stable", "$patch": "delete"}
    ]}});
    let (code, got) = send(&alice, "PATCH", STREAM, STRATEGIC, &body.to_string()).await;
    assert_eq!(code, 200, "{got}");
    let names: Vec<&str> = got["spec"]["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["edge"]);
    assert_eq!(got["metadata"]["generation"], 3);
    // A merge patch of the same list replaces it, as RFC 7386 says.
    let body = json!({"spec": {"tags": [{"name": "other", "from": {"kind": "DockerImage", "name": "q/z:2"}, "reference": true}]}});
    let (code, got) = send(&alice, "PATCH", STREAM, MERGE, &body.to_string()).await;
    assert_eq!(code, 200, "{got}");
    assert_eq!(got["spec"]["tags"].as_array().unwrap().len(), 1);
    assert_eq!(got["spec"]["tags"][0]["name"], "other");
}

#[tokio::test]
async fn patch_errors_are_the_apiservers() {
    let sim = recorded_cluster().await;
    let alice = common::client(&sim, "alice-token").await;
    let before = sim.image_stream("ceo-rec", "app").unwrap();
    let cases: &[(&str, &str, &str, u16, &str)] = &[
        // Server-side apply is not simulated: the 415 of a server without it.
        (
            STREAM,
            "application/apply-patch+yaml",
            "metadata: {labels: {x: y}}",
            415,
            "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json",
        ),
        (
            STREAM,
            JSON_PATCH,
            r#"[{"op":"test","path":"/metadata/name","value":"other"}]"#,
            422,
            "the server rejected our request due to an error in our request",
        ),
        (
            STREAM,
            MERGE,
            r#"{"metadata":{"resourceVersion":"1","labels":{"x":"y"}}}"#,
            409,
            "Operation cannot be fulfilled on imagestreams.image.openshift.io \"app\": the object has been modified; please apply your changes to the latest version and try again",
        ),
        (
            STREAM,
            MERGE,
            r#"{"metadata":{"name":"renamed"}}"#,
            400,
            "the name of the object (renamed) does not match the name on the URL (app)",
        ),
        (
            "/apis/image.openshift.io/v1/namespaces/ceo-rec/imagestreams/nope",
            MERGE,
            "{}",
            404,
            "imagestreams.image.openshift.io \"nope\" not found",
        ),
    ];
    for (path, ct, body, code, message) in cases {
        let (got_code, got) = send(&alice, "PATCH", path, ct, body).await;
        assert_eq!(got_code, *code, "{ct} {body}: {got}");
        assert_eq!(got["message"], *message, "{ct} {body}");
        assert_eq!(got["kind"], "Status");
    }
    assert_eq!(sim.image_stream("ceo-rec", "app").unwrap(), before);

    // RBAC: the verb is `patch`.
    sim.add_user(
        "bob-token",
        "bob",
        vec![Rule::new(
            &["get", "update"],
            &["imagestreams"],
            Some(&["ceo-rec"]),
        )],
    );
    let bob = common::client(&sim, "bob-token").await;
    let (code, got) = send(&bob, "PATCH", STREAM, MERGE, "{}").await;
    assert_eq!(code, 403);
    assert_eq!(
        got["message"],
        "imagestreams.image.openshift.io \"app\" is forbidden: User \"bob\" cannot patch resource \"imagestreams\" in API group \"image.openshift.io\" in the namespace \"ceo-rec\""
    );
}

#[test]
fn the_simulators_objects_have_only_fields_their_schema_declares() {
    // Else a strict PATCH of them (kubectl apply) would be refused for the server's own fields.
    use prunetags::sim::openapi::unknown_fields;
    let sim = Sim::start_background(SimOptions::default()).unwrap();
    let mut checked = 0;
    for ns in ["mynamespace", "otherproject"] {
        for is in sim.image_streams(ns) {
            let v = serde_json::to_value(&is).unwrap();
            assert_eq!(
                unknown_fields("ImageStream", &v),
                Vec::<String>::new(),
                "{ns}/{}",
                is.metadata.name.as_deref().unwrap()
            );
            for t in sim.tag_names(ns, is.metadata.name.as_deref().unwrap()) {
                let name = format!("{}:{t}", is.metadata.name.as_deref().unwrap());
                if let Some(ist) = sim.with_store(|s| s.get_istag(ns, &name).ok()) {
                    let v = serde_json::to_value(&ist).unwrap();
                    assert_eq!(
                        unknown_fields("ImageStreamTag", &v),
                        Vec::<String>::new(),
                        "{ns}/{name}"
                    );
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 20, "{checked}");
}

#[tokio::test]
async fn strict_field_validation_refuses_undeclared_fields() {
    let sim = recorded_cluster().await;
    let alice = common::client(&sim, "alice-token").await;
    let before = sim.image_stream("ceo-rec", "app").unwrap();
    let (code, got) = send(
        &alice,
        "PATCH",
        &format!("{STREAM}?fieldValidation=Strict"),
        MERGE,
        r#"{"spec":{"tags":[{"name":"x","frm":{}}]}}"#,
    )
    .await;
    assert_eq!(code, 400, "{got}");
    assert_eq!(
        got["message"],
        "strict decoding error: unknown field \"spec.tags[0].frm\""
    );
    assert_eq!(sim.image_stream("ceo-rec", "app").unwrap(), before);
    let body = json!({"metadata": {"name": "typo"}, "spec": {"lookupPolcy": {}}}).to_string();
    let list = "/apis/image.openshift.io/v1/namespaces/ceo-rec/imagestreams";
    let (code, got) = send(
        &alice,
        "POST",
        &format!("{list}?fieldManager=x&fieldValidation=Strict"),
        "application/json",
        &body,
    )
    .await;
    assert_eq!(code, 400, "{got}");
    assert_eq!(
        got["message"],
        "ImageStream in version \"v1\" cannot be handled as a ImageStream: strict decoding error: unknown field \"spec.lookupPolcy\""
    );
    // Without Strict, the field is dropped and the stream created.
    let (code, _) = send(&alice, "POST", list, "application/json", &body).await;
    assert_eq!(code, 201);
}

// ---- the real kubectl ---------------------------------------------------------------------------

/// `/usr/bin/kubectl` (the dispatcher: a bundled client of the server's minor, 1.27) and every
/// bundled version: 1.27 reads `/openapi/v2`, 1.28+ `/openapi/v3`; 1.29+ send strategic merge
/// patches from `apply`, 1.27/1.28 JSON merge patches.
const KUBECTLS: &[&str] = &[
    "/usr/bin/kubectl",
    "/usr/lib/google-cloud-sdk/bin/kubectl.1.27",
    "/usr/lib/google-cloud-sdk/bin/kubectl.1.28",
    "/usr/lib/google-cloud-sdk/bin/kubectl.1.29",
    "/usr/lib/google-cloud-sdk/bin/kubectl.1.30",
    "/usr/lib/google-cloud-sdk/bin/kubectl.1.31",
    "/usr/lib/google-cloud-sdk/bin/kubectl.1.32",
    "/usr/lib/google-cloud-sdk/bin/kubectl.1.33",
];

/// Whether this kubectl's `apply` sends strategic merge patches here: 1.29+, which compute
/// them from `/openapi/v3`. The dispatcher runs the client of the server's minor (1.27).
fn strategic(k: &Path) -> bool {
    let name = k.display().to_string();
    !(name == "/usr/bin/kubectl" || name.ends_with(".1.27") || name.ends_with(".1.28"))
}

fn find(path: &str) -> Option<PathBuf> {
    let p = Path::new(path);
    if p.exists() {
        return Some(p.to_path_buf());
    }
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("{path} not found and CI=true");
    }
    eprintln!("skipping: {path} not found");
    None
}

struct Env {
    sim: Sim,
    dir: tempfile::TempDir,
    kubeconfig: PathBuf,
}

fn env() -> Env {
    let sim = Sim::start_background(SimOptions::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("kubeconfig");
    sim.write_kubeconfig(&kubeconfig, "mynamespace").unwrap();
    Env {
        sim,
        dir,
        kubeconfig,
    }
}

impl Env {
    /// kubectl with its own (empty) cache, so that every run asks the server.
    fn kubectl(&self, bin: &Path, args: &[&str]) -> (i32, String, String) {
        let cache = tempfile::tempdir_in(self.dir.path()).unwrap();
        let mut cmd = Command::new(bin);
        cmd.arg("--kubeconfig")
            .arg(&self.kubeconfig)
            .arg("--cache-dir")
            .arg(cache.path())
            .args(args);
        for v in ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"] {
            cmd.env_remove(v);
        }
        let r = harness::run(cmd, Duration::from_secs(60));
        (r.code, r.stdout, r.stderr)
    }

    fn write(&self, name: &str, text: &str) -> String {
        let p = self.dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p.display().to_string()
    }

    fn ok(&self, bin: &Path, args: &[&str]) -> String {
        let (code, out, err) = self.kubectl(bin, args);
        assert_eq!(code, 0, "{} {args:?}: {err}", bin.display());
        out
    }
}

fn manifest(name: &str, label: &str, tags: &[(&str, &str)]) -> String {
    let mut y = format!(
        "apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata:\n  name: {name}\n  labels:\n    app: {label}\nspec:\n  tags:\n"
    );
    for (tag, from) in tags {
        y.push_str(&format!(
            "  - name: {tag}\n    from:\n      kind: DockerImage\n      name: \"{from}\"\n    reference: true\n"
        ));
    }
    y
}

fn spec_tags(sim: &Sim, name: &str) -> Vec<(String, String)> {
    let is = sim.image_stream("mynamespace", name).unwrap();
    is.spec
        .tags
        .unwrap_or_default()
        .into_iter()
        .map(|t| (t.name, t.from.map(|f| f.name).unwrap_or_default()))
        .collect()
}

fn pairs(tags: &[(&str, &str)]) -> Vec<(String, String)> {
    tags.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn kubectl_create_and_apply_an_imagestream() {
    let e = env();
    for (i, path) in KUBECTLS.iter().enumerate() {
        let Some(k) = find(path) else { continue };
        let who = k.display().to_string();
        // create -f: validation by the server (fieldValidation=Strict), one POST.
        let created = format!("created{i}");
        let f = e.write(
            &format!("{created}.yaml"),
            &manifest(&created, "a", &[("stable", "quay.io/x/y:1")]),
        );
        e.sim.reset_requests();
        let out = e.ok(&k, &["create", "-f", &f]);
        assert!(
            out.contains(&format!("imagestream.image.openshift.io/{created} created")),
            "{who}: {out}"
        );
        let posts: Vec<_> = e
            .sim
            .requests()
            .into_iter()
            .filter(|r| r.method == "POST")
            .collect();
        assert_eq!(posts.len(), 1, "{who}");
        assert!(
            posts[0].query.contains("fieldValidation=Strict") && posts[0].status == 201,
            "{who}: {posts:?}"
        );
        assert_eq!(
            spec_tags(&e.sim, &created),
            pairs(&[("stable", "quay.io/x/y:1")])
        );
        let (code, _, err) = e.kubectl(&k, &["create", "-f", &f]);
        assert_eq!(code, 1, "{who}");
        assert!(err.contains("AlreadyExists"), "{who}: {err}");

        // apply -f of a new stream: GET 404, then a POST; then a change is a PATCH.
        let applied = format!("applied{i}");
        let f = e.write(
            &format!("{applied}.yaml"),
            &manifest(
                &applied,
                "a",
                &[("stable", "quay.io/x/y:1"), ("old", "quay.io/x/y:0")],
            ),
        );
        let out = e.ok(&k, &["apply", "-f", &f]);
        assert!(out.contains("created"), "{who}: {out}");
        let is = e.sim.image_stream("mynamespace", &applied).unwrap();
        let annotations = is.metadata.annotations.clone().unwrap();
        assert!(
            annotations.contains_key("kubectl.kubernetes.io/last-applied-configuration"),
            "{who}"
        );
        let generation = is.metadata.generation.unwrap();

        e.sim.reset_requests();
        let f = e.write(
            &format!("{applied}.yaml"),
            &manifest(&applied, "b", &[("stable", "quay.io/x/y:2")]),
        );
        let out = e.ok(&k, &["apply", "-f", &f]);
        assert!(out.contains("configured"), "{who}: {out}");
        assert_eq!(
            e.sim.count("PATCH", &format!("/imagestreams/{applied}")),
            1,
            "{who}"
        );
        let is = e.sim.image_stream("mynamespace", &applied).unwrap();
        assert_eq!(is.metadata.labels.unwrap()["app"], "b", "{who}");
        assert_eq!(
            spec_tags(&e.sim, &applied),
            pairs(&[("stable", "quay.io/x/y:2")]),
            "{who}"
        );
        assert_eq!(is.metadata.generation.unwrap(), generation + 1, "{who}");

        // Applying the same file again changes nothing. kubectl 1.27/1.28 (merge patches: no
        // schema in our v2) resend `spec.tags` whole, since the server defaulted fields in it,
        // and say "configured"; the generation stays, the tags being the same.
        let out = e.ok(&k, &["apply", "-f", &f]);
        let want = if strategic(&k) {
            "unchanged"
        } else {
            "configured"
        };
        assert!(out.contains(want), "{who}: {out}");
        let again = e.sim.image_stream("mynamespace", &applied).unwrap();
        assert_eq!(again.metadata.generation.unwrap(), generation + 1, "{who}");
        assert_eq!(
            spec_tags(&e.sim, &applied),
            pairs(&[("stable", "quay.io/x/y:2")]),
            "{who}"
        );
    }
}

#[test]
fn kubectl_create_reports_an_unknown_field() {
    let e = env();
    let f = e.write(
        "typo.yaml",
        "apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata:\n  name: typo\nspec:\n  tags:\n  - name: a\n    frm: {kind: DockerImage, name: x}\n",
    );
    for path in KUBECTLS {
        let Some(k) = find(path) else { continue };
        let who = k.display().to_string();
        for verb in ["create", "apply"] {
            let (code, _, err) = e.kubectl(&k, &[verb, "-f", &f]);
            assert_eq!(code, 1, "{who} {verb}");
            assert!(
                err.contains("unknown field \"spec.tags[0].frm\""),
                "{who} {verb}: {err}"
            );
        }
        assert!(e.sim.image_stream("mynamespace", "typo").is_none(), "{who}");
    }
}

#[test]
fn kubectl_label_and_annotate_an_imagestream() {
    let e = env();
    for path in KUBECTLS {
        let Some(k) = find(path) else { continue };
        let who = k.display().to_string();
        let before = e.sim.image_stream("mynamespace", "myapp").unwrap();
        let out = e.ok(&k, &["label", "is", "myapp", "team=a"]);
        assert!(
            out.contains("imagestream.image.openshift.io/myapp labeled"),
            "{who}: {out}"
        );
        let out = e.ok(
            &k,
            &["annotate", "is", "myapp", "prunetags.openshift.io/keep=3"],
        );
        // kubectl 1.27 says "annotate", later ones "annotated".
        assert!(
            out.contains("imagestream.image.openshift.io/myapp annotate"),
            "{who}: {out}"
        );
        let (code, _, err) = e.kubectl(&k, &["label", "is", "myapp", "team=b"]);
        assert_eq!(code, 1, "{who}");
        assert!(err.contains("already has a value (a)"), "{who}: {err}");
        e.ok(&k, &["label", "is", "myapp", "team=b", "--overwrite"]);
        let is = e.sim.image_stream("mynamespace", "myapp").unwrap();
        assert_eq!(is.metadata.labels.as_ref().unwrap()["team"], "b", "{who}");
        assert_eq!(
            is.metadata.labels.as_ref().unwrap()["application"],
            "myapp",
            "{who}"
        );
        assert_eq!(
            is.metadata.annotations.as_ref().unwrap()["prunetags.openshift.io/keep"],
            "3",
            "{who}"
        );
        // Metadata only: spec, status and generation are untouched.
        assert_eq!(is.spec, before.spec, "{who}");
        assert_eq!(is.status, before.status, "{who}");
        assert_eq!(is.metadata.generation, before.metadata.generation, "{who}");
        e.ok(&k, &["label", "is", "myapp", "team-"]);
        e.ok(
            &k,
            &["annotate", "is", "myapp", "prunetags.openshift.io/keep-"],
        );
        let is = e.sim.image_stream("mynamespace", "myapp").unwrap();
        assert_eq!(is.metadata.labels, before.metadata.labels, "{who}");
        assert!(
            !is.metadata
                .annotations
                .unwrap_or_default()
                .contains_key("prunetags.openshift.io/keep"),
            "{who}"
        );
    }
}

#[test]
fn kubectl_gets_limitranges() {
    let e = env();
    for path in KUBECTLS {
        let Some(k) = find(path) else { continue };
        let who = k.display().to_string();
        let (code, out, err) = e.kubectl(&k, &["get", "limitranges"]);
        assert_eq!((code, out.as_str()), (0, ""), "{who}: {err}");
        assert!(
            err.contains("No resources found in mynamespace namespace."),
            "{who}: {err}"
        );
        let (code, _, err) = e.kubectl(&k, &["get", "limits", "-A"]);
        assert_eq!(code, 0, "{who}: {err}");
        assert!(err.contains("No resources found"), "{who}: {err}");
        let out = e.ok(&k, &["get", "limitranges", "-o", "json"]);
        let v: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["items"], json!([]), "{who}: {out}");
        let (code, _, err) = e.kubectl(&k, &["get", "limitrange", "nope"]);
        assert_eq!(code, 1, "{who}");
        assert!(
            err.contains("limitranges \"nope\" not found"),
            "{who}: {err}"
        );
    }
    // What went to the server was the Table form of the core list.
    assert!(
        e.sim
            .count("GET", "/api/v1/namespaces/mynamespace/limitranges")
            > 0
    );
    assert!(e.sim.count("GET", "/api/v1/limitranges") > 0);
}

#[test]
fn kubectl_apply_server_side_is_refused_in_one_line() {
    let Some(k) = find("/usr/lib/google-cloud-sdk/bin/kubectl.1.33") else {
        return;
    };
    let e = env();
    let f = e.write(
        "ssa.yaml",
        &manifest("ssa", "a", &[("stable", "quay.io/x/y:1")]),
    );
    let (code, _, err) = e.kubectl(&k, &["apply", "--server-side", "-f", &f]);
    assert_eq!(code, 1);
    assert!(
        err.contains("Server-side apply not available on the server"),
        "{err}"
    );
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(e.sim.image_stream("mynamespace", "ssa").is_none());
}
