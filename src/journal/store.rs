//! Where journals live and how they are written and found.
//!
//! Default: the user's state directory, `$XDG_STATE_HOME/oc-prunetags/` (else
//! `~/.local/state/oc-prunetags/`), one file per run named by time, context and namespace:
//! `20261202T044009.123Z_mycontext_myproject.json`. The XDG rule is two environment variables;
//! the `dirs` crate answers `None` for a state directory outside Linux, so it would not spare
//! the fallback either.
//!
//! A file is written whole or not at all: to a temporary name in the same directory, synced,
//! then renamed over the final name.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::Journal;
use crate::error::{Error, Result};

/// The default journal directory, or why there is none.
pub fn default_dir() -> Result<PathBuf> {
    let state = std::env::var_os("XDG_STATE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        // The XDG spec: a relative XDG_STATE_HOME is invalid and ignored.
        .filter(|p| p.is_absolute())
        .or_else(|| {
            std::env::var_os("HOME")
                .filter(|v| !v.is_empty())
                .map(|h| PathBuf::from(h).join(".local/state"))
        })
        .ok_or_else(|| {
            Error::runtime(
                "cannot tell where to keep journals: neither XDG_STATE_HOME nor HOME is set",
            )
        })?;
    Ok(state.join("oc-prunetags"))
}

/// The file name of a run's journal: time (sortable), context, namespace (`all-namespaces` for
/// `-A`); characters a file name should not hold become `_`.
pub fn file_name(j: &Journal) -> String {
    let t = j.time;
    let stamp = format!(
        "{}.{:03}Z",
        t.strftime("%Y%m%dT%H%M%S"),
        t.subsec_millisecond()
    );
    let clean = |s: &str| -> String {
        s.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || matches!(c, '.' | '-') {
                    c
                } else {
                    '_'
                }
            })
            .collect()
    };
    format!(
        "{stamp}_{}_{}.json",
        clean(&j.context),
        clean(j.namespace.as_deref().unwrap_or("all-namespaces"))
    )
}

/// Writes a new journal: into `dir` under [`file_name`], or exactly to `path` when the user
/// named a file. Returns the path written.
pub fn write_new(target: &Target, journal: &Journal, content: &str) -> Result<PathBuf> {
    let path = match target {
        // `--journal runs/` names a directory even before it exists.
        Target::File(p) if !p.is_dir() && !p.as_os_str().to_string_lossy().ends_with('/') => {
            p.clone()
        }
        Target::File(dir) | Target::Dir(dir) => {
            create_dir(dir)?;
            let mut path = dir.join(file_name(journal));
            // Two runs in the same millisecond: never overwrite the other's record.
            let mut n = 2;
            while path.exists() {
                path = dir.join(file_name(journal).replace(".json", &format!("-{n}.json")));
                n += 1;
            }
            path
        }
    };
    write_atomically(&path, content)?;
    Ok(path)
}

/// Where `prune` writes its journal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// The default directory, or a directory given with `--journal`.
    Dir(PathBuf),
    /// `--journal PATH`: this file (or, if it is a directory, a new file in it).
    File(PathBuf),
}

fn create_dir(dir: &Path) -> Result<()> {
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        // A journal names every image of the namespace: the user's eyes only.
        b.mode(0o700);
    }
    b.create(dir).map_err(|e| {
        Error::runtime(format!(
            "cannot create the journal directory {}: {}",
            dir.display(),
            crate::cluster::io_reason(&e)
        ))
    })
}

/// Writes `content` to `path` whole: a temporary file beside it, then a rename.
pub fn write_atomically(path: &Path, content: &str) -> Result<()> {
    let fail = |e: std::io::Error| {
        Error::runtime(format!(
            "cannot write the journal {}: {}",
            path.display(),
            crate::cluster::io_reason(&e)
        ))
    };
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let result = opts.open(&tmp).and_then(|mut f| {
        f.write_all(content.as_bytes())?;
        f.sync_all()
    });
    if let Err(e) = result.and_then(|_| std::fs::rename(&tmp, path)) {
        let _ = std::fs::remove_file(&tmp);
        return Err(fail(e));
    }
    Ok(())
}

/// What a journal file (a `PruneRun` document) holds, as far as listing and restoring need.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RunFile {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    journal: Option<Journal>,
    #[serde(default)]
    plan: Option<serde_json::Value>,
    #[serde(default)]
    result: Option<serde_json::Value>,
}

/// One journal, read.
#[derive(Clone, Debug)]
pub struct Entry {
    /// The file name without `.json`: what `journal show` and `restore` accept.
    pub id: String,
    pub path: PathBuf,
    pub journal: Journal,
    /// Tags the run deleted, when its result was recorded (`None`: the run did not finish
    /// writing it, e.g. it was killed during the DELETEs).
    pub deleted: Option<usize>,
    /// History items the plan trimmed.
    pub trims: usize,
}

/// Reads one journal: a `PruneRun` document in JSON (or YAML, as `-o yaml` writes it).
pub fn read(path: &Path) -> Result<Entry> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        Error::runtime(format!(
            "cannot read the journal {}: {}",
            path.display(),
            crate::cluster::io_reason(&e)
        ))
    })?;
    let not_a_journal = |why: String| {
        Error::runtime(format!(
            "{} is not a journal of oc-prunetags: {why}",
            path.display()
        ))
    };
    let run: RunFile = serde_json::from_str(&text)
        .or_else(|json_err| serde_yaml::from_str(&text).map_err(|_| json_err))
        .map_err(|e| not_a_journal(e.to_string()))?;
    if run.kind != "PruneRun" {
        return Err(not_a_journal(format!(
            "its kind is {:?}, not \"PruneRun\"",
            run.kind
        )));
    }
    let journal = run.journal.ok_or_else(|| {
        not_a_journal(
            "it has no journal field (a dry run, or a run that deleted nothing)".to_owned(),
        )
    })?;
    let deleted = run.result.as_ref().map(|r| {
        r["deletions"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|d| d["outcome"] == "deleted")
            .count()
    });
    let trims = run
        .plan
        .as_ref()
        .map(|p| {
            p["streams"]
                .as_array()
                .into_iter()
                .flatten()
                .flat_map(|s| s["tags"].as_array().into_iter().flatten())
                .map(|t| t["trim"].as_array().map_or(0, Vec::len))
                .sum()
        })
        .unwrap_or(0);
    let id = path
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .trim_end_matches(".json")
        .to_owned();
    Ok(Entry {
        id,
        path: path.to_owned(),
        journal,
        deleted,
        trims,
    })
}

/// Every journal in `dir`, oldest first; files that are not journals are skipped. A missing
/// directory holds none.
pub fn list(dir: &Path) -> Result<Vec<Entry>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => {
            return Err(Error::runtime(format!(
                "cannot read the journal directory {}: {}",
                dir.display(),
                crate::cluster::io_reason(&e)
            )));
        }
    };
    let mut out: Vec<Entry> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.extension().is_some_and(|x| x == "json")
                && !p
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .filter_map(|p| read(&p).ok())
        .collect();
    out.sort_by(|a, b| (a.journal.time, &a.id).cmp(&(b.journal.time, &b.id)));
    Ok(out)
}

/// A journal named by the user: a path to a file, or an id (file name, with or without
/// `.json`) in `dir`.
pub fn find(dir: &Path, run: &str) -> Result<Entry> {
    let as_path = Path::new(run);
    if as_path.is_file() {
        return read(as_path);
    }
    let in_dir = dir.join(format!("{}.json", run.trim_end_matches(".json")));
    if in_dir.is_file() {
        return read(&in_dir);
    }
    Err(Error::usage(format!(
        "no journal {run:?}: neither a file nor a run in {} (`oc prunetags journal list` shows them)",
        dir.display()
    )))
}

/// The newest journal of `context` and `namespace` (`None`: `-A` runs) that deleted tags.
pub fn newest(entries: &[Entry], context: &str, namespace: Option<&str>) -> Option<Entry> {
    entries
        .iter()
        .filter(|e| {
            e.journal.context == context
                && e.journal.namespace.as_deref() == namespace
                && !e.journal.tags.is_empty()
        })
        .max_by(|a, b| (a.journal.time, &a.id).cmp(&(b.journal.time, &b.id)))
        .cloned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn journal(time: &str, context: &str, ns: Option<&str>) -> Journal {
        Journal {
            time: time.parse().unwrap(),
            context: context.into(),
            server: "https://x".into(),
            namespace: ns.map(Into::into),
            tags: vec![super::super::JournalTag {
                namespace: "ns".into(),
                stream: "app".into(),
                tag: "v1".into(),
                stream_uid: None,
                revisions: vec![],
                spec: None,
            }],
        }
    }

    #[test]
    fn names_sort_by_time_and_hold_no_path_separators() {
        let a = file_name(&journal(
            "2026-12-02T04:00:09.5Z",
            "myproject/api-c:6443/alice",
            Some("ns"),
        ));
        assert_eq!(a, "20261202T040009.500Z_myproject_api-c_6443_alice_ns.json");
        let b = file_name(&journal("2026-12-02T04:00:10Z", "c", None));
        assert_eq!(b, "20261202T040010.000Z_c_all-namespaces.json");
        assert!(a < b);
    }

    #[test]
    fn a_journal_path_is_a_file_or_a_directory() {
        let tmp = tempfile::tempdir().unwrap();
        let j = journal("2026-12-02T04:00:09Z", "c", Some("ns"));
        let file = tmp.path().join("run.json");
        assert_eq!(
            write_new(&Target::File(file.clone()), &j, "{}").unwrap(),
            file
        );
        let dir = format!("{}/runs/", tmp.path().display());
        let got = write_new(&Target::File(PathBuf::from(&dir)), &j, "{}").unwrap();
        assert_eq!(got, tmp.path().join("runs").join(file_name(&j)));
        // The same run again: a second file, never the first overwritten.
        let again = write_new(&Target::Dir(tmp.path().join("runs")), &j, "{}").unwrap();
        assert_ne!(again, got);
        assert!(again.to_string_lossy().ends_with("-2.json"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&got).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn newest_is_per_context_and_namespace() {
        let e = |id: &str, j: Journal| Entry {
            id: id.into(),
            path: PathBuf::from(id),
            journal: j,
            deleted: None,
            trims: 0,
        };
        let all = vec![
            e("1", journal("2026-12-01T00:00:00Z", "c", Some("ns"))),
            e("2", journal("2026-12-03T00:00:00Z", "other", Some("ns"))),
            e("3", journal("2026-12-02T00:00:00Z", "c", Some("ns"))),
            e("4", journal("2026-12-04T00:00:00Z", "c", None)),
        ];
        assert_eq!(newest(&all, "c", Some("ns")).unwrap().id, "3");
        assert_eq!(newest(&all, "c", None).unwrap().id, "4");
        assert!(newest(&all, "c", Some("x")).is_none());
    }
}
