//! Secrets and trust: TLS verification is on unless asked off (with a warning); a recognisable
//! bearer token and client key never appear in any output of any error path, verbosity or
//! panic; nothing is written to disk. And the panic hook: one line, a hint, exit 101, a
//! backtrace only when RUST_BACKTRACE asks for one.

mod harness;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use base64::Engine as _;
use harness::{Harness, Run};
use prunetags::sim::{Override, Rule};
use serde_json::{Value, json};

const TOKEN: &str = "sekret-TOKEN-4242";
const NS: &str = "mynamespace";

fn b64(s: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(s.as_bytes())
}

/// A client certificate and key (a real one: kube loads it), whose key body lines we look for.
fn client_identity() -> (String, String) {
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = rcgen::CertificateParams::new(vec!["sekret-client".to_owned()])
        .unwrap()
        .self_signed(&key)
        .unwrap();
    (cert.pem(), key.serialize_pem())
}

fn key_lines(key_pem: &str) -> Vec<String> {
    key_pem
        .lines()
        .filter(|l| !l.starts_with("-----") && l.len() >= 16)
        .map(str::to_owned)
        .collect()
}

struct Secrets {
    h: Harness,
    key_pem: String,
    cert_pem: String,
    written: Vec<PathBuf>,
}

impl Secrets {
    fn new() -> Secrets {
        let h = Harness::seed();
        let (cert_pem, key_pem) = client_identity();
        let written = vec![h.kubeconfig.clone()];
        Secrets {
            h,
            key_pem,
            cert_pem,
            written,
        }
    }

    /// A kubeconfig with the recognisable token and client key, for `cluster`.
    fn kubeconfig(&mut self, name: &str, cluster: Value) -> PathBuf {
        let doc = json!({
            "apiVersion": "v1", "kind": "Config",
            "clusters": [{"name": "c", "cluster": cluster}],
            "users": [{"name": "u", "user": {
                "token": TOKEN,
                "client-certificate-data": b64(&self.cert_pem),
                "client-key-data": b64(&self.key_pem),
            }}],
            "contexts": [{"name": "x", "context": {"cluster": "c", "user": "u", "namespace": NS}}],
            "current-context": "x",
        });
        self.raw(name, &serde_yaml::to_string(&doc).unwrap())
    }

    fn raw(&mut self, name: &str, text: &str) -> PathBuf {
        let p = self.h.dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        self.written.push(p.clone());
        p
    }

    fn sim_cluster(&self) -> Value {
        json!({"server": self.h.sim.url(), "certificate-authority-data": b64(self.h.sim.ca_pem())})
    }

    fn run(&self, kubeconfig: &Path, env: &[(&str, &str)], args: &[&str]) -> Run {
        let mut cmd = self.h.command();
        cmd.env("KUBECONFIG", kubeconfig)
            .env_remove("RUST_BACKTRACE");
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.args(args);
        harness::run(cmd, Duration::from_secs(60))
    }

    /// Runs `args` at every verbosity and asserts no credential in any output.
    fn assert_clean(&self, what: &str, kubeconfig: &Path, env: &[(&str, &str)], args: &[&str]) {
        for v in [None, Some("-v"), Some("-vv")] {
            let mut all = args.to_vec();
            all.extend(v);
            let run = self.run(kubeconfig, env, &all);
            self.assert_no_secret(&format!("{what} {all:?}"), &run);
        }
    }

    fn assert_no_secret(&self, what: &str, run: &Run) {
        for (name, out) in [("stdout", &run.stdout), ("stderr", &run.stderr)] {
            assert!(
                !out.contains(TOKEN) && !out.contains("TOKEN-4242"),
                "{what}: the token in {name}: {out}"
            );
            for line in key_lines(&self.key_pem) {
                assert!(
                    !out.contains(&line),
                    "{what}: key material in {name}: {out}"
                );
            }
        }
    }

    fn allow(&self, rules: Vec<Rule>) {
        self.h.sim.add_user(TOKEN, "sekret-user", rules);
    }
}

fn reader_rules() -> Vec<Rule> {
    vec![Rule::new(
        &["get", "list", "watch"],
        &[
            "imagestreams",
            "imagestreamtags",
            "imagestreams/layers",
            "pods",
            "replicationcontrollers",
            "deployments",
            "replicasets",
            "statefulsets",
            "daemonsets",
            "jobs",
            "cronjobs",
            "deploymentconfigs",
            "builds",
            "buildconfigs",
        ],
        Some(&[NS]),
    )]
}

/// Every file under `dir`, recursively.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn the_token_and_client_key_never_appear_on_any_path() {
    let mut s = Secrets::new();
    let kc = s.kubeconfig("kubeconfig-sekret", s.sim_cluster());
    let prune = ["prune", "--keep", "5", "--yes"];

    // 401: the server does not know the token yet.
    s.assert_clean("401", &kc, &[], &["list"]);
    s.assert_clean("401 prune", &kc, &[], &prune);
    // 403 on list, then on delete (table and JSON), then on the status subresource.
    s.allow(vec![Rule::new(&["get"], &["imagestreams"], Some(&[NS]))]);
    s.assert_clean("403 list", &kc, &[], &["list"]);
    s.allow(reader_rules());
    s.assert_clean("403 delete", &kc, &[], &prune);
    s.assert_clean(
        "403 delete json",
        &kc,
        &[],
        &["prune", "--keep", "5", "--yes", "-o", "json"],
    );
    s.assert_clean(
        "403 status",
        &kc,
        &[],
        &["prune", "myapp", "--keep-revisions", "1", "--yes"],
    );
    // Successful reads in every format.
    for o in ["table", "wide", "json", "yaml", "name"] {
        s.assert_clean("list", &kc, &[], &["list", "-o", o]);
    }
    s.assert_clean("usage", &kc, &[], &["usage", "--revisions"]);
    s.assert_clean(
        "dry run",
        &kc,
        &[],
        &["prune", "--keep", "5", "--dry-run", "-o", "json"],
    );
    // 404, flags, malformed JSON, 5xx, 429.
    s.assert_clean("404", &kc, &[], &["list", "nope"]);
    s.assert_clean("bad flag", &kc, &[], &["prune", "--keep", "abc"]);
    s.assert_clean("bad context", &kc, &[], &["list", "--context", "nope"]);
    s.h.sim
        .set_response_override("/imagestreams", Override::MalformedJson);
    s.assert_clean("malformed", &kc, &[], &["list"]);
    s.h.sim.clear_response_overrides();
    s.h.sim.set_fail_rate(1.0);
    let run = s.run(&kc, &[], &["list"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    s.assert_no_secret("5xx", &run);
    s.h.sim.set_fail_rate(0.0);
    s.h.sim.set_max_inflight(Some(0));
    let run = s.run(&kc, &[], &["list", "-vv"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    s.assert_no_secret("429", &run);
    s.h.sim.set_max_inflight(None);
    // A full prune that succeeds.
    s.allow(vec![Rule::new(&["*"], &["*"], None)]);
    let run = s.run(&kc, &[], &["prune", "--keep", "5", "--yes", "-vv"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    s.assert_no_secret("prune", &run);

    // Unreachable, TLS mismatch, TLS off.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let closed = s.kubeconfig(
        "kubeconfig-closed",
        json!({"server": format!("https://127.0.0.1:{port}"), "certificate-authority-data": b64(s.h.sim.ca_pem())}),
    );
    s.assert_clean("unreachable", &closed, &[], &["list"]);
    let other_ca = prunetags::sim::tls::generate().unwrap().ca_pem;
    let tls = s.kubeconfig(
        "kubeconfig-tls",
        json!({"server": s.h.sim.url(), "certificate-authority-data": b64(&other_ca)}),
    );
    s.assert_clean("tls", &tls, &[], &["list"]);
    s.assert_clean(
        "tls off",
        &tls,
        &[],
        &["list", "--insecure-skip-tls-verify"],
    );

    // Kubeconfigs broken around the token: the parser must not quote it.
    for (name, text) in [
        (
            "yaml-flow",
            format!("users:\n- name: u\n  user:\n    token: [{TOKEN}\n"),
        ),
        (
            "yaml-map",
            format!("users:\n- name: u\n  user:\n    token: {{a: {TOKEN}}}\n"),
        ),
        (
            "yaml-tab",
            format!("users:\n- name: u\n  user:\n\ttoken: {TOKEN}\n"),
        ),
        ("yaml-key", format!("{TOKEN}: [1, 2\n")),
        ("yaml-users", format!("users: {TOKEN}\n")),
        (
            "yaml-ctx",
            format!("current-context: {TOKEN}\nusers:\n- name: u\n  user:\n    token: {TOKEN}\n"),
        ),
        (
            "bad-key-data",
            format!(
                "clusters:\n- name: c\n  cluster:\n    server: {}\nusers:\n- name: u\n  user:\n    client-certificate-data: {}\n    client-key-data: {}\ncontexts:\n- name: x\n  context: {{cluster: c, user: u}}\ncurrent-context: x\n",
                s.h.sim.url(),
                b64(&s.cert_pem),
                b64(&format!(
                    "-----BEGIN PRIVATE KEY-----\n{TOKEN}{TOKEN}\n-----END PRIVATE KEY-----\n"
                ))
            ),
        ),
    ] {
        let p = s.raw(name, &text);
        s.assert_clean(name, &p, &[], &["list"]);
    }

    // A panic whose message holds the token: the hook masks it.
    let run = s.run(
        &kc,
        &[("OC_PRUNETAGS_TEST_PANIC", "secret")],
        &["list", "-vv"],
    );
    assert_eq!(run.code, 101, "{}", run.stderr);
    s.assert_no_secret("panic", &run);
    assert!(run.stderr.contains("<redacted>"), "{}", run.stderr);

    // Nothing but the kubeconfigs we wrote and the prunes' journals (#17) is under HOME, and
    // only the kubeconfigs hold the token.
    let journals = s.h.dir.path().join(".local/state/oc-prunetags");
    let (journal_files, files): (Vec<PathBuf>, Vec<PathBuf>) = files_under(s.h.dir.path())
        .into_iter()
        .partition(|p| p.starts_with(&journals));
    let mut written = s.written.clone();
    written.sort();
    assert_eq!(files, written, "files appeared under HOME");
    for j in journal_files {
        let text = std::fs::read_to_string(&j).unwrap();
        assert!(
            !text.contains(TOKEN) && !text.contains("TOKEN-4242"),
            "the journal {} holds the token",
            j.display()
        );
    }
}

#[test]
fn demo_keeps_its_kubeconfig_in_memory() {
    let home = tempfile::tempdir().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(harness::BIN);
    harness::clean_env(&mut cmd, home.path());
    cmd.env("TMPDIR", tmp.path())
        .args(["--demo", "prune", "--keep", "5", "--yes", "-vv"]);
    let run = harness::run(cmd, Duration::from_secs(60));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stdout.contains("sha256~") && !run.stderr.contains("sha256~"));
    assert!(
        files_under(home.path()).is_empty(),
        "{:?}",
        files_under(home.path())
    );
    assert!(
        files_under(tmp.path()).is_empty(),
        "{:?}",
        files_under(tmp.path())
    );
}

// ---- TLS ---------------------------------------------------------------------------------------

fn tls_kubeconfig(h: &Harness, name: &str, cluster: Value) -> PathBuf {
    let doc = json!({
        "apiVersion": "v1", "kind": "Config",
        "clusters": [{"name": "c", "cluster": cluster}],
        "users": [{"name": "u", "user": {"token": h.sim.admin_token()}}],
        "contexts": [{"name": "x", "context": {"cluster": "c", "user": "u", "namespace": NS}}],
        "current-context": "x",
    });
    let p = h.dir.path().join(name);
    std::fs::write(&p, serde_yaml::to_string(&doc).unwrap()).unwrap();
    p
}

fn run_with(h: &Harness, kc: &Path, args: &[&str]) -> Run {
    let mut cmd = h.command();
    cmd.env("KUBECONFIG", kc).args(args);
    harness::run(cmd, Duration::from_secs(60))
}

const WARNING: &str = "warning: TLS verification is off";

#[test]
fn tls_mismatch_fails_by_default_and_works_only_with_the_flag_and_a_warning() {
    let h = Harness::seed();
    let other_ca = prunetags::sim::tls::generate().unwrap().ca_pem;
    let kc = tls_kubeconfig(
        &h,
        "other-ca",
        json!({"server": h.sim.url(), "certificate-authority-data": b64(&other_ca)}),
    );
    let run = run_with(&h, &kc, &["list"]);
    run.assert_error(1, "TLS verification failed");
    assert!(!run.stderr.contains(WARNING));
    assert!(
        h.sim
            .requests()
            .iter()
            .all(|r| !r.path.contains("imagestreams")),
        "nothing got through"
    );

    let run = run_with(
        &h,
        &kc,
        &["list", "--insecure-skip-tls-verify", "-o", "name"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{}", run.stderr);
    assert!(lines[0].starts_with(WARNING), "{}", run.stderr);
    assert!(
        lines[0].contains("--insecure-skip-tls-verify"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.contains("myapp:v2.1.8"), "{}", run.stdout);

    // The simulator's own CA: verified, and no warning.
    let run = h.run(&["list", "-o", "name"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.is_empty(), "{}", run.stderr);
}

#[test]
fn kubeconfig_insecure_skip_tls_verify_is_honoured_with_a_warning() {
    let h = Harness::seed();
    let kc = tls_kubeconfig(
        &h,
        "insecure",
        json!({"server": h.sim.url(), "insecure-skip-tls-verify": true}),
    );
    let run = run_with(&h, &kc, &["list", "-o", "name"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.starts_with(WARNING), "{}", run.stderr);
    assert!(run.stderr.contains("in the kubeconfig"), "{}", run.stderr);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
}

// ---- panics ------------------------------------------------------------------------------------

fn panic_run(h: &Harness, how: &str, backtrace: bool) -> Run {
    let mut cmd = h.command();
    cmd.env("OC_PRUNETAGS_TEST_PANIC", how)
        .env_remove("RUST_BACKTRACE")
        .env_remove("RUST_LIB_BACKTRACE")
        .arg("list");
    if backtrace {
        cmd.env("RUST_BACKTRACE", "1");
    }
    harness::run(cmd, Duration::from_secs(60))
}

#[test]
fn a_panic_is_one_line_with_a_hint_and_exit_101() {
    let h = Harness::seed();
    for how in ["1", "task"] {
        let run = panic_run(&h, how, false);
        assert_eq!(run.code, 101, "{how}: {}", run.stderr);
        let lines: Vec<&str> = run.stderr.lines().collect();
        assert_eq!(lines.len(), 1, "{how}: one line: {}", run.stderr);
        assert!(
            lines[0].starts_with("error: internal error: test panic"),
            "{how}: {}",
            run.stderr
        );
        assert!(
            lines[0].ends_with("(this is a bug; please report it with RUST_BACKTRACE=1 output)"),
            "{}",
            run.stderr
        );
        assert!(!run.stderr.contains("stack backtrace"), "{}", run.stderr);
        assert!(!run.stderr.contains("panicked at"), "{}", run.stderr);
    }
}

#[test]
fn rust_backtrace_adds_the_backtrace() {
    let h = Harness::seed();
    let run = panic_run(&h, "1", true);
    assert_eq!(run.code, 101, "{}", run.stderr);
    assert!(
        run.stderr
            .lines()
            .next()
            .unwrap()
            .starts_with("error: internal error: test panic"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("stack backtrace"), "{}", run.stderr);
}
