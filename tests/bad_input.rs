//! The bad-input matrix: one test per row, across flags, kubeconfig, cluster and data. Every
//! row checks the same contract: the documented exit code; on failure exactly one `error: …`
//! line on stderr (warnings may precede it), short and containing the expected words; never a
//! panic; and the simulator's image streams unchanged. Rows rejected while parsing flags must
//! also send no request at all. The same table is in TESTING.md.

mod harness;

use std::path::PathBuf;
use std::time::Duration;

use base64::Engine as _;
use harness::{Harness, Run};
use prunetags::model::ImageStream;
use prunetags::sim::{Override, Rule, Scenario, SimOptions};
use serde_json::{Value, json};

const NS: &str = "mynamespace";

/// What a row expects.
struct Expect {
    code: i32,
    /// Words the `error:` line must contain (ignored for exit 0).
    message: &'static str,
    /// Flag errors: rejected before any request.
    no_request: bool,
}

const fn fails(code: i32, message: &'static str) -> Expect {
    Expect {
        code,
        message,
        no_request: false,
    }
}

/// A runtime failure found before any request: `report`'s SMTP connection is checked before
/// the cluster is measured.
const fn fails_early(code: i32, message: &'static str) -> Expect {
    Expect {
        code,
        message,
        no_request: true,
    }
}

const fn usage(message: &'static str) -> Expect {
    Expect {
        code: 2,
        message,
        no_request: true,
    }
}

const OK: Expect = Expect {
    code: 0,
    message: "",
    no_request: false,
};

fn snapshot(h: &Harness) -> Value {
    let all: Vec<ImageStream> = ["mynamespace", "default", "other", "project-0"]
        .iter()
        .flat_map(|ns| h.sim.image_streams(ns))
        .collect();
    serde_json::to_value(all).unwrap()
}

/// Runs `args` (plus what `setup` returns, e.g. `--kubeconfig PATH`) and checks the contract.
fn check(h: Harness, setup: impl FnOnce(&Harness) -> Vec<String>, args: &[&str], want: Expect) {
    let extra = setup(&h);
    let before = snapshot(&h);
    let mut all: Vec<&str> = args.to_vec();
    all.extend(extra.iter().map(String::as_str));
    let run = h.run(&all);
    contract(&run, &want);
    assert_eq!(
        snapshot(&h),
        before,
        "the simulator's streams changed\nstderr: {}",
        run.stderr
    );
    if want.no_request {
        assert!(
            h.sim.requests().is_empty(),
            "rejected before any request, but sent {:?}",
            h.sim.requests()
        );
    }
}

fn contract(run: &Run, want: &Expect) {
    assert!(
        !run.stderr.contains("panicked") && !run.stderr.contains("internal error"),
        "{}",
        run.stderr
    );
    assert_eq!(
        run.code, want.code,
        "exit code\nstdout: {}\nstderr: {}",
        run.stdout, run.stderr
    );
    let lines: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| !l.trim().is_empty())
        .collect();
    let errors: Vec<&&str> = lines.iter().filter(|l| l.starts_with("error: ")).collect();
    if want.code == 0 {
        assert!(errors.is_empty(), "{}", run.stderr);
        return;
    }
    assert_eq!(errors.len(), 1, "one error line, got: {}", run.stderr);
    let others: Vec<&&str> = lines
        .iter()
        .filter(|l| !l.starts_with("error: ") && !l.starts_with("warning: "))
        .collect();
    assert!(
        others.is_empty(),
        "only warnings besides the error: {}",
        run.stderr
    );
    assert_eq!(
        lines.last(),
        errors.last().map(|v| &**v),
        "the error comes last"
    );
    let line = errors[0];
    assert!(line.len() < 500, "one clear line, not a dump: {line}");
    assert!(
        line.contains(want.message),
        "{:?} not in {line}",
        want.message
    );
}

macro_rules! matrix {
    ($( $name:ident: $harness:expr, $setup:expr, [$($arg:expr),* $(,)?] => $want:expr; )*) => {
        $(
            #[test]
            fn $name() {
                check($harness, $setup, &[$($arg),*], $want);
            }
        )*
        /// The row names, for the count check.
        const ROWS: &[&str] = &[$(stringify!($name)),*];
    };
}

/// The same rows, counted apart (a macro defines its `const` once).
macro_rules! matrix_journal {
    ($( $name:ident: $harness:expr, $setup:expr, [$($arg:expr),* $(,)?] => $want:expr; )*) => {
        $(
            #[test]
            fn $name() {
                check($harness, $setup, &[$($arg),*], $want);
            }
        )*
        const JOURNAL_ROWS: &[&str] = &[$(stringify!($name)),*];
    };
}

fn none(_: &Harness) -> Vec<String> {
    Vec::new()
}

fn seed() -> Harness {
    Harness::seed()
}

fn with(opts: SimOptions) -> Harness {
    Harness::new(opts)
}

/// `FLAG PATH` of a file holding `text`.
fn file_flag(h: &Harness, flag: &str, text: &str) -> Vec<String> {
    let p = h.dir.path().join("flag-file");
    std::fs::write(&p, text).unwrap();
    vec![flag.into(), p.to_string_lossy().into_owned()]
}

/// `--smtp` to a loopback port nothing listens on.
fn smtp_to_closed_port() -> Vec<String> {
    vec![
        "--smtp".into(),
        format!("smtps://127.0.0.1:{}", closed_port()),
    ]
}

// ---- kubeconfigs -------------------------------------------------------------------------------

fn write(h: &Harness, name: &str, text: &str) -> Vec<String> {
    let p = h.dir.path().join(name);
    std::fs::write(&p, text).unwrap();
    vec!["--kubeconfig".into(), p.to_string_lossy().into_owned()]
}

fn b64(s: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(s.as_bytes())
}

/// A kubeconfig for the simulator whose cluster and user entries are `cluster` and `user`.
fn kubeconfig(h: &Harness, name: &str, cluster: Value, user: Value) -> Vec<String> {
    let doc = json!({
        "apiVersion": "v1", "kind": "Config",
        "clusters": [{"name": "c", "cluster": cluster}],
        "users": [{"name": "u", "user": user}],
        "contexts": [{"name": "x", "context": {"cluster": "c", "user": "u", "namespace": NS}}],
        "current-context": "x",
    });
    let _ = &h.sim;
    write(h, name, &serde_yaml::to_string(&doc).unwrap())
}

fn sim_cluster(h: &Harness) -> Value {
    json!({"server": h.sim.url(), "certificate-authority-data": b64(h.sim.ca_pem())})
}

fn token_user(token: &str) -> Value {
    json!({ "token": token })
}

/// A namespace user allowed to read streams and workloads, plus `extra`.
fn as_user(h: &Harness, token: &str, extra: Vec<Rule>) -> Vec<String> {
    let mut rules = vec![Rule::new(
        &["get", "list", "watch"],
        &[
            "imagestreams",
            "imagestreamtags",
            "imagestreams/layers",
            "pods",
            "replicationcontrollers",
            "deployments",
            "replicasets",
            "statefulsets",
            "daemonsets",
            "jobs",
            "cronjobs",
            "deploymentconfigs",
            "builds",
            "buildconfigs",
            // To find the namespaces that pull from this one.
            "rolebindings",
        ],
        Some(&[NS]),
    )];
    rules.extend(extra);
    h.sim.add_user(token, token, rules);
    kubeconfig(h, token, sim_cluster(h), token_user(token))
}

/// Sets the policy annotation `prunetags.openshift.io/<key>` on a seed stream.
fn annotate(h: &Harness, stream: &str, key: &str, value: &str) -> Vec<String> {
    h.sim.with_store(|s| {
        let mut is = s.get_stream(NS, stream).unwrap();
        is.metadata
            .annotations
            .get_or_insert_with(Default::default)
            .insert(format!("prunetags.openshift.io/{key}"), value.to_owned());
        is.metadata.resource_version = None;
        s.update_stream(NS, stream, is).unwrap();
    });
    Vec::new()
}

fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

// ---- data --------------------------------------------------------------------------------------

fn ts(hours_ago: i64) -> String {
    (jiff::Timestamp::now() - jiff::SignedDuration::from_hours(hours_ago)).to_string()
}

fn digest(i: usize) -> String {
    format!("sha256:{:064x}", i + 1)
}

/// Adds a stream `name` to the store with the given spec and status tags (JSON).
fn add_stream(h: &Harness, name: &str, spec: Vec<Value>, status: Vec<Value>) {
    h.sim.with_store(|st| {
        let now = st.now();
        let s = st.create_stream_at(NS, name, &[("application", "odd")], now);
        s.spec.tags = Some(serde_json::from_value(Value::Array(spec)).unwrap());
        s.status.tags = Some(serde_json::from_value(Value::Array(status)).unwrap());
    });
}

fn status_tag(tag: &str, digests: &[usize], hours_ago: i64) -> Value {
    let items: Vec<Value> = digests
        .iter()
        .enumerate()
        .map(|(i, d)| {
            json!({"created": ts(hours_ago + i as i64), "dockerImageReference": format!("r/x@{}", digest(*d)),
                   "image": digest(*d), "generation": 1})
        })
        .collect();
    json!({"tag": tag, "items": items})
}

fn spec_tag(tag: &str) -> Value {
    json!({"name": tag, "from": {"kind": "DockerImage", "name": "quay.io/x/y:1"},
           "generation": 1, "importPolicy": {}, "referencePolicy": {"type": "Source"}})
}

fn odd_tags(h: &Harness) -> Vec<String> {
    let tags = [
        "v1.0.0",
        "v1.0.1-ünïcödé",
        "v1.0.2+build.💥",
        "-leading-dash",
        "tag with spaces",
        "%2Fslash",
        "v9.9.9-\u{202e}rtl",
        &"x".repeat(300),
        "v1.0.3",
        "v1.0.4",
        "v1.0.5",
        "v1.0.6",
        "v1.0.7",
    ];
    let status = tags
        .iter()
        .enumerate()
        .map(|(i, t)| status_tag(t, &[i], 200 + i as i64))
        .collect();
    add_stream(h, "odd", vec![], status);
    Vec::new()
}

fn thousands_of_tags(h: &Harness) -> Vec<String> {
    let status = (0..3000)
        .map(|i| status_tag(&format!("v1.{}.{}", i / 100, i % 100), &[i], 100 + i as i64))
        .collect();
    add_stream(h, "many", vec![], status);
    Vec::new()
}

fn empty_stream(h: &Harness) -> Vec<String> {
    add_stream(h, "empty", vec![], vec![]);
    vec!["empty".into()]
}

fn spec_only(h: &Harness) -> Vec<String> {
    add_stream(
        h,
        "speconly",
        (0..8).map(|i| spec_tag(&format!("v1.0.{i}"))).collect(),
        vec![],
    );
    vec!["speconly".into()]
}

fn status_only_null_items(h: &Harness) -> Vec<String> {
    let mut status: Vec<Value> = (0..8)
        .map(|i| status_tag(&format!("v1.0.{i}"), &[i], 100 + i as i64))
        .collect();
    status.push(json!({"tag": "v0.0.1", "items": null}));
    add_stream(h, "statusonly", vec![], status);
    vec!["statusonly".into()]
}

fn duplicate_digests(h: &Harness) -> Vec<String> {
    // Twelve versions, all the same image; two tags with the same digest twice in history.
    let mut status: Vec<Value> = (0..12)
        .map(|i| status_tag(&format!("v2.0.{i}"), &[7, 7], 100 + i as i64))
        .collect();
    status.push(status_tag("latest", &[7], 1));
    add_stream(h, "dups", vec![], status);
    vec!["dups".into()]
}

/// A fault seed whose 9th fault (the last of 1 + 8 retries) is a 500 or 503, not a reset.
/// Every fault a 500 or 503: concurrent requests draw from one fault sequence in whatever order
/// they arrive, so a seed cannot decide which fault ends which request.
fn only_5xx(h: &Harness) -> Vec<String> {
    h.sim.set_faults_5xx_only(true);
    Vec::new()
}

fn override_on(o: Override) -> impl FnOnce(&Harness) -> Vec<String> {
    move |h| {
        h.sim.set_response_override("/imagestreams", o);
        Vec::new()
    }
}

matrix! {
    // ---- flags: usage errors (exit 2), before any request
    keep_zero: seed(), none, ["prune", "--keep", "0", "--yes"] => usage("--keep");
    keep_negative: seed(), none, ["prune", "--keep", "-1", "--yes"] => usage("'-1' for '--keep <N>': must be a positive number");
    top_negative: seed(), none, ["usage", "--top", "-3"] => usage("must be a positive number");
    keep_not_a_number: seed(), none, ["prune", "--keep", "abc", "--yes"] => usage("abc");
    keep_huge: seed(), none, ["prune", "--keep", "99999999999999999999999", "--yes"] => usage("--keep");
    keep_missing: seed(), none, ["prune", "--yes"] => usage("--keep N");
    keep_revisions_not_a_number: seed(), none, ["prune", "--keep-revisions", "x", "--yes"] => usage("--keep-revisions");
    match_bad_regex: seed(), none, ["prune", "--keep", "5", "--match", "v(1", "--yes"] => usage("invalid --match regex");
    match_regex_too_big: seed(), none, ["prune", "--keep", "5", "--match", "(\\w{500}){500}", "--yes"] => usage("invalid --match regex");
    keep_younger_than_garbage: seed(), none, ["prune", "--keep", "5", "--keep-younger-than", "soon", "--yes"] => usage("invalid --keep-younger-than");
    keep_younger_than_negative: seed(), none, ["prune", "--keep", "5", "--keep-younger-than=-5h", "--yes"] => usage("negative duration");
    keep_younger_than_overflow: seed(), none, ["prune", "--keep", "5", "--keep-younger-than", "99999999999999999999w", "--yes"] => usage("too large");
    keep_younger_than_unit_twice: seed(), none, ["prune", "--keep", "5", "--keep-younger-than", "1h2h", "--yes"] => usage("invalid --keep-younger-than");
    request_timeout_garbage: seed(), none, ["list", "--request-timeout", "abc"] => usage("invalid --request-timeout");
    request_timeout_negative: seed(), none, ["list", "--request-timeout=-1s"] => usage("invalid --request-timeout");
    request_timeout_overflow: seed(), none, ["list", "--request-timeout", "99999999999999999999999999h"] => usage("invalid --request-timeout");
    unknown_subcommand: seed(), none, ["frobnicate"] => usage("frobnicate");
    unknown_flag: seed(), none, ["list", "--bogus"] => usage("--bogus");
    conflicting_yes_and_dry_run: seed(), none, ["prune", "--keep", "5", "--yes", "--dry-run"] => usage("cannot be used with");
    conflicting_interactive_and_yes: seed(), none, ["prune", "--keep", "5", "--interactive", "--yes"] => usage("cannot be used with");
    conflicting_all_namespaces_and_namespace: seed(), none, ["list", "-A", "-n", "x"] => usage("cannot be used with");
    concurrency_zero: seed(), none, ["prune", "--keep", "5", "--yes", "--concurrency", "0"] => usage("--concurrency");
    output_unknown: seed(), none, ["list", "-o", "xml"] => usage("xml");
    color_unknown: seed(), none, ["list", "--color", "rainbow"] => usage("rainbow");
    selector_invalid: seed(), none, ["prune", "--keep", "5", "--yes", "-l", "app===x"] => usage("invalid label selector");
    selector_set_unclosed: seed(), none, ["list", "-l", "application in (myapp"] => usage("a set needs its values in parentheses");
    selector_set_bad_value: seed(), none, ["list", "-l", "application notin (my app)"] => usage("invalid label selector");
    over_garbage: seed(), none, ["usage", "--by", "namespace", "--over", "lots"] => usage("--over: invalid size");
    over_unknown_unit: seed(), none, ["usage", "--by", "namespace", "--over", "10parsecs"] => usage("unknown unit");
    over_without_by_namespace: seed(), none, ["usage", "--over", "10GiB"] => usage("--over needs --by namespace");
    markdown_for_list: seed(), none, ["list", "-o", "markdown"] => usage("-o markdown and -o html are for usage");
    report_bad_from: seed(), none, ["report", "--from", "not an address", "--dry-run"] => usage("invalid --from address");
    report_password_in_url: seed(), none, ["report", "--smtp", "smtp://u:secret@127.0.0.1:1", "--from", "r@example.com"] => usage("--smtp must not hold a password");
    report_user_without_password: seed(), none, ["report", "--smtp", "smtp://u@127.0.0.1:1", "--from", "r@example.com"] => usage("needs a password");
    report_without_smtp: seed(), none, ["report", "--from", "r@example.com"] => usage("report needs --smtp URL to send the mails, or --dry-run");
    report_smtp_tls_unknown: seed(), none, ["report", "--smtp", "smtp://127.0.0.1:1?tls=yes", "--from", "r@example.com"] => usage("?tls= takes required or opportunistic");
    report_smtps_with_tls: seed(), none, ["report", "--smtp", "smtps://127.0.0.1:1?tls=required", "--from", "r@example.com"] => usage("smtps:// is TLS from the first byte and takes no ?tls=");
    report_auth_in_clear: seed(), none, ["report", "--smtp", "smtp://u@smtp.example.com", "--from", "r@example.com"] => usage("refusing to send the password of SMTP user \"u\" to smtp.example.com:25 unencrypted");
    report_auth_opportunistic: seed(), none, ["report", "--smtp", "smtp://u@smtp.example.com?tls=opportunistic", "--from", "r@example.com"] => usage("refusing to send the password of SMTP user \"u\" to smtp.example.com:587 unencrypted");
    report_smtp_ca_without_tls: seed(), none, ["report", "--smtp", "smtp://127.0.0.1:1", "--smtp-ca", "ca.pem", "--from", "r@example.com"] => usage("--smtp-ca needs a TLS connection");
    report_smtp_ca_missing: seed(), none, ["report", "--smtp", "smtps://127.0.0.1:1", "--smtp-ca", "/nonexistent/ca.pem", "--from", "r@example.com"] => fails_early(1, "cannot read --smtp-ca /nonexistent/ca.pem");
    report_smtp_ca_not_pem: seed(), |h: &Harness| file_flag(h, "--smtp-ca", "not a certificate"), ["report", "--smtp", "smtps://127.0.0.1:1", "--from", "r@example.com"] => fails_early(1, "holds no PEM certificate");
    report_password_file_missing: seed(), none, ["report", "--smtp", "smtps://u@127.0.0.1:1", "--smtp-password-file", "/nonexistent/password", "--from", "r@example.com"] => fails_early(1, "cannot read --smtp-password-file /nonexistent/password");
    namespaces_and_all_namespaces: seed(), none, ["usage", "--namespaces", "a,b", "-A"] => usage("cannot be used with");
    namespaces_and_namespace: seed(), none, ["usage", "--namespaces", "a", "-n", "b"] => usage("cannot be used with");
    namespaces_invalid: seed(), none, ["usage", "--namespaces", "team-a,Team_B"] => usage("invalid namespace \"Team_B\" in --namespaces");
    namespaces_empty_name: seed(), none, ["report", "--namespaces", "a,,b", "--from", "r@example.com", "--dry-run"] => usage("invalid namespace \"\" in --namespaces");
    report_smtp_unreachable: seed(), |_: &Harness| smtp_to_closed_port(), ["report", "--from", "r@example.com"] => fails_early(1, "cannot send mail: cannot connect to 127.0.0.1:");
    usage_top_zero: seed(), none, ["usage", "--top", "0"] => usage("--top");

    // ---- kubeconfig: usage errors (exit 2) unless the server answers
    kubeconfig_missing: seed(), |h: &Harness| vec!["--kubeconfig".into(), h.dir.path().join("nope").to_string_lossy().into_owned()], ["list"] => usage("cannot read the kubeconfig");
    kubeconfig_empty: seed(), |h: &Harness| write(h, "empty", ""), ["list"] => usage("kubeconfig");
    kubeconfig_malformed_yaml: seed(), |h: &Harness| write(h, "bad", "apiVersion: v1\nclusters: [ {name: x\n  : : :\n"), ["list"] => usage("not valid YAML");
    kubeconfig_wrong_shape: seed(), |h: &Harness| write(h, "shape", "clusters: 42\nusers: nope\n"), ["list"] => usage("kubeconfig");
    kubeconfig_unknown_context: seed(), none, ["prune", "--keep", "5", "--yes", "--context", "nope"] => usage("context \"nope\" not found");
    kubeconfig_unknown_cluster: seed(), none, ["list", "--cluster", "nope"] => usage("cluster \"nope\"");
    kubeconfig_unknown_user: seed(), none, ["list", "--user", "nope"] => usage("user \"nope\" not found");
    kubeconfig_missing_client_cert_file: seed(), |h: &Harness| kubeconfig(h, "certfile", sim_cluster(h), json!({"client-certificate": "/nonexistent/cert.pem", "client-key": "/nonexistent/key.pem"})), ["list"] => usage("client certificate");
    kubeconfig_missing_ca_file: seed(), |h: &Harness| kubeconfig(h, "cafile", json!({"server": h.sim.url(), "certificate-authority": "/nonexistent/ca.pem"}), token_user("t")), ["list"] => usage("certificate authority");
    kubeconfig_server_url_invalid: seed(), |h: &Harness| kubeconfig(h, "url", json!({"server": "ht!tp://::nope"}), token_user("t")), ["list"] => usage("server URL");
    kubeconfig_expired_token: seed(), |h: &Harness| kubeconfig(h, "expired", sim_cluster(h), token_user("sha256~expired-long-ago")), ["prune", "--keep", "5", "--yes"] => fails(1, "unauthorized (401)");

    // ---- cluster: runtime failures (exit 1)
    cluster_connection_refused: seed(), |h: &Harness| kubeconfig(h, "closed", json!({"server": format!("https://127.0.0.1:{}", closed_port()), "certificate-authority-data": b64(h.sim.ca_pem())}), token_user("t")), ["prune", "--keep", "5", "--yes"] => fails(1, "connection refused");
    cluster_tls_mismatch: seed(), |h: &Harness| kubeconfig(h, "otherca", json!({"server": h.sim.url(), "certificate-authority-data": b64(&prunetags::sim::tls::generate().unwrap().ca_pem)}), token_user(h.sim.admin_token())), ["prune", "--keep", "5", "--yes"] => fails(1, "TLS verification failed");
    cluster_401: seed(), |h: &Harness| kubeconfig(h, "unknown", sim_cluster(h), token_user("sha256~unknown")), ["list"] => fails(1, "unauthorized (401)");
    cluster_403_list: seed(), |h: &Harness| { h.sim.add_user("nolist", "nolist", vec![Rule::new(&["get"], &["imagestreams"], Some(&[NS]))]); kubeconfig(h, "nolist", sim_cluster(h), token_user("nolist")) }, ["prune", "--keep", "5", "--yes"] => fails(1, "you may not list imagestreams");
    cluster_403_delete: seed(), |h: &Harness| as_user(h, "viewer", vec![]), ["prune", "--keep", "5", "--yes", "-o", "json"] => fails(1, "could not be pruned");
    cluster_403_update_status: seed(), |h: &Harness| as_user(h, "editor", vec![Rule::new(&["delete"], &["imagestreamtags"], Some(&[NS]))]), ["prune", "myapp", "--keep-revisions", "1", "--yes", "-o", "json"] => fails(1, "could not be pruned");
    cluster_403_list_pods: seed(), |h: &Harness| { h.sim.add_user("nopods", "nopods", vec![Rule::new(&["get", "list", "delete"], &["imagestreams", "imagestreamtags", "imagestreams/layers"], Some(&[NS]))]); kubeconfig(h, "nopods", sim_cluster(h), token_user("nopods")) }, ["prune", "--keep", "5", "--yes"] => fails(3, "refusing to delete unattended");
    cluster_404_stream: seed(), none, ["prune", "nope", "--keep", "5", "--yes"] => fails(1, "image stream \"nope\" not found");
    cluster_404_namespace_typo_list: seed(), none, ["list", "nope", "gone"] => fails(1, "image streams \"nope\", \"gone\" not found");
    cluster_api_group_missing: seed(), |h: &Harness| { h.sim.set_image_api(false); Vec::new() }, ["prune", "--keep", "5", "--yes"] => fails(1, "does not serve image.openshift.io/v1");
    cluster_malformed_json: seed(), override_on(Override::MalformedJson), ["prune", "--keep", "5", "--yes"] => fails(1, "not a valid imagestreams object");
    cluster_truncated_body: seed(), override_on(Override::Truncated), ["list"] => fails(1, "cannot reach the cluster");
    cluster_10mb_invalid_response: seed(), override_on(Override::HugeInvalid(10 << 20)), ["prune", "--keep", "5", "--yes"] => fails(1, "not a valid imagestreams object");
    cluster_10mb_valid_response: seed(), override_on(Override::Huge(10 << 20)), ["list", "-o", "name"] => OK;
    cluster_slow_past_request_timeout: with(SimOptions { latency: Duration::from_millis(1500), ..SimOptions::default() }), none, ["prune", "--keep", "5", "--yes", "--request-timeout", "300ms"] => fails(1, "timed out");
    cluster_5xx_every_time: with(SimOptions { fail_rate: 1.0, ..SimOptions::default() }), only_5xx, ["prune", "--keep", "5", "--yes"] => fails(1, "the server failed (5");
    cluster_429_every_time: with(SimOptions { max_inflight: Some(0), ..SimOptions::default() }), none, ["list"] => fails(1, "too many requests (429)");

    // ---- data: exit 0, nothing written by reads and dry runs
    data_odd_tag_names_list: seed(), odd_tags, ["list", "-l", "application=odd"] => OK;
    data_odd_tag_names_prune_dry_run: seed(), odd_tags, ["prune", "odd", "--keep", "2", "--dry-run", "-o", "json"] => OK;
    data_thousands_of_tags_list: seed(), thousands_of_tags, ["list", "many"] => OK;
    data_thousands_of_tags_prune_dry_run: seed(), thousands_of_tags, ["prune", "many", "--keep", "5", "--dry-run"] => OK;
    data_empty_stream: seed(), empty_stream, ["list", "--history"] => OK;
    data_empty_stream_prune: seed(), empty_stream, ["prune", "--keep", "1", "--yes"] => OK;
    data_spec_only_tags: seed(), spec_only, ["prune", "--keep", "1", "--yes"] => OK;
    data_status_only_tags: seed(), status_only_null_items, ["prune", "--keep", "20", "--dry-run", "-o", "yaml"] => OK;
    data_duplicate_digests: seed(), duplicate_digests, ["usage", "--revisions"] => OK;
    data_duplicate_digests_prune_dry_run: seed(), duplicate_digests, ["prune", "--keep", "3", "--dry-run"] => OK;
    data_empty_namespace: with(SimOptions { scenario: Scenario::Empty, ..SimOptions::default() }), none, ["prune", "--keep", "5", "--yes"] => OK;

    // ---- policies (#18)
    policy_set_bad_match: seed(), none, ["policy", "set", "myapp", "--match", "v(1", "--yes"] => usage("invalid --match \"v(1\": it is not a valid regex");
    policy_set_negative_duration: seed(), none, ["policy", "set", "myapp", "--keep-younger-than=-1h", "--yes"] => usage("negative duration");
    policy_set_keep_zero: seed(), none, ["policy", "set", "myapp", "--keep", "0", "--yes"] => usage("must be a positive number");
    policy_set_nothing: seed(), none, ["policy", "set", "myapp", "--yes"] => usage("say what to set");
    policy_set_unset_unknown: seed(), none, ["policy", "set", "myapp", "--unset", "bogus", "--yes"] => usage("invalid --unset \"bogus\"");
    policy_set_403_patch: seed(), |h: &Harness| as_user(h, "nopatch", vec![]), ["policy", "set", "myapp", "--keep", "3", "--yes"] => fails(1, "you may not patch imagestreams");
    policy_set_all_namespaces: seed(), none, ["policy", "set", "myapp", "--keep", "3", "--yes", "-A"] => fails(2, "use -n NAMESPACE instead of -A");
    policy_show_malformed: seed(), |h: &Harness| annotate(h, "myapp", "keep", "abc"), ["policy", "show"] => fails(1, "1 image stream has a malformed policy");
    pin_not_stream_tag: seed(), none, ["pin", "myapp", "--yes"] => usage("\"myapp\" is not STREAM:TAG");
    pin_unknown_tag: seed(), none, ["pin", "myapp:v9.9.9", "--yes"] => fails(1, "has no tag \"v9.9.9\"");
    prune_policy_malformed_annotation: seed(), |h: &Harness| annotate(h, "myapp", "match", "v(2"), ["prune", "--policy", "--keep", "5", "--yes"] => fails(1, "1 image stream skipped: a policy annotation is malformed or could not be read");
    prune_policy_namespace_unreadable: seed(), |h: &Harness| as_user(h, "nonamespace", vec![Rule::new(&["delete"], &["imagestreamtags"], Some(&[NS]))]), ["prune", "--policy", "--keep", "5", "--yes"] => fails(1, "3 image streams skipped: a policy annotation is malformed or could not be read");
}

// ---- journal and restore (#17)

/// A prune of myapp as admin, so that a journal exists; returns the journal's path.
fn pruned(h: &Harness) -> String {
    let run = h.run(&["prune", "myapp", "--keep", "5", "--yes"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let dir = h.dir.path().join(".local/state/oc-prunetags");
    let file = std::fs::read_dir(dir).unwrap().flatten().next().unwrap();
    file.path().to_string_lossy().into_owned()
}

fn journal_of_prune(h: &Harness) -> Vec<String> {
    vec![pruned(h)]
}

/// A journal, and a user who may read but not create imagestreammappings.
fn journal_and_viewer(h: &Harness) -> Vec<String> {
    let mut args = vec![pruned(h)];
    args.extend(as_user(h, "viewer", vec![]));
    args
}

fn not_a_journal(h: &Harness) -> Vec<String> {
    let p = h.dir.path().join("inventory.json");
    std::fs::write(&p, r#"{"apiVersion": "prunetags.openshift.io/v1alpha2", "kind": "ImageStreamInventory", "items": []}"#).unwrap();
    vec![p.to_string_lossy().into_owned()]
}

matrix_journal! {
    journal_unwritable: seed(), none, ["prune", "--keep", "5", "--yes", "--journal", "/dev/null/x/run.json"] => fails(1, "nothing was deleted");
    journal_and_no_journal: seed(), none, ["prune", "--keep", "5", "--yes", "--journal", "x", "--no-journal"] => usage("cannot be used with");
    restore_unknown_journal: seed(), none, ["restore", "nope", "--yes"] => usage("no journal \"nope\"");
    restore_no_journal_yet: seed(), none, ["restore", "--yes"] => usage("no journal of a prune in context");
    restore_not_a_journal: seed(), not_a_journal, ["restore", "--yes"] => fails(1, "is not a journal of oc-prunetags");
    restore_tag_not_in_journal: seed(), journal_of_prune, ["restore", "--yes", "--tags", "myapp:v9.9.9"] => fails(2, "the journal holds no tag myapp:v9.9.9");
    restore_without_terminal_or_yes: seed(), journal_of_prune, ["restore"] => fails(3, "refusing to restore 16 tags in context");
    restore_403_mappings: seed(), journal_and_viewer, ["restore", "--yes"] => fails(1, "you may not create imagestreammappings");
    journal_show_unknown: seed(), none, ["journal", "show", "nope"] => usage("no journal \"nope\"");
}

#[test]
fn the_matrix_has_at_least_40_rows() {
    assert!(ROWS.len() >= 40, "{}", ROWS.len());
    let testing =
        std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("TESTING.md"))
            .unwrap_or_default();
    let missing: Vec<&&str> = ROWS
        .iter()
        .chain(JOURNAL_ROWS)
        .filter(|r| !testing.contains(&format!("`{r}`")))
        .collect();
    assert!(
        missing.is_empty(),
        "rows missing from TESTING.md: {missing:?}"
    );
}

/// Spec-only and empty streams with `--yes`: nothing to prune means nothing written, and the
/// odd tags' prune deletes only versions (`-leading-dash` & co. are never candidates).
#[test]
fn odd_tag_names_prune_deletes_only_stale_versions() {
    let h = Harness::seed();
    odd_tags(&h);
    let before = h.tags("odd");
    let run = h.run(&["prune", "odd", "--keep", "2", "--yes", "-o", "json"]);
    contract(&run, &OK);
    let after = h.tags("odd");
    let gone: Vec<&String> = before.iter().filter(|t| !after.contains(t)).collect();
    assert!(
        gone.iter().all(|t| prunetags::version::is_version(t)),
        "{gone:?}"
    );
    for t in [
        "-leading-dash",
        "tag with spaces",
        "%2Fslash",
        "v1.0.1-ünïcödé",
    ] {
        assert!(
            after.contains(&t.to_owned()) || !prunetags::version::is_version(t),
            "{t}"
        );
    }
    assert_eq!(
        after
            .iter()
            .filter(|t| prunetags::version::is_version(t))
            .count(),
        2,
        "{after:?}"
    );
}
