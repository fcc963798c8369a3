//! The krew manifest (krew/prunetags.yaml) against krew's `Plugin` schema, and the release
//! script (krew/release.sh): the archive it builds holds what the manifest's `bin` and `files`
//! name, the man pages, and its sha256 lands in the manifest. No release build: the script
//! archives a small wrapper around the debug binary.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Deserialize;
use sha2::Digest as _;

const OC: &str = env!("CARGO_BIN_EXE_oc-prunetags");

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

// krew's v1alpha2 Plugin, as far as we use it; unknown fields are errors, like krew's own
// strict decoding.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct Plugin {
    api_version: String,
    kind: String,
    metadata: Metadata,
    spec: Spec,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Metadata {
    name: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct Spec {
    version: String,
    homepage: String,
    short_description: String,
    description: String,
    caveats: String,
    platforms: Vec<Platform>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Platform {
    selector: Selector,
    uri: String,
    sha256: String,
    bin: String,
    files: Vec<FileOperation>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct Selector {
    match_labels: std::collections::BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileOperation {
    from: String,
    to: String,
}

fn load(path: &Path) -> Plugin {
    let text = std::fs::read_to_string(path).unwrap();
    serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn is_sha256(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn os_arch(p: &Platform) -> (String, String) {
    (
        p.selector.match_labels["os"].clone(),
        p.selector.match_labels["arch"].clone(),
    )
}

/// The archive layout the release script declares (`ARCHIVE_FILES=(…)`).
fn archive_files() -> BTreeSet<String> {
    let script = std::fs::read_to_string(repo().join("krew/release.sh")).unwrap();
    let line = script
        .lines()
        .find_map(|l| l.strip_prefix("ARCHIVE_FILES=("))
        .expect("krew/release.sh declares ARCHIVE_FILES=(…)");
    line.trim_end_matches(')')
        .split_whitespace()
        .map(str::to_owned)
        .collect()
}

#[test]
fn manifest_follows_the_krew_schema() {
    let m = load(&repo().join("krew/prunetags.yaml"));
    assert_eq!(
        m.api_version,
        "krew.googlecontainertools.github.com/v1alpha2"
    );
    assert_eq!(m.kind, "Plugin");
    assert_eq!(m.metadata.name, "prunetags");
    assert_eq!(m.spec.version, format!("v{}", env!("CARGO_PKG_VERSION")));
    assert!(m.spec.homepage.starts_with("https://"));
    assert!(
        !m.spec.short_description.is_empty() && m.spec.short_description.len() <= 50,
        "shortDescription: one short line"
    );
    assert!(m.spec.description.lines().count() >= 2);
    assert!(m.spec.caveats.contains("kubectl prunetags"));

    let mut seen = BTreeSet::new();
    for p in &m.spec.platforms {
        let labels: Vec<&str> = p.selector.match_labels.keys().map(String::as_str).collect();
        assert_eq!(labels, ["arch", "os"], "selector matchLabels: os and arch");
        let (os, arch) = os_arch(p);
        assert!(seen.insert((os.clone(), arch.clone())), "{os}/{arch} twice");
        let ext = if os == "windows" { "zip" } else { "tar.gz" };
        assert!(
            p.uri.starts_with("https://")
                && p.uri.ends_with(&format!(
                    "/oc-prunetags_{}_{os}_{arch}.{ext}",
                    env!("CARGO_PKG_VERSION")
                )),
            "{os}/{arch} uri {}",
            p.uri
        );
        assert!(is_sha256(&p.sha256), "{os}/{arch} sha256 {}", p.sha256);
        let exe = if os == "windows" { ".exe" } else { "" };
        assert_eq!(p.bin, format!("kubectl-prunetags{exe}"));
        assert!(
            p.files.iter().any(|f| f.from == p.bin),
            "{os}/{arch}: files must copy the bin"
        );
        assert!(p.files.iter().any(|f| f.from == "LICENSE"));
        assert!(p.files.iter().all(|f| f.to == "."));
    }
    let want: BTreeSet<(String, String)> = ["linux", "darwin", "windows"]
        .iter()
        .flat_map(|os| ["amd64", "arm64"].map(|a| (os.to_string(), a.to_string())))
        .collect();
    assert_eq!(seen, want);
    // The platform release.sh builds here is filled in for real.
    let linux = m
        .spec
        .platforms
        .iter()
        .find(|p| os_arch(p) == ("linux".into(), "amd64".into()))
        .unwrap();
    assert_ne!(linux.sha256, "0".repeat(64), "run krew/release.sh");
}

#[test]
fn bin_and_files_are_in_the_release_archive() {
    let files = archive_files();
    let m = load(&repo().join("krew/prunetags.yaml"));
    for p in m
        .spec
        .platforms
        .iter()
        .filter(|p| os_arch(p).0 != "windows")
    {
        assert!(files.contains(&p.bin), "{} not in ARCHIVE_FILES", p.bin);
        for f in &p.files {
            assert!(files.contains(&f.from), "{} not in ARCHIVE_FILES", f.from);
        }
    }
}

/// A bin dir whose `oc-prunetags` is a tiny wrapper running the debug binary under the name it
/// was called by, so the archive stays small and the man pages come from the real program.
fn wrapper_bin_dir(dir: &Path) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let path = bin.join("oc-prunetags");
    std::fs::write(
        &path,
        format!("#!/usr/bin/env bash\nexec -a \"$0\" {OC} \"$@\"\n"),
    )
    .unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    bin
}

#[test]
fn release_script_builds_the_archive_and_fills_the_manifest() {
    if !cfg!(all(target_os = "linux", target_arch = "x86_64")) {
        eprintln!("skipping: the release script's archive test runs on linux/amd64");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let bin = wrapper_bin_dir(dir.path());
    let manifest = dir.path().join("prunetags.yaml");
    let original = std::fs::read_to_string(repo().join("krew/prunetags.yaml")).unwrap();
    std::fs::write(
        &manifest,
        original.replace(&linux_sha(&original), &"0".repeat(64)),
    )
    .unwrap();
    let out_dir = dir.path().join("dist");
    let release = |args: &[&str]| {
        let out = Command::new(repo().join("krew/release.sh"))
            .args(args)
            .arg("--manifest")
            .arg(&manifest)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "release.sh {args:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    };
    release(&[
        "--bin-dir",
        bin.to_str().unwrap(),
        "--out-dir",
        out_dir.to_str().unwrap(),
    ]);
    let name = format!(
        "oc-prunetags_{}_linux_amd64.tar.gz",
        env!("CARGO_PKG_VERSION")
    );
    let archive = out_dir.join(&name);
    let bytes = std::fs::read(&archive).unwrap();
    let sum = format!("{:x}", sha2::Sha256::digest(&bytes));

    // The archive holds the declared layout, at its root.
    let list = Command::new("tar")
        .arg("-tzf")
        .arg(&archive)
        .output()
        .unwrap();
    let entries: BTreeSet<String> = String::from_utf8_lossy(&list.stdout)
        .lines()
        .map(|l| l.trim_end_matches('/').to_owned())
        .filter(|l| !l.contains('/'))
        .collect();
    assert_eq!(entries, archive_files());
    // The man pages were generated by the program, under each name.
    let unpacked = dir.path().join("unpacked");
    std::fs::create_dir_all(&unpacked).unwrap();
    let st = Command::new("tar")
        .arg("-xzf")
        .arg(&archive)
        .arg("-C")
        .arg(&unpacked)
        .status()
        .unwrap();
    assert!(st.success());
    for (page, title) in [
        ("oc-prunetags.1", ".TH OC-PRUNETAGS 1"),
        ("kubectl-prunetags.1", ".TH KUBECTL-PRUNETAGS 1"),
    ] {
        let text = std::fs::read_to_string(unpacked.join(page)).unwrap();
        assert!(text.contains(title), "{page}: {text}");
        assert!(text.contains("PRUNE\""), "{page}");
    }
    assert!(unpacked.join("completions/_oc-prunetags").exists());

    // The manifest's linux/amd64 entry now names this archive and its sha256; nothing else moved.
    let filled = load(&manifest);
    let linux = filled
        .spec
        .platforms
        .iter()
        .find(|p| os_arch(p) == ("linux".into(), "amd64".into()))
        .unwrap();
    assert_eq!(linux.sha256, sum);
    assert!(
        linux
            .uri
            .ends_with(&format!("/v{}/{name}", env!("CARGO_PKG_VERSION")))
    );
    assert!(archive_files().contains(&linux.bin));
    let filled_text = std::fs::read_to_string(&manifest).unwrap();
    assert_eq!(
        filled_text.replace(&sum, &"0".repeat(64)),
        original.replace(&linux_sha(&original), &"0".repeat(64))
    );

    // Reproducible: the same binaries give the same archive.
    release(&[
        "--bin-dir",
        bin.to_str().unwrap(),
        "--out-dir",
        out_dir.to_str().unwrap(),
    ]);
    assert_eq!(std::fs::read(&archive).unwrap(), bytes);

    // An archive built elsewhere fills its own platform.
    let darwin = out_dir.join(format!(
        "oc-prunetags_{}_darwin_arm64.tar.gz",
        env!("CARGO_PKG_VERSION")
    ));
    std::fs::write(&darwin, b"not really an archive").unwrap();
    release(&["--fill", darwin.to_str().unwrap()]);
    let filled = load(&manifest);
    let d = filled
        .spec
        .platforms
        .iter()
        .find(|p| os_arch(p) == ("darwin".into(), "arm64".into()))
        .unwrap();
    assert_eq!(
        d.sha256,
        format!("{:x}", sha2::Sha256::digest(b"not really an archive"))
    );
}

fn linux_sha(manifest: &str) -> String {
    let m: Plugin = serde_yaml::from_str(manifest).unwrap();
    m.spec
        .platforms
        .iter()
        .find(|p| os_arch(p) == ("linux".into(), "amd64".into()))
        .unwrap()
        .sha256
        .clone()
}
