//! `list` run as a user would: the built binary against the simulator.
//!
//! What is checked: the table (columns, order, cells), `--history`, `-o json|yaml|name`, how the
//! kubeconfig, context and namespace are chosen, paging, colour, and every error a user can meet
//! (exit code, one line on stderr, no panic).

mod harness;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use base64::Engine as _;
use harness::{Harness, Run};
use jiff::Timestamp;
use prunetags::sim::{Rule, Scenario, SimOptions};
use serde_json::{Value, json};

// ---------------------------------------------------------------------------------------------
// Helpers

/// The cells of each row of the table (plain columns: stdout is a pipe), header first.
fn table_rows(out: &str) -> Vec<Vec<String>> {
    harness::plain_rows(out)
}

/// Rows as maps from column name to cell.
fn table(out: &str) -> (Vec<String>, Vec<std::collections::HashMap<String, String>>) {
    let rows = table_rows(out);
    assert!(!rows.is_empty(), "no table in:\n{out}");
    let header = rows[0].clone();
    let body = rows[1..]
        .iter()
        .map(|r| {
            assert_eq!(r.len(), header.len(), "ragged row {r:?}");
            header.iter().cloned().zip(r.iter().cloned()).collect()
        })
        .collect();
    (header, body)
}

/// The error contract (exit code, one `error: …` line, no panic), and no `error:` nested in it.
fn assert_err(run: &Run, code: i32, contains: &str) {
    run.assert_error(code, contains);
    assert_eq!(
        run.stderr.matches("error:").count(),
        1,
        "one `error:` per line: {}",
        run.stderr
    );
}

fn short(digest: &str) -> &str {
    &digest.trim_start_matches("sha256:")[..12]
}

fn semver_of(tag: &str) -> Option<semver::Version> {
    semver::Version::parse(tag.strip_prefix('v').unwrap_or(tag)).ok()
}

/// Checks the documented tag order, `oc describe is`'s (library-go `PrioritizeTags`): `latest`,
/// then `X.Y` (and `X.Y-word`) versions, then semver tags, each by descending precedence, then
/// the others by name.
fn assert_tag_order(stream: &str, tags: &[&str]) {
    let minor = regex::Regex::new(r"^v?(\d+\.\d+)(-\w+)?$").unwrap();
    let class = |t: &str| -> (u8, Option<semver::Version>) {
        if t == "latest" {
            return (0, None);
        }
        if let Some(v) = semver_of(t) {
            return (2, Some(v));
        }
        if let Some(c) = minor.captures(t) {
            let suffix = c.get(2).map_or("", |m| m.as_str());
            if let Ok(v) = semver::Version::parse(&format!("{}.0{suffix}", &c[1])) {
                return (1, Some(v));
            }
        }
        (3, None)
    };
    for w in tags.windows(2) {
        let ((ca, va), (cb, vb)) = (class(w[0]), class(w[1]));
        assert!(ca <= cb, "{stream}: {} before {}: {tags:?}", w[0], w[1]);
        if ca == cb {
            match (va, vb) {
                (Some(a), Some(b)) => assert!(
                    a.cmp_precedence(&b).is_ge(),
                    "{stream}: versions not in descending precedence: {tags:?}"
                ),
                _ => assert!(w[0] < w[1], "{stream}: other tags not by name: {tags:?}"),
            }
        }
    }
}

/// A kubeconfig built from parts. Clusters: (name, server, CA PEM); users: (name, token);
/// contexts: (name, cluster, user, namespace).
#[derive(Default)]
struct Kc {
    clusters: Vec<(String, String, String)>,
    users: Vec<(String, String)>,
    contexts: Vec<(String, String, String, Option<String>)>,
    current: Option<String>,
}

impl Kc {
    fn cluster(mut self, name: &str, server: &str, ca_pem: &str) -> Self {
        self.clusters
            .push((name.into(), server.into(), ca_pem.into()));
        self
    }
    fn user(mut self, name: &str, token: &str) -> Self {
        self.users.push((name.into(), token.into()));
        self
    }
    fn context(mut self, name: &str, cluster: &str, user: &str, ns: Option<&str>) -> Self {
        self.contexts
            .push((name.into(), cluster.into(), user.into(), ns.map(Into::into)));
        self
    }
    fn current(mut self, name: &str) -> Self {
        self.current = Some(name.into());
        self
    }
    fn yaml(&self) -> String {
        let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s.as_bytes());
        let mut doc = json!({"apiVersion": "v1", "kind": "Config", "preferences": {}});
        if !self.clusters.is_empty() {
            doc["clusters"] = self
                .clusters
                .iter()
                .map(|(n, s, ca)| json!({"name": n, "cluster": {"server": s, "certificate-authority-data": b64(ca)}}))
                .collect();
        }
        if !self.users.is_empty() {
            doc["users"] = self
                .users
                .iter()
                .map(|(n, t)| json!({"name": n, "user": {"token": t}}))
                .collect();
        }
        if !self.contexts.is_empty() {
            doc["contexts"] = self
                .contexts
                .iter()
                .map(|(n, c, u, ns)| {
                    let mut ctx = json!({"cluster": c, "user": u});
                    if let Some(ns) = ns {
                        ctx["namespace"] = json!(ns);
                    }
                    json!({"name": n, "context": ctx})
                })
                .collect();
        }
        if let Some(c) = &self.current {
            doc["current-context"] = json!(c);
        }
        serde_yaml::to_string(&doc).unwrap()
    }
    fn write(&self, dir: &Path, name: &str) -> PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, self.yaml()).unwrap();
        p
    }
}

/// The simulator's cluster and admin user, under the names `sim` / `admin`.
fn sim_kc(h: &Harness) -> Kc {
    Kc::default()
        .cluster("sim", &h.sim.url(), h.sim.ca_pem())
        .user("admin", h.sim.admin_token())
}

fn run_with_kubeconfig(h: &Harness, kubeconfig: &Path, args: &[&str]) -> Run {
    let mut cmd = h.command();
    cmd.env("KUBECONFIG", kubeconfig).args(args);
    harness::run(cmd, Duration::from_secs(60))
}

/// The lines of a `-o name` listing.
fn names_of(out: &str) -> Vec<String> {
    out.lines().map(str::to_owned).collect()
}

/// A port on 127.0.0.1 nothing listens on.
fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

/// The paths of the non-discovery requests the simulator saw.
fn api_requests(h: &Harness) -> Vec<prunetags::sim::RequestRecord> {
    h.sim
        .requests()
        .into_iter()
        .filter(|r| r.path.contains("/namespaces/") || r.path.ends_with("/imagestreams"))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// The table

#[test]
fn list_seed_shows_the_22_myapp_tags() {
    let h = Harness::seed();
    let out = h.run(&["list", "-l", "application=myapp"]);
    out.assert_ok();
    let rows: Vec<&str> = out
        .stdout
        .lines()
        .filter(|l| l.starts_with("myapp "))
        .collect();
    assert_eq!(rows.len(), 22, "{}", out.stdout);
    assert!(rows[0].contains("latest"), "latest first: {}", rows[0]);
    assert!(
        rows[1].contains("v2.1.8"),
        "then the newest version: {}",
        rows[1]
    );
    assert!(rows[21].contains("v2.0.1"));
}

#[test]
fn table_columns_order_and_cells_match_the_simulator() {
    let h = Harness::seed();
    let out = h.run(&["list"]);
    out.assert_ok();
    let (header, rows) = table(&out.stdout);
    assert_eq!(
        header,
        [
            "STREAM",
            "TAG",
            "KIND",
            "SOURCE",
            "IMAGE",
            "UPDATED",
            "REVISIONS"
        ]
    );
    // Streams by name, each stream's rows together.
    let streams: Vec<&str> = rows.iter().map(|r| r["STREAM"].as_str()).collect();
    let mut dedup = streams.clone();
    dedup.dedup();
    assert_eq!(dedup, ["frontend", "myapp", "python"], "{}", out.stdout);
    assert_eq!(rows.len(), 8 + 22 + 3, "{}", out.stdout);

    let now = Timestamp::now();
    for name in ["frontend", "myapp", "python"] {
        let is = h.sim.image_stream("mynamespace", name).unwrap();
        let tags: Vec<&str> = rows
            .iter()
            .filter(|r| r["STREAM"] == name)
            .map(|r| r["TAG"].as_str())
            .collect();
        assert_tag_order(name, &tags);
        let mut expected = h.tags(name);
        expected.sort();
        let mut got: Vec<String> = tags.iter().map(|t| t.to_string()).collect();
        got.sort();
        assert_eq!(got, expected, "{name}: every tag once");
        for r in rows.iter().filter(|r| r["STREAM"] == name) {
            let tag = r["TAG"].as_str();
            let current = is.current(tag).unwrap();
            assert_eq!(r["IMAGE"], short(&current.image), "{name}:{tag}");
            assert_eq!(
                r["REVISIONS"],
                is.status_tag(tag).unwrap().revisions().len().to_string(),
                "{name}:{tag}"
            );
            assert_eq!(
                r["KIND"],
                if semver_of(tag).is_some() {
                    "semver"
                } else {
                    "other"
                },
                "{name}:{tag}"
            );
            assert_eq!(
                r["UPDATED"],
                prunetags::render::age::ago(current.created.0, now),
                "{name}:{tag}"
            );
        }
    }

    let row = |stream: &str, tag: &str| {
        rows.iter()
            .find(|r| r["STREAM"] == stream && r["TAG"] == tag)
            .unwrap_or_else(|| panic!("no row {stream}:{tag}"))
    };
    // Literal cells, as a user reads them.
    let v218 = row("myapp", "v2.1.8");
    assert_eq!(v218["SOURCE"], "no spec tag");
    assert_eq!(v218["UPDATED"], "6 hours ago");
    assert_eq!(v218["REVISIONS"], "1");
    assert_eq!(v218["IMAGE"].len(), 12);
    assert!(v218["IMAGE"].chars().all(|c| c.is_ascii_hexdigit()));
    assert_eq!(row("myapp", "v2.1.7")["UPDATED"], "22 hours ago");
    assert_eq!(row("myapp", "v2.1.6")["UPDATED"], "25 hours ago");
    assert_eq!(row("myapp", "v2.1.4")["UPDATED"], "4 days ago");
    assert_eq!(row("myapp", "v2.0.12")["UPDATED"], "2 weeks ago");
    assert_eq!(row("myapp", "v2.0.1")["UPDATED"], "2 months ago");
    assert_eq!(row("myapp", "v2.0.5")["REVISIONS"], "2");
    assert_eq!(row("myapp", "v2.1.2")["REVISIONS"], "2");
    let latest = row("myapp", "latest");
    assert_eq!(latest["KIND"], "other");
    assert_eq!(latest["UPDATED"], "5 hours ago");
    assert_eq!(latest["REVISIONS"], "2");
    assert_eq!(latest["IMAGE"], v218["IMAGE"], "latest = v2.1.8's image");
    assert_eq!(
        row("frontend", "prod")["SOURCE"],
        "tagged from frontend:v1.1.0"
    );
    assert_eq!(
        row("frontend", "test")["SOURCE"],
        "tagged from frontend:v1.4.0"
    );
    assert_eq!(
        row("frontend", "prod")["IMAGE"],
        row("frontend", "v1.1.0")["IMAGE"]
    );
    assert_eq!(row("frontend", "v1.5.0-rc.1")["KIND"], "semver");
    assert_eq!(
        row("python", "3.8")["SOURCE"],
        "updates automatically from registry registry.redhat.io/ubi8/python-38:latest"
    );
    assert_eq!(
        row("python", "latest")["SOURCE"],
        "tagged from python:3.8-ubi8"
    );
    assert_eq!(row("python", "3.8")["REVISIONS"], "3");
    assert_eq!(row("python", "3.8")["UPDATED"], "7 days ago");
    // The pre-release sorts below its release's successor, above the previous release.
    let fe: Vec<&str> = rows
        .iter()
        .filter(|r| r["STREAM"] == "frontend")
        .map(|r| r["TAG"].as_str())
        .collect();
    assert_eq!(
        fe,
        [
            "v1.5.0-rc.1",
            "v1.4.0",
            "v1.3.0",
            "v1.2.0",
            "v1.1.0",
            "v1.0.0",
            "prod",
            "test"
        ]
    );
}

#[test]
fn wide_adds_the_image_reference() {
    let h = Harness::seed();
    let out = h.run(&["list", "myapp", "-o", "wide"]);
    out.assert_ok();
    let (header, rows) = table(&out.stdout);
    assert_eq!(header.last().unwrap(), "IMAGE REFERENCE");
    let is = h.sim.image_stream("mynamespace", "myapp").unwrap();
    for r in &rows {
        let cur = is.current(&r["TAG"]).unwrap();
        assert_eq!(r["IMAGE REFERENCE"], cur.docker_image_reference);
    }
}

#[test]
fn table_of_a_large_namespace() {
    let h = Harness::new(SimOptions {
        scenario: Scenario::Large {
            streams: 4,
            tags: 12,
            revisions: 3,
        },
        ..SimOptions::default()
    });
    let out = h.run(&["list"]);
    out.assert_ok();
    let (_, rows) = table(&out.stdout);
    assert_eq!(rows.len(), 4 * 12, "{}", out.stdout);
    let streams: Vec<&str> = rows.iter().map(|r| r["STREAM"].as_str()).collect();
    let mut dedup = streams.clone();
    dedup.dedup();
    assert_eq!(dedup, ["app-0000", "app-0001", "app-0002", "app-0003"]);
    for name in dedup {
        let is = h.sim.image_stream("large", name).unwrap();
        let tags: Vec<&str> = rows
            .iter()
            .filter(|r| r["STREAM"] == name)
            .map(|r| r["TAG"].as_str())
            .collect();
        assert_tag_order(name, &tags);
        assert_eq!(tags.len(), 12);
        assert_eq!(tags[0], "latest");
        // v1.0.6-rc.1 is a pre-release of v1.0.6: it sorts after v1.0.7, before v1.0.5.
        let pos = |t: &str| tags.iter().position(|x| *x == t).unwrap();
        assert!(pos("v1.0.7") < pos("v1.0.6-rc.1") && pos("v1.0.6-rc.1") < pos("v1.0.5"));
        for r in rows.iter().filter(|r| r["STREAM"] == name) {
            let cur = is.current(&r["TAG"]).unwrap();
            assert_eq!(r["IMAGE"], short(&cur.image));
            assert_eq!(r["REVISIONS"], "3");
            assert_eq!(r["SOURCE"], "no spec tag");
            assert!(r["UPDATED"].ends_with(" ago"), "{:?}", r["UPDATED"]);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// --history

/// `--history` output split into (heading, lines) per tag of one stream block.
fn history_tags(block: &str) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    let mut in_tags = false;
    for line in block.lines() {
        if line.starts_with("Tags:") {
            in_tags = true;
            continue;
        }
        if !in_tags || line.trim().is_empty() {
            continue;
        }
        if !line.starts_with(' ') {
            out.push((line.to_owned(), Vec::new()));
        } else if let Some(last) = out.last_mut() {
            last.1.push(line.to_owned());
        }
    }
    out
}

#[test]
fn history_marks_the_current_revision_and_lists_older_ones() {
    let h = Harness::seed();
    let out = h.run(&["list", "myapp", "--history"]);
    out.assert_ok();
    let is = h.sim.image_stream("mynamespace", "myapp").unwrap();
    assert!(
        out.stdout.starts_with("Name:             myapp\n"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("\nNamespace:        mynamespace\n"));
    assert!(
        out.stdout
            .contains("\nLabels:           application=myapp\n")
    );
    assert!(out.stdout.contains("\nTags:             22\n"));
    assert!(
        out.stdout.contains("\nUnique Images:    23\n"),
        "{}",
        out.stdout
    );
    let tags = history_tags(&out.stdout);
    let headings: Vec<&str> = tags.iter().map(|(h, _)| h.as_str()).collect();
    assert_eq!(headings.len(), 22, "{headings:?}");
    assert_eq!(headings[0], "latest");
    assert_eq!(headings[1], "v2.1.8");
    assert_tag_order("myapp", &headings);
    let now = Timestamp::now();
    for (tag, lines) in &tags {
        assert_eq!(lines[0], "  no spec tag", "{tag}");
        let revs = is.status_tag(tag).unwrap().revisions();
        // Each revision: a reference line, then its age.
        assert_eq!(lines.len(), 1 + 2 * revs.len(), "{tag}: {lines:?}");
        for (i, rev) in revs.iter().enumerate() {
            let mark = if i == 0 { "*" } else { " " };
            assert_eq!(
                lines[1 + 2 * i],
                format!("  {mark} {}", rev.docker_image_reference),
                "{tag} revision {i}"
            );
            assert_eq!(
                lines[2 + 2 * i].trim(),
                prunetags::render::age::ago(rev.created.0, now),
                "{tag} revision {i}"
            );
        }
    }
    let latest = &tags[0].1;
    assert_eq!(latest[2].trim(), "5 hours ago");
    assert!(latest[3].starts_with("    "), "older revision unmarked");
    assert_eq!(latest[4].trim(), "22 hours ago");
    let v212 = &tags.iter().find(|(h, _)| h == "v2.1.2").unwrap().1;
    assert_eq!(
        (v212[2].trim(), v212[4].trim()),
        ("7 days ago", "8 days ago")
    );
}

#[test]
fn history_folds_only_aliases_of_spec_tags() {
    let h = Harness::seed();
    let out = h.run(&["list", "python", "frontend", "--history"]);
    out.assert_ok();
    // Streams by name, separated by a blank line. `latest` ← `3.8-ubi8`, itself a spec tag, is
    // folded into its heading, as oc does.
    let blocks: Vec<&str> = out.stdout.split("\n\n\nName:").collect();
    assert_eq!(blocks.len(), 2, "{}", out.stdout);
    assert!(blocks[0].starts_with("Name:             frontend"));
    assert!(blocks[1].trim_start().starts_with("python"));

    let fe = history_tags(blocks[0]);
    let headings: Vec<&str> = fe.iter().map(|(h, _)| h.as_str()).collect();
    // prod and test are tagged from pushed tags: sections of their own, with their own ages.
    assert_eq!(
        headings,
        [
            "v1.5.0-rc.1",
            "v1.4.0",
            "v1.3.0",
            "v1.2.0",
            "v1.1.0",
            "v1.0.0",
            "prod",
            "test"
        ]
    );
    let prod = &fe[6].1;
    assert_eq!(prod[0], "  tagged from frontend:v1.1.0");
    assert_eq!(prod[2].trim(), "3 weeks ago");
    assert_eq!(fe[4].1[2].trim(), "4 weeks ago");

    let py = history_tags(blocks[1]);
    let headings: Vec<&str> = py.iter().map(|(h, _)| h.as_str()).collect();
    assert_eq!(headings, ["3.8", "3.8-ubi8 (latest)"], "{}", out.stdout);
    let (_, lines) = &py[1];
    assert_eq!(
        lines[0],
        "  updates automatically from registry registry.redhat.io/ubi8/python-38:latest"
    );
    let marks: Vec<&str> = lines
        .iter()
        .filter(|l| l.contains("registry.redhat.io/ubi8/python-38@sha256:"))
        .map(|l| &l[..4])
        .collect();
    assert_eq!(marks, ["  * ", "    ", "    "]);
    let ages: Vec<&str> = lines
        .iter()
        .filter(|l| l.ends_with(" ago"))
        .map(|l| l.trim())
        .collect();
    assert_eq!(ages, ["7 days ago", "6 weeks ago", "2 months ago"]);
    let is = h.sim.image_stream("mynamespace", "python").unwrap();
    assert!(lines[1].ends_with(&is.current("3.8-ubi8").unwrap().image));
}

#[test]
fn describe_is_list_history() {
    let h = Harness::seed();
    let a = h.run(&["list", "--history"]);
    let b = h.run(&["describe"]);
    a.assert_ok();
    b.assert_ok();
    assert_eq!(a.stdout, b.stdout);
    assert!(a.stdout.contains("Name:             python"));
}

// ---------------------------------------------------------------------------------------------
// Machine output

/// The JSON inventory must carry exactly the simulator's revisions, newest first.
fn assert_inventory_matches(h: &Harness, v: &Value, ns: &str) {
    assert_eq!(v["apiVersion"], "prunetags.openshift.io/v1alpha2");
    assert_eq!(v["kind"], "ImageStreamInventory");
    let items = v["items"].as_array().expect("items");
    let sim_streams = h.sim.image_streams(ns);
    let names: Vec<&str> = items.iter().map(|i| i["name"].as_str().unwrap()).collect();
    let expected: Vec<&str> = sim_streams.iter().map(|s| s.name()).collect();
    assert_eq!(names, expected);
    for (item, is) in items.iter().zip(&sim_streams) {
        assert_eq!(item["namespace"], ns);
        for key in [
            "created",
            "labels",
            "annotations",
            "imageRepository",
            "publicImageRepository",
            "imageLookupLocal",
            "uniqueImages",
            "tags",
        ] {
            assert!(item.get(key).is_some(), "{key} missing in {item}");
        }
        let tags = item["tags"].as_array().unwrap();
        let mut tag_names: Vec<String> = tags
            .iter()
            .map(|t| t["tag"].as_str().unwrap().to_owned())
            .collect();
        let order: Vec<&str> = tag_names.iter().map(String::as_str).collect();
        assert_tag_order(is.name(), &order);
        tag_names.sort();
        assert_eq!(tag_names, h.sim.tag_names(ns, is.name()));
        for t in tags {
            let tag = t["tag"].as_str().unwrap();
            for key in [
                "kind",
                "version",
                "source",
                "insecure",
                "referencePolicy",
                "importing",
                "annotations",
                "conditions",
                "revisionCount",
                "revisions",
            ] {
                assert!(t.get(key).is_some(), "{key} missing in {t}");
            }
            let revs = t["revisions"].as_array().unwrap();
            let sim_revs = is.status_tag(tag).unwrap().revisions();
            assert_eq!(revs.len(), sim_revs.len(), "{}:{tag}", is.name());
            for (r, s) in revs.iter().zip(sim_revs) {
                assert_eq!(r["image"], s.image.as_str());
                assert_eq!(r["dockerImageReference"], s.docker_image_reference.as_str());
                assert_eq!(r["generation"], s.generation);
                let created: Timestamp = r["created"].as_str().unwrap().parse().unwrap();
                assert_eq!(created, s.created.0);
            }
        }
    }
}

#[test]
fn json_has_the_stable_schema_and_the_simulators_digests() {
    let h = Harness::seed();
    let out = h.run(&["list", "-o", "json"]);
    out.assert_ok();
    let v: Value = serde_json::from_str(&out.stdout).expect("JSON");
    assert_inventory_matches(&h, &v, "mynamespace");
    let myapp = &v["items"][1];
    assert_eq!(myapp["labels"], json!({"application": "myapp"}));
    assert_eq!(myapp["uniqueImages"], 23);
    let v218 = &myapp["tags"][1];
    assert_eq!(v218["tag"], "v2.1.8");
    assert_eq!(v218["kind"], "semver");
    assert_eq!(v218["version"], "2.1.8");
    assert_eq!(
        v218["source"],
        json!({"type": "pushed", "from": null, "text": "no spec tag"})
    );
    let fe_prod = v["items"][0]["tags"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["tag"] == "prod")
        .unwrap()
        .clone();
    assert_eq!(
        fe_prod["source"],
        json!({"type": "tagged",
               "from": {"kind": "ImageStreamTag", "name": "frontend:v1.1.0", "namespace": null},
               "text": "tagged from frontend:v1.1.0"})
    );
    // The alias is an item of its own, with its own history; its target has no `aliases`.
    assert_eq!(fe_prod["revisions"].as_array().unwrap().len(), 1);
    let v110 = v["items"][0]["tags"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["tag"] == "v1.1.0")
        .unwrap()
        .clone();
    assert!(v110.get("aliases").is_none());
    assert_eq!(v110["kind"], "semver");
    assert_ne!(
        v110["revisions"][0]["created"],
        fe_prod["revisions"][0]["created"]
    );
}

#[test]
fn json_of_a_large_namespace_matches_the_store() {
    let h = Harness::new(SimOptions {
        scenario: Scenario::Large {
            streams: 30,
            tags: 8,
            revisions: 4,
        },
        ..SimOptions::default()
    });
    let out = h.run(&["list", "-o", "json"]);
    out.assert_ok();
    let v: Value = serde_json::from_str(&out.stdout).expect("JSON");
    assert_eq!(v["items"].as_array().unwrap().len(), 30);
    assert_inventory_matches(&h, &v, "large");
}

#[test]
fn yaml_is_the_same_document_as_json() {
    let h = Harness::seed();
    let j = h.run(&["list", "-o", "json"]);
    let y = h.run(&["list", "-o", "yaml"]);
    j.assert_ok();
    y.assert_ok();
    let from_json: Value = serde_json::from_str(&j.stdout).unwrap();
    let from_yaml: Value = serde_yaml::from_str(&y.stdout).unwrap();
    assert_eq!(from_json, from_yaml);
}

#[test]
fn name_output_lists_every_tag_with_an_image() {
    let h = Harness::seed();
    let out = h.run(&["list", "-o", "name", "-l", "application=frontend"]);
    out.assert_ok();
    assert_eq!(
        names_of(&out.stdout),
        [
            "imagestreamtag/frontend:v1.5.0-rc.1",
            "imagestreamtag/frontend:v1.4.0",
            "imagestreamtag/frontend:v1.3.0",
            "imagestreamtag/frontend:v1.2.0",
            "imagestreamtag/frontend:v1.1.0",
            "imagestreamtag/frontend:v1.0.0",
            "imagestreamtag/frontend:prod",
            "imagestreamtag/frontend:test",
        ]
    );
    let out = h.run(&["list", "-o", "name", "-A", "-l", "application=myapp"]);
    out.assert_ok();
    let lines = names_of(&out.stdout);
    assert_eq!(lines.len(), 23);
    assert_eq!(lines[0], "mynamespace/imagestreamtag/myapp:latest");
    assert_eq!(lines[1], "mynamespace/imagestreamtag/myapp:v2.1.8");
    assert_eq!(lines[22], "otherproject/imagestreamtag/myapp:v2.1.8");
}

#[test]
fn an_empty_namespace_says_so_on_stderr() {
    let h = Harness::new(SimOptions {
        scenario: Scenario::Empty,
        ..SimOptions::default()
    });
    let out = h.run(&["list"]);
    out.assert_ok();
    assert_eq!(out.stdout, "");
    assert_eq!(
        out.stderr.trim(),
        "No image streams found in namespace default."
    );
    let out = h.run(&["list", "-o", "json"]);
    out.assert_ok();
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["items"], json!([]));
}

// ---------------------------------------------------------------------------------------------
// Where: kubeconfig, context, namespace

/// The namespace each LIST of imagestreams went to.
fn listed_namespaces(h: &Harness) -> Vec<String> {
    h.sim
        .requests()
        .iter()
        .filter(|r| r.method == "GET" && r.path.ends_with("/imagestreams"))
        .map(|r| {
            r.path
                .split("/namespaces/")
                .nth(1)
                .map_or("*".to_owned(), |s| s.split('/').next().unwrap().to_owned())
        })
        .collect()
}

fn stream_names(stdout: &str) -> Vec<String> {
    let (_, rows) = table(stdout);
    let mut names: Vec<String> = rows.iter().map(|r| r["STREAM"].clone()).collect();
    names.dedup();
    names
}

#[test]
fn the_contexts_namespace_is_the_default() {
    let h = Harness::seed();
    let out = h.run(&["list"]);
    out.assert_ok();
    assert_eq!(stream_names(&out.stdout), ["frontend", "myapp", "python"]);
    assert_eq!(listed_namespaces(&h), ["mynamespace"]);
}

#[test]
fn dash_n_overrides_the_contexts_namespace() {
    let h = Harness::seed();
    for args in [
        &["list", "-n", "otherproject"][..],
        &["-n", "otherproject", "list"][..],
        &["list", "--namespace=otherproject"][..],
    ] {
        h.sim.reset_requests();
        let out = h.run(args);
        out.assert_ok();
        let (_, rows) = table(&out.stdout);
        assert_eq!(rows.len(), 1, "{args:?}: {}", out.stdout);
        assert_eq!(
            (rows[0]["STREAM"].as_str(), rows[0]["TAG"].as_str()),
            ("myapp", "v2.1.8")
        );
        assert_eq!(listed_namespaces(&h), ["otherproject"], "{args:?}");
    }
}

#[test]
fn a_context_without_a_namespace_means_default() {
    let h = Harness::seed();
    let kc = sim_kc(&h)
        .context("nons", "sim", "admin", None)
        .current("nons")
        .write(h.dir.path(), "nons");
    let out = run_with_kubeconfig(&h, &kc, &["list"]);
    out.assert_ok();
    assert_eq!(out.stdout, "");
    assert!(
        out.stderr
            .contains("No image streams found in namespace default"),
        "{}",
        out.stderr
    );
    assert_eq!(listed_namespaces(&h), ["default"]);
}

#[test]
fn dash_dash_context_picks_another_context() {
    let h = Harness::seed();
    let kc = sim_kc(&h)
        .context("mine", "sim", "admin", Some("mynamespace"))
        .context("other", "sim", "admin", Some("otherproject"))
        .current("mine")
        .write(h.dir.path(), "two-contexts");
    let out = run_with_kubeconfig(&h, &kc, &["list", "--context", "other"]);
    out.assert_ok();
    let (_, rows) = table(&out.stdout);
    assert_eq!(rows.len(), 1, "{}", out.stdout);
    assert_eq!(listed_namespaces(&h), ["otherproject"]);
    // Without --context: the current one.
    let out = run_with_kubeconfig(&h, &kc, &["list"]);
    out.assert_ok();
    assert_eq!(stream_names(&out.stdout), ["frontend", "myapp", "python"]);
}

#[test]
fn kubeconfig_env_merges_several_files() {
    let h = Harness::seed();
    let creds = sim_kc(&h).write(h.dir.path(), "clusters-and-users");
    let contexts = Kc::default()
        .context("merged", "sim", "admin", Some("otherproject"))
        .current("merged")
        .write(h.dir.path(), "contexts");
    let joined = std::env::join_paths([&contexts, &creds]).unwrap();
    let mut cmd = h.command();
    cmd.env("KUBECONFIG", &joined).arg("list");
    let out = harness::run(cmd, Duration::from_secs(60));
    out.assert_ok();
    let (_, rows) = table(&out.stdout);
    assert_eq!(rows.len(), 1, "{}", out.stdout);
    assert_eq!(rows[0]["TAG"], "v2.1.8");
    assert_eq!(listed_namespaces(&h), ["otherproject"]);
    // The other order merges the same way.
    h.sim.reset_requests();
    let joined = std::env::join_paths([&creds, &contexts]).unwrap();
    let mut cmd = h.command();
    cmd.env("KUBECONFIG", &joined).arg("list");
    let out = harness::run(cmd, Duration::from_secs(60));
    out.assert_ok();
    assert_eq!(listed_namespaces(&h), ["otherproject"]);
}

#[test]
fn dash_dash_kubeconfig_wins_over_the_env() {
    let h = Harness::seed();
    // KUBECONFIG names a cluster nobody listens on; --kubeconfig the simulator.
    let broken = Kc::default()
        .cluster(
            "sim",
            &format!("https://127.0.0.1:{}", closed_port()),
            h.sim.ca_pem(),
        )
        .user("admin", "nope")
        .context("broken", "sim", "admin", Some("otherproject"))
        .current("broken")
        .write(h.dir.path(), "broken");
    let mut cmd = h.command();
    cmd.env("KUBECONFIG", &broken)
        .arg("--kubeconfig")
        .arg(&h.kubeconfig)
        .arg("list");
    let out = harness::run(cmd, Duration::from_secs(60));
    out.assert_ok();
    assert_eq!(stream_names(&out.stdout), ["frontend", "myapp", "python"]);
    assert_eq!(listed_namespaces(&h), ["mynamespace"]);
}

#[test]
fn all_namespaces_shows_the_namespace_column() {
    let h = Harness::seed();
    let out = h.run(&["list", "-A", "-l", "application=myapp"]);
    out.assert_ok();
    let (header, rows) = table(&out.stdout);
    assert_eq!(header[0], "NAMESPACE");
    assert_eq!(header[1], "STREAM");
    let nss: Vec<&str> = rows.iter().map(|r| r["NAMESPACE"].as_str()).collect();
    assert_eq!(nss.iter().filter(|n| **n == "mynamespace").count(), 22);
    assert_eq!(nss.iter().filter(|n| **n == "otherproject").count(), 1);
    assert_eq!(nss.last(), Some(&"otherproject"), "namespaces in order");
    assert!(rows.iter().all(|r| r["STREAM"] == "myapp"));
    assert_eq!(listed_namespaces(&h), ["*"]);
    // Without -A there is no NAMESPACE column.
    let out = h.run(&["list", "-l", "application=myapp"]);
    let (header, _) = table(&out.stdout);
    assert_eq!(header[0], "STREAM");
}

#[test]
fn dash_dash_cluster_overrides_the_contexts_cluster() {
    let h = Harness::seed();
    let kc = sim_kc(&h)
        .cluster(
            "dead",
            &format!("https://127.0.0.1:{}", closed_port()),
            h.sim.ca_pem(),
        )
        .context("ctx", "dead", "admin", Some("mynamespace"))
        .current("ctx")
        .write(h.dir.path(), "dead-cluster");
    let out = run_with_kubeconfig(&h, &kc, &["list"]);
    assert_err(&out, 1, "connection refused");
    let out = run_with_kubeconfig(&h, &kc, &["list", "--cluster", "sim"]);
    out.assert_ok();
    assert_eq!(stream_names(&out.stdout), ["frontend", "myapp", "python"]);
    let out = run_with_kubeconfig(&h, &kc, &["list", "--cluster", "nope"]);
    assert_err(&out, 2, "cluster \"nope\" not found");
}

#[test]
fn dash_dash_user_overrides_the_contexts_user() {
    let h = Harness::seed();
    h.sim.add_user(
        "viewer-token",
        "viewer",
        vec![Rule::new(
            &["list"],
            &["imagestreams"],
            Some(&["mynamespace"]),
        )],
    );
    let kc = sim_kc(&h)
        .user("stale", "sha256~not-a-token")
        .user("viewer", "viewer-token")
        .context("ctx", "sim", "stale", Some("mynamespace"))
        .current("ctx")
        .write(h.dir.path(), "stale-user");
    let out = run_with_kubeconfig(&h, &kc, &["list"]);
    assert_err(&out, 1, "unauthorized (401)");
    h.sim.reset_requests();
    let out = run_with_kubeconfig(&h, &kc, &["list", "--user", "viewer"]);
    out.assert_ok();
    assert_eq!(stream_names(&out.stdout), ["frontend", "myapp", "python"]);
    let users: Vec<String> = api_requests(&h).into_iter().map(|r| r.user).collect();
    assert_eq!(users, ["viewer"]);
    let out = run_with_kubeconfig(&h, &kc, &["list", "--user", "nope"]);
    assert_err(&out, 2, "user \"nope\" not found");
}

#[test]
fn request_timeout_shorter_than_the_servers_latency() {
    let h = Harness::new(SimOptions {
        latency: Duration::from_secs(3),
        ..SimOptions::default()
    });
    let t0 = Instant::now();
    let out = h.run(&["list", "--request-timeout", "300ms"]);
    assert_err(&out, 1, "timed out");
    assert!(out.stderr.contains("--request-timeout"), "{}", out.stderr);
    // Not retried: a timeout is the user's limit, not a glitch.
    assert!(t0.elapsed() < Duration::from_secs(3), "{:?}", t0.elapsed());
    let out = h.run(&["list", "--request-timeout", "soon"]);
    assert_err(&out, 2, "invalid --request-timeout");
}

// ---------------------------------------------------------------------------------------------
// Paging

#[test]
fn history_of_500_streams_is_one_paged_list() {
    let h = Harness::new(SimOptions {
        scenario: Scenario::Large {
            streams: 500,
            tags: 2,
            revisions: 2,
        },
        ..SimOptions::default()
    });
    let out = h.run(&["list", "--history"]);
    out.assert_ok();
    // Two pages (50 streams, then the 450 others: small streams fill a page of kubectl's 500),
    // nothing else: the history needs nothing beyond the streams.
    let requests = api_requests(&h);
    assert_eq!(requests.len(), 2, "{requests:#?}");
    assert!(requests.iter().all(|r| r.method == "GET"
        && r.path == "/apis/image.openshift.io/v1/namespaces/large/imagestreams"));
    assert!(requests[0].query.contains("limit=50"), "{requests:#?}");
    assert!(requests[1].query.contains("limit=500"), "{requests:#?}");
    assert_eq!(out.stdout.matches("\nName:").count() + 1, 500);
    assert_eq!(out.stdout.matches("\n  * ").count(), 500 * 2);
}

#[test]
fn paging_sizes_pages_by_what_streams_hold_and_makes_no_gets() {
    let h = Harness::new(SimOptions {
        scenario: Scenario::Large {
            streams: 600,
            tags: 3,
            revisions: 1,
        },
        ..SimOptions::default()
    });
    let out = h.run(&["list", "-o", "name"]);
    out.assert_ok();
    let lists: Vec<_> = h
        .sim
        .requests()
        .into_iter()
        .filter(|r| {
            r.method == "GET"
                && r.path == "/apis/image.openshift.io/v1/namespaces/large/imagestreams"
        })
        .collect();
    // 50 streams first; then, at 3 revisions a stream, pages of 500.
    assert_eq!(lists.len(), 3, "{lists:#?}");
    assert!(lists.iter().all(|r| r.status == 200));
    assert!(lists[0].query.contains("limit=50"));
    assert!(lists[1..].iter().all(|r| r.query.contains("limit=500")));
    assert!(!lists[0].query.contains("continue="));
    assert!(lists[1..].iter().all(|r| r.query.contains("continue=")));
    // No per-stream or per-tag requests.
    assert_eq!(h.sim.count("GET", "/imagestreams/"), 0);
    assert_eq!(h.sim.count("GET", "/imagestreamtags"), 0);
    assert_eq!(api_requests(&h).len(), 3);
    // Every stream once, each with its 3 tags.
    let lines = names_of(&out.stdout);
    assert_eq!(lines.len(), 600 * 3);
    let mut streams: Vec<&str> = lines
        .iter()
        .map(|l| {
            l.trim_start_matches("imagestreamtag/")
                .split(':')
                .next()
                .unwrap()
        })
        .collect();
    streams.dedup();
    assert_eq!(streams.len(), 600);
    let expected: Vec<String> = (0..600).map(|i| format!("app-{i:04}")).collect();
    assert_eq!(streams, expected);
}

/// `list` prints each page before reading the next (#16): the documents it writes page by page
/// are still one JSON and one YAML document, every stream once, in the server's order.
#[test]
fn documents_written_page_by_page_are_whole_documents() {
    let h = Harness::new(SimOptions {
        scenario: Scenario::Large {
            streams: 140,
            tags: 30,
            revisions: 4,
        },
        ..SimOptions::default()
    });
    let json_out = h.run(&["list", "-o", "json"]);
    json_out.assert_ok();
    // 120 entries a stream: 50 streams, then 83 a page (10,000 entries), then the last 7.
    let lists = api_requests(&h);
    assert_eq!(lists.len(), 3, "{lists:#?}");
    assert!(lists[1].query.contains("limit=83"), "{lists:#?}");
    let doc: Value = serde_json::from_str(&json_out.stdout).expect("one JSON document");
    let yaml_out = h.run(&["list", "-o", "yaml"]);
    yaml_out.assert_ok();
    let from_yaml: Value = serde_yaml::from_str(&yaml_out.stdout).expect("one YAML document");
    for d in [&doc, &from_yaml] {
        assert_eq!(d["kind"], "ImageStreamInventory");
        let names: Vec<&str> = d["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["name"].as_str().unwrap())
            .collect();
        let expected: Vec<String> = (0..140).map(|i| format!("app-{i:04}")).collect();
        assert_eq!(names, expected);
        assert!(
            d["items"]
                .as_array()
                .unwrap()
                .iter()
                .all(|s| s["tags"].as_array().unwrap().len() == 30)
        );
    }
    // The table's columns are aligned across the pages here: no wider cell came later.
    let table = h.run(&["list"]);
    table.assert_ok();
    let header = table.stdout.lines().next().unwrap();
    let column = header.find("REVISIONS").unwrap();
    assert!(
        table
            .stdout
            .lines()
            .skip(1)
            .all(|l| l.len() > column && l[column..].starts_with(|c: char| c.is_ascii_digit()))
    );
}

// ---------------------------------------------------------------------------------------------
// Errors: each its own test; exit code, one line on stderr, no panic

#[test]
fn error_unreachable_server() {
    let h = Harness::seed();
    let port = closed_port();
    let kc = Kc::default()
        .cluster(
            "closed",
            &format!("https://127.0.0.1:{port}"),
            h.sim.ca_pem(),
        )
        .user("admin", h.sim.admin_token())
        .context("c", "closed", "admin", Some("mynamespace"))
        .current("c")
        .write(h.dir.path(), "closed");
    let out = run_with_kubeconfig(&h, &kc, &["list"]);
    assert_err(&out, 1, "connection refused");
    assert!(
        out.stderr.contains(&format!("https://127.0.0.1:{port}")),
        "{}",
        out.stderr
    );
}

#[test]
fn error_tls_with_another_ca() {
    let h = Harness::seed();
    let other_ca = prunetags::sim::tls::generate().unwrap().ca_pem;
    assert_ne!(other_ca, h.sim.ca_pem());
    let kc = Kc::default()
        .cluster("sim", &h.sim.url(), &other_ca)
        .user("admin", h.sim.admin_token())
        .context("c", "sim", "admin", Some("mynamespace"))
        .current("c")
        .write(h.dir.path(), "other-ca");
    let out = run_with_kubeconfig(&h, &kc, &["list"]);
    assert_err(&out, 1, "TLS verification failed");
    assert!(
        out.stderr.contains("certificate-authority"),
        "{}",
        out.stderr
    );
    assert!(api_requests(&h).is_empty(), "no request got through");
}

#[test]
fn error_401_unknown_token() {
    let h = Harness::seed();
    let kc = Kc::default()
        .cluster("sim", &h.sim.url(), h.sim.ca_pem())
        .user("someone", "sha256~unknown")
        .context("c", "sim", "someone", Some("mynamespace"))
        .current("c")
        .write(h.dir.path(), "unknown-token");
    let out = run_with_kubeconfig(&h, &kc, &["list"]);
    assert_err(&out, 1, "unauthorized (401)");
    assert!(out.stderr.contains(&h.sim.url()), "{}", out.stderr);
}

#[test]
fn error_403_names_verb_resource_and_namespace() {
    let h = Harness::seed();
    h.sim.add_user(
        "getter-token",
        "getter",
        vec![Rule::new(
            &["get"],
            &["imagestreams", "imagestreamtags"],
            Some(&["mynamespace"]),
        )],
    );
    let kc = Kc::default()
        .cluster("sim", &h.sim.url(), h.sim.ca_pem())
        .user("getter", "getter-token")
        .context("c", "sim", "getter", Some("mynamespace"))
        .current("c")
        .write(h.dir.path(), "getter");
    let out = run_with_kubeconfig(&h, &kc, &["list"]);
    assert_err(&out, 1, "forbidden (403)");
    for part in [
        "list imagestreams in namespace \"mynamespace\"",
        "verb \"list\"",
        "resource \"imagestreams\"",
        "\"image.openshift.io\"",
        "User \"getter\" cannot list",
    ] {
        assert!(out.stderr.contains(part), "{part:?} not in {}", out.stderr);
    }
}

#[test]
fn error_unknown_context() {
    let h = Harness::seed();
    let out = h.run(&["list", "--context", "nope"]);
    assert_err(&out, 2, "context \"nope\" not found");
    assert!(h.sim.requests().is_empty());
}

#[test]
fn error_kubeconfig_missing_file() {
    let h = Harness::seed();
    let missing = h.dir.path().join("no-such-kubeconfig");
    let out = h.run(&["list", "--kubeconfig", missing.to_str().unwrap()]);
    assert_err(&out, 2, "cannot read the kubeconfig");
    assert!(out.stderr.contains("no-such-kubeconfig"), "{}", out.stderr);
    assert!(out.stderr.contains("no such file"), "{}", out.stderr);
}

#[test]
fn error_kubeconfig_is_a_directory() {
    let h = Harness::seed();
    let dir = h.dir.path().join("a-directory");
    std::fs::create_dir(&dir).unwrap();
    let out = h.run(&["list", "--kubeconfig", dir.to_str().unwrap()]);
    assert_err(&out, 2, "cannot read the kubeconfig");
    assert!(out.stderr.contains("a-directory"), "{}", out.stderr);
}

#[test]
fn error_kubeconfig_malformed_yaml() {
    let h = Harness::seed();
    let bad = h.dir.path().join("bad.yaml");
    std::fs::write(&bad, "apiVersion: v1\nclusters: [ {name: x\n  : : :\n").unwrap();
    let out = h.run(&["list", "--kubeconfig", bad.to_str().unwrap()]);
    assert_err(&out, 2, "the kubeconfig is not valid YAML");
}

#[test]
fn error_bad_label_selector() {
    let h = Harness::seed();
    let out = h.run(&["list", "-l", "application===myapp"]);
    assert_err(&out, 2, "invalid label selector");
    assert!(out.stderr.contains("application===myapp"), "{}", out.stderr);
    assert!(h.sim.requests().is_empty(), "rejected before any request");
}

#[test]
fn error_cluster_without_the_image_api() {
    let h = Harness::seed();
    h.sim.set_image_api(false);
    let out = h.run(&["list"]);
    assert_err(&out, 1, "does not serve image.openshift.io/v1");
    assert!(out.stderr.contains(&h.sim.url()), "{}", out.stderr);
}

#[test]
fn error_stream_that_does_not_exist() {
    let h = Harness::seed();
    let out = h.run(&["list", "nope"]);
    assert_err(
        &out,
        1,
        "image stream \"nope\" not found in namespace \"mynamespace\"",
    );
    let out = h.run(&["list", "myapp", "nope", "gone"]);
    assert_err(&out, 1, "image streams \"nope\", \"gone\" not found");
}

/// A fault seed whose 9th fault (the last of 1 + 8 retries) is a 500 or 503, not a reset.
fn seed_ending_in_5xx() -> u64 {
    use prunetags::sim::faults::{Fault, FaultRng};
    (1..1000)
        .find(|s| {
            let mut rng = FaultRng::new(*s);
            let last = (0..9).map(|_| rng.decide(1.0, false)).last().unwrap();
            matches!(last, Fault::Internal | Fault::Unavailable)
        })
        .unwrap()
}

#[test]
fn error_5xx_after_retries() {
    let h = Harness::new(SimOptions {
        fail_rate: 1.0,
        seed: seed_ending_in_5xx(),
        ..SimOptions::default()
    });
    let out = h.run(&["list"]);
    assert_err(&out, 1, "the server failed (5");
    let last = api_requests(&h).last().unwrap().status;
    assert!(
        out.stderr.contains(&format!("the server failed ({last}")),
        "{last}: {}",
        out.stderr
    );
    // The first attempt and 8 retries.
    assert_eq!(api_requests(&h).len(), 9);
}

#[test]
fn error_429_after_retries() {
    let h = Harness::new(SimOptions {
        max_inflight: Some(0),
        ..SimOptions::default()
    });
    let out = h.run(&["list"]);
    assert_err(&out, 1, "too many requests (429)");
    assert!(out.stderr.contains("throttling"), "{}", out.stderr);
    assert!(
        !out.stderr.contains("--concurrency"),
        "list has no such flag: {}",
        out.stderr
    );
    let lists = api_requests(&h);
    assert_eq!(lists.len(), 9, "the first attempt and 8 retries");
    assert!(lists.iter().all(|r| r.status == 429));
}

#[test]
fn error_wrong_flag() {
    let h = Harness::seed();
    let out = h.run(&["list", "--bogus"]);
    assert_err(&out, 2, "--bogus");
    let out = h.run(&["list", "-o", "xml"]);
    assert_err(&out, 2, "xml");
    assert!(h.sim.requests().is_empty());
}

// ---------------------------------------------------------------------------------------------
// Colour

fn has_ansi(s: &str) -> bool {
    s.contains('\u{1b}')
}

#[test]
fn color_always_never_and_pipes() {
    let h = Harness::seed();
    let always = h.run(&["list", "--color", "always"]);
    always.assert_ok();
    assert!(has_ansi(&always.stdout), "{}", always.stdout);
    let hist = h.run(&["list", "--history", "--color", "always"]);
    assert!(has_ansi(&hist.stdout));

    let never = h.run(&["list", "--color", "never"]);
    never.assert_ok();
    assert!(!has_ansi(&never.stdout));
    let piped = h.run(&["list"]);
    piped.assert_ok();
    assert!(!has_ansi(&piped.stdout), "default to a pipe: no colour");
    assert_eq!(piped.stdout, never.stdout);

    let mut cmd = h.command();
    cmd.env("NO_COLOR", "1").args(["list", "--color", "auto"]);
    let no_color = harness::run(cmd, Duration::from_secs(60));
    no_color.assert_ok();
    assert!(!has_ansi(&no_color.stdout));

    // Errors to a pipe carry no escapes either.
    let err = h.run(&["list", "nope", "--color", "always"]);
    assert!(!has_ansi(&err.stderr), "{:?}", err.stderr);
}

/// Runs the binary on a pseudo-terminal through util-linux `script`; None if it is missing.
fn run_on_tty(h: &Harness, args: &str, no_color: bool) -> Option<String> {
    if !Path::new("/usr/bin/script").exists() {
        eprintln!("skipping the TTY part: /usr/bin/script not found");
        return None;
    }
    let mut cmd = std::process::Command::new("/usr/bin/script");
    harness::clean_env(&mut cmd, h.dir.path());
    cmd.env("KUBECONFIG", &h.kubeconfig).env("TERM", "xterm");
    if no_color {
        cmd.env("NO_COLOR", "1");
    }
    cmd.args(["-qec", &format!("{} {args}", harness::BIN), "/dev/null"]);
    let out = harness::run(cmd, Duration::from_secs(60));
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    Some(out.stdout)
}

#[test]
fn color_auto_on_a_terminal_and_no_color() {
    let h = Harness::seed();
    let Some(tty) = run_on_tty(&h, "list myapp --color auto", false) else {
        return;
    };
    assert!(tty.contains("v2.1.8"), "{tty}");
    assert!(has_ansi(&tty), "auto on a TTY colours: {tty:?}");
    let tty = run_on_tty(&h, "list myapp --color auto", true).unwrap();
    assert!(tty.contains("v2.1.8"), "{tty}");
    assert!(!has_ansi(&tty), "NO_COLOR on a TTY: {tty:?}");
}

#[test]
fn exec_credential_plugins_supply_the_token() {
    let h = Harness::seed();
    // A client-go exec plugin: prints an ExecCredential with the token on stdout.
    let plugin = h.dir.path().join("token-plugin.sh");
    std::fs::write(
        &plugin,
        format!(
            "#!/bin/sh\necho '{{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\",\"status\":{{\"token\":\"{}\"}}}}'\n",
            h.sim.admin_token()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&plugin, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let yaml = std::fs::read_to_string(&h.kubeconfig).unwrap();
    let token_line = format!("token: {}", h.sim.admin_token());
    assert!(yaml.contains(&token_line), "{yaml}");
    let exec = format!(
        "exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: {}\n      interactiveMode: Never",
        plugin.display()
    );
    std::fs::write(&h.kubeconfig, yaml.replace(&token_line, &exec)).unwrap();
    let out = h.run(&["list", "-l", "application=myapp", "-o", "name"]);
    assert_eq!(
        out.code,
        0,
        "{}\n{}",
        out.stderr,
        std::fs::read_to_string(&h.kubeconfig).unwrap()
    );
    assert_eq!(out.stdout.lines().count(), 22);
    // A plugin that fails is one clear line, not a stack of causes.
    std::fs::write(
        &plugin,
        "#!/bin/sh\necho 'no session: run login first' >&2\nexit 1\n",
    )
    .unwrap();
    let out = h.run(&["list"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
    assert_eq!(
        out.stderr.trim(),
        "error: the kubeconfig's credential plugin failed (exit 1): no session: run login first"
    );
}

#[test]
fn without_a_kubeconfig_in_a_pod_the_service_account_is_used() {
    // No KUBECONFIG and no ~/.kube/config, but the pod's environment: kube reads the service
    // account from /var/run/secrets/kubernetes.io/serviceaccount. Outside a pod those files are
    // missing, so this proves the in-cluster path is taken and fails in one clear line.
    if std::path::Path::new("/var/run/secrets/kubernetes.io/serviceaccount/token").exists() {
        eprintln!("skipped: this machine is a pod with a service account");
        return;
    }
    let h = Harness::seed();
    let mut cmd = h.command();
    cmd.env_remove("KUBECONFIG")
        .env("KUBERNETES_SERVICE_HOST", "127.0.0.1")
        .env("KUBERNETES_SERVICE_PORT", "6443")
        .arg("list");
    let out = harness::run(cmd, Duration::from_secs(60));
    out.assert_error(1, "cannot use the in-cluster service account");
    // And without the pod's environment: no kubeconfig is a usage error.
    let mut cmd = h.command();
    cmd.env_remove("KUBECONFIG").arg("list");
    harness::run(cmd, Duration::from_secs(60)).assert_error(2, "no kubeconfig found");
    // KUBECONFIG set to a file that is not there: the message names it, not "set KUBECONFIG".
    let mut cmd = h.command();
    cmd.env("KUBECONFIG", "/missing/kubeconfig").arg("list");
    let out = harness::run(cmd, Duration::from_secs(60));
    out.assert_error(
        2,
        "KUBECONFIG is \"/missing/kubeconfig\" and no file it names exists",
    );
}

#[test]
fn request_timeout_help_says_what_zero_means() {
    let h = Harness::seed();
    let out = h.run(&["list", "--help"]);
    let help = out.stdout.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        help.contains("0 (no limit, but connecting gives up after 30s, as kubectl's does)"),
        "{help}"
    );
}

#[test]
fn dash_dash_as_impersonates_like_kubectl() {
    let h = Harness::seed();
    h.sim.add_user(
        "alice-token",
        "alice",
        vec![Rule::new(
            &["list"],
            &["imagestreams"],
            Some(&["mynamespace"]),
        )],
    );
    // The admin may impersonate: the request runs with alice's rights.
    h.sim.reset_requests();
    let out = h.run(&["list", "--as", "alice", "-o", "name"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let users: Vec<String> = api_requests(&h).into_iter().map(|r| r.user).collect();
    assert!(
        !users.is_empty() && users.iter().all(|u| u == "alice"),
        "{users:?}"
    );
    // Alice may not list in otherproject, and neither may the admin acting as her.
    h.run(&["list", "--as", "alice", "-n", "otherproject"])
        .assert_error(
            1,
            "you may not list imagestreams in namespace \"otherproject\"",
        );
    // A user without the impersonate verb is told so.
    let kc = std::fs::read_to_string(&h.kubeconfig)
        .unwrap()
        .replace(h.sim.admin_token(), "alice-token");
    std::fs::write(&h.kubeconfig, kc).unwrap();
    h.run(&["list", "--as", "admin"]).assert_error(
        1,
        "--as needs RBAC verb \"impersonate\" on resource \"users\"",
    );
}
