//! Flags, parsed in one place into a plain [`Config`]. Nothing else in the crate knows about clap.
//!
//! kubectl passes a plugin's arguments through unchanged and refuses its own flags before the
//! plugin name, so the connection flags (`--kubeconfig`, `--context`, `-n`, `-A`, …) are ours and
//! mirror kubectl's spelling. They are global: `oc prunetags list -n foo` and
//! `oc prunetags -n foo list` both work.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::error::{Error, Result};

const AFTER_HELP: &str = "\
Exit codes:
  0  success
  1  runtime failure (cluster, API, a partial prune)
  2  usage error (bad flag, bad regex, unknown context)
  3  refused (prompt declined, or no TTY without --yes)
  130 interrupted (Ctrl-C at the prompt: nothing was deleted)
  101 internal error (a bug: one line on stderr; RUST_BACKTRACE=1 adds the backtrace)

Examples:
  oc prunetags list -l application=myapp
  oc prunetags list myapp --history
  oc-prunetags --demo list";

#[derive(Debug, Parser)]
#[command(
    name = "oc-prunetags",
    version,
    about = "See what your OpenShift ImageStreams hold, and prune stale semver tags safely.",
    after_help = AFTER_HELP,
    propagate_version = true,
    disable_help_subcommand = true
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: CommandArgs,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Path to the kubeconfig file (default: $KUBECONFIG, several files merged, else ~/.kube/config; in a pod, the service account).
    #[arg(help_heading = "Connection", long, global = true, value_name = "PATH")]
    pub kubeconfig: Option<PathBuf>,
    /// The kubeconfig context to use.
    #[arg(help_heading = "Connection", long, global = true, value_name = "NAME")]
    pub context: Option<String>,
    /// The kubeconfig cluster to use.
    #[arg(help_heading = "Connection", long, global = true, value_name = "NAME")]
    pub cluster: Option<String>,
    /// The kubeconfig user to use.
    #[arg(help_heading = "Connection", long, global = true, value_name = "NAME")]
    pub user: Option<String>,
    /// Namespace (default: the context's namespace, else "default").
    #[arg(
        help_heading = "Selection",
        short = 'n',
        long,
        global = true,
        value_name = "NAME"
    )]
    pub namespace: Option<String>,
    /// Across all namespaces.
    #[arg(
        help_heading = "Selection",
        short = 'A',
        long,
        global = true,
        conflicts_with = "namespace"
    )]
    pub all_namespaces: bool,
    /// Label selector for image streams, e.g. application=myapp.
    #[arg(
        help_heading = "Selection",
        short = 'l',
        long,
        global = true,
        value_name = "SELECTOR"
    )]
    pub selector: Option<String>,
    /// The API server's address, overriding the kubeconfig cluster's (as kubectl's --server).
    #[arg(
        help_heading = "Connection",
        short = 's',
        long,
        global = true,
        value_name = "URL"
    )]
    pub server: Option<String>,
    /// Bearer token for authentication, instead of the kubeconfig user's credentials.
    #[arg(help_heading = "Connection", long, global = true, value_name = "TOKEN")]
    pub token: Option<String>,
    /// Path to a PEM file of the certificate authorities to trust for the server.
    #[arg(help_heading = "Connection", long, global = true, value_name = "PATH")]
    pub certificate_authority: Option<PathBuf>,
    /// Path to a client certificate file (PEM) for TLS.
    #[arg(help_heading = "Connection", long, global = true, value_name = "PATH")]
    pub client_certificate: Option<PathBuf>,
    /// Path to the client certificate's key file (PEM) for TLS.
    #[arg(help_heading = "Connection", long, global = true, value_name = "PATH")]
    pub client_key: Option<PathBuf>,
    /// Server name to check the server's certificate against, when it differs from the host.
    #[arg(help_heading = "Connection", long, global = true, value_name = "NAME")]
    pub tls_server_name: Option<String>,
    /// Impersonate this user.
    #[arg(
        help_heading = "Connection",
        long = "as",
        global = true,
        value_name = "USER"
    )]
    pub as_user: Option<String>,
    /// Impersonate this group (repeat for several); needs --as.
    #[arg(
        help_heading = "Connection",
        long = "as-group",
        global = true,
        value_name = "GROUP"
    )]
    pub as_group: Vec<String>,
    /// Impersonate this UID; needs --as.
    #[arg(
        help_heading = "Connection",
        long = "as-uid",
        global = true,
        value_name = "UID"
    )]
    pub as_uid: Option<String>,
    /// How long to wait for one server request: 0 (no limit, but connecting gives up after 30s,
    /// as kubectl's does), 30s, 1m.
    #[arg(
        help_heading = "Connection",
        long,
        global = true,
        value_name = "DURATION",
        default_value = "0"
    )]
    pub request_timeout: String,
    /// When to colour output.
    #[arg(help_heading = "Output", long, global = true, value_enum, default_value_t = ColorArg::Auto)]
    pub color: ColorArg,
    /// Output format.
    #[arg(help_heading = "Output", short = 'o', long, global = true, value_enum, default_value_t = OutputArg::Table)]
    pub output: OutputArg,
    /// Do not print the header row of tables (as kubectl's --no-headers).
    #[arg(help_heading = "Output", long, global = true)]
    pub no_headers: bool,
    /// Log level, as kubectl's -v=N: 6 logs each request (method, URL, status, time), 7 adds
    /// request headers, 8 response headers and bodies (truncated); credentials are masked.
    /// A bare -v is 6, -vv is 8.
    #[arg(
        help_heading = "Output",
        short = 'v',
        long = "v",
        visible_alias = "loglevel",
        alias = "verbose",
        global = true,
        value_name = "N",
        num_args = 0..=1,
        default_missing_value = "v",
        default_value = "0",
        value_parser = parse_log_level
    )]
    pub verbose: u8,
    /// Do not check the server's certificate (insecure: prints a warning). Off by default.
    #[arg(help_heading = "Connection", long, global = true)]
    pub insecure_skip_tls_verify: bool,
    /// Run against a fresh simulated cluster (three streams: myapp, frontend, python) instead of yours; its changes vanish when the command ends.
    #[arg(help_heading = "Output", long, global = true)]
    pub demo: bool,
}

#[derive(Debug, Subcommand)]
pub enum CommandArgs {
    /// List image streams: one row per tag, or the revision history with --history.
    #[command(visible_alias = "ls")]
    List(ListArgs),
    /// Print the revision history of every tag, like `oc describe is` (same as `list --history`).
    Describe(DescribeArgs),
    /// Delete old semver tags per image stream, keeping the newest N; shows the plan and asks first.
    Prune(PruneArgs),
    /// Registry space per image stream, tag and revision; layers shared between images count once.
    Usage(UsageArgs),
    /// Print a shell completion script: bash, zsh, fish or powershell.
    #[command(after_help = COMPLETION_AFTER_HELP)]
    Completion(CompletionArgs),
    /// Print the man page (roff) to stdout; the release archive ships it as oc-prunetags.1.
    #[command(hide = true)]
    Man,
}

const COMPLETION_AFTER_HELP: &str = "\
Examples:
  source <(oc-prunetags completion bash)
  oc-prunetags completion zsh > \"${fpath[1]}/_oc-prunetags\"
  oc-prunetags completion fish > ~/.config/fish/completions/oc-prunetags.fish

`kubectl prunetags <TAB>` and `oc prunetags <TAB>` complete through the helper
scripts kubectl_complete-prunetags / oc_complete-prunetags (in completions/ and the
release archive): put them on PATH next to the plugin.";

#[derive(Debug, Args)]
pub struct CompletionArgs {
    /// The shell to write the script for.
    #[arg(value_enum)]
    pub shell: ShellArg,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ShellArg {
    Bash,
    Zsh,
    Fish,
    Powershell,
}

#[derive(Debug, Args)]
pub struct UsageArgs {
    /// Image streams to measure (default: all that match the selector).
    pub streams: Vec<String>,
    /// Show only the N image streams with the most unique bytes.
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = positive)]
    pub top: Option<u32>,
    /// One row per revision under each tag.
    #[arg(long)]
    pub revisions: bool,
    /// How many image reads to have in flight at once (one read per distinct image; reads
    /// are light, and a 429 is retried with backoff).
    #[arg(help_heading = "Speed", long, value_name = "N", default_value_t = 64, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub concurrency: u16,
}

/// `prune --order`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OrderArg {
    Semver,
    Created,
}

#[derive(Debug, Args)]
#[command(after_help = PRUNE_AFTER_HELP)]
pub struct PruneArgs {
    /// Image streams to prune (default: all that match the selector).
    pub streams: Vec<String>,
    /// How many of the newest versions to keep in each image stream (at least 1). Names of one
    /// version (1.2.3, v1.2.3, v1.2.3+b.5) take one place; pre-releases take none: those newer
    /// than the oldest kept release are kept, older ones are deleted.
    #[arg(help_heading = "Selection", long, value_name = "N", allow_negative_numbers = true, value_parser = positive)]
    pub keep: Option<u32>,
    /// Only tags whose whole name matches REGEX (anchored). With --order semver it narrows the
    /// versions (default: every semantic version, optional leading v).
    #[arg(help_heading = "Selection", long = "match", value_name = "REGEX")]
    pub match_regex: Option<String>,
    /// How to tell the newest: semver precedence (only versions are candidates), or created:
    /// the time of each tag's current image, which makes every --match tag a candidate
    /// (pr-123, build-456).
    #[arg(help_heading = "Selection", long, value_name = "ORDER", value_enum, default_value_t = OrderArg::Semver)]
    pub order: OrderArg,
    /// Keep tags whose current image is younger than this (e.g. 96h, 7d, 1h30m; 0 turns it
    /// off). The default is oc adm prune's 60m.
    #[arg(
        help_heading = "Protection",
        long,
        value_name = "DURATION",
        default_value = "1h"
    )]
    pub keep_younger_than: String,
    /// Delete tags even when a workload uses one of their images.
    #[arg(help_heading = "Protection", long)]
    pub ignore_in_use: bool,
    /// Namespaces that pull images from the pruned one (comma-separated); their workloads and
    /// spec tags protect too. Given, it replaces the discovery through image-puller RoleBindings.
    #[arg(
        help_heading = "Protection",
        long,
        value_name = "NS,...",
        value_delimiter = ','
    )]
    pub consumers: Option<Vec<String>>,
    /// Also trim the history of kept tags to the newest N revisions (needs update on imagestreams/status).
    #[arg(help_heading = "Selection", long, value_name = "N")]
    pub keep_revisions: Option<usize>,
    /// Show the plan and stop: nothing is written.
    #[arg(help_heading = "Confirmation", long)]
    pub dry_run: bool,
    /// Delete without asking (required when there is no terminal, e.g. in a CronJob).
    #[arg(
        help_heading = "Confirmation",
        short = 'y',
        long,
        conflicts_with = "dry_run"
    )]
    pub yes: bool,
    /// Choose which of the planned tags to delete.
    #[arg(help_heading = "Confirmation", short = 'i', long, conflicts_with_all = ["yes", "dry_run"])]
    pub interactive: bool,
    /// How many requests to have in flight at once.
    #[arg(help_heading = "Speed", long, value_name = "N", default_value_t = 16, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub concurrency: u16,
}

const PRUNE_AFTER_HELP: &str = "\
Which tags: per image stream, the semantic versions (optional leading v), newest by semver
precedence. --keep N keeps the N newest releases; names of one version (1.2.3, v1.2.3,
v1.2.3+b.5) take one place and are kept or deleted together; pre-releases take no place:
those newer than the oldest kept release stay, older ones are deleted. --match REGEX must
match the whole tag and narrows the versions; --order created orders every matched tag by
its current image's time instead (pr-123, build-456). Other tags (latest, prod) are never
touched.

Protected, and reported as the reason a tag is kept:
  - younger than --keep-younger-than (default 1h, as oc adm prune; 0 turns it off);
  - referenced by a spec tag in this or a consumer namespace: from an ImageStreamTag
    (v2.0.1, myapp:v2.0.1, with or without a namespace), an ImageStreamImage
    (myapp@sha256:...) or a DockerImage into the registry;
  - in use: an image of its history named by a pod, replication controller, deployment,
    replica set, stateful set, daemon set, job, cron job, deployment config, build or build
    config, by digest, by <any registry host>/<namespace>/<stream>:<tag>, by a short name
    when the stream has lookupPolicy.local, or by an image-change trigger;
    also in consumer namespaces: those whose service accounts are bound to an image-pulling
    role here (system:image-puller), or --consumers NS,...;
  - pinned: the annotation prunetags.openshift.io/keep=true on its spec tag, or its name in
    the stream's annotation prunetags.openshift.io/pinned (comma-separated).
What cannot be checked is a warning, and --yes then refuses unless --ignore-in-use.

After the confirmation the state is read again: only tags the same rules still delete, with
the same image in the same stream, are deleted, each decided again on the watched stream
right before its DELETE. SIGINT/SIGTERM stops new requests; the report is still printed.

Examples:
  oc prunetags prune --keep 5 -l application=myapp --dry-run
  oc prunetags prune myapp --keep 5 --keep-younger-than 96h
  oc prunetags prune --keep 10 --yes -o json      # unattended, e.g. in a CronJob";

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Image streams to show (default: all that match the selector).
    pub streams: Vec<String>,
    /// Print every revision under its tag, like `oc describe is`.
    #[arg(long)]
    pub history: bool,
}

#[derive(Debug, Args)]
pub struct DescribeArgs {
    /// Image streams to describe (default: all that match the selector).
    pub streams: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputArg {
    Table,
    Wide,
    Json,
    Yaml,
    Name,
}

/// How to reach the cluster: the kubectl flags, resolved.
#[derive(Clone, Debug, Default)]
pub struct Connection {
    pub kubeconfig: Option<PathBuf>,
    pub context: Option<String>,
    pub cluster: Option<String>,
    pub user: Option<String>,
    pub namespace: Option<String>,
    pub all_namespaces: bool,
    pub as_user: Option<String>,
    pub request_timeout: Option<Duration>,
    /// A kubeconfig held in memory (the `--demo` cluster): never written to disk.
    pub inline_kubeconfig: Option<String>,
    /// `--insecure-skip-tls-verify`: accept any server certificate (with a warning).
    pub insecure_skip_tls_verify: bool,
    /// `--as-group` (repeatable) and `--as-uid`: sent only with `--as`.
    pub as_groups: Vec<String>,
    pub as_uid: Option<String>,
    /// kubectl's overrides of the kubeconfig: `--server`, `--token`, `--certificate-authority`,
    /// `--client-certificate`, `--client-key`, `--tls-server-name` (see `cluster::overrides`).
    pub server: Option<String>,
    pub token: Option<String>,
    pub certificate_authority: Option<PathBuf>,
    pub client_certificate: Option<PathBuf>,
    pub client_key: Option<PathBuf>,
    pub tls_server_name: Option<String>,
    /// `-v=N`: 6 and up log every request on stderr (see `cluster::log`).
    pub log_level: u8,
}

#[derive(Clone, Debug)]
pub enum Command {
    /// Needs no cluster: print a completion script.
    Completion(ShellArg),
    /// Needs no cluster: print the man page.
    Man,
    List {
        streams: Vec<String>,
        history: bool,
    },
    Prune(Prune),
    Usage {
        streams: Vec<String>,
        top: Option<usize>,
        revisions: bool,
        concurrency: usize,
    },
}

/// `prune`, resolved.
#[derive(Clone, Debug)]
pub struct Prune {
    pub streams: Vec<String>,
    /// `None` with `keep_revisions` set: only trim history, delete no tag.
    pub keep: Option<usize>,
    pub selector: crate::version::TagSelector,
    pub keep_younger_than: Option<jiff::SignedDuration>,
    pub ignore_in_use: bool,
    /// `--consumers`: namespaces pulling from the pruned one; `None`: discover them.
    pub consumers: Option<Vec<String>>,
    pub keep_revisions: Option<usize>,
    pub dry_run: bool,
    pub yes: bool,
    pub interactive: bool,
    pub concurrency: usize,
}

/// Everything the program needs, free of clap.
#[derive(Clone, Debug)]
pub struct Config {
    pub connection: Connection,
    pub selector: Option<String>,
    pub output: OutputArg,
    pub color: ColorArg,
    pub no_headers: bool,
    pub verbose: u8,
    pub demo: bool,
    pub command: Command,
}

impl Cli {
    pub fn into_config(self) -> Result<Config> {
        let g = self.global;
        let request_timeout = parse_request_timeout(&g.request_timeout)?;
        if let Some(sel) = &g.selector {
            validate_selector(sel)?;
        }
        let command = match self.command {
            CommandArgs::List(a) => Command::List {
                streams: a.streams,
                history: a.history,
            },
            CommandArgs::Describe(a) => Command::List {
                streams: a.streams,
                history: true,
            },
            CommandArgs::Prune(a) => Command::Prune(prune_config(a)?),
            CommandArgs::Usage(a) => Command::Usage {
                streams: a.streams,
                top: a.top.map(|n| n as usize),
                revisions: a.revisions,
                concurrency: usize::from(a.concurrency),
            },
            CommandArgs::Completion(a) => Command::Completion(a.shell),
            CommandArgs::Man => Command::Man,
        };
        Ok(Config {
            connection: Connection {
                kubeconfig: g.kubeconfig,
                context: g.context,
                cluster: g.cluster,
                user: g.user,
                namespace: g.namespace,
                all_namespaces: g.all_namespaces,
                as_user: g.as_user,
                as_groups: g.as_group,
                as_uid: g.as_uid,
                request_timeout,
                inline_kubeconfig: None,
                insecure_skip_tls_verify: g.insecure_skip_tls_verify,
                server: g.server,
                token: g.token,
                certificate_authority: g.certificate_authority,
                client_certificate: g.client_certificate,
                client_key: g.client_key,
                tls_server_name: g.tls_server_name,
                log_level: g.verbose,
            },
            selector: g.selector,
            output: g.output,
            color: g.color,
            no_headers: g.no_headers,
            verbose: g.verbose,
            demo: g.demo,
            command,
        })
    }
}

fn prune_config(a: PruneArgs) -> Result<Prune> {
    if a.keep.is_none() && a.keep_revisions.is_none() {
        return Err(Error::usage(
            "say how many tags to keep in each image stream: --keep N (and/or --keep-revisions N)",
        ));
    }
    let selector = match &a.match_regex {
        Some(re) => crate::version::TagSelector::regex(re).map_err(|e| {
            Error::usage(format!("invalid --match regex {re:?}: {}", first_line(&e)))
        })?,
        None => crate::version::TagSelector::semver(),
    }
    .with_order(match a.order {
        OrderArg::Semver => crate::version::Order::Semver,
        OrderArg::Created => crate::version::Order::Created,
    });
    let keep_younger_than = match a.keep_younger_than.trim() {
        // As oc adm prune's --keep-younger-than=0: no age protection.
        "0" => None,
        d => Some(
            crate::duration::parse_duration(d)
                .map_err(|e| Error::usage(format!("invalid --keep-younger-than {d:?}: {e}")))?,
        )
        .filter(|d| !d.is_zero()),
    };
    let consumers = a.consumers.map(|list| {
        list.into_iter()
            .map(|n| n.trim().to_owned())
            .filter(|n| !n.is_empty())
            .collect::<Vec<_>>()
    });
    Ok(Prune {
        streams: a.streams,
        keep: a.keep.map(|n| n as usize),
        selector,
        keep_younger_than,
        ignore_in_use: a.ignore_in_use,
        consumers,
        keep_revisions: a.keep_revisions,
        dry_run: a.dry_run,
        yes: a.yes,
        interactive: a.interactive,
        concurrency: usize::from(a.concurrency),
    })
}

fn first_line(s: &str) -> String {
    // regex errors span several lines with a caret diagram; the last line says what is wrong.
    let last = s
        .lines()
        .rfind(|l| !l.trim().is_empty())
        .unwrap_or(s)
        .trim();
    last.strip_prefix("error: ").unwrap_or(last).to_owned()
}

/// kubectl's `--request-timeout`: a bare number is seconds, `0` means no limit.
pub fn parse_request_timeout(s: &str) -> Result<Option<Duration>> {
    let bad = || {
        Error::usage(format!(
            "invalid --request-timeout {s:?}: expected a duration like 30s, 1m or 0 for no limit"
        ))
    };
    let s = s.trim();
    if s.is_empty() {
        return Err(bad());
    }
    let (num, unit) = match s.find(|c: char| !c.is_ascii_digit() && c != '.') {
        Some(i) => s.split_at(i),
        None => (s, "s"),
    };
    let n: f64 = num.parse().map_err(|_| bad())?;
    let secs = match unit {
        "ms" => n / 1000.0,
        "s" => n,
        "m" => n * 60.0,
        "h" => n * 3600.0,
        _ => return Err(bad()),
    };
    if !secs.is_finite() || secs < 0.0 {
        return Err(bad());
    }
    if secs == 0.0 {
        return Ok(None);
    }
    // `from_secs_f64` panics past u64::MAX seconds: a typo must be a usage error, not a crash.
    Duration::try_from_secs_f64(secs)
        .map(Some)
        .map_err(|_| bad())
}

/// kubectl's `-v`/`--v`/`--loglevel` level: a number (klog's `Level`). The pre-kubectl counted
/// form stays: a bare `-v` is 6 (one line per request), `-vv` 8 (clap hands the extra `v`s over
/// as the value).
pub fn parse_log_level(s: &str) -> std::result::Result<u8, String> {
    let s = s.trim();
    if !s.is_empty() && s.chars().all(|c| c == 'v') {
        return Ok(if s.len() == 1 { 6 } else { 8 });
    }
    match s.parse::<u32>() {
        // klog accepts any int32; every level past 10 means "everything", as in kubectl.
        Ok(n) => Ok(n.min(u32::from(u8::MAX)) as u8),
        Err(_) => Err(format!(
            "{s:?} is not a log level: expected a number such as 6 (requests) or 8 (bodies)"
        )),
    }
}

/// Catches selectors the server would reject, so the user gets a usage error before any request.
fn validate_selector(sel: &str) -> Result<()> {
    let bad = |why: &str| Error::usage(format!("invalid label selector {sel:?}: {why}"));
    if sel.trim().is_empty() {
        return Err(bad("it is empty"));
    }
    for req in split_requirements(sel) {
        let req = req.trim();
        if req.is_empty() {
            return Err(bad("empty requirement"));
        }
        let key = req
            .trim_start_matches('!')
            .split(|c: char| c == '=' || c == '!' || c.is_whitespace())
            .next()
            .unwrap_or_default();
        if key.is_empty()
            || !key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c))
        {
            return Err(bad("a label key must be alphanumeric with - _ . /"));
        }
        let rest = req.trim_start_matches('!')[key.len()..].trim();
        let value = if let Some(v) = rest.strip_prefix("==").or_else(|| rest.strip_prefix("!=")) {
            Some(v)
        } else if let Some(v) = rest.strip_prefix('=') {
            Some(v)
        } else if rest.is_empty() {
            None
        } else if let Some(set) = ["in", "notin"]
            .iter()
            .find_map(|op| rest.strip_prefix(op))
            .filter(|r| r.starts_with([' ', '(']))
        {
            // apimachinery's set-based requirement: `key in (a,b)`, `key notin (a)`.
            let values = set
                .trim()
                .strip_prefix('(')
                .and_then(|v| v.strip_suffix(')'))
                .ok_or_else(|| bad("a set needs its values in parentheses: key in (a,b)"))?;
            for v in values.split(',').map(str::trim) {
                if !v
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
                {
                    return Err(bad("a label value must be alphanumeric with - _ ."));
                }
            }
            None
        } else {
            return Err(bad("expected =, ==, !=, in or notin after the key"));
        };
        if let Some(v) = value {
            let v = v.trim();
            if v.contains('=') || v.contains('!') || v.contains(' ') {
                return Err(bad("a label value cannot contain =, ! or spaces"));
            }
        }
    }
    Ok(())
}

/// A count of at least 1: `--keep -1` reads as a wrong number, not as an unknown flag.
fn positive(s: &str) -> std::result::Result<u32, String> {
    match s.trim().parse::<i128>() {
        Ok(n) if n >= 1 => u32::try_from(n).map_err(|_| format!("{n} is too large")),
        _ => Err("must be a positive number (1 or more)".into()),
    }
}

/// Splits on commas outside of `in (a,b)` parentheses.
fn split_requirements(sel: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut start) = (0usize, 0usize);
    for (i, c) in sel.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                out.push(&sel[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&sel[start..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_timeout_like_kubectl() {
        assert_eq!(parse_request_timeout("0").unwrap(), None);
        assert!(parse_request_timeout("99999999999999999999999999h").is_err());
        assert!(parse_request_timeout("1e400").is_err());
        assert_eq!(
            parse_request_timeout("5").unwrap(),
            Some(Duration::from_secs(5))
        );
        assert_eq!(
            parse_request_timeout("30s").unwrap(),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            parse_request_timeout("1m").unwrap(),
            Some(Duration::from_secs(60))
        );
        assert_eq!(
            parse_request_timeout("250ms").unwrap(),
            Some(Duration::from_millis(250))
        );
        for bad in ["", "abc", "-1s", "5x", "1d"] {
            assert!(parse_request_timeout(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn selectors() {
        for ok in [
            "application=myapp",
            "a==b",
            "a!=b",
            "a",
            "!a",
            "a in (x,y),b=c",
            "app.kubernetes.io/name=x",
        ] {
            validate_selector(ok).unwrap_or_else(|e| panic!("{ok}: {e}"));
        }
        for bad in ["", "application===x", "a=b=c", "=x", "a b", "a,,b"] {
            assert!(validate_selector(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn namespace_and_all_namespaces_conflict() {
        let r = Cli::try_parse_from(["oc-prunetags", "list", "-n", "x", "-A"]);
        assert!(r.is_err());
    }

    #[test]
    fn global_flags_after_the_subcommand() {
        let cli = Cli::try_parse_from(["oc-prunetags", "list", "myapp", "-n", "x", "-o", "json"])
            .unwrap();
        let cfg = cli.into_config().unwrap();
        assert_eq!(cfg.connection.namespace.as_deref(), Some("x"));
        assert_eq!(cfg.output, OutputArg::Json);
    }
}
