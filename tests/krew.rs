//! The krew template (.krew.yaml) and the release script (krew/release.sh): the script packages
//! every platform's archive, renders the template as krew-release-bot does, and the result
//! follows krew's rules (krew's `validation.ValidatePlugin`, plus krew-index review: description
//! and caveats) and installs files that are in each archive. No release build: the linux/amd64
//! archive wraps the debug binary, the others hold placeholder binaries (only their layout is
//! checked here; the release workflow builds them). `.ci/run` runs this file.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use serde::Deserialize;
use sha2::Digest as _;

const OC: &str = env!("CARGO_BIN_EXE_oc-prunetags");
const VERSION: &str = env!("CARGO_PKG_VERSION");
/// The platforms the release workflow builds.
const PLATFORMS: [(&str, &str); 5] = [
    ("linux", "amd64"),
    ("linux", "arm64"),
    ("darwin", "amd64"),
    ("darwin", "arm64"),
    ("windows", "amd64"),
];

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
    match_labels: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileOperation {
    from: String,
    to: String,
}

impl Platform {
    fn os_arch(&self) -> (&str, &str) {
        let l = &self.selector.match_labels;
        (
            l.get("os").map_or("", String::as_str),
            l.get("arch").map_or("", String::as_str),
        )
    }
}

fn archive_name(os: &str, arch: &str) -> String {
    let ext = if os == "windows" { "zip" } else { "tar.gz" };
    format!("oc-prunetags_{VERSION}_{os}_{arch}.{ext}")
}

fn release(args: &[&str]) -> Output {
    Command::new(repo().join("krew/release.sh"))
        .args(args)
        .output()
        .unwrap()
}

fn assert_ok(out: &Output, what: &str) {
    assert!(
        out.status.success(),
        "{what}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A bin dir for `os`: for linux/amd64 an `oc-prunetags` running the debug binary under the name
/// it was called by (the archive stays small and the program is the real one), elsewhere a
/// placeholder file.
fn bin_dir(dir: &Path, os: &str, arch: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let bin = dir.join(format!("bin-{os}-{arch}"));
    std::fs::create_dir_all(&bin).unwrap();
    let (file, text) = match (os, arch) {
        ("linux", "amd64") => (
            "oc-prunetags".to_owned(),
            format!("#!/usr/bin/env bash\nexec -a \"$0\" {OC} \"$@\"\n"),
        ),
        ("windows", _) => ("oc-prunetags.exe".to_owned(), format!("{os}/{arch}\n")),
        _ => ("oc-prunetags".to_owned(), format!("{os}/{arch}\n")),
    };
    let path = bin.join(file);
    std::fs::write(&path, text).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    bin
}

/// Every platform packaged by the script and the template rendered over them, once per run.
struct Release {
    _dir: tempfile::TempDir,
    out: PathBuf,
    manifest: Plugin,
    manifest_text: String,
}

fn built() -> &'static Release {
    static RELEASE: OnceLock<Release> = OnceLock::new();
    RELEASE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("dist");
        for (os, arch) in PLATFORMS {
            let bin = bin_dir(dir.path(), os, arch);
            let o = release(&[
                "package",
                "--os",
                os,
                "--arch",
                arch,
                "--bin-dir",
                bin.to_str().unwrap(),
                "--out-dir",
                out.to_str().unwrap(),
            ]);
            assert_ok(&o, &format!("package {os}/{arch}"));
        }
        let o = release(&["manifest", "--out-dir", out.to_str().unwrap()]);
        assert_ok(&o, "manifest");
        let manifest_text = std::fs::read_to_string(out.join("prunetags.yaml")).unwrap();
        let manifest = serde_yaml::from_str(&manifest_text)
            .unwrap_or_else(|e| panic!("rendered manifest: {e}\n{manifest_text}"));
        Release {
            _dir: dir,
            out,
            manifest,
            manifest_text,
        }
    })
}

/// The archive's entries: (root names, every path), directories without their trailing `/`.
fn entries(archive: &Path) -> (BTreeSet<String>, BTreeSet<String>) {
    let out = if archive.extension().is_some_and(|e| e == "zip") {
        Command::new("unzip").arg("-Z1").arg(archive).output()
    } else {
        Command::new("tar").arg("-tzf").arg(archive).output()
    }
    .unwrap();
    assert!(out.status.success(), "listing {}", archive.display());
    let all: BTreeSet<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| l.trim_end_matches('/').to_owned())
        .collect();
    let root = all
        .iter()
        .map(|p| p.split('/').next().unwrap().to_owned())
        .collect();
    (root, all)
}

/// The layout the release script declares for `os` (`UNIX_FILES=(…)`, `WINDOWS_FILES=(…)`).
fn declared_layout(os: &str) -> BTreeSet<String> {
    let script = std::fs::read_to_string(repo().join("krew/release.sh")).unwrap();
    let var = if os == "windows" {
        "WINDOWS_FILES=("
    } else {
        "UNIX_FILES=("
    };
    script
        .lines()
        .find_map(|l| l.strip_prefix(var))
        .unwrap_or_else(|| panic!("krew/release.sh declares {var}…)"))
        .trim_end_matches(')')
        .split_whitespace()
        .map(str::to_owned)
        .collect()
}

fn sha256_of(path: &Path) -> String {
    format!("{:x}", sha2::Sha256::digest(std::fs::read(path).unwrap()))
}

#[test]
fn rendered_template_follows_krew_rules() {
    let m = &built().manifest;
    assert_eq!(
        m.api_version,
        "krew.googlecontainertools.github.com/v1alpha2"
    );
    assert_eq!(m.kind, "Plugin");
    // krew: `^[\w-]+$`, and the name kubectl runs (kubectl-prunetags).
    assert_eq!(m.metadata.name, "prunetags");
    assert_eq!(m.spec.version, format!("v{VERSION}"));
    assert!(m.spec.homepage.starts_with("https://"));

    let short = &m.spec.short_description;
    assert!(
        !short.is_empty() && short.chars().count() <= 50 && !short.contains('\n'),
        "shortDescription: one line of at most 50 characters: {short:?}"
    );

    let mut seen = BTreeSet::new();
    for p in &m.spec.platforms {
        let keys: Vec<&str> = p.selector.match_labels.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            ["arch", "os"],
            "selector matchLabels: os and arch only"
        );
        let (os, arch) = p.os_arch();
        assert!(
            seen.insert((os, arch)),
            "{os}/{arch}: two platforms, one selector"
        );
        assert_eq!(
            p.uri,
            format!(
                "https://github.com/oc-prunetags/oc-prunetags/releases/download/v{VERSION}/{}",
                archive_name(os, arch)
            )
        );
        assert!(
            p.sha256.len() == 64
                && p.sha256
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)),
            "{os}/{arch} sha256 {}",
            p.sha256
        );
        let exe = if os == "windows" { ".exe" } else { "" };
        assert_eq!(p.bin, format!("kubectl-prunetags{exe}"));
        assert!(
            p.files.iter().any(|f| f.from == p.bin),
            "{os}/{arch}: bin not copied"
        );
        assert!(p.files.iter().any(|f| f.from == "LICENSE"), "{os}/{arch}");
        assert!(p.files.iter().all(|f| f.to == "."), "{os}/{arch}");
    }
    assert_eq!(seen, PLATFORMS.into_iter().collect::<BTreeSet<_>>());
}

/// krew-index review: the description says what the plugin does, in lines of at most 80
/// characters, without usage examples or flags, and does not contradict `-A`.
#[test]
fn description_is_prose_krew_index_accepts() {
    let d = &built().manifest.spec.description;
    assert!(d.lines().count() >= 2, "{d}");
    // `-A`, `--keep`, `(--dry-run)`; not the hyphen of semantic-version.
    let flag = regex::Regex::new(r"(?:^|[^\w-])--?[A-Za-z]").unwrap();
    for line in d.lines() {
        assert!(
            line.chars().count() <= 80,
            "description line over 80: {line:?}"
        );
        assert!(!flag.is_match(line), "a flag in the description: {line:?}");
        assert!(!line.contains('`'), "code in the description: {line:?}");
        for example in [
            "kubectl prunetags",
            "oc prunetags",
            "prunetags list",
            "prune --",
        ] {
            assert!(
                !line.contains(example),
                "a usage example in the description: {line:?}"
            );
        }
    }
    assert!(!d.contains("one namespace at a time"), "the plugin has -A");
    let c = &built().manifest.spec.caveats;
    for line in c.lines() {
        assert!(line.chars().count() <= 80, "caveats line over 80: {line:?}");
    }
}

/// The caveats list every permission the deploy/ Roles grant (what the tool needs: the Role is
/// tested against the binary in tests/deploy.rs), `get imagestreams/layers` among them.
#[test]
fn caveats_name_every_permission_the_tool_needs() {
    #[derive(Deserialize)]
    struct Doc {
        kind: String,
        #[serde(default)]
        rules: Vec<Rule>,
    }
    #[derive(Deserialize)]
    struct Rule {
        resources: Vec<String>,
        verbs: Vec<String>,
    }
    let caveats = built()
        .manifest
        .spec
        .caveats
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(caveats.contains("get imagestreams/layers"), "{caveats}");
    let words: BTreeSet<String> = caveats
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '/'))
        .map(str::to_owned)
        .collect();
    let mut checked = 0;
    for file in [
        "deploy/cronjob.yaml",
        "deploy/keep-revisions-rbac.yaml",
        "deploy/restore-rbac.yaml",
        "deploy/policy-namespace.yaml",
    ] {
        let text = std::fs::read_to_string(repo().join(file)).unwrap();
        for doc in serde_yaml::Deserializer::from_str(&text) {
            let doc = Doc::deserialize(doc).unwrap();
            if doc.kind != "Role" {
                continue;
            }
            for rule in doc.rules {
                for r in rule.resources.iter().chain(&rule.verbs) {
                    assert!(
                        words.contains(r),
                        "caveats do not name {r} ({file}): {caveats}"
                    );
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 20, "{checked} permissions found in deploy/");
}

/// The caveats' completion setup, run against a krew root laid out as krew lays it (the plugin
/// in store/prunetags/<version>/, a symlink to it in bin/), keeps completing after an upgrade
/// replaces the store directory.
#[test]
fn completion_setup_survives_krew_upgrade() {
    let r = built();
    let caveats = &r.manifest.spec.caveats;
    assert!(
        !caveats.contains("ln -s"),
        "no link into the versioned store"
    );
    let setup: String = caveats
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("k=") || l.starts_with("cp "))
        .map(|l| format!("{l}\n"))
        .collect();
    assert!(setup.contains("${KREW_ROOT:-$HOME/.krew}"), "{setup}");

    let root = tempfile::tempdir().unwrap();
    let krew = root.path();
    let install = |version: &str| {
        let store = krew.join("store/prunetags").join(version);
        std::fs::create_dir_all(&store).unwrap();
        let st = Command::new("tar")
            .arg("-xzf")
            .arg(r.out.join(archive_name("linux", "amd64")))
            .arg("-C")
            .arg(&store)
            .status()
            .unwrap();
        assert!(st.success());
        std::fs::create_dir_all(krew.join("bin")).unwrap();
        let link = krew.join("bin/kubectl-prunetags");
        let _ = std::fs::remove_file(&link);
        std::os::unix::fs::symlink(store.join("kubectl-prunetags"), &link).unwrap();
    };
    install(&format!("v{VERSION}"));
    let st = Command::new("sh")
        .arg("-ec")
        .arg(&setup)
        .env("KREW_ROOT", krew)
        .status()
        .unwrap();
    assert!(st.success(), "{setup}");
    let complete = || {
        let out = Command::new(krew.join("bin/kubectl_complete-prunetags"))
            .arg("pr")
            .env("PATH", "/usr/bin:/bin")
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    assert!(complete().starts_with("prune\t"), "{}", complete());
    // `kubectl krew upgrade`: the new version's directory, the link moved, the old one removed.
    install("v99.0.0");
    std::fs::remove_dir_all(krew.join(format!("store/prunetags/v{VERSION}"))).unwrap();
    assert!(
        complete().starts_with("prune\t"),
        "after upgrade: {}",
        complete()
    );
}

/// Each platform's archive holds the declared layout at its root, every file the template's
/// `bin` and `files` name, the man pages and completions; its sha256 is in the manifest and in
/// its .sha256 file.
#[test]
fn archives_hold_what_the_template_installs() {
    let r = built();
    let pages: BTreeSet<String> = ["oc-prunetags", "kubectl-prunetags"]
        .iter()
        .flat_map(|n| prunetags::man::pages(n))
        .map(|p| format!("man/{}", p.file))
        .collect();
    for p in &r.manifest.spec.platforms {
        let (os, arch) = p.os_arch();
        let archive = r.out.join(archive_name(os, arch));
        let (root, all) = entries(&archive);
        assert_eq!(root, declared_layout(os), "{os}/{arch}");
        assert!(all.contains(&p.bin), "{os}/{arch}: no {}", p.bin);
        for f in &p.files {
            assert!(all.contains(&f.from), "{os}/{arch}: no {}", f.from);
        }
        assert!(pages.is_subset(&all), "{os}/{arch}: man pages {all:?}");
        assert!(all.contains("completions/oc-prunetags.bash"), "{os}/{arch}");
        let sum = sha256_of(&archive);
        assert_eq!(p.sha256, sum, "{os}/{arch}");
        let file = std::fs::read_to_string(
            archive.with_file_name(format!("{}.sha256", archive_name(os, arch))),
        )
        .unwrap();
        assert_eq!(file, format!("{sum}  {}\n", archive_name(os, arch)));
    }
    // Only the placeholders of other platforms were packaged: the template reached every one.
    assert!(!r.manifest_text.contains("{{"), "{}", r.manifest_text);
}

/// The same binaries give the same archive bytes (so the same sha256), tar.gz and zip alike.
#[test]
fn archives_are_reproducible() {
    let r = built();
    let dir = tempfile::tempdir().unwrap();
    for (os, arch) in [("linux", "amd64"), ("windows", "amd64")] {
        // Another bin dir with the same content, written later (other mtimes).
        std::thread::sleep(std::time::Duration::from_millis(1100));
        let bin = bin_dir(dir.path(), os, arch);
        let out = dir.path().join("again");
        let o = release(&[
            "package",
            "--os",
            os,
            "--arch",
            arch,
            "--bin-dir",
            bin.to_str().unwrap(),
            "--out-dir",
            out.to_str().unwrap(),
        ]);
        assert_ok(&o, "package again");
        assert_eq!(
            sha256_of(&out.join(archive_name(os, arch))),
            sha256_of(&r.out.join(archive_name(os, arch))),
            "{os}/{arch}"
        );
    }
}

/// The manifest needs every platform's archive (krew-index installs each), unless asked to
/// leave the missing ones out; a tag that is not Cargo.toml's version is refused.
#[test]
fn manifest_refuses_what_it_cannot_render() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("dist");
    let bin = bin_dir(dir.path(), "linux", "amd64");
    let o = release(&[
        "package",
        "--os",
        "linux",
        "--arch",
        "amd64",
        "--bin-dir",
        bin.to_str().unwrap(),
        "--out-dir",
        out.to_str().unwrap(),
    ]);
    assert_ok(&o, "package");
    let o = release(&["manifest", "--out-dir", out.to_str().unwrap()]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains(&archive_name("darwin", "arm64")), "{err}");
    assert!(!out.join("prunetags.yaml").exists());

    let o = release(&[
        "manifest",
        "--allow-missing",
        "--out-dir",
        out.to_str().unwrap(),
    ]);
    assert_ok(&o, "manifest --allow-missing");
    let m: Plugin =
        serde_yaml::from_str(&std::fs::read_to_string(out.join("prunetags.yaml")).unwrap())
            .unwrap();
    let platforms: Vec<_> = m.spec.platforms.iter().map(Platform::os_arch).collect();
    assert_eq!(platforms, [("linux", "amd64")]);

    let o = release(&[
        "manifest",
        "--tag",
        "v9.9.9",
        "--out-dir",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("v9.9.9"));
}

/// The archive a local `krew/release.sh` run left in dist/ (the real release build), when there
/// is one for this version: its layout, its sha256 file and the manifest rendered beside it.
#[test]
fn local_release_in_dist_matches_the_template() {
    let dist = repo().join("dist");
    let archive = dist.join(archive_name("linux", "amd64"));
    if !archive.exists() {
        eprintln!("skipping: no {} (run krew/release.sh)", archive.display());
        return;
    }
    let (root, all) = entries(&archive);
    assert_eq!(root, declared_layout("linux"));
    let text = std::fs::read_to_string(dist.join("prunetags.yaml")).unwrap();
    let m: Plugin = serde_yaml::from_str(&text).unwrap();
    let p = m
        .spec
        .platforms
        .iter()
        .find(|p| p.os_arch() == ("linux", "amd64"))
        .unwrap();
    assert_eq!(p.sha256, sha256_of(&archive));
    for f in &p.files {
        assert!(all.contains(&f.from), "{}", f.from);
    }
    let file =
        std::fs::read_to_string(dist.join(format!("{}.sha256", archive_name("linux", "amd64"))))
            .unwrap();
    assert!(file.starts_with(&p.sha256));
}

/// A sha256 of all zeros (a platform "not built yet") is what krew-index rejects: none in any
/// tracked file.
#[test]
fn no_all_zero_digest_in_the_repo() {
    let out = Command::new("git")
        .args(["ls-files", "-z"])
        .current_dir(repo())
        .output()
        .unwrap();
    assert!(out.status.success(), "git ls-files");
    let zeros = "0".repeat(64);
    let mut files = 0;
    for name in out.stdout.split(|b| *b == 0).filter(|n| !n.is_empty()) {
        let path = repo().join(String::from_utf8_lossy(name).as_ref());
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        files += 1;
        assert!(
            !bytes.windows(64).any(|w| w == zeros.as_bytes()),
            "an all-zero digest in {}",
            path.display()
        );
    }
    assert!(files > 50, "{files} tracked files");
}

/// The CronJob's image: the Containerfile adds the binary only, on UBI minimal, as user 1001,
/// labelled with its source and version; the release workflow pushes it under the name and tag
/// deploy/cronjob.yaml uses (the plugin's version).
#[test]
fn container_image_is_the_one_deploy_uses() {
    let cf = std::fs::read_to_string(repo().join("Containerfile")).unwrap();
    let steps: Vec<&str> = cf
        .lines()
        .filter(|l| !l.trim_start().starts_with('#') && !l.trim().is_empty())
        .filter(|l| !l.starts_with(' '))
        .collect();
    let from: Vec<&&str> = steps.iter().filter(|l| l.starts_with("FROM ")).collect();
    assert_eq!(from.len(), 1, "{steps:?}");
    assert!(
        from[0].contains("registry.access.redhat.com/ubi9/ubi-minimal"),
        "{}",
        from[0]
    );
    assert!(steps.contains(&"USER 1001"), "{steps:?}");
    let adds: Vec<&&str> = steps
        .iter()
        .filter(|l| l.starts_with("COPY") || l.starts_with("ADD"))
        .collect();
    assert_eq!(adds.len(), 1, "the binary only: {adds:?}");
    assert!(
        adds[0].ends_with("/oc-prunetags /usr/local/bin/oc-prunetags"),
        "{}",
        adds[0]
    );
    assert!(
        !steps.iter().any(|l| l.starts_with("RUN")),
        "nothing installed"
    );
    for label in [
        "org.opencontainers.image.source=",
        "org.opencontainers.image.version=",
    ] {
        assert!(cf.contains(label), "no label {label}");
    }

    let workflow = std::fs::read_to_string(repo().join(".github/workflows/release.yml")).unwrap();
    let image = workflow
        .lines()
        .find_map(|l| l.trim().strip_prefix("IMAGE: "))
        .expect("release.yml sets env IMAGE");
    assert!(workflow.contains("tags: ${{ env.IMAGE }}:${{ env.VERSION }}"));
    assert!(
        workflow.contains("VERSION=${GITHUB_REF_NAME#v}")
            || workflow.contains("version=${GITHUB_REF_NAME#v}")
    );
    // Every manifest in deploy/ runs the image the release publishes (deploy/platform once
    // named a placeholder).
    let mut files = vec![];
    for dir in ["deploy", "deploy/platform"] {
        for e in std::fs::read_dir(repo().join(dir)).unwrap() {
            let path = e.unwrap().path();
            if path.extension().is_some_and(|x| x == "yaml") {
                files.push(path);
            }
        }
    }
    let mut seen = 0;
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        for used in text
            .lines()
            .filter_map(|l| l.trim().strip_prefix("image: "))
        {
            assert_eq!(used, format!("{image}:{VERSION}"), "{}", path.display());
            seen += 1;
        }
    }
    let cron = std::fs::read_to_string(repo().join("deploy/cronjob.yaml")).unwrap();
    assert!(cron.contains(&format!("image: {image}:{VERSION}")));
    assert!(seen >= 5, "{seen} images in {files:?}");
}
