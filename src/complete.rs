//! Shell completion, generated from the clap definition in [`crate::cli`], and the dynamic
//! completion kubectl asks plugins for. The man pages are in [`crate::man`].
//!
//! - `completion bash|zsh|fish|powershell` prints a static script for `oc-prunetags` /
//!   `kubectl-prunetags` typed as commands (clap_complete).
//! - `__complete WORDS… PARTIAL` (hidden, intercepted in main before clap) answers kubectl's
//!   plugin completion protocol: kubectl ≥ 1.26 runs `kubectl_complete-prunetags WORDS… PARTIAL`
//!   and reads one candidate per line, then an optional `:<directive>` line (cobra's). Our helper
//!   scripts in `completions/` call this. Subcommands and flags come from clap; image stream names
//!   come from the cluster, with a short deadline, and nothing is printed on any error.

use std::time::Duration;

use clap::{Arg, CommandFactory};

use crate::cli::{Cli, Connection, ShellArg};

/// cobra's `ShellCompDirectiveNoFileComp`: do not fall back to file names.
pub const NO_FILE_COMP: u8 = 4;
/// cobra's `ShellCompDirectiveDefault`: the shell may complete file names.
pub const DEFAULT: u8 = 0;

/// How long `__complete` may spend asking the cluster for stream names.
pub const CLUSTER_DEADLINE: Duration = Duration::from_secs(2);

/// The executable's own name (`oc-prunetags`, `kubectl-prunetags`), for completion scripts:
/// completions are registered for the command the user types.
pub fn exe_name() -> String {
    std::env::args_os()
        .next()
        .and_then(|a| {
            std::path::Path::new(&a)
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
        })
        .filter(|s| s.ends_with("-prunetags"))
        .unwrap_or_else(|| "oc-prunetags".to_owned())
}

/// The two names the program is installed under (clap wants a `'static` name).
pub(crate) fn command_name(name: &str) -> &'static str {
    if name.starts_with("kubectl") {
        "kubectl-prunetags"
    } else {
        "oc-prunetags"
    }
}

/// The completion script for `shell`, registered for the command `name`.
pub fn script(shell: ShellArg, name: &str) -> String {
    use clap_complete::Shell;
    let shell = match shell {
        ShellArg::Bash => Shell::Bash,
        ShellArg::Zsh => Shell::Zsh,
        ShellArg::Fish => Shell::Fish,
        ShellArg::Powershell => Shell::PowerShell,
    };
    let name = command_name(name);
    let mut cmd = visible_only(Cli::command(), name);
    let mut out = Vec::new();
    if shell == Shell::Bash {
        // clap_complete's bash script spells the state of a subcommand two ways when the bin
        // name has a hyphen (`oc__prunetags__subcmd__prune` in the loop that walks the words,
        // `oc__subcmd__prunetags__subcmd__prune` in the case arm), so nothing below the
        // subcommand ever completed (clap-rs/clap#6421, unfixed in 4.6.12). Generated for
        // `oc_prunetags`, both spellings agree; only the `complete` registration needs the real
        // command name back.
        let ident = name.replace('-', "_");
        clap_complete::generate(shell, &mut cmd, ident.as_str(), &mut out);
        let script = String::from_utf8_lossy(&out);
        return register_bash_for(&script, &ident, name);
    }
    clap_complete::generate(shell, &mut cmd, name, &mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// Rewrites the `complete -F _fn … ident` lines of a bash script to register `command`.
fn register_bash_for(script: &str, ident: &str, command: &str) -> String {
    let suffix = format!(" {ident}");
    script
        .lines()
        .map(|line| match line.strip_suffix(&suffix) {
            Some(head) if line.trim_start().starts_with("complete -F ") => {
                format!("{head} {command}\n")
            }
            _ => format!("{line}\n"),
        })
        .collect()
}

/// The command without its hidden subcommands: clap_complete offers hidden subcommands (`man`)
/// in every shell, and clap has no way to remove one, so the visible ones are copied into a new
/// command with the same arguments.
fn visible_only(cmd: clap::Command, name: &'static str) -> clap::Command {
    let visible: Vec<clap::Command> = cmd
        .get_subcommands()
        .filter(|s| !s.is_hide_set())
        .cloned()
        .collect();
    clap::Command::new(name)
        .bin_name(name)
        .version(env!("CARGO_PKG_VERSION"))
        .propagate_version(true)
        .disable_help_subcommand(true)
        .about(cmd.get_about().cloned().unwrap_or_default())
        .args(cmd.get_arguments().cloned())
        .subcommands(visible)
}

/// What the words typed so far mean, for completion.
#[derive(Debug, Default)]
struct Typed {
    /// The subcommand's canonical name, once one is typed.
    sub: Option<String>,
    /// Positional words after the subcommand (stream names already chosen).
    positionals: Vec<String>,
    /// The id of a flag waiting for its value (the partial word is that value).
    pending: Option<String>,
    connection: Connection,
    selector: Option<String>,
}

/// Answers `__complete WORDS… PARTIAL`: candidate lines then `:<directive>`. Never fails: on
/// any error it prints no candidates.
pub fn dynamic(words: &[String]) -> String {
    let (partial, typed_words) = match words.split_last() {
        Some((last, rest)) => (last.as_str(), rest),
        None => ("", words),
    };
    let mut root = Cli::command();
    root.build();
    let typed = parse_typed(&root, typed_words);
    let current = typed
        .sub
        .as_deref()
        .and_then(|s| root.find_subcommand(s))
        .unwrap_or(&root);

    let mut lines: Vec<String> = Vec::new();
    let mut directive = NO_FILE_COMP;
    if let Some(id) = &typed.pending {
        let arg = current
            .get_arguments()
            .chain(root.get_arguments())
            .find(|a| a.get_id().as_str() == id);
        if let Some(arg) = arg {
            let values = arg.get_possible_values();
            if !values.is_empty() {
                lines.extend(
                    values
                        .iter()
                        .filter(|v| !v.is_hide_set())
                        .map(|v| v.get_name().to_owned()),
                );
            } else if id == "kubeconfig" {
                directive = DEFAULT;
            } else if id == "context" {
                lines.extend(contexts(&typed.connection));
            }
        }
    } else if partial.starts_with('-') {
        let mut seen = std::collections::BTreeSet::new();
        for arg in current.get_arguments().chain(root.get_arguments()) {
            if arg.is_hide_set() {
                continue;
            }
            let Some(long) = arg.get_long() else { continue };
            if !seen.insert(long.to_owned()) {
                continue;
            }
            let help = arg
                .get_help()
                .map(|h| first_sentence(&h.to_string()))
                .unwrap_or_default();
            lines.push(with_help(&format!("--{long}"), &help));
        }
    } else if typed.sub.is_none() {
        for sub in root.get_subcommands().filter(|s| !s.is_hide_set()) {
            let help = sub
                .get_about()
                .map(|h| first_sentence(&h.to_string()))
                .unwrap_or_default();
            lines.push(with_help(sub.get_name(), &help));
        }
    } else {
        match typed.sub.as_deref() {
            Some("list" | "describe" | "prune" | "usage") => {
                lines.extend(
                    stream_names(&typed)
                        .into_iter()
                        .filter(|n| !typed.positionals.contains(n)),
                );
            }
            // The journal runs, newest first (read from disk: no cluster needed).
            Some("restore") if typed.positionals.is_empty() => {
                if let Ok(dir) = crate::journal::store::default_dir() {
                    let runs = crate::journal::store::list(&dir).unwrap_or_default();
                    lines.extend(runs.into_iter().rev().map(|e| e.id));
                }
            }
            Some("completion") if typed.positionals.is_empty() => {
                if let Some(arg) = current.get_positionals().next() {
                    lines.extend(
                        arg.get_possible_values()
                            .iter()
                            .map(|v| v.get_name().to_owned()),
                    );
                }
            }
            _ => {}
        }
    }
    let mut out = String::new();
    for line in lines.iter().filter(|l| l.starts_with(partial)) {
        out.push_str(line);
        out.push('\n');
    }
    out.push_str(&format!(":{directive}\n"));
    out
}

fn with_help(candidate: &str, help: &str) -> String {
    if help.is_empty() {
        candidate.to_owned()
    } else {
        format!("{candidate}\t{help}")
    }
}

fn first_sentence(s: &str) -> String {
    s.lines()
        .next()
        .unwrap_or_default()
        .trim_end_matches('.')
        .to_owned()
}

/// Walks the typed words the way clap would, leniently: flags, their values, the subcommand.
fn parse_typed(root: &clap::Command, words: &[String]) -> Typed {
    let mut t = Typed::default();
    let mut after_dashdash = false;
    for w in words {
        if let Some(id) = t.pending.take() {
            record(&mut t, &id, w);
            continue;
        }
        let current = t
            .sub
            .as_deref()
            .and_then(|s| root.find_subcommand(s))
            .unwrap_or(root);
        let find = |pred: &dyn Fn(&Arg) -> bool| -> Option<Arg> {
            current
                .get_arguments()
                .chain(root.get_arguments())
                .find(|a| pred(a))
                .cloned()
        };
        if after_dashdash || !w.starts_with('-') || w == "-" {
            match &t.sub {
                None => {
                    if let Some(sub) = root.find_subcommand(w) {
                        t.sub = Some(sub.get_name().to_owned());
                    }
                }
                Some(_) => t.positionals.push(w.clone()),
            }
        } else if w == "--" {
            after_dashdash = true;
        } else if let Some(long) = w.strip_prefix("--") {
            let (name, value) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v)),
                None => (long, None),
            };
            if let Some(arg) = find(&|a| a.get_long() == Some(name)) {
                let id = arg.get_id().as_str().to_owned();
                match value {
                    Some(v) => record(&mut t, &id, v),
                    None if arg.get_action().takes_values() => t.pending = Some(id),
                    None => record(&mut t, &id, ""),
                }
            }
        } else {
            let shorts = &w[1..];
            for (i, c) in shorts.char_indices() {
                let Some(arg) = find(&|a| a.get_short() == Some(c)) else {
                    break;
                };
                let id = arg.get_id().as_str().to_owned();
                if arg.get_action().takes_values() {
                    let rest = &shorts[i + c.len_utf8()..];
                    let rest = rest.strip_prefix('=').unwrap_or(rest);
                    if rest.is_empty() {
                        t.pending = Some(id);
                    } else {
                        record(&mut t, &id, rest);
                    }
                    break;
                }
                record(&mut t, &id, "");
            }
        }
    }
    t
}

/// Keeps the flags that choose the cluster and the streams.
fn record(t: &mut Typed, id: &str, value: &str) {
    let c = &mut t.connection;
    let v = Some(value.to_owned());
    match id {
        "kubeconfig" => c.kubeconfig = Some(value.into()),
        "context" => c.context = v,
        "cluster" => c.cluster = v,
        "user" => c.user = v,
        "namespace" => c.namespace = v,
        "all_namespaces" => c.all_namespaces = true,
        "as_user" => c.as_user = v,
        "as_group" => c.as_groups.push(value.to_owned()),
        "as_uid" => c.as_uid = v,
        "server" => c.server = v,
        "token" => c.token = v,
        "certificate_authority" => c.certificate_authority = Some(value.into()),
        "client_certificate" => c.client_certificate = Some(value.into()),
        "client_key" => c.client_key = Some(value.into()),
        "tls_server_name" => c.tls_server_name = v,
        "insecure_skip_tls_verify" => c.insecure_skip_tls_verify = true,
        "selector" => t.selector = v,
        _ => {}
    }
}

/// Context names of the kubeconfig (local, no request).
fn contexts(conn: &Connection) -> Vec<String> {
    let kc = match &conn.kubeconfig {
        Some(path) => kube::config::Kubeconfig::read_from(path),
        None => kube::config::Kubeconfig::read(),
    };
    kc.map(|kc| kc.contexts.into_iter().map(|c| c.name).collect())
        .unwrap_or_default()
}

/// Image stream names in the typed (or default) namespace; empty on any error or after the
/// deadline.
fn stream_names(t: &Typed) -> Vec<String> {
    let mut conn = t.connection.clone();
    conn.request_timeout = Some(CLUSTER_DEADLINE);
    let Ok(rt) = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    else {
        return Vec::new();
    };
    let selector = t.selector.clone();
    let names = rt.block_on(async move {
        tokio::time::timeout(CLUSTER_DEADLINE, async move {
            let cluster = crate::cluster::connect(&conn).await.ok()?;
            let scope = crate::cluster::Scope::of(&cluster);
            let streams =
                crate::cluster::list_image_streams(&cluster, &scope, selector.as_deref(), &[])
                    .await
                    .ok()?;
            Some(
                streams
                    .into_iter()
                    .filter_map(|s| s.metadata.name)
                    .collect::<Vec<_>>(),
            )
        })
        .await
        .ok()
        .flatten()
        .unwrap_or_default()
    });
    // Don't wait for connections the deadline abandoned.
    rt.shutdown_background();
    let mut names = names;
    names.sort();
    names.dedup();
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &[&str]) -> Vec<String> {
        s.iter().map(|w| w.to_string()).collect()
    }

    fn candidates(s: &[&str]) -> Vec<String> {
        dynamic(&words(s))
            .lines()
            .map(|l| l.split('\t').next().unwrap().to_owned())
            .collect()
    }

    #[test]
    fn subcommands_then_directive() {
        let c = candidates(&[""]);
        assert_eq!(
            c,
            [
                "list",
                "describe",
                "prune",
                "usage",
                "restore",
                "journal",
                "pin",
                "unpin",
                "policy",
                "report",
                "completion",
                ":4"
            ]
        );
        assert_eq!(candidates(&["p"]), ["prune", "pin", "policy", ":4"]);
        assert_eq!(candidates(&[]), candidates(&[""]));
    }

    #[test]
    fn flags_of_the_subcommand_and_global() {
        let c = candidates(&["prune", "--k"]);
        assert!(c.contains(&"--keep".to_owned()), "{c:?}");
        assert!(c.contains(&"--keep-revisions".to_owned()), "{c:?}");
        assert!(c.contains(&"--kubeconfig".to_owned()), "{c:?}");
        assert!(!c.contains(&"--history".to_owned()), "{c:?}");
        let c = candidates(&["--"]);
        assert!(c.contains(&"--namespace".to_owned()), "{c:?}");
    }

    #[test]
    fn flag_values() {
        assert_eq!(
            candidates(&["list", "-o", ""]),
            [
                "table", "wide", "json", "yaml", "name", "markdown", "html", ":4"
            ]
        );
        assert_eq!(candidates(&["list", "--color", "n"]), ["never", ":4"]);
        assert_eq!(candidates(&["--kubeconfig", ""]), [":0"]);
        assert_eq!(
            candidates(&["completion", ""]),
            ["bash", "zsh", "fish", "powershell", ":4"]
        );
    }

    #[test]
    fn typed_flags_choose_the_cluster() {
        let mut root = Cli::command();
        root.build();
        let t = parse_typed(
            &root,
            &words(&[
                "-nfoo",
                "prune",
                "--context=c",
                "--kubeconfig",
                "/k",
                "-l",
                "a=b",
                "myapp",
                "-A",
            ]),
        );
        assert_eq!(t.sub.as_deref(), Some("prune"));
        assert_eq!(t.connection.namespace.as_deref(), Some("foo"));
        assert_eq!(t.connection.context.as_deref(), Some("c"));
        assert_eq!(
            t.connection.kubeconfig.as_deref(),
            Some(std::path::Path::new("/k"))
        );
        assert_eq!(t.selector.as_deref(), Some("a=b"));
        assert!(t.connection.all_namespaces);
        assert_eq!(t.positionals, ["myapp"]);
        let t = parse_typed(&root, &words(&["ls"]));
        assert_eq!(t.sub.as_deref(), Some("list"));
    }
}
