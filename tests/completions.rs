//! Shell completion: the committed scripts in `completions/` match what the binaries generate,
//! and `kubectl prunetags <TAB>` completes subcommands, flags and stream names from the cluster
//! through `completions/kubectl_complete-prunetags` (with the real kubectl when present).
//!
//! Regenerate the committed scripts with `UPDATE_COMPLETIONS=1 cargo test --test completions`.

mod harness;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use harness::{Harness, clean_env, run};

const OC: &str = env!("CARGO_BIN_EXE_oc-prunetags");
const KUBECTL_PLUGIN: &str = env!("CARGO_BIN_EXE_kubectl-prunetags");
const KUBECTL: &str = "/usr/bin/kubectl";

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// (shell argument, file name) of every committed script, per binary name.
fn scripts(name: &str) -> Vec<(&'static str, String)> {
    vec![
        ("bash", format!("{name}.bash")),
        ("zsh", format!("_{name}")),
        ("fish", format!("{name}.fish")),
        ("powershell", format!("{name}.ps1")),
    ]
}

#[test]
fn committed_scripts_match_the_binaries() {
    let update = std::env::var_os("UPDATE_COMPLETIONS").is_some();
    let mut stale = Vec::new();
    for (bin, name) in [(OC, "oc-prunetags"), (KUBECTL_PLUGIN, "kubectl-prunetags")] {
        for (shell, file) in scripts(name) {
            let out = Command::new(bin)
                .args(["completion", shell])
                .output()
                .unwrap();
            assert!(out.status.success(), "{name} completion {shell}");
            let generated = String::from_utf8(out.stdout).unwrap();
            assert!(generated.contains(name), "{name} {shell}: {generated}");
            let path = repo().join("completions").join(&file);
            if update {
                std::fs::write(&path, &generated).unwrap();
                continue;
            }
            let committed = std::fs::read_to_string(&path).unwrap_or_default();
            if committed != generated {
                stale.push(file);
            }
        }
    }
    assert!(
        stale.is_empty(),
        "completions/{{{}}} are out of date with the CLI; regenerate them with \
         `UPDATE_COMPLETIONS=1 cargo test --test completions` and commit the result",
        stale.join(",")
    );
}

#[test]
fn completion_rejects_an_unknown_shell() {
    let r = run(
        {
            let mut c = Command::new(OC);
            c.args(["completion", "tcsh"]);
            c
        },
        Duration::from_secs(10),
    );
    r.assert_error(2, "tcsh");
}

#[test]
fn bash_script_loads_and_completes_subcommands() {
    let Ok(bash) = which("bash") else {
        eprintln!("skipping: no bash");
        return;
    };
    let script = repo().join("completions/oc-prunetags.bash");
    let probe = format!(
        "source {}; f=$(complete -p oc-prunetags | sed -E 's/.*-F ([^ ]+).*/\\1/'); COMP_WORDS=(oc-prunetags pr); COMP_CWORD=1; $f oc-prunetags pr oc-prunetags; echo \"${{COMPREPLY[@]}}\"",
        script.display()
    );
    let out = Command::new(bash).args(["-c", &probe]).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "prune");
}

fn which(name: &str) -> Result<PathBuf, ()> {
    std::env::var_os("PATH")
        .and_then(|p| {
            std::env::split_paths(&p)
                .map(|d| d.join(name))
                .find(|p| p.exists())
        })
        .ok_or(())
}

fn helper_lines(out: &str) -> Vec<String> {
    out.lines()
        .map(|l| l.split('\t').next().unwrap().to_owned())
        .collect()
}

#[test]
fn complete_lists_stream_names_from_the_cluster() {
    let h = Harness::seed();
    let r = h.run(&["__complete", "list", ""]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        helper_lines(&r.stdout),
        ["frontend", "myapp", "python", ":4"]
    );
    assert_eq!(r.stderr, "");
    // The partial word filters; chosen streams are not offered again; -l narrows.
    let r = h.run(&["__complete", "prune", "--keep", "5", "m"]);
    assert_eq!(helper_lines(&r.stdout), ["myapp", ":4"]);
    let r = h.run(&["__complete", "usage", "myapp", ""]);
    assert_eq!(helper_lines(&r.stdout), ["frontend", "python", ":4"]);
    let r = h.run(&["__complete", "list", "-l", "application=myapp", ""]);
    assert_eq!(helper_lines(&r.stdout), ["myapp", ":4"]);
    // The namespace typed on the line is the one asked.
    let r = h.run(&["__complete", "-n", "otherproject", "list", ""]);
    assert_eq!(helper_lines(&r.stdout), ["myapp", ":4"], "{}", r.stdout);
    // Subcommands and flags need no cluster.
    let r = h.run(&["__complete", "pr"]);
    assert_eq!(helper_lines(&r.stdout), ["prune", ":4"]);
    let r = h.run(&["__complete", "prune", "--dry"]);
    assert_eq!(helper_lines(&r.stdout), ["--dry-run", ":4"]);
}

#[test]
fn complete_is_silent_and_fast_when_the_cluster_does_not_answer() {
    // A server that accepts connections and never answers: only the deadline ends the request.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("kubeconfig");
    std::fs::write(
        &kubeconfig,
        format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: https://{addr}\n    insecure-skip-tls-verify: true\nusers:\n- name: u\n  user:\n    token: t\ncontexts:\n- name: x\n  context:\n    cluster: c\n    user: u\n    namespace: ns\ncurrent-context: x\n"
        ),
    )
    .unwrap();
    for server in ["hang", "refused", "no kubeconfig"] {
        let mut cmd = Command::new(OC);
        clean_env(&mut cmd, dir.path());
        match server {
            "hang" => {
                cmd.env("KUBECONFIG", &kubeconfig);
            }
            "refused" => {
                let closed = std::fs::read_to_string(&kubeconfig)
                    .unwrap()
                    .replace(&addr.to_string(), "127.0.0.1:1");
                let path = dir.path().join("closed");
                std::fs::write(&path, closed).unwrap();
                cmd.env("KUBECONFIG", &path);
            }
            _ => {
                cmd.env("KUBECONFIG", dir.path().join("missing"));
            }
        }
        cmd.args(["__complete", "list", ""]);
        let start = Instant::now();
        let r = run(cmd, Duration::from_secs(20));
        let took = start.elapsed();
        assert_eq!(r.code, 0, "{server}");
        assert_eq!(r.stdout, ":4\n", "{server}");
        assert_eq!(r.stderr, "", "{server}");
        // The deadline is 2 s (prunetags::complete::CLUSTER_DEADLINE); alone this takes 2.0 s,
        // the slack is for a loaded CI machine. Without the deadline it would wait minutes.
        assert!(took < Duration::from_secs(8), "{server}: took {took:?}");
    }
    drop(listener);
}

/// A PATH directory holding the plugin and its completion helper, as krew or a user sets it up.
fn plugin_dir(dir: &Path) -> PathBuf {
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    std::os::unix::fs::symlink(KUBECTL_PLUGIN, bin.join("kubectl-prunetags")).unwrap();
    std::os::unix::fs::symlink(OC, bin.join("oc-prunetags")).unwrap();
    for helper in ["kubectl_complete-prunetags", "oc_complete-prunetags"] {
        std::fs::copy(repo().join("completions").join(helper), bin.join(helper)).unwrap();
    }
    bin
}

fn path_with(dir: &Path) -> std::ffi::OsString {
    let mut paths = vec![dir.to_path_buf()];
    paths.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    std::env::join_paths(paths).unwrap()
}

#[test]
fn helper_scripts_call_the_plugin() {
    use std::os::unix::fs::PermissionsExt;
    let h = Harness::seed();
    let bin = plugin_dir(h.dir.path());
    for helper in ["kubectl_complete-prunetags", "oc_complete-prunetags"] {
        let mode = std::fs::metadata(repo().join("completions").join(helper))
            .unwrap()
            .permissions()
            .mode();
        assert!(mode & 0o111 != 0, "completions/{helper} must be executable");
        let mut cmd = Command::new(bin.join(helper));
        clean_env(&mut cmd, h.dir.path());
        cmd.env("KUBECONFIG", &h.kubeconfig)
            .env("PATH", path_with(&bin))
            .args(["list", ""]);
        let r = run(cmd, Duration::from_secs(20));
        assert_eq!(r.code, 0, "{helper}: {}", r.stderr);
        assert_eq!(
            helper_lines(&r.stdout),
            ["frontend", "myapp", "python", ":4"],
            "{helper}"
        );
    }
}

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
fn real_kubectl_completes_the_plugin() {
    let Some(kubectl) = kubectl() else { return };
    let h = Harness::seed();
    let bin = plugin_dir(h.dir.path());
    let complete = |words: &[&str]| {
        // The dispatcher at /usr/bin/kubectl reads the server version through the kubeconfig.
        // kubectl refuses its own flags before a plugin's name, --cache-dir too: the private
        // HOME keeps the discovery cache private.
        let mut k = Command::new(&kubectl);
        clean_env(&mut k, h.dir.path());
        k.env("KUBECONFIG", &h.kubeconfig)
            .env("PATH", path_with(&bin))
            .args(["__complete", "prunetags"])
            .args(words);
        run(k, Duration::from_secs(60))
    };
    let version = Command::new(&kubectl)
        .args(["version", "--client", "-o", "json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&version.stdout).unwrap_or_default();
    let minor: u32 = v["clientVersion"]["minor"]
        .as_str()
        .and_then(|m| m.trim_end_matches('+').parse().ok())
        .unwrap_or(0);
    if minor < 26 {
        eprintln!("skipping: kubectl 1.{minor} has no plugin completion (needs ≥ 1.26)");
        return;
    }
    let r = complete(&[""]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines = helper_lines(&r.stdout);
    for sub in ["list", "prune", "usage", "completion"] {
        assert!(lines.contains(&sub.to_owned()), "{sub} in {}", r.stdout);
    }
    let r = complete(&["prune", "--keep", "5", ""]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines = helper_lines(&r.stdout);
    assert!(
        lines.starts_with(&["frontend".into(), "myapp".into(), "python".into()]),
        "{}",
        r.stdout
    );
    assert!(lines.contains(&":4".to_owned()), "{}", r.stdout);
    let r = complete(&["list", "--hi"]);
    assert!(
        helper_lines(&r.stdout).contains(&"--history".to_owned()),
        "{}",
        r.stdout
    );
}
