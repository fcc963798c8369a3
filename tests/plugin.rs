//! Installed as a kubectl plugin: both binary names exist, and the REAL kubectl finds
//! `kubectl-prunetags` on PATH (`kubectl plugin list`) and runs it (`kubectl prunetags …`).
//! Without kubectl these tests are skipped, unless `CI=true`.

mod harness;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use harness::{Harness, clean_env, run};

const OC: &str = env!("CARGO_BIN_EXE_oc-prunetags");
const KUBECTL_PLUGIN: &str = env!("CARGO_BIN_EXE_kubectl-prunetags");
const KUBECTL: &str = "/usr/bin/kubectl";

fn kubectl() -> Option<PathBuf> {
    if Path::new(KUBECTL).exists() {
        return Some(KUBECTL.into());
    }
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("{KUBECTL} not found and CI=true");
    }
    eprintln!("skipping: {KUBECTL} not found");
    None
}

#[test]
fn cargo_install_gives_exactly_the_two_names() {
    // `cargo install --path .` installs every [[bin]] target of this package: the plugin under
    // both names and nothing else (the simulator and the benchmark are in tools/).
    let manifest: toml_like::Bins = toml_like::bins(include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/Cargo.toml"
    )));
    assert_eq!(manifest.0, ["oc-prunetags", "kubectl-prunetags"]);
}

#[test]
fn each_name_speaks_for_its_host() {
    for (bin, usage) in [
        (KUBECTL_PLUGIN, "Usage: kubectl prunetags"),
        (OC, "Usage: oc prunetags"),
    ] {
        let out = Command::new(bin).arg("--help").output().unwrap();
        assert!(out.status.success());
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains(usage), "{bin}: {text}");
    }
    let out = Command::new(KUBECTL_PLUGIN)
        .args(["list", "--bogus"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("error: unexpected argument"));
}

/// A directory holding only the plugin, as krew's bin directory does, and the PATH kubectl gets:
/// that directory alone. kubectl is run by its full path and needs nothing else; the user's own
/// PATH is left out because `kubectl plugin list` fails (exit 1, "overshadowed") on any second
/// `kubectl-prunetags` there, e.g. the one `cargo install --path .` put in ~/.cargo/bin.
fn path_with_plugin(dir: &Path) -> (PathBuf, std::ffi::OsString) {
    let bin = dir.join("krew-bin");
    std::fs::create_dir_all(&bin).unwrap();
    std::os::unix::fs::symlink(KUBECTL_PLUGIN, bin.join("kubectl-prunetags")).unwrap();
    (bin.clone(), std::env::join_paths([&bin]).unwrap())
}

#[test]
fn kubectl_finds_and_runs_the_plugin() {
    let Some(kubectl) = kubectl() else { return };
    let h = Harness::seed();
    let (bin, path) = path_with_plugin(h.dir.path());
    let kube = |args: &[&str]| {
        let mut cmd = Command::new(&kubectl);
        clean_env(&mut cmd, h.dir.path());
        cmd.env("KUBECONFIG", &h.kubeconfig)
            .env("PATH", &path)
            .args(args);
        run(cmd, Duration::from_secs(60))
    };

    let r = kube(&["plugin", "list"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let listed = bin.join("kubectl-prunetags");
    assert!(
        r.stdout.contains(&listed.display().to_string()),
        "kubectl plugin list: {}\n{}",
        r.stdout,
        r.stderr
    );

    let r = kube(&["prunetags", "--help"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("Usage: kubectl prunetags"),
        "{}",
        r.stdout
    );

    // The README's quick start: the plugin reuses kubectl's kubeconfig.
    let r = kube(&["prunetags", "list", "myapp"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("v2.1.8"), "{}", r.stdout);
    assert_eq!(
        // Plain columns to a pipe, as `oc get`: a row starts with its stream.
        r.stdout.lines().filter(|l| l.starts_with("myapp ")).count(),
        22,
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains('\u{1b}'), "no colour to a pipe");

    // The plugin parses the connection flags itself (kubectl refuses them before the name).
    let r = kube(&["prunetags", "list", "-n", "otherproject", "-o", "name"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout.trim(), "imagestreamtag/myapp:v2.1.8");
    let r = kube(&["prunetags", "list", "nope"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("image stream \"nope\" not found"),
        "{}",
        r.stderr
    );
    let r = kube(&["prunetags", "list", "--bogus"]);
    assert_eq!(r.code, 2, "{}", r.stderr);

    // Errors and exit codes pass through kubectl unchanged.
    let r = kube(&["prunetags", "prune", "--keep", "5"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("refusing"), "{}", r.stderr);
}

/// After `cargo install --locked --path .` the README's `cargo test` runs with the installed
/// `kubectl-prunetags` and `oc-prunetags` first on PATH. Reruns the test above in this test
/// binary under such a PATH: it must pass the same.
#[test]
fn an_installed_copy_first_on_path_changes_nothing() {
    if kubectl().is_none() {
        return;
    }
    let installed = tempfile::tempdir().unwrap();
    for name in ["kubectl-prunetags", "oc-prunetags"] {
        std::os::unix::fs::symlink(OC, installed.path().join(name)).unwrap();
    }
    let mut paths = vec![installed.path().to_path_buf()];
    paths.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    let out = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "kubectl_finds_and_runs_the_plugin",
            "--nocapture",
        ])
        .env("PATH", std::env::join_paths(paths).unwrap())
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{text}");
    assert!(text.contains("1 passed"), "{text}");
}

/// Just enough TOML reading to list `[[bin]]` names (no TOML crate for one test).
mod toml_like {
    pub struct Bins(pub Vec<String>);

    pub fn bins(text: &str) -> Bins {
        let mut out = Vec::new();
        let mut in_bin = false;
        for line in text.lines().map(str::trim) {
            if line.starts_with('[') {
                in_bin = line == "[[bin]]";
            } else if in_bin && let Some(v) = line.strip_prefix("name") {
                let v = v.trim_start().trim_start_matches('=').trim();
                out.push(v.trim_matches('"').to_owned());
            }
        }
        Bins(out)
    }
}
