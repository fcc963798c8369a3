//! Store semantics (no HTTP) and the HTTP knobs: each §2 fact the simulator implements.

mod common;

use std::time::Duration;

use prunetags::model::{ImageStream, ImageStreamTag};
use prunetags::sim::store::ListQuery;
use prunetags::sim::{Scenario, Sim, SimOptions, Store};
use serde_json::json;

fn seeded() -> Store {
    let mut st = Store::new();
    let now = st.now();
    Scenario::Seed.build(&mut st, now, 1);
    st
}

fn q(s: &str) -> ListQuery {
    ListQuery::parse(s).unwrap()
}

#[test]
fn istag_list_is_per_status_tag_with_stream_labels_and_empty_metadata() {
    let mut st = seeded();
    let v = st.list_istags(Some("mynamespace"), &q("labelSelector=application%3Dmyapp"));
    assert_eq!(v["metadata"], json!({}));
    let items = v["items"].as_array().unwrap();
    assert_eq!(items.len(), 22);
    let is = st.get_stream("mynamespace", "myapp").unwrap();
    for i in items {
        assert_eq!(i["metadata"]["labels"]["application"], "myapp");
        assert_eq!(i["metadata"]["uid"].as_str(), is.metadata.uid.as_deref());
        assert_eq!(i["tag"], serde_json::Value::Null);
        assert!(i["image"].get("dockerImageLayers").is_none());
        assert_eq!(
            i["image"]["metadata"]["creationTimestamp"],
            serde_json::Value::Null
        );
    }
    // Shuffled: two lists differ in order (with overwhelming probability) but not in content.
    let names = |v: &serde_json::Value| -> Vec<String> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["metadata"]["name"].as_str().unwrap().to_owned())
            .collect()
    };
    let a = names(&st.list_istags(Some("mynamespace"), &q("")));
    let b = names(&st.list_istags(Some("mynamespace"), &q("")));
    assert_ne!(a, b);
    let (mut a2, mut b2) = (a.clone(), b.clone());
    a2.sort();
    b2.sort();
    assert_eq!(a2, b2);
    // limit truncates the stream list and gives no continue.
    let v = st.list_istags(Some("mynamespace"), &q("limit=1"));
    assert_eq!(v["metadata"], json!({}));
    assert!(v["items"].as_array().unwrap().iter().all(|i| {
        i["metadata"]["name"]
            .as_str()
            .unwrap()
            .starts_with("frontend:")
    }));
    // Missing namespace: empty list.
    assert!(
        st.list_istags(Some("nope"), &q(""))["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}

#[test]
fn spec_tags_show_in_the_istag() {
    let st = seeded();
    let t = st.get_istag("mynamespace", "frontend:prod").unwrap();
    assert_eq!(
        t.tag.as_ref().unwrap().from.as_ref().unwrap().name,
        "frontend:v1.1.0"
    );
    let v110 = st.get_istag("mynamespace", "frontend:v1.1.0").unwrap();
    assert_eq!(t.image.digest(), v110.image.digest());
    assert!(t.image.docker_image_layers.is_some());
    assert!(
        t.image
            .docker_image_metadata
            .as_ref()
            .unwrap()
            .size
            .unwrap()
            > 0
    );
}

#[test]
fn istag_get_errors() {
    let st = seeded();
    let e = st.get_istag("mynamespace", "myapp").unwrap_err();
    assert_eq!(
        (e.code, e.message.as_deref()),
        (
            Some(400),
            Some("ImageStreamTags must be retrieved with <name>:<tag>")
        )
    );
    let e = st.get_istag("mynamespace", "a:b:c").unwrap_err();
    assert_eq!(e.code, Some(400));
    let e = st.get_istag("mynamespace", "nope:v1").unwrap_err();
    assert_eq!(
        e.message.as_deref(),
        Some("imagestreamtags.image.openshift.io \"nope\" not found")
    );
    let e = st.get_istag("mynamespace", "myapp:v9").unwrap_err();
    assert_eq!(
        e.message.as_deref(),
        Some("imagestreamtags.image.openshift.io \"myapp:v9\" not found")
    );
    assert_eq!(e.details.unwrap().name.as_deref(), Some("myapp:v9"));
    let e = st.get_istag("elsewhere", "myapp:v2.1.8").unwrap_err();
    assert_eq!(e.code, Some(404));
}

#[test]
fn istag_get_is_404_when_the_image_is_gone_but_the_tag_stays() {
    let mut st = seeded();
    let digest = st
        .get_istag("mynamespace", "myapp:v2.0.3")
        .unwrap()
        .image
        .digest()
        .to_owned();
    st.delete_image(&digest).unwrap();
    assert_eq!(
        st.get_istag("mynamespace", "myapp:v2.0.3")
            .unwrap_err()
            .code,
        Some(404)
    );
    assert!(
        st.tag_names("mynamespace", "myapp")
            .contains(&"v2.0.3".to_string())
    );
    let l = st.layers("mynamespace", "myapp").unwrap();
    assert!(l.images.unwrap()[&digest].image_missing);
}

#[test]
fn istag_delete_drops_spec_and_status_keeps_images_and_checks_only_uid() {
    let mut st = seeded();
    let before = st.get_stream("mynamespace", "frontend").unwrap();
    let digest = st
        .get_istag("mynamespace", "frontend:prod")
        .unwrap()
        .image
        .digest()
        .to_owned();
    let e = st
        .delete_istag(
            "mynamespace",
            "frontend:prod",
            Some("00000000-0000-0000-0000-000000000000"),
        )
        .unwrap_err();
    assert_eq!(
        e.message.as_deref(),
        Some(
            "Operation cannot be fulfilled on imagestreamtags.image.openshift.io \"frontend:prod\": the UID precondition was not met"
        )
    );
    assert_eq!(e.code, Some(409));
    let ok = st
        .delete_istag(
            "mynamespace",
            "frontend:prod",
            before.metadata.uid.as_deref(),
        )
        .unwrap();
    assert_eq!(
        serde_json::to_value(ok).unwrap(),
        json!({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Success"})
    );
    let after = st.get_stream("mynamespace", "frontend").unwrap();
    assert!(after.spec_tag("prod").is_none() && after.status_tag("prod").is_none());
    assert_ne!(
        after.metadata.resource_version,
        before.metadata.resource_version
    );
    assert!(after.metadata.generation > before.metadata.generation);
    assert!(st.get_image(&digest).is_ok());
    assert_eq!(
        st.delete_istag("mynamespace", "frontend:prod", None)
            .unwrap_err()
            .code,
        Some(404)
    );
}

#[test]
fn status_put_checks_the_resource_version() {
    let mut st = seeded();
    let mut is: ImageStream = st.get_stream("mynamespace", "myapp").unwrap();
    let tags = is.status.tags.as_mut().unwrap();
    let v = tags.iter_mut().find(|t| t.tag == "v2.0.5").unwrap();
    v.items.as_mut().unwrap().truncate(1);
    let mut stale = is.clone();
    let updated = st.update_stream_status("mynamespace", "myapp", is).unwrap();
    assert_eq!(updated.status_tag("v2.0.5").unwrap().revisions().len(), 1);
    stale.metadata.resource_version = Some("1".into());
    let e = st
        .update_stream_status("mynamespace", "myapp", stale)
        .unwrap_err();
    assert_eq!(e.code, Some(409));
    assert_eq!(
        e.message.as_deref(),
        Some(
            "Operation cannot be fulfilled on imagestreams.image.openshift.io \"myapp\": the object has been modified; please apply your changes to the latest version and try again"
        )
    );
}

#[test]
fn stream_lists_select_and_page() {
    let st = seeded();
    let v = st
        .list_streams(
            Some("mynamespace"),
            &q("labelSelector=application+in+%28myapp%2Cfrontend%29"),
        )
        .unwrap();
    assert_eq!(v["items"].as_array().unwrap().len(), 2);
    let v = st
        .list_streams(None, &q("labelSelector=application%3Dmyapp"))
        .unwrap();
    assert_eq!(v["items"].as_array().unwrap().len(), 2);
    let v = st
        .list_streams(
            Some("mynamespace"),
            &q("fieldSelector=metadata.name%3Dpython"),
        )
        .unwrap();
    assert_eq!(v["items"][0]["metadata"]["name"], "python");
    let mut seen = Vec::new();
    let mut query = "limit=1".to_owned();
    loop {
        let v = st.list_streams(Some("mynamespace"), &q(&query)).unwrap();
        assert!(v["metadata"]["resourceVersion"].is_string());
        seen.push(
            v["items"][0]["metadata"]["name"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
        match v["metadata"]["continue"].as_str() {
            Some(c) => query = format!("limit=1&continue={c}"),
            None => break,
        }
    }
    assert_eq!(seen, ["frontend", "myapp", "python"]);
    let e = st
        .list_streams(Some("mynamespace"), &q("continue=garbage"))
        .unwrap_err();
    assert_eq!(
        e.message.as_deref(),
        Some(
            "invalid continue token: continue key is not valid: invalid character '\\u0081' looking for beginning of value"
        )
    );
    let e = ListQuery::parse("labelSelector=application%3D%3D%3Dx").unwrap_err();
    assert_eq!(
        e.message.as_deref(),
        Some("unable to parse requirement: found '=', expected: identifier")
    );
}

#[test]
fn reference_only_tags_are_not_listed_and_404() {
    let mut st = Store::new();
    let body: ImageStream = serde_json::from_value(json!({"metadata": {"name": "base"}, "spec": {"tags": [
        {"name": "ubi9", "from": {"kind": "DockerImage", "name": "registry.access.redhat.com/ubi9/ubi-minimal:9.3"}, "reference": true}]}}))
    .unwrap();
    let is = st.create_stream("ns", body).unwrap();
    assert_eq!(is.status_tag("ubi9").unwrap().revisions()[0].image, "");
    assert!(
        st.list_istags(Some("ns"), &q(""))["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert_eq!(st.get_istag("ns", "base:ubi9").unwrap_err().code, Some(404));
    assert!(st.delete_istag("ns", "base:ubi9", None).is_ok());
}

#[test]
fn istag_create_and_update_track_the_source() {
    let mut st = seeded();
    let body: ImageStreamTag = serde_json::from_value(json!({"metadata": {"name": "myapp:stable"},
        "tag": {"name": "stable", "from": {"kind": "ImageStreamTag", "name": "myapp:v2.1.7"}}}))
    .unwrap();
    let t = st.create_istag("mynamespace", body.clone()).unwrap();
    let v217 = st.get_istag("mynamespace", "myapp:v2.1.7").unwrap();
    assert_eq!(t.image.digest(), v217.image.digest());
    assert_eq!(
        st.create_istag("mynamespace", body).unwrap_err().code,
        Some(409)
    );
    let mut upd = t.clone();
    upd.tag.as_mut().unwrap().from.as_mut().unwrap().name = "myapp:v2.1.8".into();
    let t2 = st.update_istag("mynamespace", "myapp:stable", upd).unwrap();
    assert_eq!(
        t2.image.digest(),
        st.get_istag("mynamespace", "myapp:v2.1.8")
            .unwrap()
            .image
            .digest()
    );
    let is = st.get_stream("mynamespace", "myapp").unwrap();
    assert_eq!(is.status_tag("stable").unwrap().revisions().len(), 2);
}

#[test]
fn layers_list_blobs_and_images() {
    let mut st = seeded();
    let l = st.layers("mynamespace", "python").unwrap();
    let images = l.images.unwrap();
    let blobs = l.blobs.unwrap();
    // 3 revisions, one of them a manifest list whose 2 children are listed too.
    assert_eq!(images.len(), 5);
    let list = images
        .values()
        .find(|i| i.manifests.as_ref().is_some_and(|m| m.len() == 2))
        .expect("a manifest list");
    for child in list.manifests.as_ref().unwrap() {
        let c = &images[child];
        assert!(!c.image_missing);
        assert_eq!(c.layers.as_ref().map(Vec::len), Some(2), "child {child}");
    }
    for (d, i) in &images {
        assert_eq!(blobs[d].size, None);
        for layer in i.layers.iter().flatten() {
            assert!(blobs[layer].size.unwrap() > 0);
        }
    }
}

#[test]
fn mappings_record_new_revisions_newest_first() {
    let mut st = seeded();
    let body = json!({"metadata": {"name": "myapp"}, "tag": "v2.1.8", "image": {"metadata": {"name": "sha256:abc"},
        "dockerImageLayers": [{"name": "sha256:l1", "size": 5, "mediaType": "m"}]}});
    let before = st.get_stream("mynamespace", "myapp").unwrap();
    assert_eq!(
        st.create_mapping("mynamespace", &body).unwrap().code,
        Some(201)
    );
    let after = st.get_stream("mynamespace", "myapp").unwrap();
    assert_eq!(after.current("v2.1.8").unwrap().image, "sha256:abc");
    assert_eq!(after.status_tag("v2.1.8").unwrap().revisions().len(), 2);
    assert_ne!(
        after.metadata.resource_version,
        before.metadata.resource_version
    );
    assert_eq!(
        st.get_image("sha256:abc")
            .unwrap()
            .docker_image_metadata
            .unwrap()
            .size,
        Some(5)
    );
}

// ---- over HTTPS: knobs, auth, RBAC --------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unauthorized_without_a_known_token() {
    let sim = Sim::start(SimOptions::default()).await.unwrap();
    let c = common::client(&sim, "nope").await;
    let (code, v) = common::send(
        &c,
        "GET",
        "/apis/image.openshift.io/v1/namespaces/mynamespace/imagestreams",
        None,
        None,
    )
    .await;
    assert_eq!(code, 401);
    assert_eq!(
        v,
        json!({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401})
    );
    let (code, _) = common::send(&c, "GET", "/version", None, None).await;
    assert_eq!(code, 200);
    assert_eq!(sim.requests().last().unwrap().user, "system:anonymous");
}

#[test]
fn max_inflight_answers_429_with_retry_after() {
    // curl in parallel processes (our own client pools connections per host).
    if std::process::Command::new("curl")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("skipping: curl not found");
        return;
    }
    let sim = Sim::start_background(SimOptions {
        latency: Duration::from_millis(1000),
        max_inflight: Some(2),
        ..Default::default()
    })
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, sim.ca_pem()).unwrap();
    let url = format!(
        "{}/apis/image.openshift.io/v1/namespaces/mynamespace/imagestreams/myapp",
        sim.url()
    );
    let children: Vec<_> = (0..6)
        .map(|_| {
            std::process::Command::new("curl")
                .args(["-s", "-i", "--max-time", "20", "--noproxy", "*", "--cacert"])
                .arg(&ca)
                .arg("-H")
                .arg(format!("Authorization: Bearer {}", sim.admin_token()))
                .arg(&url)
                .stdout(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let outs: Vec<String> = children
        .into_iter()
        .map(|c| String::from_utf8_lossy(&c.wait_with_output().unwrap().stdout).into_owned())
        .collect();
    let n429 = outs.iter().filter(|o| o.contains(" 429")).count();
    let n200 = outs
        .iter()
        .filter(|o| o.starts_with("HTTP/2 200") || o.starts_with("HTTP/1.1 200"))
        .count();
    assert_eq!((n200, n429), (2, 4), "{outs:?}");
    for o in outs.iter().filter(|o| o.contains(" 429")) {
        assert!(o.to_ascii_lowercase().contains("retry-after: 1"), "{o}");
        // kube-apiserver's max-in-flight filter and API Priority and Fairness both answer with
        // Go's `http.Error` (k8s.io/apiserver server/filters/maxinflight.go `tooManyRequests`):
        // plain text, not a Status; the wait is only in the header.
        let lower = o.to_ascii_lowercase();
        assert!(
            lower.contains("content-type: text/plain; charset=utf-8"),
            "{o}"
        );
        assert!(
            o.ends_with("Too many requests, please try again later.\n"),
            "{o}"
        );
        assert!(!o.contains("retryAfterSeconds"), "{o}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faults_are_injected_at_the_rate_and_counted() {
    let sim = Sim::start(SimOptions {
        fail_rate: 0.5,
        seed: 9,
        ..Default::default()
    })
    .await
    .unwrap();
    let mut errors = 0;
    for _ in 0..40 {
        // A fresh client each time: a reset may poison a pooled connection.
        let c = common::client(&sim, sim.admin_token()).await;
        let req = hyper::Request::builder()
            .uri("/apis/image.openshift.io/v1/namespaces/mynamespace/imagestreams")
            .body(kube::client::Body::empty())
            .unwrap();
        match c.send(req).await {
            Ok(r) if r.status().is_success() => {}
            _ => errors += 1,
        }
        // Discovery is never faulted.
        assert_eq!(common::send(&c, "GET", "/version", None, None).await.0, 200);
    }
    // A reset request may be retried transparently by the client's connection pool, so the
    // client sees at most as many errors as were injected.
    let injected = sim.faults_injected();
    assert!((8..=32).contains(&injected), "{injected}");
    assert!(errors >= 1 && errors <= injected, "{errors} > {injected}");
    let faulted = sim
        .requests()
        .iter()
        .filter(|r| r.status == 0 || r.status >= 500)
        .count();
    assert_eq!(faulted, injected);
    sim.set_fail_rate(0.0);
    let c = common::client(&sim, sim.admin_token()).await;
    assert_eq!(
        common::send(
            &c,
            "GET",
            "/apis/image.openshift.io/v1/namespaces/mynamespace/imagestreams",
            None,
            None
        )
        .await
        .0,
        200
    );
    assert!(
        sim.requests()
            .iter()
            .any(|r| r.status == 0 || r.status >= 500)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workloads_and_namespaces_are_served() {
    let sim = Sim::start(SimOptions::default()).await.unwrap();
    sim.add_workload(
        "mynamespace",
        "pods",
        json!({"metadata": {"name": "p1"}, "spec": {"containers": [{"image": "x"}]}}),
    );
    let c = common::client(&sim, sim.admin_token()).await;
    let (code, v) =
        common::send(&c, "GET", "/api/v1/namespaces/mynamespace/pods", None, None).await;
    assert_eq!(code, 200);
    assert_eq!(v["kind"], "PodList");
    assert_eq!(v["items"][0]["metadata"]["name"], "p1");
    let (code, v) = common::send(&c, "GET", "/apis/apps/v1/deployments", None, None).await;
    assert_eq!((code, v["items"].as_array().unwrap().len()), (200, 0));
    assert_eq!(
        common::send(&c, "GET", "/api/v1/namespaces/mynamespace", None, None)
            .await
            .0,
        200
    );
    let (code, v) = common::send(&c, "GET", "/api/v1/namespaces/nope", None, None).await;
    assert_eq!(
        (code, v["message"].as_str()),
        (404, Some("namespaces \"nope\" not found"))
    );
    assert_eq!(sim.count("GET", "/pods"), 1);
}

// ---- rbac.authorization.k8s.io: checked against recordings openshift-4.13-round2/201–204 -----

fn round2(name: &str) -> serde_json::Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/openshift-4.13-round2")
        .join(format!("{name}.json"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The request body of a round-2 recording: the lines after `user:`.
fn round2_request_body(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/openshift-4.13-round2")
        .join(format!("{name}.request"));
    let text = std::fs::read_to_string(path).unwrap();
    text.lines().skip(2).collect::<Vec<_>>().join("\n")
}

fn keys(v: &serde_json::Value) -> Vec<String> {
    let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
    k.sort();
    k
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rolebindings_and_clusterroles_match_the_recordings() {
    let sim = Sim::start(SimOptions::default()).await.unwrap();
    let admin = common::client(&sim, sim.admin_token()).await;
    let path = "/apis/rbac.authorization.k8s.io/v1/namespaces/ceo-rec/rolebindings";

    // 201: `oc policy add-role-to-group system:image-puller system:serviceaccounts:ceo-rec-prod`.
    let want = round2("201-create-image-puller-rolebinding");
    let body = round2_request_body("201-create-image-puller-rolebinding");
    let (code, got) = common::send(&admin, "POST", path, None, Some(&body)).await;
    assert_eq!(code, 201, "{got}");
    assert_eq!(
        (&got["kind"], &got["apiVersion"]),
        (&want["kind"], &want["apiVersion"])
    );
    assert_eq!(got["subjects"], want["subjects"]);
    assert_eq!(got["roleRef"], want["roleRef"]);
    assert_eq!(got["metadata"]["name"], want["metadata"]["name"]);
    assert_eq!(got["metadata"]["namespace"], want["metadata"]["namespace"]);
    // The recording also has managedFields (server-side apply bookkeeping): not simulated.
    let mut want_meta = keys(&want["metadata"]);
    want_meta.retain(|k| k != "managedFields");
    assert_eq!(keys(&got["metadata"]), want_meta);
    // A second create: 409, worded like any AlreadyExists.
    let (code, v) = common::send(&admin, "POST", path, None, Some(&body)).await;
    assert_eq!(code, 409);
    assert_eq!(
        v["message"],
        "rolebindings.rbac.authorization.k8s.io \"system:image-puller\" already exists"
    );

    // 202: the admin's LIST: `RoleBindingList`, items sorted by name and without kind.
    sim.add_role_binding(
        "ceo-rec",
        "alice-edit",
        "ClusterRole",
        "edit",
        &["user:alice"],
    );
    let want = round2("202-list-rolebindings-admin");
    let (code, got) = common::send(&admin, "GET", path, None, None).await;
    assert_eq!(code, 200);
    assert_eq!(
        (&got["kind"], &got["apiVersion"]),
        (&want["kind"], &want["apiVersion"])
    );
    assert_eq!(keys(&got["metadata"]), keys(&want["metadata"]));
    let names = |v: &serde_json::Value| -> Vec<String> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["metadata"]["name"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(names(&got), names(&want));
    for (g, w) in got["items"]
        .as_array()
        .unwrap()
        .iter()
        .zip(want["items"].as_array().unwrap())
    {
        assert_eq!(keys(g), keys(w));
        assert_eq!(
            (&g["subjects"], &g["roleRef"]),
            (&w["subjects"], &w["roleRef"])
        );
    }

    // 203: an `edit` user may not list rolebindings (DESIGN §2a): the exact Status.
    sim.add_user(
        "alice-token",
        "alice",
        vec![prunetags::sim::Rule::new(
            &["get", "list", "watch"],
            &["imagestreams", "imagestreamtags", "imagestreams/layers"],
            Some(&["ceo-rec"]),
        )],
    );
    let alice = common::client(&sim, "alice-token").await;
    let (code, got) = common::send(&alice, "GET", path, None, None).await;
    assert_eq!(code, 403);
    assert_eq!(got, round2("203-list-rolebindings-edit-user"));

    // 204: the built-in `system:image-puller`, rules and description as recorded.
    let want = round2("204-clusterrole-image-puller");
    let (code, got) = common::send(
        &admin,
        "GET",
        "/apis/rbac.authorization.k8s.io/v1/clusterroles/system:image-puller",
        None,
        None,
    )
    .await;
    assert_eq!(code, 200);
    assert_eq!(
        (&got["kind"], &got["apiVersion"]),
        (&want["kind"], &want["apiVersion"])
    );
    assert_eq!(got["rules"], want["rules"]);
    for a in [
        "openshift.io/description",
        "rbac.authorization.kubernetes.io/autoupdate",
    ] {
        assert_eq!(
            got["metadata"]["annotations"][a],
            want["metadata"]["annotations"][a]
        );
    }

    // Not recorded, worded like every other apiserver error: 404 get, 405 for what is not served.
    let (code, v) = common::send(&admin, "GET", &format!("{path}/nope"), None, None).await;
    assert_eq!(
        (code, v["message"].as_str(), &v["details"]["group"]),
        (
            404,
            Some("rolebindings.rbac.authorization.k8s.io \"nope\" not found"),
            &json!("rbac.authorization.k8s.io")
        )
    );
    let (code, _) = common::send(&admin, "DELETE", &format!("{path}/alice-edit"), None, None).await;
    assert_eq!(code, 405);
    let (code, v) = common::send(
        &admin,
        "GET",
        "/apis/rbac.authorization.k8s.io/v1/clusterroles",
        None,
        None,
    )
    .await;
    assert_eq!((code, &v["kind"]), (200, &json!("ClusterRoleList")));
    let names = names(&v);
    for role in [
        "admin",
        "edit",
        "registry-viewer",
        "system:image-builder",
        "system:image-puller",
        "system:image-pusher",
        "view",
    ] {
        assert!(names.contains(&role.to_owned()), "{role}: {names:?}");
    }
    // ClusterRoles are cluster-scoped: a restricted user's namespaced rules do not reach them.
    let (code, v) = common::send(
        &alice,
        "GET",
        "/apis/rbac.authorization.k8s.io/v1/clusterroles/edit",
        None,
        None,
    )
    .await;
    assert_eq!(code, 403);
    assert_eq!(
        v["message"],
        "clusterroles.rbac.authorization.k8s.io \"edit\" is forbidden: User \"alice\" cannot get resource \"clusterroles\" in API group \"rbac.authorization.k8s.io\" at the cluster scope"
    );
}

#[test]
fn rolebinding_validation_and_defaults() {
    let mut st = Store::new();
    let ok = st
        .rbac_create(
            "rolebindings",
            Some("tools"),
            json!({"metadata": {"name": "b"},
                "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "system:image-puller"},
                "subjects": [{"kind": "Group", "name": "system:serviceaccounts:dev"},
                             {"kind": "ServiceAccount", "name": "default", "namespace": "test"}]}),
        )
        .unwrap();
    // The apiserver defaults a Group's apiGroup; a ServiceAccount's stays empty (omitted).
    assert_eq!(ok["subjects"][0]["apiGroup"], "rbac.authorization.k8s.io");
    assert!(ok["subjects"][1].get("apiGroup").is_none());
    let e = st
        .rbac_create(
            "rolebindings",
            Some("tools"),
            json!({"metadata": {"name": "c"}, "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Foo", "name": "x"}}),
        )
        .unwrap_err();
    assert_eq!(e.code, Some(422));
    assert!(
        e.message
            .unwrap()
            .contains("roleRef.kind: Unsupported value: \"Foo\"")
    );
}

#[test]
fn istag_list_groups_items_by_stream_in_storage_order() {
    // openshift-apiserver's List walks the listed streams in order and each stream's tags
    // from a map: the order within a stream is random, the streams' is not.
    let mut st = seeded();
    let v = st.list_istags(None, &q(""));
    let keys: Vec<(String, String)> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            let name = i["metadata"]["name"].as_str().unwrap();
            let stream = name.split_once(':').unwrap().0;
            (
                i["metadata"]["namespace"].as_str().unwrap().to_owned(),
                stream.to_owned(),
            )
        })
        .collect();
    let mut groups = keys.clone();
    groups.dedup();
    let mut sorted = groups.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(groups, sorted, "one run per stream, streams in order");
    assert!(groups.len() >= 4, "{groups:?}");
    // Within a stream, still shuffled: myapp's 22 tags come out in two orders.
    let myapp = |v: &serde_json::Value| -> Vec<String> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["metadata"]["name"].as_str().unwrap().to_owned())
            .filter(|n| n.starts_with("myapp:"))
            .collect()
    };
    let a = myapp(&st.list_istags(Some("mynamespace"), &q("")));
    let b = myapp(&st.list_istags(Some("mynamespace"), &q("")));
    assert_eq!(a.len(), 22);
    assert_ne!(a, b);
}

/// A LIST across namespaces is one etcd range read (k8s.io/apiserver `storage/etcd3` `GetList`
/// over the resource's prefix, `openshift.io/imagestreams/` on OpenShift): items come in key order,
/// `<namespace>/<name>`, and `continue`
/// resumes after the last key. So "a-b/x" comes before "a/x" ('-' sorts before '/'), and a page
/// boundary between them loses nothing.
#[test]
fn cluster_wide_pages_follow_the_etcd_key_order() {
    let mut st = Store::new();
    let now = st.now();
    for (ns, name) in [
        ("a", "x"),
        ("a-b", "y"),
        ("a", "z"),
        ("a.c", "w"),
        ("b", "v"),
    ] {
        st.create_stream_at(ns, name, &[], now);
    }
    let mut seen = Vec::new();
    let mut query = "limit=1".to_owned();
    loop {
        let v = st.list_streams(None, &q(&query)).unwrap();
        let item = &v["items"][0]["metadata"];
        seen.push(format!(
            "{}/{}",
            item["namespace"].as_str().unwrap(),
            item["name"].as_str().unwrap()
        ));
        match v["metadata"]["continue"].as_str() {
            Some(c) => query = format!("limit=1&continue={c}"),
            None => break,
        }
    }
    assert_eq!(seen, ["a-b/y", "a.c/w", "a/x", "a/z", "b/v"]);
}
