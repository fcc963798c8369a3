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

    /// Pushes `tags` (name, hours ago) to `ns/stream`, each with an image of its own, and dates
    /// each tag's revision that many hours back.
    pub fn push_aged(&self, ns: &str, stream: &str, tags: &[(&str, i64)]) {
        use prunetags::sim::scenario::{make_image, sha_digest};
        for (tag, _) in tags {
            let digest = sha_digest(&format!("{ns} {stream} {tag}"));
            let image = make_image(
                &digest,
                &format!("image-registry.openshift-image-registry.svc:5000/{ns}/{stream}@{digest}"),
                &sha_digest(&format!("config {ns} {stream} {tag}")),
                vec![(sha_digest(&format!("layer {ns} {stream} {tag}")), 1000)],
                jiff::Timestamp::now(),
            );
            self.sim.push(ns, stream, tag, image);
        }
        self.sim.with_store(|s| {
            let mut is = s.get_stream(ns, stream).unwrap();
            for t in is.status.tags.iter_mut().flatten() {
                let Some((_, hours)) = tags.iter().find(|(n, _)| *n == t.tag) else {
                    continue;
                };
                for item in t.items.iter_mut().flatten() {
                    item.created.0 =
                        jiff::Timestamp::now() - jiff::SignedDuration::from_hours(*hours);
                }
            }
            s.update_stream_status(ns, stream, is).unwrap();
        });
    }

    /// Tag names (spec ∪ status) of a stream in the simulator's namespace, sorted.
    pub fn tags(&self, stream: &str) -> Vec<String> {
        self.sim.tag_names(&self.namespace, stream)
    }

    /// The requests that could change something, as `METHOD PATH`.
    pub fn writes(&self) -> Vec<String> {
        self.sim
            .requests()
            .iter()
            .filter(|r| matches!(r.method.as_str(), "DELETE" | "PUT" | "POST" | "PATCH"))
            .map(|r| format!("{} {}", r.method, r.path))
            .collect()
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

/// Runs with stdin closed and a deadline; a hung process is killed and fails the test. Output
/// is drained while the process runs, so a large answer cannot block it on a full pipe.
pub fn run(mut cmd: Command, timeout: Duration) -> Run {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn");
    let drain = |mut pipe: Box<dyn std::io::Read + Send>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = pipe.read_to_end(&mut buf);
            String::from_utf8_lossy(&buf).into_owned()
        })
    };
    let stdout = drain(Box::new(child.stdout.take().unwrap()));
    let stderr = drain(Box::new(child.stderr.take().unwrap()));
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if start.elapsed() > timeout {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let (stdout, stderr) = (stdout.join().unwrap(), stderr.join().unwrap());
    match status {
        Some(status) => Run {
            code: status.code().unwrap_or(-1),
            stdout,
            stderr,
        },
        None => panic!("{cmd:?} did not finish in {timeout:?}\nstdout: {stdout}\nstderr: {stderr}"),
    }
}

impl Run {
    /// Exit code 0 and no panic.
    pub fn assert_ok(&self) {
        assert_eq!(
            self.code, 0,
            "exit code\nstdout: {}\nstderr: {}",
            self.stdout, self.stderr
        );
        assert!(!self.stderr.contains("panicked"), "{}", self.stderr);
    }

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

/// An oracle independent of the planner, with the `semver` crate: the tags of one stream that
/// `prune --keep KEEP` leaves (distinct versions assumed): the KEEP highest releases, every
/// pre-release newer than the oldest of them (all of them when there are fewer releases), and
/// every tag that is not a version.
pub fn semver_survivors<'a>(tags: &[&'a str], keep: usize) -> Vec<&'a str> {
    let parse = |t: &str| semver::Version::parse(t.strip_prefix('v').unwrap_or(t)).ok();
    let mut releases: Vec<(semver::Version, &str)> = tags
        .iter()
        .filter_map(|t| parse(t).map(|v| (v, *t)))
        .filter(|(v, _)| v.pre.is_empty())
        .collect();
    releases.sort_by(|a, b| b.0.cmp_precedence(&a.0));
    let oldest_kept = (releases.len() >= keep).then(|| releases[keep - 1].0.clone());
    tags.iter()
        .copied()
        .filter(|t| match parse(t) {
            None => true,
            Some(v) if v.pre.is_empty() => releases.iter().take(keep).any(|(_, r)| r == t),
            Some(v) => oldest_kept
                .as_ref()
                .is_none_or(|o| v.cmp_precedence(o).is_gt()),
        })
        .collect()
}

/// The cells of each row of kubectl-style plain columns (what a table prints when stdout is not
/// a terminal), header first, trimmed. Columns start where the header's names start, so an
/// empty cell or a cell with spaces in it stays in its column.
pub fn plain_rows(out: &str) -> Vec<Vec<String>> {
    let mut lines = out.lines().skip_while(|l| l.trim().is_empty());
    let Some(header) = lines.next() else {
        return Vec::new();
    };
    let header: Vec<char> = header.chars().collect();
    // A column starts after three blanks (or at 0); names like "IMAGE REFERENCE" hold one.
    let starts: Vec<usize> = (0..header.len())
        .filter(|&i| header[i] != ' ' && (i == 0 || (i >= 3 && header[i - 3..i] == [' '; 3])))
        .collect();
    let cells = |line: &str| -> Vec<String> {
        let chars: Vec<char> = line.chars().collect();
        starts
            .iter()
            .enumerate()
            .map(|(n, &s)| {
                let end = starts
                    .get(n + 1)
                    .copied()
                    .unwrap_or(chars.len())
                    .min(chars.len());
                chars[s.min(chars.len())..end]
                    .iter()
                    .collect::<String>()
                    .trim()
                    .to_owned()
            })
            .collect()
    };
    std::iter::once(cells(&header.iter().collect::<String>()))
        .chain(lines.take_while(|l| !l.trim().is_empty()).map(cells))
        .collect()
}

/// An IPv4 address of this machine that is not loopback, if it has one: a server bound to it
/// is reached from this machine but is not "loopback" to a client's rules.
pub fn non_loopback_ipv4() -> Option<std::net::IpAddr> {
    let mut found = None;
    // SAFETY: getifaddrs fills a list we walk read-only and free once.
    unsafe {
        let mut list: *mut libc::ifaddrs = std::ptr::null_mut();
        if libc::getifaddrs(&mut list) != 0 {
            return None;
        }
        let mut cur = list;
        while !cur.is_null() {
            let a = (*cur).ifa_addr;
            if !a.is_null() && (*a).sa_family as i32 == libc::AF_INET {
                let sin = &*(a as *const libc::sockaddr_in);
                let ip = std::net::IpAddr::from(u32::from_be(sin.sin_addr.s_addr).to_be_bytes());
                if !ip.is_loopback() && found.is_none() {
                    found = Some(ip);
                }
            }
            cur = (*cur).ifa_next;
        }
        libc::freeifaddrs(list);
    }
    found
}
