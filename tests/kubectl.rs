//! The REAL kubectl against the simulator: discovery, tables, get/delete, 403, and the seed's
//! own pruning pipeline. Without kubectl the tests are skipped, unless `CI=true`.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use prunetags::sim::{Rule, Sim, SimOptions};

const KUBECTL: &str = "/usr/bin/kubectl";

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

/// Runs a command with a deadline; returns (exit code, stdout, stderr).
fn run(mut cmd: Command, timeout: Duration) -> (i32, String, String) {
    cmd.env_remove("HTTPS_PROXY")
        .env_remove("https_proxy")
        .env_remove("HTTP_PROXY")
        .env_remove("http_proxy")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn");
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let out = child.wait_with_output().unwrap();
            return (
                status.code().unwrap_or(-1),
                String::from_utf8_lossy(&out.stdout).into_owned(),
                String::from_utf8_lossy(&out.stderr).into_owned(),
            );
        }
        if start.elapsed() > timeout {
            let _ = child.kill();
            let _ = child.wait();
            panic!("command timed out: {cmd:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

impl Env {
    fn kubectl(&self, bin: &Path, args: &[&str]) -> (i32, String, String) {
        let cache = tempfile::tempdir_in(self.dir.path()).unwrap();
        let mut cmd = Command::new(bin);
        cmd.arg("--kubeconfig")
            .arg(&self.kubeconfig)
            .arg("--cache-dir")
            .arg(cache.path())
            .args(args);
        run(cmd, Duration::from_secs(60))
    }

    fn myapp_tags(&self) -> Vec<String> {
        self.sim.tag_names("mynamespace", "myapp")
    }
}

fn rows(out: &str) -> Vec<&str> {
    out.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .collect()
}

#[test]
fn kubectl_gets_streams_and_tags() {
    let Some(k) = find(KUBECTL) else { return };
    let e = env();
    let (code, out, err) = e.kubectl(&k, &["get", "is"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("NAME"), "{out}");
    assert!(
        out.contains("IMAGE REPOSITORY") && out.contains("TAGS") && out.contains("UPDATED"),
        "{out}"
    );
    let names: Vec<&str> = rows(&out)
        .iter()
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(names, ["frontend", "myapp", "python"]);

    let (code, out, err) = e.kubectl(&k, &["get", "istag", "-l", "application=myapp"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("IMAGE REFERENCE"), "{out}");
    assert_eq!(rows(&out).len(), 22, "{out}");

    let (code, out, err) = e.kubectl(&k, &["get", "istag", "myapp:v2.1.8", "-o", "json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let is = e.sim.image_stream("mynamespace", "myapp").unwrap();
    assert_eq!(
        v["image"]["metadata"]["name"].as_str(),
        Some(is.current("v2.1.8").unwrap().image.as_str())
    );
    assert!(
        v["image"]["dockerImageLayers"]
            .as_array()
            .is_some_and(|l| l.len() >= 3)
    );

    let (code, out, _) = e.kubectl(&k, &["get", "is", "-A", "-l", "application=myapp"]);
    assert_eq!(code, 0);
    assert!(out.contains("otherproject"), "{out}");
}

#[test]
fn kubectl_deletes_a_tag_and_reports_errors() {
    let Some(k) = find(KUBECTL) else { return };
    let e = env();
    let before = e.myapp_tags();
    let (code, out, err) = e.kubectl(&k, &["delete", "istag", "myapp:v2.0.1"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("imagestreamtag.image.openshift.io \"myapp:v2.0.1\" deleted"),
        "{out}"
    );
    let after = e.myapp_tags();
    assert_eq!(after.len(), before.len() - 1);
    assert!(!after.contains(&"v2.0.1".to_string()));

    let (code, _, err) = e.kubectl(&k, &["delete", "istag", "myapp:v2.0.1"]);
    assert_eq!(code, 1);
    assert!(err.contains("Error from server (NotFound): imagestreamtags.image.openshift.io \"myapp:v2.0.1\" not found"), "{err}");
    let (code, _, err) = e.kubectl(&k, &["delete", "istag", "myapp"]);
    assert_eq!(code, 1);
    assert!(
        err.contains(
            "Error from server (BadRequest): ImageStreamTags must be retrieved with <name>:<tag>"
        ),
        "{err}"
    );
}

#[test]
fn kubectl_is_forbidden_for_a_restricted_user() {
    let Some(k) = find(KUBECTL) else { return };
    let e = env();
    e.sim.add_user(
        "alice-token",
        "alice",
        vec![Rule::new(
            &["get", "list", "watch"],
            &["imagestreams", "imagestreamtags"],
            Some(&["mynamespace"]),
        )],
    );
    let yaml = prunetags::sim::kubeconfig::render(
        &e.sim.url(),
        e.sim.ca_pem(),
        "alice-token",
        "mynamespace",
    );
    std::fs::write(&e.kubeconfig, yaml).unwrap();
    let (code, out, err) = e.kubectl(&k, &["get", "istag", "-l", "application=myapp"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(rows(&out).len(), 22);
    let (code, _, err) = e.kubectl(&k, &["delete", "istag", "myapp:v2.0.6"]);
    assert_eq!(code, 1);
    assert!(err.contains("Error from server (Forbidden): imagestreamtags.image.openshift.io \"myapp:v2.0.6\" is forbidden: User \"alice\" cannot delete resource \"imagestreamtags\" in API group \"image.openshift.io\" in the namespace \"mynamespace\""), "{err}");
    assert!(e.myapp_tags().contains(&"v2.0.6".to_string()));
}

#[test]
fn the_seed_pipeline_keeps_the_last_five() {
    let Some(k) = find(KUBECTL) else { return };
    let e = env();
    let cache = e.dir.path().join("cache");
    let script = format!(
        "set -e; K='{k} --kubeconfig {kc} --cache-dir {cache}'; \
         TAGS=$($K get istag -l application=myapp | awk '{{print $1}}' | grep -e ':v[0-9]\\+.[0-9]\\+.[0-9]\\+' | sort -V | head --lines=-5); \
         $K delete istag $TAGS",
        k = k.display(),
        kc = e.kubeconfig.display(),
        cache = cache.display()
    );
    let mut cmd = Command::new("bash");
    cmd.arg("-c").arg(script);
    let (code, out, err) = run(cmd, Duration::from_secs(120));
    assert_eq!(code, 0, "{out}\n{err}");
    assert_eq!(
        e.myapp_tags(),
        ["latest", "v2.1.4", "v2.1.5", "v2.1.6", "v2.1.7", "v2.1.8"]
    );
    assert_eq!(e.sim.tag_names("mynamespace", "frontend").len(), 8);
    assert_eq!(e.sim.count("DELETE", "/imagestreamtags/"), 16);
}

#[test]
fn other_kubectl_versions_list_tags() {
    for bin in [
        "/usr/lib/google-cloud-sdk/bin/kubectl.1.27",
        "/usr/lib/google-cloud-sdk/bin/kubectl.1.33",
    ] {
        let Some(k) = find(bin) else { continue };
        let e = env();
        let (code, out, err) = e.kubectl(&k, &["get", "istag", "-l", "application=myapp"]);
        assert_eq!(code, 0, "{bin}: {err}");
        assert_eq!(rows(&out).len(), 22, "{bin}: {out}");
    }
}

/// Reads lines of a child's stdout on a thread; `expect` waits for a line.
struct Lines {
    rx: std::sync::mpsc::Receiver<String>,
    seen: Vec<String>,
}

impl Lines {
    fn new(stdout: std::process::ChildStdout) -> Lines {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    return;
                }
            }
        });
        Lines {
            rx,
            seen: Vec::new(),
        }
    }

    /// Waits until `n` lines satisfy `f`.
    fn expect(&mut self, what: &str, n: usize, f: impl Fn(&str) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while self.seen.iter().filter(|l| f(l)).count() < n {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(l) => self.seen.push(l),
                Err(_) => panic!("no {n}× {what} within 30 s; saw {:?}", self.seen),
            }
        }
    }
}

struct Kill(std::process::Child);

impl Drop for Kill {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Env {
    /// Starts a long-running kubectl; it is killed when the result is dropped.
    fn kubectl_bg(&self, bin: &Path, args: &[&str]) -> (Kill, Lines) {
        let cache = tempfile::tempdir_in(self.dir.path()).unwrap().keep();
        let mut child = Command::new(bin)
            .arg("--kubeconfig")
            .arg(&self.kubeconfig)
            .arg("--cache-dir")
            .arg(cache)
            .args(args)
            .env_remove("HTTPS_PROXY")
            .env_remove("https_proxy")
            .env_remove("HTTP_PROXY")
            .env_remove("http_proxy")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        (Kill(child), Lines::new(stdout))
    }

    fn wait_for_watches(&self, n: usize) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while self
            .sim
            .requests()
            .iter()
            .filter(|r| r.path.ends_with("/imagestreams") && r.query.contains("watch=true"))
            .count()
            < n
        {
            assert!(Instant::now() < deadline, "kubectl never watched");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

#[test]
fn kubectl_watches_streams() {
    let Some(k) = find(KUBECTL) else { return };
    let e = env();
    let (_names, mut names) = e.kubectl_bg(
        &k,
        &["get", "is", "-w", "--output-watch-events", "-o", "name"],
    );
    let (_table, mut table) = e.kubectl_bg(&k, &["get", "is", "-w", "--output-watch-events"]);
    // The initial list: -o name prints it (and every event) as bare names; the table printer
    // shows the event type in an EVENT column.
    for s in ["frontend", "myapp", "python"] {
        let want = format!("imagestream.image.openshift.io/{s}");
        names.expect(&want, 1, |l| l == want);
        table.expect(&format!("ADDED {s}"), 1, |l| {
            l.split_whitespace().take(2).eq(["ADDED", s])
        });
    }
    e.wait_for_watches(2);
    assert!(
        e.sim
            .with_store(|s| s.annotate_stream("mynamespace", "python", "k", "v").is_ok())
    );
    names.expect("python", 2, |l| {
        l == "imagestream.image.openshift.io/python"
    });
    table.expect("MODIFIED python", 1, |l| {
        l.split_whitespace().take(2).eq(["MODIFIED", "python"])
    });
    assert!(
        e.sim
            .with_store(|s| s.delete_stream("mynamespace", "frontend").is_ok())
    );
    names.expect("frontend", 2, |l| {
        l == "imagestream.image.openshift.io/frontend"
    });
    table.expect("DELETED frontend", 1, |l| {
        l.split_whitespace().take(2).eq(["DELETED", "frontend"])
    });
    assert!(table.seen[0].starts_with("EVENT"), "{:?}", table.seen);
    let watches: Vec<_> = e
        .sim
        .requests()
        .into_iter()
        .filter(|r| r.query.contains("watch=true"))
        .collect();
    assert!(watches.iter().all(|r| r.status == 200), "{watches:?}");
}

#[test]
fn kubectl_lists_rolebindings_and_is_forbidden_like_the_real_server() {
    let Some(k) = find(KUBECTL) else { return };
    let e = env();
    e.sim.add_role_binding(
        "ceo-rec",
        "system:image-puller",
        "ClusterRole",
        "system:image-puller",
        &["group:system:serviceaccounts:ceo-rec-prod"],
    );
    e.sim.add_role_binding(
        "ceo-rec",
        "ci-edit",
        "ClusterRole",
        "edit",
        &["serviceaccount:ci:jenkins", "user:alice"],
    );
    let (code, out, err) = e.kubectl(&k, &["get", "rolebindings", "-n", "ceo-rec"]);
    assert_eq!(code, 0, "{err}");
    let header: Vec<&str> = out.lines().next().unwrap().split_whitespace().collect();
    assert_eq!(header, ["NAME", "ROLE", "AGE"], "{out}");
    let cells: Vec<Vec<&str>> = rows(&out)
        .iter()
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(cells[0][..2], ["ci-edit", "ClusterRole/edit"], "{out}");
    assert_eq!(
        cells[1][..2],
        ["system:image-puller", "ClusterRole/system:image-puller"],
        "{out}"
    );
    let (code, out, err) = e.kubectl(&k, &["get", "rolebindings", "-n", "ceo-rec", "-o", "wide"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("SERVICEACCOUNTS") && out.contains("ci/jenkins"),
        "{out}"
    );
    assert!(out.contains("system:serviceaccounts:ceo-rec-prod"), "{out}");
    let (code, out, err) = e.kubectl(
        &k,
        &["get", "clusterrole", "system:image-puller", "-o", "json"],
    );
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["rules"][0]["resources"][0], "imagestreams/layers");

    // An `edit`-like user: recording 203's message, as kubectl prints it.
    e.sim.add_user(
        "alice-token",
        "alice",
        vec![Rule::new(
            &["get", "list"],
            &["imagestreams"],
            Some(&["ceo-rec"]),
        )],
    );
    let yaml =
        prunetags::sim::kubeconfig::render(&e.sim.url(), e.sim.ca_pem(), "alice-token", "ceo-rec");
    std::fs::write(&e.kubeconfig, yaml).unwrap();
    let (code, _, err) = e.kubectl(&k, &["get", "rolebindings"]);
    assert_eq!(code, 1);
    assert!(err.contains("Error from server (Forbidden): rolebindings.rbac.authorization.k8s.io is forbidden: User \"alice\" cannot list resource \"rolebindings\" in API group \"rbac.authorization.k8s.io\" in the namespace \"ceo-rec\""), "{err}");
}
