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
  oc prunetags --demo list";

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
    /// Bring back tags a prune deleted, from its journal, while their images still exist.
    #[command(after_help = RESTORE_AFTER_HELP)]
    Restore(RestoreArgs),
    /// The journals prune writes before deleting: list them, or show one.
    Journal(JournalArgs),
    /// Pin tags: prune never deletes them (the stream's prunetags.openshift.io/pinned annotation).
    Pin(PinArgs),
    /// Unpin tags pinned with `pin`.
    Unpin(PinArgs),
    /// Show or set the retention policy annotations of image streams (see prune --policy).
    #[command(subcommand)]
    Policy(PolicyCommand),
    /// Mail each namespace over a threshold its registry space, and a summary to the platform team.
    #[command(after_help = REPORT_AFTER_HELP)]
    Report(ReportArgs),
    /// Print a shell completion script: bash, zsh, fish or powershell.
    #[command(after_help = COMPLETION_AFTER_HELP)]
    Completion(CompletionArgs),
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
pub struct PinArgs {
    /// The tags, as STREAM:TAG (pushed tags too: the pin lives on the stream, not the spec tag).
    #[arg(required = true, value_name = "STREAM:TAG")]
    pub targets: Vec<String>,
    #[command(flatten)]
    pub confirm: WriteConfirm,
}

/// Confirming an annotation write.
#[derive(Debug, Args)]
pub struct WriteConfirm {
    /// Show the changes and stop: nothing is written.
    #[arg(help_heading = "Confirmation", long)]
    pub dry_run: bool,
    /// Write without asking (required when there is no terminal).
    #[arg(
        help_heading = "Confirmation",
        short = 'y',
        long,
        conflicts_with = "dry_run"
    )]
    pub yes: bool,
}

#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// The policy `prune --policy` applies to each image stream, and where each value comes from.
    Show(PolicyShowArgs),
    /// Write policy annotations on an image stream (a merge PATCH: needs patch on imagestreams).
    Set(PolicySetArgs),
}

#[derive(Debug, Args)]
pub struct PolicyShowArgs {
    /// Image streams to show (default: all that match the selector).
    pub streams: Vec<String>,
}

#[derive(Debug, Args)]
pub struct PolicySetArgs {
    /// The image stream.
    pub stream: String,
    /// prunetags.openshift.io/keep: how many of the newest versions to keep.
    #[arg(help_heading = "Policy", long, value_name = "N", allow_negative_numbers = true, value_parser = positive)]
    pub keep: Option<u32>,
    /// prunetags.openshift.io/match: only tags whose whole name matches REGEX.
    #[arg(help_heading = "Policy", long = "match", value_name = "REGEX")]
    pub match_regex: Option<String>,
    /// prunetags.openshift.io/order: semver or created.
    #[arg(help_heading = "Policy", long, value_name = "ORDER", value_enum)]
    pub order: Option<OrderArg>,
    /// prunetags.openshift.io/keep-younger-than: a duration (96h, 7d; 0 turns it off).
    #[arg(help_heading = "Policy", long, value_name = "DURATION")]
    pub keep_younger_than: Option<String>,
    /// prunetags.openshift.io/keep-revisions: trim kept tags' history to N revisions.
    #[arg(help_heading = "Policy", long, value_name = "N")]
    pub keep_revisions: Option<usize>,
    /// prunetags.openshift.io/disabled: true never prunes the stream.
    #[arg(help_heading = "Policy", long, value_name = "BOOL")]
    pub disabled: Option<bool>,
    /// Remove these settings' annotations (comma-separated: keep,match,order,...).
    #[arg(
        help_heading = "Policy",
        long,
        value_name = "SETTING,...",
        value_delimiter = ','
    )]
    pub unset: Vec<String>,
    #[command(flatten)]
    pub confirm: WriteConfirm,
}

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
    /// How many image reads to have in flight at once, at most (one read per distinct image;
    /// reads are light; when the server answers 429, fewer are sent until it stops).
    #[arg(help_heading = "Speed", long, value_name = "N", default_value_t = 128, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub concurrency: u16,
    /// One row per image stream (default), or per namespace: what only it holds (unique), what
    /// it shares with other namespaces, then its streams.
    #[arg(help_heading = "Output", long, value_enum, value_name = "WHAT", default_value_t = ByArg::Stream)]
    pub by: ByArg,
    /// With --by namespace: only namespaces holding more than SIZE of their own (unique bytes),
    /// e.g. 10GiB, 500MB.
    #[arg(help_heading = "Selection", long, value_name = "SIZE")]
    pub over: Option<String>,
    #[command(flatten)]
    pub namespaces: NamespacesArg,
}

const RESTORE_AFTER_HELP: &str = "\
For each tag of the journal (or of --tags): refused if a tag of that name exists now (unless
--force: the journal's revisions then go on top of it); else its revisions are re-created
oldest first through imagestreammappings (the server stamps each with the time of the
restore; the order is kept), then its spec tag. The images are read back: where the image
pruner already reclaimed them, what was re-created is removed again and the tag is reported
'already reclaimed by the image pruner'. So a restore works until the image pruner runs
(on OpenShift daily by default, sparing images younger than 60 minutes).

Needs create on imagestreammappings, get/update/delete on imagestreamtags and get on
imagestreams/layers (deploy/restore-rbac.yaml).

Examples:
  oc prunetags restore --dry-run                 # the newest journal of this context and namespace
  oc prunetags restore 20261202T044009.123Z_ctx_myproject --tags myapp:v2.0.1
  oc prunetags restore prune-log.json --yes      # a CronJob's -o json log is a journal too";

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// The journal: a run from `journal list`, or a file (a prune's -o json output is one).
    /// Default: the newest journal of the current context and namespace.
    pub journal: Option<String>,
    /// Only these tags (comma-separated stream:tag or namespace/stream:tag).
    #[arg(
        help_heading = "Selection",
        long,
        value_name = "STREAM:TAG,...",
        value_delimiter = ','
    )]
    pub tags: Option<Vec<String>>,
    /// Restore also where a tag of that name exists now: the journal's revisions go on top.
    #[arg(help_heading = "Protection", long)]
    pub force: bool,
    /// Show what would be restored and stop: nothing is written.
    #[arg(help_heading = "Confirmation", long)]
    pub dry_run: bool,
    /// Restore without asking (required when there is no terminal).
    #[arg(
        help_heading = "Confirmation",
        short = 'y',
        long,
        conflicts_with = "dry_run"
    )]
    pub yes: bool,
}

#[derive(Debug, Args)]
pub struct JournalArgs {
    #[command(subcommand)]
    pub command: JournalCommandArgs,
}

#[derive(Debug, Subcommand)]
pub enum JournalCommandArgs {
    /// The journals of past prunes, newest first: time, context, namespace, counts.
    #[command(visible_alias = "ls")]
    List,
    /// What one run deleted: every tag with its revisions and spec tag.
    Show {
        /// A run from `journal list`, or a journal file.
        run: String,
    },
}

/// `usage --by`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ByArg {
    Stream,
    Namespace,
}

/// The annotation naming a namespace's contacts, unless --contact-annotation says another.
pub const CONTACT_ANNOTATION: &str = "prunetags.openshift.io/contact";
/// The environment variable holding the SMTP password (or --smtp-password-file).
pub const SMTP_PASSWORD_ENV: &str = "PRUNETAGS_SMTP_PASSWORD";

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The SMTP server: smtps://HOST:465 (TLS), smtp://HOST:587?tls=required (STARTTLS),
    /// ?tls=opportunistic (STARTTLS if offered) or smtp://HOST:25 (plain: a warning unless on
    /// this machine); a user goes before the host (smtps://USER@HOST) and AUTHs only over
    /// TLS or to this machine, its password never on the command line:
    /// --smtp-password-file or $PRUNETAGS_SMTP_PASSWORD.
    #[arg(help_heading = "Output", long, value_name = "URL")]
    pub smtp: Option<String>,
    /// The sender address.
    #[arg(help_heading = "Output", long, value_name = "ADDR")]
    pub from: String,
    /// Where the summary of all namespaces goes (repeat for several).
    #[arg(help_heading = "Output", long, value_name = "ADDR")]
    pub platform_to: Vec<String>,
    /// The namespace annotation holding its contacts' addresses (comma-separated);
    /// openshift.io/requester counts too when it is an address.
    #[arg(help_heading = "Selection", long, value_name = "KEY", default_value = CONTACT_ANNOTATION)]
    pub contact_annotation: String,
    /// Only namespaces holding more than SIZE of their own (unique bytes), e.g. 10GiB, 500MB.
    #[arg(
        help_heading = "Selection",
        long,
        value_name = "SIZE",
        default_value = "0"
    )]
    pub over: String,
    /// A file holding the SMTP password (e.g. a mounted Secret).
    #[arg(help_heading = "Connection", long, value_name = "PATH")]
    pub smtp_password_file: Option<PathBuf>,
    /// A PEM file of certificate authorities to trust for the SMTP server, besides the
    /// system's (a relay with a certificate from a private CA).
    #[arg(help_heading = "Connection", long, value_name = "PATH")]
    pub smtp_ca: Option<PathBuf>,
    /// Print the mails instead of sending them.
    #[arg(help_heading = "Confirmation", long)]
    pub dry_run: bool,
    /// How many image reads to have in flight at once, at most (fewer while the server
    /// answers 429).
    #[arg(help_heading = "Speed", long, value_name = "N", default_value_t = 128, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub concurrency: u16,
    #[command(flatten)]
    pub namespaces: NamespacesArg,
}

/// `--namespaces`, as `usage` and `report` take it.
#[derive(Args, Clone, Debug, Default)]
pub struct NamespacesArg {
    /// Only these namespaces (comma-separated or repeated), each read with its own LIST; one
    /// that cannot be read is reported as not measured.
    // kubectl's and oc's -n takes one namespace (repeated, the last wins): a plural flag of
    // its own keeps that meaning, and conflicts with -n and -A as they conflict together.
    #[arg(
        help_heading = "Selection",
        long,
        value_name = "NAMES",
        value_delimiter = ',',
        conflicts_with_all = ["namespace", "all_namespaces"]
    )]
    pub namespaces: Vec<String>,
}

const REPORT_AFTER_HELP: &str = "\
Measures every image stream in scope (-A for the whole cluster, --namespaces a,b for a list)
as `usage --by namespace` does, then sends each namespace whose own (unique) bytes exceed
--over one mail, text and HTML, to the addresses in its contact annotation, and the summary to
--platform-to. Namespaces or streams that could not be measured are listed, never left out
silently. The SMTP connection (TLS, AUTH) is checked before the cluster is read.

Examples:
  oc prunetags report -A --over 10GiB --from registry@example.com --dry-run
  oc prunetags report -A --over 10GiB --smtp 'smtp://mailer@smtp.example.com:587?tls=required' \\
      --from registry@example.com --platform-to platform@example.com --smtp-password-file /etc/smtp/password";

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
    /// (default: semver)
    #[arg(help_heading = "Selection", long, value_name = "ORDER", value_enum)]
    pub order: Option<OrderArg>,
    /// Keep tags whose current image is younger than this (e.g. 96h, 7d, 1h30m; 0 turns it
    /// off). The default is oc adm prune's 60m.
    #[arg(help_heading = "Protection", long, value_name = "DURATION")]
    pub keep_younger_than: Option<String>,
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
    /// Apply each image stream's own policy annotations (prunetags.openshift.io/keep, match,
    /// order, keep-younger-than, keep-revisions, disabled), then its namespace's; the flags
    /// only give the defaults. Without it the flags are the policy.
    #[arg(help_heading = "Selection", long)]
    pub policy: bool,
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
    /// Write the journal (what restore needs) to this file, or into this directory (default:
    /// $XDG_STATE_HOME/oc-prunetags/, one file per run). Written before the first DELETE; if it
    /// cannot be, nothing is deleted.
    #[arg(help_heading = "Confirmation", long, value_name = "PATH")]
    pub journal: Option<PathBuf>,
    /// Prune without writing a journal (then only -o json output can undo the run).
    #[arg(help_heading = "Confirmation", long, conflicts_with = "journal")]
    pub no_journal: bool,
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

With --policy each stream's annotations prunetags.openshift.io/keep, match, order,
keep-younger-than, keep-revisions and disabled win over its namespace's, which win over the
flags; a malformed one skips that stream (a warning; exit 1). `policy show` prints them.

After the confirmation the state is read again: only tags the same rules still delete, with
the same image in the same stream, are deleted, each decided again on the watched stream
right before its DELETE. SIGINT/SIGTERM stops new requests; the report is still printed.

Examples:
  oc prunetags prune --keep 5 -l application=myapp --dry-run
  oc prunetags prune myapp --keep 5 --keep-younger-than 96h
  oc prunetags prune --keep 10 --yes -o json      # unattended, e.g. in a CronJob
  oc prunetags prune -A --policy --keep 10 --yes  # each stream's own rules, 10 by default";

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
    /// Markdown tables (`usage` only).
    Markdown,
    /// One self-contained HTML page with SVG bars (`usage` only).
    Html,
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
        /// `--by namespace`, with `--over` in bytes.
        by_namespace: bool,
        over: Option<u64>,
        /// `--namespaces`: read each of these (empty: the -n/-A scope).
        namespaces: Vec<String>,
    },
    /// `pin`/`unpin STREAM:TAG…`.
    Pin {
        targets: Vec<String>,
        unpin: bool,
        confirm: crate::policy::commands::Confirm,
    },
    PolicyShow {
        streams: Vec<String>,
    },
    /// `policy set`: annotation → value (`None` removes it).
    PolicySet {
        stream: String,
        annotations: std::collections::BTreeMap<String, Option<String>>,
        confirm: crate::policy::commands::Confirm,
    },
    Restore(Restore),
    /// Needs no cluster: `journal list|show`.
    Journal(JournalCommand),
    Report(Report),
}

/// `restore`, resolved.
#[derive(Clone, Debug)]
pub struct Restore {
    pub journal: Option<String>,
    pub tags: Option<Vec<String>>,
    pub force: bool,
    pub dry_run: bool,
    pub yes: bool,
}

#[derive(Clone, Debug)]
pub enum JournalCommand {
    List,
    Show { run: String },
}

/// Where `prune` writes its journal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JournalArg {
    /// The user's state directory.
    Default,
    /// `--journal PATH`.
    Path(PathBuf),
    /// `--no-journal`.
    Off,
}

/// `report`, resolved.
#[derive(Clone, Debug)]
pub struct Report {
    pub smtp: Option<crate::smtp::Endpoint>,
    pub from: String,
    pub platform_to: Vec<String>,
    pub contact_annotation: String,
    pub over: u64,
    pub smtp_password_file: Option<PathBuf>,
    pub smtp_ca: Option<PathBuf>,
    pub dry_run: bool,
    pub concurrency: usize,
    /// `--namespaces` (empty: the -n/-A scope).
    pub namespaces: Vec<String>,
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
    pub journal: JournalArg,
    /// `--policy`: the annotations win over the flags.
    pub policy: bool,
    /// The settings given as flags (not the defaults), for the policy's sources.
    pub flags: Box<crate::policy::Layer>,
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

/// The command line as the user typed it: `bin` is `oc prunetags` or `kubectl prunetags` (or the
/// executable's name), and the help shows that spelling in its usage lines and examples.
pub fn command(bin: &str) -> clap::Command {
    use clap::CommandFactory;
    // Only example lines (indented commands) change: prose naming both hosts stays as it is.
    let host = |text: String| {
        text.lines()
            .map(|l| match l.strip_prefix("  oc prunetags ") {
                Some(rest) => format!("  {bin} {rest}"),
                None => l.to_owned(),
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    let mut cmd = Cli::command().bin_name(bin.to_owned());
    if let Some(after) = cmd.get_after_help().map(|s| host(s.to_string())) {
        cmd = cmd.after_help(after);
    }
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_owned())
        .collect();
    for name in names {
        cmd = cmd.mut_subcommand(&name, |sub| {
            let mut sub = match sub.get_after_help().map(|s| host(s.to_string())) {
                Some(after) => sub.after_help(after),
                None => sub,
            };
            if name == "prune" {
                // --keep is what a first prune needs; clap's generated line shows no option.
                sub = sub.override_usage(format!(
                    "{bin} prune --keep N [OPTIONS] [STREAMS]...\n       \
                     {bin} prune --keep-revisions N [OPTIONS] [STREAMS]..."
                ));
            }
            sub
        });
    }
    cmd
}

impl Cli {
    pub fn into_config(self) -> Result<Config> {
        let g = self.global;
        let request_timeout = parse_request_timeout(&g.request_timeout)?;
        if let Some(sel) = &g.selector {
            validate_selector(sel)?;
        }
        if matches!(g.output, OutputArg::Markdown | OutputArg::Html)
            && !matches!(self.command, CommandArgs::Usage(_))
        {
            return Err(Error::usage(
                "-o markdown and -o html are for usage; use table, wide, json, yaml or name",
            ));
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
            CommandArgs::Restore(a) => Command::Restore(Restore {
                journal: a.journal,
                tags: a.tags.map(|t| {
                    t.into_iter()
                        .map(|n| n.trim().to_owned())
                        .filter(|n| !n.is_empty())
                        .collect()
                }),
                force: a.force,
                dry_run: a.dry_run,
                yes: a.yes,
            }),
            CommandArgs::Journal(a) => Command::Journal(match a.command {
                JournalCommandArgs::List => JournalCommand::List,
                JournalCommandArgs::Show { run } => JournalCommand::Show { run },
            }),
            CommandArgs::Pin(a) => pin_config(a, false)?,
            CommandArgs::Unpin(a) => pin_config(a, true)?,
            CommandArgs::Policy(PolicyCommand::Show(a)) => {
                Command::PolicyShow { streams: a.streams }
            }
            CommandArgs::Policy(PolicyCommand::Set(a)) => policy_set_config(a)?,
            CommandArgs::Usage(a) => {
                let over = a.over.as_deref().map(size_flag).transpose()?;
                if over.is_some() && a.by != ByArg::Namespace {
                    return Err(Error::usage("--over needs --by namespace"));
                }
                Command::Usage {
                    streams: a.streams,
                    top: a.top.map(|n| n as usize),
                    revisions: a.revisions,
                    concurrency: usize::from(a.concurrency),
                    by_namespace: a.by == ByArg::Namespace,
                    over,
                    namespaces: namespaces_flag(a.namespaces.namespaces)?,
                }
            }
            CommandArgs::Report(a) => Command::Report(report_config(a)?),
            CommandArgs::Completion(a) => Command::Completion(a.shell),
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

fn pin_config(a: PinArgs, unpin: bool) -> Result<Command> {
    for t in &a.targets {
        let ok = t
            .split_once(':')
            .is_some_and(|(s, t)| !s.is_empty() && !t.is_empty() && !t.contains(':'));
        if !ok {
            return Err(Error::usage(format!(
                "{t:?} is not STREAM:TAG: name the image stream and the tag, e.g. myapp:v2.0.3"
            )));
        }
    }
    Ok(Command::Pin {
        targets: a.targets,
        unpin,
        confirm: confirm_of(&a.confirm),
    })
}

fn confirm_of(c: &WriteConfirm) -> crate::policy::commands::Confirm {
    crate::policy::commands::Confirm {
        yes: c.yes,
        dry_run: c.dry_run,
    }
}

fn policy_set_config(a: PolicySetArgs) -> Result<Command> {
    use crate::policy::Key;
    let mut set: Vec<(Key, String)> = Vec::new();
    if let Some(n) = a.keep {
        set.push((Key::Keep, n.to_string()));
    }
    if let Some(re) = a.match_regex {
        set.push((Key::Match, re));
    }
    if let Some(o) = a.order {
        set.push((Key::Order, order_of(o).to_string()));
    }
    if let Some(d) = a.keep_younger_than {
        set.push((Key::KeepYoungerThan, d.trim().to_owned()));
    }
    if let Some(n) = a.keep_revisions {
        set.push((Key::KeepRevisions, n.to_string()));
    }
    if let Some(b) = a.disabled {
        set.push((Key::Disabled, b.to_string()));
    }
    let mut unset = Vec::new();
    for name in a.unset.iter().map(|n| n.trim()).filter(|n| !n.is_empty()) {
        let key = Key::from_name(name).ok_or_else(|| {
            Error::usage(format!(
                "invalid --unset {name:?}: expected keep, match, order, keep-younger-than, keep-revisions or disabled"
            ))
        })?;
        if set.iter().any(|(k, _)| *k == key) {
            return Err(Error::usage(format!(
                "--unset {name} and --{name} contradict each other: give one"
            )));
        }
        unset.push(key);
    }
    if set.is_empty() && unset.is_empty() {
        return Err(Error::usage(
            "say what to set: --keep, --match, --order, --keep-younger-than, --keep-revisions, --disabled or --unset",
        ));
    }
    // The same check prune --policy makes, so that nothing malformed is written.
    let annotations = crate::policy::commands::wanted_annotations(&set, &unset);
    let values: std::collections::BTreeMap<String, String> = annotations
        .iter()
        .filter_map(|(k, v)| v.clone().map(|v| (k.clone(), v)))
        .collect();
    if let Err(p) = crate::policy::parse(&values) {
        let flag = p.annotation.trim_start_matches(crate::policy::PREFIX);
        return Err(Error::usage(format!(
            "invalid --{flag} {:?}: it {}",
            p.value, p.problem
        )));
    }
    Ok(Command::PolicySet {
        stream: a.stream,
        annotations,
        confirm: confirm_of(&a.confirm),
    })
}

fn order_of(o: OrderArg) -> crate::version::Order {
    match o {
        OrderArg::Semver => crate::version::Order::Semver,
        OrderArg::Created => crate::version::Order::Created,
    }
}

fn prune_config(a: PruneArgs) -> Result<Prune> {
    // With --policy the annotations may say it; a stream that says nothing keeps every tag.
    if a.keep.is_none() && a.keep_revisions.is_none() && !a.policy {
        return Err(Error::usage(
            "say how many tags to keep in each image stream: --keep N (and/or --keep-revisions N), or --policy to use the streams' annotations",
        ));
    }
    let selector = match &a.match_regex {
        Some(re) => crate::version::TagSelector::regex(re)
            .map_err(|e| Error::usage(format!("invalid --match regex {re:?}: {}", e)))?,
        None => crate::version::TagSelector::semver(),
    }
    .with_order(order_of(a.order.unwrap_or(OrderArg::Semver)));
    let given_age = a.keep_younger_than.clone();
    let keep_younger_than = match a.keep_younger_than.as_deref().unwrap_or("1h").trim() {
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
    let flags = Box::new(crate::policy::Layer {
        keep: a.keep.map(|n| Some(n as usize)),
        match_regex: a.match_regex.clone(),
        order: a.order.map(order_of),
        keep_younger_than: given_age.map(|_| keep_younger_than.unwrap_or_default()),
        keep_revisions: a.keep_revisions.map(Some),
        disabled: None,
    });
    Ok(Prune {
        policy: a.policy,
        flags,
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
        journal: match (a.journal, a.no_journal) {
            (_, true) => JournalArg::Off,
            (Some(p), false) => JournalArg::Path(p),
            (None, false) => JournalArg::Default,
        },
    })
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

fn size_flag(text: &str) -> Result<u64> {
    crate::usage::parse_size(text).map_err(|e| Error::usage(format!("--over: {e}")))
}

fn report_config(a: ReportArgs) -> Result<Report> {
    let address = |flag: &str, text: &str| -> Result<()> {
        text.parse::<lettre::Address>()
            .map(drop)
            .map_err(|e| Error::usage(format!("invalid {flag} address {text:?}: {e}")))
    };
    address("--from", &a.from)?;
    if a.smtp.is_none() && !a.dry_run {
        return Err(Error::usage(
            "report needs --smtp URL to send the mails, or --dry-run to print them",
        ));
    }
    for to in &a.platform_to {
        address("--platform-to", to)?;
    }
    let smtp = a
        .smtp
        .as_deref()
        .map(crate::smtp::Endpoint::parse)
        .transpose()?;
    if a.smtp_ca.is_some()
        && !smtp
            .as_ref()
            .is_some_and(|e| e.security != crate::smtp::Security::Plain)
    {
        return Err(Error::usage(
            "--smtp-ca needs a TLS connection: smtps://HOST or smtp://HOST?tls=required",
        ));
    }
    Ok(Report {
        smtp,
        from: a.from,
        platform_to: a.platform_to,
        contact_annotation: a.contact_annotation,
        over: size_flag(&a.over)?,
        smtp_password_file: a.smtp_password_file,
        smtp_ca: a.smtp_ca,
        dry_run: a.dry_run,
        concurrency: usize::from(a.concurrency),
        namespaces: namespaces_flag(a.namespaces.namespaces)?,
    })
}

/// `--namespaces`: names as the API accepts them (DNS labels), each once, in the order given.
fn namespaces_flag(names: Vec<String>) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for name in names {
        let label = !name.is_empty()
            && name.len() <= 63
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !name.starts_with('-')
            && !name.ends_with('-');
        if !label {
            return Err(Error::usage(format!(
                "invalid namespace {name:?} in --namespaces: a namespace is a DNS label (lowercase letters, digits and '-', at most 63)"
            )));
        }
        if !out.contains(&name) {
            out.push(name);
        }
    }
    Ok(out)
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
