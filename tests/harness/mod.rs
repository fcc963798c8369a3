//! Running the built `oc-prunetags` binary against the simulator, the way a user would.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use prunetags::sim::{Scenario, Sim, SimOptions};

pub const BIN: &str = env!("CARGO_BIN_EXE_oc-prunetags");

/// A simulator, a kubeconfig for it in a temporary HOME, and a way to run the binary.
pub struct Harness {
    pub sim: Sim,
    pub dir: tempfile::TempDir,
    pub kubeconfig: PathBuf,
    pub namespace: String,
}

/// What one run printed and how it ended.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Harness {
    pub fn new(opts: SimOptions) -> Harness {
        let namespace = opts.scenario.namespace().to_owned();
        let sim = Sim::start_background(opts).expect("start the simulator");
        let dir = tempfile::tempdir().unwrap();
        let kubeconfig = dir.path().join("kubeconfig");
        sim.write_kubeconfig(&kubeconfig, &namespace).unwrap();
        Harness {
            sim,
            dir,
            kubeconfig,
            namespace,
        }
    }

    pub fn seed() -> Harness {
        Harness::new(SimOptions {
            scenario: Scenario::Seed,
            ..SimOptions::default()
        })
    }

    /// The binary with KUBECONFIG pointing at the simulator, a private HOME, no proxy, no colour.
    pub fn command(&self) -> Command {
        let mut cmd = Command::new(BIN);
        clean_env(&mut cmd, self.dir.path());
        cmd.env("KUBECONFIG", &self.kubeconfig);
        cmd
    }

    pub fn run(&self, args: &[&str]) -> Run {
        let mut cmd = self.command();
        cmd.args(args);
        run(cmd, Duration::from_secs(60))
    }

    /// Tag names (spec ∪ status) of a stream in the simulator's namespace, sorted.
    pub fn tags(&self, stream: &str) -> Vec<String> {
        self.sim.tag_names(&self.namespace, stream)
    }
}

/// No proxy (kube would send loopback traffic through it), a private HOME, no colour.
pub fn clean_env(cmd: &mut Command, home: &Path) {
    for var in [
        "HTTPS_PROXY",
        "https_proxy",
        "HTTP_PROXY",
        "http_proxy",
        "ALL_PROXY",
        "all_proxy",
        "KUBECONFIG",
        "NO_COLOR",
        "KUBERNETES_SERVICE_HOST",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("HOME", home);
}

/// Runs with stdin closed and a deadline; a hung process is killed and fails the test.
/// stdout and stderr are drained while it runs: a child writing more than a pipe holds (64 KiB)
/// would otherwise block forever on a full pipe.
pub fn run(mut cmd: Command, timeout: Duration) -> Run {
    use std::io::Read;
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn");
    let drain = |mut r: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = r.read_to_end(&mut buf);
            String::from_utf8_lossy(&buf).into_owned()
        })
    };
    let stdout = drain(Box::new(child.stdout.take().expect("piped stdout")));
    let stderr = drain(Box::new(child.stderr.take().expect("piped stderr")));
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return Run {
                code: status.code().unwrap_or(-1),
                stdout: stdout.join().unwrap(),
                stderr: stderr.join().unwrap(),
            };
        }
        if start.elapsed() > timeout {
            let _ = child.kill();
            let _ = child.wait();
            // A grandchild may still hold the pipes open: do not wait for it.
            std::thread::sleep(Duration::from_millis(200));
            let text = |h: std::thread::JoinHandle<String>| {
                if h.is_finished() {
                    h.join().unwrap()
                } else {
                    "<still open>".to_owned()
                }
            };
            panic!(
                "{cmd:?} did not finish in {timeout:?}\nstdout: {}\nstderr: {}",
                text(stdout),
                text(stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

impl Run {
    /// Exit code and one line on stderr: the contract of every error.
    pub fn assert_error(&self, code: i32, contains: &str) {
        assert_eq!(self.code, code, "exit code; stderr: {}", self.stderr);
        let lines: Vec<&str> = self
            .stderr
            .lines()
            .filter(|l| !l.trim().is_empty())
            .collect();
        assert_eq!(lines.len(), 1, "one line on stderr, got: {}", self.stderr);
        assert!(lines[0].starts_with("error: "), "{}", self.stderr);
        assert!(
            lines[0].contains(contains),
            "{:?} not in {}",
            contains,
            self.stderr
        );
        assert!(!self.stderr.contains("panicked"), "{}", self.stderr);
    }
}
