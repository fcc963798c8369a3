//! The REAL kubectl runs the built binary as its plugin `kubectl-prunetags`, found on PATH.
//! Without kubectl the test is skipped with a printed reason, unless `CI=true`.

mod harness;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use harness::{Harness, Run};

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

/// A directory holding only `kubectl-prunetags` (a symlink to the built binary).
fn plugin_dir(h: &Harness) -> PathBuf {
    let dir = h.dir.path().join("plugins");
    std::fs::create_dir(&dir).unwrap();
    std::os::unix::fs::symlink(harness::BIN, dir.join("kubectl-prunetags")).unwrap();
    dir
}

/// kubectl with the plugin directory first on PATH, its own HOME and cache, no proxy.
fn kubectl(h: &Harness, kubectl: &Path, plugins: &Path, args: &[&str]) -> Run {
    let home = h.dir.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    let mut cmd = Command::new(kubectl);
    harness::clean_env(&mut cmd, &home);
    let path = std::env::join_paths(std::iter::once(plugins.to_path_buf()).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .unwrap();
    cmd.env("PATH", path)
        .env("KUBECONFIG", &h.kubeconfig)
        .env("KUBECACHEDIR", home.join("cache"))
        .args(args);
    harness::run(cmd, Duration::from_secs(60))
}

#[test]
fn kubectl_finds_and_runs_the_plugin() {
    let Some(k) = find(KUBECTL) else { return };
    let h = Harness::seed();
    let plugins = plugin_dir(&h);
    let installed = plugins.join("kubectl-prunetags");

    let out = kubectl(&h, &k, &plugins, &["plugin", "list"]);
    // `plugin list` exits non-zero when *other* plugins on PATH have problems; ours must be
    // listed, without a warning about it.
    assert!(
        out.stdout
            .lines()
            .any(|l| l.trim() == installed.to_str().unwrap()),
        "{installed:?} not listed:\n{}\n{}",
        out.stdout,
        out.stderr
    );
    assert!(
        !out.stderr
            .lines()
            .any(|l| l.contains("kubectl-prunetags") && l.contains("warning")),
        "{}",
        out.stderr
    );

    let out = kubectl(&h, &k, &plugins, &["prunetags", "list"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout
            .lines()
            .any(|l| l.contains("STREAM") && l.contains("TAG") && l.contains("REVISIONS")),
        "{}",
        out.stdout
    );
    for row in ["myapp", "frontend", "python", "v2.1.8", "no spec tag"] {
        assert!(out.stdout.contains(row), "{row} not in\n{}", out.stdout);
    }
    let myapp_rows = out.stdout.lines().filter(|l| l.contains(" myapp ")).count();
    assert_eq!(myapp_rows, 22, "{}", out.stdout);
    assert!(!out.stdout.contains('\u{1b}'), "no colour to a pipe");

    // The plugin parses the connection flags itself (kubectl refuses them before the name).
    let out = kubectl(
        &h,
        &k,
        &plugins,
        &["prunetags", "list", "-n", "otherproject", "-o", "name"],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout.trim(), "imagestreamtag/myapp:v2.1.8");

    let out = kubectl(&h, &k, &plugins, &["prunetags", "--help"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("Usage: kubectl prunetags"),
        "{}",
        out.stdout
    );

    // Errors keep their exit codes through kubectl.
    let out = kubectl(&h, &k, &plugins, &["prunetags", "list", "nope"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr.contains("image stream \"nope\" not found"),
        "{}",
        out.stderr
    );
    let out = kubectl(&h, &k, &plugins, &["prunetags", "list", "--bogus"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("Usage: kubectl prunetags") || out.stderr.contains("--bogus"));
}
