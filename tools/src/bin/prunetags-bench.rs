//! `prunetags-bench`: oc-prunetags against what users run today (the real kubectl), side by side,
//! on the simulated OpenShift API with added latency. Prints one markdown table.
//!
//! ```text
//! cargo build --release && target/release/prunetags-bench            # full run (~10 min)
//! cargo build --release && target/release/prunetags-bench --quick    # smoke test (< 1 min)
//! ```
//!
//! It builds nothing itself: it runs `oc-prunetags` from next to its own executable (or
//! `--bin`), and `/usr/bin/kubectl` (or `--kubectl`). Every simulator runs in this process, a
//! fresh one for every prune run, so that each run starts from the same scenario.
//! See BENCHMARKS.md.

use std::fmt::Write as _;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use clap::Parser;
use prunetags::sim::{Scenario, Sim, SimOptions};

#[derive(Parser, Debug)]
#[command(
    name = "prunetags-bench",
    about = "Benchmarks oc-prunetags against the real kubectl on the simulator (see BENCHMARKS.md)"
)]
struct Args {
    /// Tiny scenarios and one run of everything: a smoke test (no thresholds asserted).
    #[arg(long)]
    quick: bool,
    /// Runs of each measurement of ours (and of the fast kubectl ones); medians are reported.
    #[arg(long, default_value_t = 5)]
    runs: usize,
    /// Runs of the slow kubectl prune pipeline (minutes each at full size).
    #[arg(long, default_value_t = 1)]
    baseline_runs: usize,
    /// Runs of each start-up measurement.
    #[arg(long, default_value_t = 51)]
    startup_runs: usize,
    /// Latency the simulator adds to every API request, in milliseconds.
    #[arg(long, default_value_t = 10)]
    latency_ms: u64,
    /// `--concurrency` passed to oc-prunetags (and used for the floor).
    #[arg(long, default_value_t = 16)]
    concurrency: usize,
    /// The oc-prunetags binary (default: next to this executable).
    #[arg(long)]
    bin: Option<PathBuf>,
    /// The kubectl to compare with.
    #[arg(long, default_value = "/usr/bin/kubectl")]
    kubectl: PathBuf,
    /// Skip every kubectl measurement.
    #[arg(long)]
    no_kubectl: bool,
    /// An earlier oc-prunetags build to run `usage` with too, interleaved with ours, so the two
    /// wall times are measured side by side on the same simulator.
    #[arg(long)]
    usage_baseline_bin: Option<PathBuf>,
    /// `usage --concurrency` values to run the namespace user at, side by side in one run
    /// (comma-separated; default: usage's own default).
    #[arg(long, value_delimiter = ',')]
    usage_concurrency: Vec<u16>,
    /// Only these benchmarks (comma-separated: prune,list,usage,startup,platform; platform is
    /// not run unless named: its simulators hold millions of revisions).
    #[arg(long, value_delimiter = ',')]
    only: Vec<String>,
}

/// Scenario sizes: the issue's, or tiny ones for `--quick`.
struct Sizes {
    prune: (usize, usize, usize),
    list: (usize, usize, usize),
    usage: (usize, usize, usize),
    /// The platform section: namespaces × streams × tags × revisions, then 4× the namespaces.
    platform: [(usize, usize, usize, usize); 2],
    /// `list`'s peak RSS in one namespace at two sizes (streams × tags × revisions).
    list_scale: [(usize, usize, usize); 2],
}

impl Sizes {
    fn of(quick: bool) -> Sizes {
        if quick {
            Sizes {
                prune: (8, 12, 1),
                list: (20, 10, 2),
                usage: (20, 11, 2),
                platform: [(3, 4, 3, 2), (12, 4, 3, 2)],
                list_scale: [(50, 5, 2), (200, 5, 2)],
            }
        } else {
            Sizes {
                // 200 streams × (11 versions, one a pre-release, + latest): with --keep 5 the
                // 5 oldest releases are stale, the pre-release (newer than the oldest kept) stays.
                prune: (200, 12, 1),
                list: (500, 40, 5),
                // 500 streams × 10 semver tags × 2 revisions = 10,000 distinct images.
                usage: (500, 11, 2),
                // #16: 100 namespaces × 50 streams, and 4× that.
                platform: [(100, 50, 10, 5), (400, 50, 10, 5)],
                // #16: list at 2,000 and 8,000 streams of large:STREAMS:40:5.
                list_scale: [(2000, 40, 5), (8000, 40, 5)],
            }
        }
    }
}

/// What one child process cost.
#[derive(Clone, Copy, Debug, Default, serde::Serialize, serde::Deserialize)]
struct Measured {
    wall: Duration,
    /// User + system CPU time.
    cpu: Duration,
    /// Peak resident set size, in KiB.
    max_rss_kb: u64,
    code: i32,
}

/// A command to run and measure: stdin is /dev/null, stdout and stderr go to files (or
/// nowhere), proxies are cleared (they would take loopback traffic elsewhere).
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
struct Job {
    program: PathBuf,
    args: Vec<String>,
    stdout: Option<PathBuf>,
    stderr: Option<PathBuf>,
}

impl Job {
    fn new(program: impl AsRef<Path>) -> Job {
        Job {
            program: program.as_ref().to_path_buf(),
            ..Job::default()
        }
    }
    fn arg(mut self, a: impl AsRef<std::ffi::OsStr>) -> Job {
        self.args.push(a.as_ref().to_string_lossy().into_owned());
        self
    }
    fn args<S: AsRef<std::ffi::OsStr>>(mut self, a: impl IntoIterator<Item = S>) -> Job {
        for x in a {
            self = self.arg(x);
        }
        self
    }
    fn output_to(mut self, out: &Path) -> Job {
        self.stdout = Some(out.to_path_buf());
        self.stderr = Some(out.with_extension("err"));
        self
    }
}

/// Children are started by a small helper process forked at the very start, before any
/// simulator fills this one with hundreds of MB: Linux carries the peak RSS of the process
/// that `exec`s into the child's `ru_maxrss`, so spawning from here would report our own peak
/// instead of the child's.
struct Spawner {
    sock: std::os::unix::net::UnixStream,
    reader: std::io::BufReader<std::os::unix::net::UnixStream>,
}

static SPAWNER: std::sync::OnceLock<std::sync::Mutex<Spawner>> = std::sync::OnceLock::new();

/// Forks the helper. Must run while this process has a single thread.
fn start_spawner() -> std::io::Result<()> {
    let (parent, child) = std::os::unix::net::UnixStream::pair()?;
    // SAFETY: called first thing in main, while the process is single-threaded, so the child
    // may go on using std freely.
    match unsafe { libc::fork() } {
        -1 => Err(std::io::Error::last_os_error()),
        0 => {
            drop(parent);
            helper(child);
            // SAFETY: leave without running the parent's atexit handlers or destructors.
            unsafe { libc::_exit(0) }
        }
        _ => {
            drop(child);
            let reader = std::io::BufReader::new(parent.try_clone()?);
            let _ = SPAWNER.set(std::sync::Mutex::new(Spawner {
                sock: parent,
                reader,
            }));
            Ok(())
        }
    }
}

/// The helper's loop: one JSON job per line in, one JSON result (or error) per line out.
fn helper(sock: std::os::unix::net::UnixStream) {
    use std::io::{BufRead, Write};
    let Ok(mut out) = sock.try_clone() else {
        return;
    };
    for line in std::io::BufReader::new(sock).lines() {
        let Ok(line) = line else { return };
        let answer = match serde_json::from_str::<Job>(&line) {
            Ok(job) => run_job(&job).map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        };
        let text = serde_json::to_string(&answer).unwrap_or_default();
        if writeln!(out, "{text}").is_err() {
            return;
        }
    }
}

fn run_job(job: &Job) -> std::io::Result<Measured> {
    let mut cmd = Command::new(&job.program);
    cmd.args(&job.args).stdin(Stdio::null());
    cmd.stdout(match &job.stdout {
        Some(p) => Stdio::from(File::create(p)?),
        None => Stdio::null(),
    });
    cmd.stderr(match &job.stderr {
        Some(p) => Stdio::from(File::create(p)?),
        None => Stdio::null(),
    });
    for v in [
        "HTTPS_PROXY",
        "https_proxy",
        "HTTP_PROXY",
        "http_proxy",
        "ALL_PROXY",
        "all_proxy",
    ] {
        cmd.env_remove(v);
    }
    wait4(cmd)
}

/// Spawns `cmd` and waits for it with `wait4`, which reports the child's own peak RSS and CPU
/// time (std's `wait` does not).
fn wait4(mut cmd: Command) -> std::io::Result<Measured> {
    let start = Instant::now();
    let child = cmd.spawn()?;
    let pid = child.id() as libc::pid_t;
    let mut status: libc::c_int = 0;
    // SAFETY: `rusage` is a POD struct that zeroed memory initialises.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    let r = loop {
        // SAFETY: `pid` is our own child, not yet reaped (std never waits on it: we drop
        // `child` without calling wait); the out-pointers are valid for the call.
        let r = unsafe { libc::wait4(pid, &mut status, 0, &mut ru) };
        if r == -1 && std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
            continue;
        }
        break r;
    };
    let wall = start.elapsed();
    drop(child);
    if r == -1 {
        return Err(std::io::Error::last_os_error());
    }
    let tv = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
    };
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    Ok(Measured {
        wall,
        cpu: tv(ru.ru_utime) + tv(ru.ru_stime),
        max_rss_kb: ru.ru_maxrss as u64,
        code,
    })
}

/// Runs `job` through the helper and returns what it cost.
fn measure(job: &Job) -> std::io::Result<Measured> {
    use std::io::{BufRead, Write};
    let Some(spawner) = SPAWNER.get() else {
        return Err(std::io::Error::other("the spawner is not running"));
    };
    let mut sp = spawner.lock().unwrap_or_else(|e| e.into_inner());
    let text = serde_json::to_string(job).map_err(std::io::Error::other)?;
    writeln!(sp.sock, "{text}")?;
    let mut line = String::new();
    sp.reader.read_line(&mut line)?;
    let answer: Result<Measured, String> =
        serde_json::from_str(&line).map_err(std::io::Error::other)?;
    answer.map_err(std::io::Error::other)
}

fn median(mut v: Vec<f64>) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(|a, b| a.total_cmp(b));
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

fn fmt_time(s: f64) -> String {
    if s.is_nan() {
        "–".into()
    } else if s >= 10.0 {
        format!("{s:.1} s")
    } else if s >= 1.0 {
        format!("{s:.2} s")
    } else if s >= 0.01 {
        format!("{:.0} ms", s * 1000.0)
    } else {
        format!("{:.2} ms", s * 1000.0)
    }
}

fn ratio(a: f64, b: f64) -> String {
    if a.is_nan() || b.is_nan() || b == 0.0 {
        "–".into()
    } else {
        format!("{:.1}×", a / b)
    }
}

/// How the seed's pipeline is run over many streams.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Pipeline {
    /// Tags listed per stream, then one `kubectl delete istag` of all of them.
    OneDelete,
    /// `get | … | head` then `kubectl delete istag` for each stream in turn.
    DeletePerStream,
}

impl Pipeline {
    fn label(self) -> &'static str {
        match self {
            Pipeline::OneDelete => "get per stream, one delete",
            Pipeline::DeletePerStream => "get + delete per stream",
        }
    }
}

/// One row of the result table.
struct Row {
    bench: String,
    what: String,
    runs: usize,
    wall: String,
    requests: String,
    extra: String,
}

struct Bench {
    args: Args,
    ours: PathBuf,
    kubectl: Option<PathBuf>,
    dir: PathBuf,
    latency: Duration,
    rows: Vec<Row>,
    notes: Vec<String>,
    counter: usize,
}

impl Bench {
    fn sim(&self, (streams, tags, revisions): (usize, usize, usize)) -> Sim {
        Sim::start_background(SimOptions {
            scenario: Scenario::Large {
                streams,
                tags,
                revisions,
            },
            latency: self.latency,
            max_inflight: None,
            fail_rate: 0.0,
            seed: 1,
            tls: None,
        })
        .expect("cannot start the simulator")
    }

    /// A fresh directory for one run (kubeconfig, kubectl cache, output).
    fn run_dir(&mut self, sim: &Sim) -> (PathBuf, PathBuf) {
        self.counter += 1;
        let d = self.dir.join(format!("run-{}", self.counter));
        std::fs::create_dir_all(&d).expect("cannot create a run directory");
        let kc = d.join("kubeconfig");
        sim.write_kubeconfig(&kc, "large")
            .expect("cannot write a kubeconfig");
        (d, kc)
    }

    fn ours(&self, kc: &Path, out: &Path, args: &[&str]) -> Measured {
        let job = Job::new(&self.ours)
            .arg("--kubeconfig")
            .arg(kc)
            .args(["--color", "never"])
            .args(args)
            .output_to(out);
        let m = measure(&job).expect("cannot run oc-prunetags");
        if m.code != 0 {
            let err = std::fs::read_to_string(out.with_extension("err")).unwrap_or_default();
            panic!("oc-prunetags {args:?} failed (exit {}): {err}", m.code);
        }
        m
    }

    /// `kubectl --kubeconfig KC --cache-dir DIR/cache ARGS`, output to `out`.
    fn kubectl(&self, dir: &Path, kc: &Path, out: &Path, args: &[&str]) -> Measured {
        let k = self.kubectl.as_ref().expect("kubectl");
        let job = Job::new(k)
            .arg("--kubeconfig")
            .arg(kc)
            .arg("--cache-dir")
            .arg(dir.join("cache"))
            .args(args)
            .output_to(out);
        let m = measure(&job).expect("cannot run kubectl");
        if m.code != 0 {
            let err = std::fs::read_to_string(out.with_extension("err")).unwrap_or_default();
            panic!("kubectl {args:?} failed (exit {}): {err}", m.code);
        }
        m
    }

    fn wants(&self, name: &str) -> bool {
        self.args.only.is_empty() || self.args.only.iter().any(|o| o == name)
    }

    // ---------------------------------------------------------------- prune

    fn prune(&mut self, sizes: (usize, usize, usize)) {
        let (streams, tags, _) = sizes;
        let runs = self.args.runs;
        let keep = 5;
        // The expected number of deletions, from the store itself (semver precedence, so the
        // generated pre-releases count as they should).
        let expected = {
            let sim = self.sim(sizes);
            let all = sim.image_streams("large");
            let now = jiff::Timestamp::now();
            let plan = prunetags::plan::build(
                &all,
                &prunetags::plan::Context::new(Default::default(), &all),
                &prunetags::plan::PlanOptions::new(keep, now),
            );
            plan.delete_count()
        };
        eprintln!("prune: {streams} streams × {tags} tags, {expected} stale tags, keep {keep}");

        let mut walls = Vec::new();
        let mut reqs = Vec::new();
        let mut peak = Vec::new();
        let mut conns = Vec::new();
        let mut survivors_ours = None;
        for i in 0..runs {
            let sim = self.sim(sizes);
            let (d, kc) = self.run_dir(&sim);
            let c = self.args.concurrency.to_string();
            // The journal is part of every prune (written before the first DELETE): measured
            // with it, and kept in the run's directory rather than the user's state directory.
            let journal = d.join("journal.json");
            let m = self.ours(
                &kc,
                &d.join("out"),
                &[
                    "prune",
                    "--keep",
                    "5",
                    "--yes",
                    "--concurrency",
                    &c,
                    "-o",
                    "json",
                    "--journal",
                    &journal.to_string_lossy(),
                ],
            );
            let deleted = sim
                .requests()
                .iter()
                .filter(|r| r.method == "DELETE" && r.status == 200)
                .count();
            assert_eq!(
                deleted, expected,
                "oc-prunetags deleted {deleted} tags, expected {expected}"
            );
            walls.push(secs(m.wall));
            reqs.push(sim.requests().len() as f64);
            peak.push(sim.peak_inflight() as f64);
            conns.push(sim.connections() as f64);
            survivors_ours = Some(survivors(&sim));
            eprintln!(
                "  ours run {}: {} ({} requests, peak {} in flight)",
                i + 1,
                fmt_time(secs(m.wall)),
                sim.requests().len(),
                sim.peak_inflight()
            );
        }
        let ours_wall = median(walls);
        let ours_reqs = median(reqs);
        let conc = self.args.concurrency as f64;
        let floor = (ours_reqs / conc).ceil() * secs(self.latency);

        let title = format!("Prune {expected} stale tags / {streams} streams");
        let mut base_wall = f64::NAN;
        if self.kubectl.is_some() {
            for variant in [Pipeline::OneDelete, Pipeline::DeletePerStream] {
                let mut walls = Vec::new();
                let mut reqs = Vec::new();
                for i in 0..self.args.baseline_runs {
                    let sim = self.sim(sizes);
                    let (d, kc) = self.run_dir(&sim);
                    let wall = self.pipeline(&d, &kc, streams, variant);
                    let deleted = sim
                        .requests()
                        .iter()
                        .filter(|r| r.method == "DELETE" && r.status == 200)
                        .count();
                    if deleted != expected {
                        self.notes.push(format!(
                            "the kubectl pipeline ({}) deleted {deleted} tags, not {expected}",
                            variant.label()
                        ));
                    }
                    if survivors_ours.as_ref() != Some(&survivors(&sim)) {
                        self.notes.push(format!(
                            "the kubectl pipeline ({}) left a different set of tags than oc-prunetags",
                            variant.label()
                        ));
                    }
                    walls.push(wall);
                    reqs.push(sim.requests().len() as f64);
                    eprintln!(
                        "  kubectl pipeline ({}) run {}: {} ({} requests)",
                        variant.label(),
                        i + 1,
                        fmt_time(wall),
                        sim.requests().len()
                    );
                }
                let wall = median(walls);
                if variant == Pipeline::OneDelete {
                    base_wall = wall;
                }
                self.rows.push(Row {
                    bench: title.clone(),
                    what: format!("kubectl pipeline: {}", variant.label()),
                    runs: self.args.baseline_runs,
                    wall: fmt_time(wall),
                    requests: fmt_count(median(reqs)),
                    extra: format!("oc-prunetags is **{} faster**", ratio(wall, ours_wall)),
                });
            }
        }
        self.rows.push(Row {
            bench: title,
            what: format!("oc-prunetags prune --keep 5 --yes (c={conc})"),
            runs,
            wall: fmt_time(ours_wall),
            requests: fmt_count(ours_reqs),
            extra: format!(
                "**{} faster** than the one-delete pipeline; floor ⌈{}÷{}⌉×{} = {}, ours = **{} of floor**; peak {} in flight over {} connections",
                ratio(base_wall, ours_wall),
                fmt_count(ours_reqs),
                conc,
                fmt_time(secs(self.latency)),
                fmt_time(floor),
                ratio(ours_wall, floor),
                fmt_count(median(peak)),
                fmt_count(median(conns))
            ),
        });
    }

    /// The seed's pipeline run by bash with kubectl's defaults (a cache directory of its own is
    /// the only flag added). Each stream has its own `application` label, so the tag list is
    /// made per stream; then either one `kubectl delete istag` of every tag
    /// ([`Pipeline::OneDelete`]) or one per stream ([`Pipeline::DeletePerStream`]).
    fn pipeline(&self, dir: &Path, kc: &Path, streams: usize, variant: Pipeline) -> f64 {
        let k = self.kubectl.as_ref().expect("kubectl");
        let select = "$($K get istag -l application=$app | awk '{print $1}' | grep -e ':v[0-9]\\+.[0-9]\\+.[0-9]\\+' | sort -V | head --lines=-5)";
        let body = match variant {
            Pipeline::OneDelete => format!(
                "TAGS=\nfor i in $(seq 0 {last}); do\n  app=$(printf 'app-%04d' $i)\n  TAGS=\"$TAGS {select}\"\ndone\n$K delete istag $TAGS\n",
                last = streams - 1
            ),
            Pipeline::DeletePerStream => format!(
                "for i in $(seq 0 {last}); do\n  app=$(printf 'app-%04d' $i)\n  TAGS={select}\n  $K delete istag $TAGS\ndone\n",
                last = streams - 1
            ),
        };
        let script = format!(
            "set -e\nK='{k} --kubeconfig {kc} --cache-dir {cache}'\n{body}",
            k = k.display(),
            kc = kc.display(),
            cache = dir.join("cache").display(),
        );
        let job = Job::new("/bin/bash")
            .args(["-c", &script])
            .output_to(&dir.join("pipeline.out"));
        let m = measure(&job).expect("cannot run bash");
        if m.code != 0 {
            let err = std::fs::read_to_string(dir.join("pipeline.err")).unwrap_or_default();
            panic!("the kubectl pipeline failed (exit {}): {err}", m.code);
        }
        secs(m.wall)
    }

    // ---------------------------------------------------------------- list

    fn list(&mut self, sizes: (usize, usize, usize)) {
        let (s, t, r) = sizes;
        eprintln!("list: {s} streams × {t} tags × {r} revisions");
        let sim = self.sim(sizes);
        let (d, kc) = self.run_dir(&sim);
        let title = format!("List {s} streams × {t} tags × {r} revisions");
        let runs = self.args.runs;

        let measure_many = |this: &Self, f: &dyn Fn(&Self) -> Measured| {
            let (mut w, mut q, mut rss) = (Vec::new(), Vec::new(), Vec::new());
            for _ in 0..runs {
                sim.reset_requests();
                let m = f(this);
                w.push(secs(m.wall));
                q.push(sim.requests().len() as f64);
                rss.push(m.max_rss_kb as f64);
            }
            (median(w), median(q), median(rss))
        };
        let out = d.join("out");
        let ours = measure_many(self, &|b: &Self| b.ours(&kc, &out, &["list"]));
        let lines = count_lines(&out);
        let mut kubectl_rows = Vec::new();
        if self.kubectl.is_some() {
            for args in [&["get", "istag"][..], &["get", "is", "-o", "json"][..]] {
                let m = measure_many(self, &|b: &Self| b.kubectl(&d, &kc, &out, args));
                kubectl_rows.push((format!("kubectl {}", args.join(" ")), m));
            }
        }
        let istag = kubectl_rows.first().map(|(_, m)| m.0).unwrap_or(f64::NAN);
        for (what, (w, q, rss)) in &kubectl_rows {
            self.rows.push(Row {
                bench: title.clone(),
                what: what.clone(),
                runs,
                wall: fmt_time(*w),
                requests: fmt_count(*q),
                extra: format!("peak RSS {}", fmt_mb(*rss)),
            });
        }
        self.rows.push(Row {
            bench: title,
            what: "oc-prunetags list".into(),
            runs,
            wall: fmt_time(ours.0),
            requests: fmt_count(ours.1),
            extra: format!(
                "**{} faster** than kubectl get istag; peak RSS **{}**; {} rows",
                ratio(istag, ours.0),
                fmt_mb(ours.2),
                lines.saturating_sub(1)
            ),
        });
    }

    // ---------------------------------------------------------------- platform

    /// #16's platform jobs across namespaces at a size and at 4× it, side by side with
    /// `kubectl get is -A -o json`, so growth reads as a ratio; then `list`'s peak RSS in one
    /// namespace at two sizes (constant memory would be a ratio of 1.0×).
    fn platform(
        &mut self,
        scales: [(usize, usize, usize, usize); 2],
        list_scale: [(usize, usize, usize); 2],
    ) {
        let runs = self.args.runs.min(3);
        let jobs: [(&str, &[&str]); 4] = [
            (
                "kubectl get is -A -o json",
                &["get", "is", "-A", "-o", "json"],
            ),
            ("oc-prunetags list -A", &["list", "-A"]),
            ("oc-prunetags usage -A", &["usage", "-A"]),
            (
                "oc-prunetags prune -A --keep-revisions 3 --keep-younger-than 96h --dry-run",
                &[
                    "prune",
                    "-A",
                    "--keep-revisions",
                    "3",
                    "--keep-younger-than",
                    "96h",
                    "--dry-run",
                ],
            ),
        ];
        // (wall, requests, RSS) per job, per scale.
        let mut figures: Vec<Vec<(f64, f64, f64)>> = Vec::new();
        for &(n, s, t, r) in &scales {
            eprintln!("platform: {n} namespaces × {s} streams × {t} tags × {r} revisions");
            let sim = Sim::start_background(SimOptions {
                scenario: Scenario::Platform {
                    namespaces: n,
                    streams: s,
                    tags: t,
                    revisions: r,
                },
                latency: self.latency,
                max_inflight: None,
                fail_rate: 0.0,
                seed: 1,
                tls: None,
            })
            .expect("cannot start the simulator");
            self.counter += 1;
            let d = self.dir.join(format!("run-{}", self.counter));
            std::fs::create_dir_all(&d).expect("cannot create a run directory");
            let kc = d.join("kubeconfig");
            sim.write_kubeconfig(&kc, "team-000")
                .expect("cannot write a kubeconfig");
            let out = d.join("out");
            let mut row = Vec::new();
            for (what, args) in jobs {
                if what.starts_with("kubectl") && self.kubectl.is_none() {
                    row.push((f64::NAN, f64::NAN, f64::NAN));
                    continue;
                }
                let (mut w, mut q, mut rss) = (Vec::new(), Vec::new(), Vec::new());
                for _ in 0..runs {
                    sim.reset_requests();
                    let m = if what.starts_with("kubectl") {
                        self.kubectl(&d, &kc, &out, args)
                    } else {
                        self.ours(&kc, &out, args)
                    };
                    w.push(secs(m.wall));
                    q.push(sim.requests().len() as f64);
                    rss.push(m.max_rss_kb as f64);
                }
                row.push((median(w), median(q), median(rss)));
            }
            figures.push(row);
            drop(sim);
            let _ = std::fs::remove_dir_all(&d);
        }
        let label = |(n, s, t, r): (usize, usize, usize, usize)| {
            format!("Platform {n} namespaces × {s} streams × {t} tags × {r} revisions")
        };
        for (i, (what, _)) in jobs.iter().enumerate() {
            for (k, scale) in scales.iter().enumerate() {
                let (w, q, rss) = figures[k][i];
                let growth = if k == 0 {
                    String::new()
                } else {
                    let (w0, _, rss0) = figures[0][i];
                    format!(
                        "; **{} the time, {} the memory** of the smaller cluster",
                        ratio(w, w0),
                        ratio(rss, rss0)
                    )
                };
                self.rows.push(Row {
                    bench: label(*scale),
                    what: (*what).into(),
                    runs,
                    wall: fmt_time(w),
                    requests: fmt_count(q),
                    extra: format!("peak RSS {}{growth}", fmt_mb(rss)),
                });
            }
        }
        // list in one namespace: is its memory constant in the number of streams?
        let mut first = None;
        for (k, sizes) in list_scale.into_iter().enumerate() {
            let (s, t, r) = sizes;
            eprintln!("platform: list of {s} streams × {t} tags × {r} revisions");
            let sim = self.sim(sizes);
            let (d, kc) = self.run_dir(&sim);
            let out = d.join("out");
            let (mut w, mut rss) = (Vec::new(), Vec::new());
            for _ in 0..runs {
                let m = self.ours(&kc, &out, &["list"]);
                w.push(secs(m.wall));
                rss.push(m.max_rss_kb as f64);
            }
            let (w, rss) = (median(w), median(rss));
            let growth = first.map_or(String::new(), |(_, rss0): (f64, f64)| {
                format!(
                    "; **{} the memory** of the smaller namespace",
                    ratio(rss, rss0)
                )
            });
            first.get_or_insert((w, rss));
            self.rows.push(Row {
                bench: format!("List {s} streams × {t} tags × {r} revisions"),
                what: "oc-prunetags list".into(),
                runs,
                wall: fmt_time(w),
                requests: "–".into(),
                extra: format!("peak RSS **{}**{growth}", fmt_mb(rss)),
            });
            // #16's usage target is stated at the smaller namespace's size (2,000 × 40 × 5 =
            // 400,000 revisions): the whole report, as a weekly job would write it.
            if k == 0 {
                let (mut w, mut rss, mut q) = (Vec::new(), Vec::new(), Vec::new());
                for _ in 0..runs {
                    sim.reset_requests();
                    let m = self.ours(&kc, &out, &["usage", "-o", "json"]);
                    w.push(secs(m.wall));
                    rss.push(m.max_rss_kb as f64);
                    q.push(sim.requests().len() as f64);
                }
                self.rows.push(Row {
                    bench: format!("Usage {s} streams × {t} tags × {r} revisions"),
                    what: "oc-prunetags usage -o json".into(),
                    runs,
                    wall: fmt_time(median(w)),
                    requests: fmt_count(median(q)),
                    extra: format!("peak RSS **{}**", fmt_mb(median(rss))),
                });
            }
            drop(sim);
            let _ = std::fs::remove_dir_all(&d);
        }
    }

    // ---------------------------------------------------------------- usage

    fn usage(&mut self, sizes: (usize, usize, usize)) {
        let (s, t, r) = sizes;
        let sim = self.sim(sizes);
        let streams = sim.image_streams("large");
        let images: std::collections::BTreeSet<String> = streams
            .iter()
            .flat_map(|is| is.status_tags().iter())
            .flat_map(|t| t.revisions().iter().map(|r| r.image.clone()))
            .collect();
        eprintln!(
            "usage: {s} streams × {t} tags × {r} revisions, {} distinct images",
            images.len()
        );
        // The accounting alone, in this process: the same data the command gathers.
        let mut index = prunetags::usage::SizeIndex::new();
        sim.with_store(|st| {
            for is in &streams {
                if let Ok(l) = st.layers("large", is.name()) {
                    index.add_layers(&l);
                }
            }
        });
        let mut acct = Vec::new();
        for _ in 0..self.args.runs {
            let start = cpu_now();
            let report = prunetags::usage::account(&streams, &index);
            std::hint::black_box(&report);
            acct.push(secs(cpu_now().saturating_sub(start)));
        }

        let (d, kc) = self.run_dir(&sim);
        // A namespace user (the CronJob's Role: no `list images`), who sizes through GETs.
        sim.add_user(
            "bench-viewer",
            "bench-viewer",
            vec![prunetags::sim::Rule::new(
                &["get", "list"],
                &["imagestreams", "imagestreamimages"],
                Some(&["large"]),
            )],
        );
        let kc_ns = d.join("kubeconfig-namespace-user");
        let text = std::fs::read_to_string(&kc).expect("the run's kubeconfig");
        std::fs::write(&kc_ns, text.replace(sim.admin_token(), "bench-viewer"))
            .expect("cannot write a kubeconfig");
        // `usage` at its own defaults (`--concurrency` is prune's), the namespace user also at
        // each `--usage-concurrency`.
        let args = ["usage"];
        let settings: Vec<Option<String>> = if self.args.usage_concurrency.is_empty() {
            vec![None]
        } else {
            self.args
                .usage_concurrency
                .iter()
                .map(|n| Some(n.to_string()))
                .collect()
        };
        let (mut w, mut q, mut reads, mut lists, mut layers, mut cpu) =
            (vec![], vec![], vec![], vec![], vec![], vec![]);
        let mut ns: Vec<NsRuns> = settings.iter().map(|_| NsRuns::default()).collect();
        let mut baseline = vec![];
        for _ in 0..self.args.runs {
            sim.reset_requests();
            let m = self.ours(&kc, &d.join("out"), &args);
            w.push(secs(m.wall));
            q.push(sim.requests().len() as f64);
            reads.push(sim.count("GET", "/imagestreamimages/") as f64);
            lists.push(sim.count("GET", "/apis/image.openshift.io/v1/images") as f64);
            layers.push(sim.count("GET", "/layers") as f64);
            cpu.push(secs(m.cpu));
            for (setting, runs) in settings.iter().zip(&mut ns) {
                sim.reset_requests();
                let mut ns_args = vec!["usage"];
                if let Some(n) = setting {
                    ns_args.extend(["--concurrency", n.as_str()]);
                }
                let m = self.ours(&kc_ns, &d.join("out-namespace-user"), &ns_args);
                runs.wall.push(secs(m.wall));
                runs.requests.push(sim.requests().len() as f64);
                runs.reads
                    .push(sim.count("GET", "/imagestreamimages/") as f64);
                runs.cpu.push(secs(m.cpu));
            }
            if let Some(bin) = &self.args.usage_baseline_bin {
                let job = Job::new(bin)
                    .arg("--kubeconfig")
                    .arg(&kc)
                    .args(["--color", "never", "usage"])
                    .output_to(&d.join("baseline"));
                let m = measure(&job).expect("cannot run the baseline oc-prunetags");
                assert_eq!(m.code, 0, "the baseline usage failed");
                baseline.push(secs(m.wall));
            }
        }
        let ours_wall = median(w);
        self.rows.push(Row {
            bench: format!("Usage {} images / {s} streams", images.len()),
            what: "oc-prunetags usage (admin: may list images)".into(),
            runs: self.args.runs,
            wall: fmt_time(ours_wall),
            requests: fmt_count(median(q)),
            extra: format!(
                "{} of the `images` LIST, {} `imagestreamimages` GETs, {} `/layers`; accounting CPU **{}**; whole process CPU {}",
                prunetags::render::plan::plural(median(lists) as usize, "page"),
                fmt_count(median(reads)),
                fmt_count(median(layers)),
                fmt_time(median(acct)),
                fmt_time(median(cpu))
            ),
        });
        let mut ns_walls = Vec::new();
        for (setting, runs) in settings.iter().zip(ns) {
            let wall = median(runs.wall);
            let flag = setting
                .as_ref()
                .map_or(String::new(), |n| format!(", --concurrency {n}"));
            ns_walls.push((flag.clone(), wall));
            self.rows.push(Row {
                bench: format!("Usage {} images / {s} streams", images.len()),
                what: format!("oc-prunetags usage (namespace user: no `list images`{flag})"),
                runs: self.args.runs,
                wall: fmt_time(wall),
                requests: fmt_count(median(runs.requests)),
                extra: format!(
                    "one refused `images` LIST, {} `imagestreamimages` GETs; whole process CPU {}",
                    fmt_count(median(runs.reads)),
                    fmt_time(median(runs.cpu))
                ),
            });
        }
        if let Some(bin) = &self.args.usage_baseline_bin {
            let base = median(baseline);
            let as_ns: Vec<String> = ns_walls
                .iter()
                .map(|(flag, wall)| format!("**{:.2}×** as a namespace user{flag}", wall / base))
                .collect();
            self.rows.push(Row {
                bench: format!("Usage {} images / {s} streams", images.len()),
                what: format!("earlier build ({})", bin.display()),
                runs: self.args.runs,
                wall: fmt_time(base),
                requests: String::new(),
                extra: format!(
                    "ours ÷ earlier: **{:.2}×** as admin, {} (interleaved runs)",
                    ours_wall / base,
                    as_ns.join(", ")
                ),
            });
        }
    }

    // ---------------------------------------------------------------- start-up

    fn startup(&mut self) {
        let n = self.args.startup_runs;
        eprintln!("start-up: {n} runs each");
        let run = |job: Job| {
            let mut w = Vec::new();
            let mut rss = Vec::new();
            for _ in 0..n {
                let m = measure(&job).expect("cannot run");
                assert_eq!(m.code, 0, "{job:?} failed");
                w.push(secs(m.wall));
                rss.push(m.max_rss_kb as f64);
            }
            (median(w), median(rss))
        };
        let ours = run(Job::new(&self.ours).arg("--version"));
        let mut theirs = (f64::NAN, f64::NAN);
        if let Some(k) = self.kubectl.clone() {
            theirs = run(Job::new(&k).args(["version", "--client"]));
            self.rows.push(Row {
                bench: "Start-up".into(),
                what: "kubectl version --client".into(),
                runs: n,
                wall: fmt_time(theirs.0),
                requests: "0".into(),
                extra: format!("peak RSS {}", fmt_mb(theirs.1)),
            });
        }
        let size = std::fs::metadata(&self.ours).map(|m| m.len()).unwrap_or(0);
        self.rows.push(Row {
            bench: "Start-up".into(),
            what: "oc-prunetags --version".into(),
            runs: n,
            wall: fmt_time(ours.0),
            requests: "0".into(),
            extra: format!(
                "**{} faster**; peak RSS {}; binary {:.1} MB",
                ratio(theirs.0, ours.0),
                fmt_mb(ours.1),
                size as f64 / 1e6
            ),
        });
    }

    fn table(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "| Benchmark | Command | Runs | Wall (median) | Requests | Notes |"
        );
        let _ = writeln!(s, "|---|---|--:|--:|--:|---|");
        for r in &self.rows {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} | {} |",
                r.bench, r.what, r.runs, r.wall, r.requests, r.extra
            );
        }
        s
    }
}

/// `stream:tag` of every status tag left in namespace `large`.
fn survivors(sim: &Sim) -> Vec<String> {
    let mut out = Vec::new();
    for is in sim.image_streams("large") {
        for t in sim.tag_names("large", is.name()) {
            out.push(format!("{}:{t}", is.name()));
        }
    }
    out
}

fn count_lines(p: &Path) -> usize {
    std::fs::read_to_string(p)
        .map(|s| s.lines().count())
        .unwrap_or(0)
}

fn fmt_count(n: f64) -> String {
    if n.is_nan() {
        "–".into()
    } else {
        format!("{n:.0}")
    }
}

fn fmt_mb(kb: f64) -> String {
    if kb.is_nan() {
        "–".into()
    } else {
        format!("{:.1} MB", kb / 1024.0)
    }
}

/// One namespace-user setting's measurements in the usage benchmark.
#[derive(Default)]
struct NsRuns {
    wall: Vec<f64>,
    requests: Vec<f64>,
    reads: Vec<f64>,
    cpu: Vec<f64>,
}

/// This thread's CPU time, to the nanosecond (getrusage counts in scheduler ticks here).
fn cpu_now() -> Duration {
    // SAFETY: clock_gettime fills a POD struct we own.
    let mut ts: libc::timespec = unsafe { std::mem::zeroed() };
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(0);
    format!("{cores} cores, {cpu}")
}

fn kubectl_version(k: &Path) -> String {
    first_line(k, &["version", "--client"])
}

/// The first line `program args…` prints on stdout, empty if it cannot run.
fn first_line(program: &Path, args: &[&str]) -> String {
    Command::new(program)
        .args(args)
        .output()
        .ok()
        .map(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .next()
                .unwrap_or_default()
                .to_owned()
        })
        .unwrap_or_default()
}

fn main() -> ExitCode {
    // First, while this process is small and has one thread.
    if let Err(e) = start_spawner() {
        eprintln!("prunetags-bench: cannot start the process spawner: {e}");
        return ExitCode::from(1);
    }
    let mut args = Args::parse();
    if args.quick {
        args.runs = 1;
        args.baseline_runs = 1;
        args.startup_runs = args.startup_runs.min(5);
    }
    let ours = match args.bin.clone().or_else(|| {
        std::env::current_exe()
            .ok()
            .and_then(|p| p.parent().map(|d| d.join("oc-prunetags")))
    }) {
        Some(p) if p.is_file() => p,
        other => {
            eprintln!(
                "prunetags-bench: oc-prunetags not found{}: run `cargo build --release` first (or pass --bin)",
                other
                    .map(|p| format!(" at {}", p.display()))
                    .unwrap_or_default()
            );
            return ExitCode::from(2);
        }
    };
    let kubectl = if args.no_kubectl {
        None
    } else if args.kubectl.is_file() {
        Some(args.kubectl.clone())
    } else {
        eprintln!(
            "prunetags-bench: {} not found: kubectl baselines skipped",
            args.kubectl.display()
        );
        None
    };
    let dir = std::env::temp_dir().join(format!("prunetags-bench-{}", std::process::id()));
    if let Err(e) = std::fs::create_dir_all(&dir) {
        eprintln!("prunetags-bench: cannot create {}: {e}", dir.display());
        return ExitCode::from(1);
    }
    let sizes = Sizes::of(args.quick);
    let latency = Duration::from_millis(args.latency_ms);
    let mut b = Bench {
        args,
        ours,
        kubectl,
        dir: dir.clone(),
        latency,
        rows: Vec::new(),
        notes: Vec::new(),
        counter: 0,
    };
    let started = Instant::now();
    if b.wants("prune") {
        b.prune(sizes.prune);
    }
    if b.wants("list") {
        b.list(sizes.list);
    }
    if b.wants("usage") {
        b.usage(sizes.usage);
    }
    if b.wants("startup") {
        b.startup();
    }
    if b.args.only.iter().any(|o| o == "platform") {
        b.platform(sizes.platform, sizes.list_scale);
    }
    let _ = std::fs::remove_dir_all(&dir);

    println!(
        "{} vs {}; simulator latency {} ms per request; {}; {}{}",
        // The version of the binary measured, not of this bench (a crate of its own, tools/).
        first_line(&b.ours, &["--version"]),
        b.kubectl
            .as_ref()
            .map(|k| kubectl_version(k))
            .unwrap_or_else(|| "no kubectl".into()),
        b.args.latency_ms,
        machine(),
        if b.args.quick { "--quick, " } else { "" },
        format_args!("took {:.0} s", started.elapsed().as_secs_f64())
    );
    println!();
    print!("{}", b.table());
    for n in &b.notes {
        println!("\nnote: {n}");
    }
    ExitCode::SUCCESS
}
