//! The `prunetags-sim` binary itself: it serves the real kubectl, logs requests, and reports bad
//! flags and an unwritable log in one line. (The simulator's behaviour is tested through the
//! library in the main package's tests; only the binary lives here, in tools/.) Without kubectl
//! the kubectl test is skipped, unless `CI=true`.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const SIM: &str = env!("CARGO_BIN_EXE_prunetags-sim");
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

/// Runs a command with a deadline; returns (exit code, stdout, stderr).
fn run(mut cmd: Command, timeout: Duration) -> (i32, String, String) {
    for v in ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"] {
        cmd.env_remove(v);
    }
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn");
    let start = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            let out = child.wait_with_output().unwrap();
            return (
                out.status.code().unwrap_or(-1),
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

fn rows(out: &str) -> Vec<&str> {
    out.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .collect()
}

struct Kill(std::process::Child);

impl Drop for Kill {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn the_sim_binary_serves_kubectl() {
    let Some(k) = find(KUBECTL) else { return };
    let dir = tempfile::tempdir().unwrap();
    let kc = dir.path().join("kubeconfig");
    let mut child = Command::new(SIM)
        .args([
            "--addr",
            "127.0.0.1:0",
            "--scenario",
            "seed",
            "--kubeconfig-out",
        ])
        .arg(&kc)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let child = Kill(child);
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
    });
    let line = rx
        .recv_timeout(Duration::from_secs(30))
        .expect("no ready line");
    assert!(line.starts_with("ready https://127.0.0.1:"), "{line}");
    let mut cmd = Command::new(k);
    cmd.env("KUBECONFIG", &kc)
        .arg("--cache-dir")
        .arg(dir.path().join("cache"))
        .args(["get", "istag", "-l", "application=myapp"]);
    let (code, out, err) = run(cmd, Duration::from_secs(60));
    assert_eq!(code, 0, "{err}");
    assert_eq!(rows(&out).len(), 22, "{out}");
    drop(child);
}

#[test]
fn the_sim_binary_rejects_bad_flags() {
    let out = Command::new(SIM)
        .args(["--scenario", "bogus"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
}

/// `oc-prunetags --kubeconfig KC list -o name`, run by the library; the exit code on error.
fn list_with(kc: &Path) -> Result<(), i32> {
    use clap::Parser;
    let cli = prunetags::cli::Cli::try_parse_from([
        "oc-prunetags".as_ref(),
        "--kubeconfig".as_ref(),
        kc.as_os_str(),
        "list".as_ref(),
        "-o".as_ref(),
        "name".as_ref(),
    ])
    .unwrap();
    let cfg = cli.into_config().map_err(|e| e.code)?;
    tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(prunetags::app::run(cfg))
        .map_err(|e| e.code)
}

#[test]
fn the_sim_binary_logs_one_line_per_request() {
    let dir = tempfile::tempdir().unwrap();
    let kc = dir.path().join("kubeconfig");
    let log = dir.path().join("requests.log");
    // An existing file is appended to, not truncated.
    std::fs::write(&log, "earlier line\n").unwrap();
    let mut child = Command::new(SIM)
        .args(["--scenario", "seed", "--kubeconfig-out"])
        .arg(&kc)
        .arg("--request-log")
        .arg(&log)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let _child = Kill(child);
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
    });
    let line = rx
        .recv_timeout(Duration::from_secs(30))
        .expect("no ready line");
    assert!(line.starts_with("ready https://127.0.0.1:"), "{line}");

    // Our own client: a list as admin (200), then with a token the server does not know (401,
    // logged as the anonymous user).
    // The plugin's own code in this process: its binary belongs to the other package.
    assert_eq!(list_with(&kc), Ok(()));
    let yaml = std::fs::read_to_string(&kc).unwrap();
    let token = yaml
        .lines()
        .find_map(|l| l.trim().strip_prefix("token: "))
        .expect("a token in the kubeconfig")
        .to_owned();
    let bad = dir.path().join("bad-kubeconfig");
    std::fs::write(&bad, yaml.replace(&token, "sha256~not-a-known-token")).unwrap();
    assert_eq!(list_with(&bad), Err(prunetags::error::exit::FAILURE));

    // Each request is logged before it is answered: the file is complete once the client exits.
    let text = std::fs::read_to_string(&log).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("earlier line"));
    let lines: Vec<Vec<&str>> = lines.map(|l| l.split(' ').collect()).collect();
    assert!(!lines.is_empty());
    for l in &lines {
        assert_eq!(l.len(), 4, "METHOD PATH USER STATUS: {l:?}");
        assert!(l[1].starts_with('/'), "{l:?}");
        assert!(l[3].parse::<u16>().is_ok(), "{l:?}");
    }
    let ns = "/apis/image.openshift.io/v1/namespaces/mynamespace/imagestreams";
    let list = |user: &str, status: &str| {
        lines.iter().any(|l| {
            l[0] == "GET"
                && l[1].starts_with(&format!("{ns}?"))
                && l[1].contains("limit=")
                && l[2] == user
                && l[3] == status
        })
    };
    assert!(list("admin", "200"), "{text}");
    assert!(list("system:anonymous", "401"), "{text}");
}

#[test]
fn the_sim_binary_reports_an_unwritable_request_log_in_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(SIM)
        .arg("--request-log")
        .arg(dir.path().join("missing-dir/requests.log"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.starts_with("prunetags-sim: cannot open "), "{err}");
}
