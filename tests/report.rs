//! The weekly report end to end: `usage --by namespace` (table, json, markdown, html with SVG
//! bars checked against the figures), and `report` mailing a real SMTP server on loopback
//! (Python's aiosmtpd, installed by .ci/setup) through the built binary, against the simulator
//! holding namespaces created with annotations the way OpenShift keeps them.

mod common;
mod harness;

use std::collections::BTreeMap;
use std::net::{IpAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use harness::Harness;
use prunetags::sim::scenario::{make_image, sha_digest};
use prunetags::sim::{Scenario, SimOptions};
use serde_json::{Value, json};

const MB: u64 = 1_000_000;
/// A base layer every team's images share.
const BASE: u64 = 50 * MB;

/// (namespace, annotations, bytes of its own layer): team-c is under any threshold the tests
/// use; team-d's requester is a user name, not an address, as OpenShift writes it.
fn teams() -> Vec<(&'static str, Value, u64)> {
    vec![
        (
            "team-a",
            json!({"prunetags.openshift.io/contact": "alice@example.com, ops-a@example.com"}),
            300 * MB,
        ),
        (
            "team-b",
            json!({"openshift.io/requester": "bob@example.com"}),
            120 * MB,
        ),
        (
            "team-c",
            json!({"prunetags.openshift.io/contact": "carol@example.com"}),
            5 * MB,
        ),
        (
            "team-d",
            json!({"openshift.io/requester": "admin"}),
            200 * MB,
        ),
    ]
}

fn cluster() -> Harness {
    let h = Harness::new(SimOptions {
        scenario: Scenario::Empty,
        ..SimOptions::default()
    });
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let client = common::client(&h.sim, h.sim.admin_token()).await;
        for (ns, annotations, _) in teams() {
            let body = json!({"apiVersion": "v1", "kind": "Namespace",
                "metadata": {"name": ns, "annotations": annotations}});
            let (code, got) = common::send(
                &client,
                "POST",
                "/api/v1/namespaces",
                None,
                Some(&body.to_string()),
            )
            .await;
            assert_eq!(code, 201, "{got}");
            // The real server answers a GET with the annotations it was sent (recording
            // seed-001-create-namespace-myproject).
            let (_, got) = common::send(
                &client,
                "GET",
                &format!("/api/v1/namespaces/{ns}"),
                None,
                None,
            )
            .await;
            assert_eq!(got["metadata"]["annotations"], annotations);
        }
    });
    for (ns, _, own) in teams() {
        for (stream, tag, share) in [("app", "v1", 2), ("app", "v2", 1), ("tools", "latest", 0)] {
            // `own` is split over app:v1 (2/3) and app:v2 (1/3); tools:latest is only the base.
            let layer = sha_digest(&format!("{ns} {stream} {tag}"));
            let mut layers = vec![(sha_digest("base"), BASE as i64)];
            if share > 0 {
                layers.push((layer, (own * share / 3) as i64));
            }
            let digest = sha_digest(&format!("image {ns} {stream} {tag}"));
            let image = make_image(
                &digest,
                &format!("image-registry.openshift-image-registry.svc:5000/{ns}/{stream}@{digest}"),
                &sha_digest(&format!("config {ns} {stream} {tag}")),
                layers,
                jiff::Timestamp::now(),
            );
            h.sim.push(ns, stream, tag, image);
        }
    }
    h
}

fn json_of(h: &Harness, args: &[&str]) -> Value {
    let out = h.run(args);
    assert_eq!(out.code, 0, "{}", out.stderr);
    serde_json::from_str(&out.stdout).unwrap()
}

#[test]
fn by_namespace_counts_what_only_each_team_holds_and_over_keeps_the_big_ones() {
    let h = cluster();
    let doc = json_of(&h, &["usage", "-A", "--by", "namespace", "-o", "json"]);
    assert_eq!(doc["kind"], "NamespaceUsageReport");
    let rows = doc["namespaces"].as_array().unwrap();
    let names: Vec<&str> = rows
        .iter()
        .map(|n| n["namespace"].as_str().unwrap())
        .collect();
    // Sorted by unique bytes; "default" holds nothing and is not a row.
    assert_eq!(names, ["team-a", "team-d", "team-b", "team-c"]);
    for (ns, _, own) in teams() {
        let row = rows.iter().find(|r| r["namespace"] == ns).unwrap();
        // Integer division in `cluster()`: what was pushed, summed the same way.
        let own = own * 2 / 3 + own / 3;
        assert_eq!(row["unique"], own, "{ns}");
        assert_eq!(row["shared"], BASE, "{ns}: the base layer is shared by all");
        assert_eq!(row["total"], own + BASE, "{ns}");
        assert_eq!(row["images"], 3, "{ns}");
        assert_eq!(row["tags"], 3, "{ns}");
        assert_eq!(row["streams"].as_array().unwrap().len(), 2, "{ns}");
    }
    let total: u64 = teams()
        .iter()
        .map(|(_, _, own)| own * 2 / 3 + own / 3)
        .sum();
    assert_eq!(doc["total"], total + BASE);

    let doc = json_of(
        &h,
        &[
            "usage",
            "-A",
            "--by",
            "namespace",
            "--over",
            "150MB",
            "-o",
            "json",
        ],
    );
    let names: Vec<&str> = doc["namespaces"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["namespace"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["team-a", "team-d"]);
    assert_eq!(doc["underThreshold"], 2);

    let table = h.run(&["usage", "-A", "--by", "namespace", "--over", "150MB"]);
    table.assert_ok();
    assert!(
        table.stdout.contains("team-a") && !table.stdout.contains("team-b"),
        "{}",
        table.stdout
    );
    assert!(
        table
            .stdout
            .contains("2 namespaces with no more than 150MB"),
        "{}",
        table.stdout
    );

    let md = h.run(&[
        "usage",
        "-A",
        "--by",
        "namespace",
        "--revisions",
        "-o",
        "markdown",
    ]);
    md.assert_ok();
    assert!(
        md.stdout
            .contains("| team-a | 3 | 3 | 350MB | 300MB | 50MB |"),
        "{}",
        md.stdout
    );
    assert!(md.stdout.contains("## team-b"), "{}", md.stdout);
    assert!(md.stdout.contains("| app:v1 |"), "{}", md.stdout);
}

/// Every bar of every chart: (chart class, label, unique width, shared width).
fn bars(html: &str) -> Vec<(String, String, f64, f64)> {
    let xml = svg_only(html);
    let doc = roxmltree::Document::parse(&xml).expect("the SVG charts are XML");
    let mut out = Vec::new();
    for svg in doc.descendants().filter(|n| n.has_tag_name("svg")) {
        let class = svg.attribute("class").unwrap().to_owned();
        for g in svg.children().filter(|n| n.has_tag_name("g")) {
            let width = |c: &str| -> f64 {
                g.children()
                    .find(|r| r.has_tag_name("rect") && r.attribute("class") == Some(c))
                    .unwrap()
                    .attribute("width")
                    .unwrap()
                    .parse()
                    .unwrap()
            };
            let label = g.attribute("data-name").unwrap().to_owned();
            out.push((class.clone(), label, width("unique"), width("shared")));
        }
    }
    out
}

/// The `<svg>` elements of the page, in one XML root (the page around them is HTML, not XML).
fn svg_only(html: &str) -> String {
    let mut out = String::from("<charts>");
    let mut rest = html;
    while let Some(start) = rest.find("<svg") {
        let end = rest[start..].find("</svg>").unwrap() + start + "</svg>".len();
        out.push_str(&rest[start..end]);
        rest = &rest[end..];
    }
    out + "</charts>"
}

#[test]
fn html_bars_are_to_scale_with_the_figures() {
    let h = cluster();
    let doc = json_of(&h, &["usage", "-A", "--by", "namespace", "-o", "json"]);
    let out = h.run(&["usage", "-A", "--by", "namespace", "-o", "html"]);
    out.assert_ok();
    let html = &out.stdout;
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(!html.contains("<script") && !html.contains("src=\"http") && !html.contains("<link"));
    let all = bars(html);
    let rows = doc["namespaces"].as_array().unwrap();
    let max = rows
        .iter()
        .map(|r| r["total"].as_u64().unwrap())
        .max()
        .unwrap() as f64;
    let ns_bars: Vec<_> = all.iter().filter(|b| b.0 == "namespaces").collect();
    assert_eq!(ns_bars.len(), rows.len());
    for row in rows {
        let name = row["namespace"].as_str().unwrap();
        let bar = ns_bars.iter().find(|b| b.1 == name).unwrap();
        let want = |k: &str| row[k].as_u64().unwrap() as f64 / max * 400.0;
        assert!(
            (bar.2 - want("unique")).abs() < 0.01,
            "{name} unique: {} vs {}",
            bar.2,
            want("unique")
        );
        assert!(
            (bar.3 - want("shared")).abs() < 0.01,
            "{name} shared: {} vs {}",
            bar.3,
            want("shared")
        );
        // Each namespace's stream chart, scaled to its own largest stream.
        let streams = row["streams"].as_array().unwrap();
        let smax = streams
            .iter()
            .map(|s| s["total"].as_u64().unwrap())
            .max()
            .unwrap() as f64;
        let charts: Vec<_> = all.iter().filter(|b| b.0 == "streams").collect();
        for s in streams {
            let sname = s["name"].as_str().unwrap();
            let want = s["unique"].as_u64().unwrap() as f64 / smax * 400.0;
            assert!(
                charts
                    .iter()
                    .any(|b| b.1 == sname && (b.2 - want).abs() < 0.01),
                "{name}/{sname}: no bar of width {want}"
            );
        }
    }
    // The per-stream view has its chart too.
    let out = h.run(&["usage", "-A", "-o", "html"]);
    out.assert_ok();
    assert!(bars(&out.stdout).iter().any(|b| b.0 == "streams"));
}

fn support() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/report_support")
}

/// The AUTH user and password tls_server.py accepts.
const USER: &str = "mailer";
const PASSWORD: &str = "s3cret pass";

/// A private CA and a certificate it signed for 127.0.0.1, as files in a test's directory.
struct Pki {
    ca: PathBuf,
    cert: PathBuf,
    key: PathBuf,
}

impl Pki {
    fn new(dir: &Path) -> Pki {
        use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, SanType};
        let ca_key = KeyPair::generate().unwrap();
        let mut ca = CertificateParams::default();
        ca.distinguished_name
            .push(DnType::CommonName, "platform mail CA");
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let ca_pem = ca.self_signed(&ca_key).unwrap().pem();
        let issuer = Issuer::new(ca, ca_key);
        let key = KeyPair::generate().unwrap();
        let mut leaf = CertificateParams::default();
        leaf.distinguished_name
            .push(DnType::CommonName, "smtp relay");
        leaf.subject_alt_names
            .push(SanType::IpAddress("127.0.0.1".parse().unwrap()));
        let cert_pem = leaf.signed_by(&key, &issuer).unwrap().pem();
        let pki = Pki {
            ca: dir.join("mail-ca.pem"),
            cert: dir.join("smtp.crt"),
            key: dir.join("smtp.key"),
        };
        std::fs::write(&pki.ca, ca_pem).unwrap();
        std::fs::write(&pki.cert, cert_pem).unwrap();
        std::fs::write(&pki.key, key.serialize_pem()).unwrap();
        pki
    }
}

/// aiosmtpd on a free loopback port, recording into a JSON-lines file.
struct SmtpServer {
    child: Child,
    port: u16,
    log: PathBuf,
}

impl SmtpServer {
    /// Whether python3 has aiosmtpd; outside CI a missing one skips the test with a note, in CI
    /// it fails it.
    fn installed() -> bool {
        let installed = Command::new("python3")
            .args(["-c", "import aiosmtpd"])
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !installed {
            if std::env::var("CI").as_deref() == Ok("true") {
                panic!("python3 with aiosmtpd is not installed: .ci/setup installs it");
            }
            eprintln!(
                "skipping: python3 with aiosmtpd is not installed (bash .ci/setup installs it)"
            );
        }
        installed
    }

    /// Plain SMTP, no AUTH: aiosmtpd's own command line with the recorder.
    fn start(dir: &Path) -> Option<SmtpServer> {
        SmtpServer::start_on(dir, IpAddr::from([127, 0, 0, 1]))
    }

    /// [`SmtpServer::start`] listening on `ip`.
    fn start_on(dir: &Path, ip: IpAddr) -> Option<SmtpServer> {
        SmtpServer::spawn(dir, ip, |port, log| {
            let mut cmd = Command::new("python3");
            cmd.args(["-m", "aiosmtpd", "-n", "-l", &format!("{ip}:{port}")])
                .args(["-c", "recorder.Recorder"])
                .arg(log);
            cmd
        })
    }

    /// TLS (`starttls` or `implicit`) with a certificate of `pki`'s CA for 127.0.0.1, and AUTH
    /// required as USER with PASSWORD (tests/report_support/tls_server.py).
    fn start_tls(dir: &Path, mode: &str, pki: &Pki) -> Option<SmtpServer> {
        SmtpServer::spawn(dir, IpAddr::from([127, 0, 0, 1]), |port, log| {
            let mut cmd = Command::new("python3");
            cmd.arg(support().join("tls_server.py"))
                .args([mode, &port.to_string()])
                .args([&pki.cert, &pki.key])
                .args([USER, PASSWORD])
                .arg(log);
            cmd
        })
    }

    fn spawn(
        dir: &Path,
        ip: IpAddr,
        command: impl FnOnce(u16, &Path) -> Command,
    ) -> Option<SmtpServer> {
        if !SmtpServer::installed() {
            return None;
        }
        let port = TcpListener::bind((ip, 0))
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let log = dir.join(format!("mails-{port}.jsonl"));
        let child = command(port, &log)
            .env("PYTHONPATH", support())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 with aiosmtpd (.ci/setup installs it)");
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect((ip, port)).is_err() {
            assert!(Instant::now() < deadline, "aiosmtpd did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        Some(SmtpServer { child, port, log })
    }

    fn mails(&self) -> Vec<Value> {
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn report_mails_each_team_over_the_threshold_and_the_platform_a_summary() {
    let h = cluster();
    let Some(smtp) = SmtpServer::start(h.dir.path()) else {
        return;
    };
    let url = format!("smtp://127.0.0.1:{}", smtp.port);
    let out = h.run(&[
        "report",
        "-A",
        "--over",
        "100MB",
        "--smtp",
        &url,
        "--from",
        "registry@example.com",
        "--platform-to",
        "platform@example.com",
    ]);
    out.assert_ok();
    let mails = smtp.mails();
    let by_rcpt: BTreeMap<String, &Value> = mails
        .iter()
        .map(|m| {
            (
                m["rcpt_tos"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|r| r.as_str().unwrap())
                    .collect::<Vec<_>>()
                    .join(","),
                m,
            )
        })
        .collect();
    // team-a by its contact annotation (two addresses), team-b by its requester; team-c is
    // under the threshold and team-d has no address: neither gets a mail.
    assert_eq!(
        by_rcpt.keys().collect::<Vec<_>>(),
        [
            "alice@example.com,ops-a@example.com",
            "bob@example.com",
            "platform@example.com"
        ],
        "{}",
        out.stdout
    );
    for m in &mails {
        assert_eq!(m["mail_from"], "registry@example.com");
        assert_eq!(m["content_type"], "multipart/alternative");
        let parts = m["parts"].as_object().unwrap();
        assert!(
            parts.contains_key("text/plain") && parts.contains_key("text/html"),
            "{m}"
        );
        assert!(!m["rcpt_tos"].to_string().contains("carol"));
    }
    let a = by_rcpt["alice@example.com,ops-a@example.com"];
    assert_eq!(
        a["subject"],
        "Registry space of team-a: 300MB of its own, 350MB in total"
    );
    let text = a["parts"]["text/plain"].as_str().unwrap();
    assert!(
        text.contains("## team-a") && text.contains("| app:v1 |"),
        "{text}"
    );
    assert!(
        !text.contains("team-b"),
        "a team sees only its own namespace: {text}"
    );
    let html = a["parts"]["text/html"].as_str().unwrap();
    assert!(
        html.contains("<svg") && html.contains("data-name=\"app\""),
        "{html}"
    );
    let b = by_rcpt["bob@example.com"];
    assert!(
        b["subject"]
            .as_str()
            .unwrap()
            .starts_with("Registry space of team-b: 120MB")
    );
    let summary = by_rcpt["platform@example.com"];
    assert_eq!(
        summary["subject"],
        "Registry space report: 3 namespaces over 100MB"
    );
    let text = summary["parts"]["text/plain"].as_str().unwrap();
    assert!(text.contains("team-d: not mailed (no address)"), "{text}");
    assert!(
        text.contains("| team-a |") && !text.contains("| team-c |"),
        "{text}"
    );
    assert!(
        summary["parts"]["text/html"]
            .as_str()
            .unwrap()
            .contains("class=\"namespaces\"")
    );
}

#[test]
fn report_dry_run_prints_the_mails_and_sends_nothing() {
    let h = cluster();
    let Some(smtp) = SmtpServer::start(h.dir.path()) else {
        return;
    };
    let url = format!("smtp://127.0.0.1:{}", smtp.port);
    let out = h.run(&[
        "report",
        "-A",
        "--over",
        "100MB",
        "--smtp",
        &url,
        "--from",
        "registry@example.com",
        "--dry-run",
    ]);
    out.assert_ok();
    assert!(
        out.stdout
            .contains("To: alice@example.com, ops-a@example.com"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("Subject: Registry space of team-b"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("multipart/alternative"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("2 mails not sent (--dry-run)"),
        "{}",
        out.stdout
    );
    assert!(smtp.mails().is_empty());
}

/// `report -A --over 100MB` to `url` as registry@example.com, with `extra` flags and the
/// password in $PRUNETAGS_SMTP_PASSWORD when given; the simulator's request log is cleared
/// first, so that `h.sim.requests()` is what this run asked.
fn report(h: &Harness, url: &str, password: Option<&str>, extra: &[&str]) -> harness::Run {
    let mut cmd = h.command();
    cmd.args(["report", "-A", "--over", "100MB", "--smtp", url])
        .args(["--from", "registry@example.com"])
        .args(["--platform-to", "platform@example.com"])
        .args(extra);
    cmd.env_remove("PRUNETAGS_SMTP_PASSWORD");
    if let Some(p) = password {
        cmd.env("PRUNETAGS_SMTP_PASSWORD", p);
    }
    h.sim.reset_requests();
    harness::run(cmd, Duration::from_secs(60))
}

fn recipients(smtp: &SmtpServer) -> Vec<String> {
    let mut to: Vec<String> = smtp
        .mails()
        .iter()
        .map(|m| m["rcpt_tos"].to_string())
        .collect();
    to.sort();
    to
}

const DELIVERED: [&str; 3] = [
    r#"["alice@example.com","ops-a@example.com"]"#,
    r#"["bob@example.com"]"#,
    r#"["platform@example.com"]"#,
];

#[test]
fn starttls_and_auth_deliver_through_a_relay_with_a_private_ca() {
    let h = cluster();
    let pki = Pki::new(h.dir.path());
    let Some(smtp) = SmtpServer::start_tls(h.dir.path(), "starttls", &pki) else {
        return;
    };
    let password_file = h.dir.path().join("smtp-password");
    // A mounted Secret often ends in a newline; it is not part of the password.
    std::fs::write(&password_file, format!("{PASSWORD}\n")).unwrap();
    let url = format!("smtp://{USER}@127.0.0.1:{}?tls=required", smtp.port);
    let ca = pki.ca.to_str().unwrap();
    let file = password_file.to_str().unwrap();
    let out = report(
        &h,
        &url,
        None,
        &["--smtp-ca", ca, "--smtp-password-file", file],
    );
    out.assert_ok();
    assert!(!out.stderr.contains("warning"), "{}", out.stderr);
    assert_eq!(recipients(&smtp), DELIVERED, "{}", out.stdout);
    // ?tls=opportunistic takes the STARTTLS on offer: the server takes AUTH only after it.
    let url = format!("smtp://{USER}@127.0.0.1:{}?tls=opportunistic", smtp.port);
    let out = report(&h, &url, Some(PASSWORD), &["--smtp-ca", ca]);
    out.assert_ok();
    assert_eq!(smtp.mails().len(), 6);
}

#[test]
fn implicit_tls_delivers() {
    let h = cluster();
    let pki = Pki::new(h.dir.path());
    let Some(smtp) = SmtpServer::start_tls(h.dir.path(), "implicit", &pki) else {
        return;
    };
    let url = format!("smtps://{USER}@127.0.0.1:{}", smtp.port);
    let out = report(
        &h,
        &url,
        Some(PASSWORD),
        &["--smtp-ca", pki.ca.to_str().unwrap()],
    );
    out.assert_ok();
    assert_eq!(recipients(&smtp), DELIVERED, "{}", out.stdout);
}

#[test]
fn a_wrong_password_fails_in_one_line_before_the_cluster_is_read() {
    let h = cluster();
    let pki = Pki::new(h.dir.path());
    let Some(smtp) = SmtpServer::start_tls(h.dir.path(), "starttls", &pki) else {
        return;
    };
    let url = format!("smtp://{USER}@127.0.0.1:{}?tls=required", smtp.port);
    let started = Instant::now();
    let out = report(
        &h,
        &url,
        Some("wrong"),
        &["--smtp-ca", pki.ca.to_str().unwrap()],
    );
    out.assert_error(
        1,
        &format!(
            "cannot send mail: the SMTP server 127.0.0.1:{} rejected user \"mailer\" (535 5.7.8 Authentication credentials invalid)",
            smtp.port
        ),
    );
    assert!(started.elapsed() < Duration::from_secs(10));
    assert!(smtp.mails().is_empty());
    assert_eq!(
        h.sim
            .requests()
            .iter()
            .map(|r| r.path.clone())
            .collect::<Vec<_>>(),
        Vec::<String>::new(),
        "nothing measured"
    );
}

#[test]
fn an_untrusted_certificate_fails_in_one_line_naming_smtp_ca() {
    let h = cluster();
    let pki = Pki::new(h.dir.path());
    let Some(smtp) = SmtpServer::start_tls(h.dir.path(), "starttls", &pki) else {
        return;
    };
    let url = format!("smtp://{USER}@127.0.0.1:{}?tls=required", smtp.port);
    let out = report(&h, &url, Some(PASSWORD), &[]);
    out.assert_error(
        1,
        &format!(
            "cannot send mail: the certificate of 127.0.0.1:{} is not trusted; --smtp-ca FILE trusts a private CA",
            smtp.port
        ),
    );
    assert!(smtp.mails().is_empty());
    assert!(h.sim.requests().is_empty(), "nothing measured");
}

#[test]
fn tls_required_from_a_server_without_starttls_fails_in_one_line() {
    let h = cluster();
    let Some(smtp) = SmtpServer::start(h.dir.path()) else {
        return;
    };
    let url = format!("smtp://127.0.0.1:{}?tls=required", smtp.port);
    let out = report(&h, &url, None, &[]);
    out.assert_error(
        1,
        &format!(
            "cannot send mail: 127.0.0.1:{} does not offer STARTTLS, which ?tls=required asks for",
            smtp.port
        ),
    );
    assert!(smtp.mails().is_empty());
    // ?tls=opportunistic goes on in plain text, here to this machine without a warning.
    let url = format!("smtp://127.0.0.1:{}?tls=opportunistic", smtp.port);
    let out = report(&h, &url, None, &[]);
    out.assert_ok();
    assert!(!out.stderr.contains("warning"), "{}", out.stderr);
    assert_eq!(recipients(&smtp), DELIVERED);
}

// ---- --namespaces: a list of namespaces, each read with its own LIST ----

/// The image stream LISTs a run sent: one path per LIST (the first page of each).
fn stream_lists(h: &Harness) -> Vec<String> {
    h.sim
        .requests()
        .iter()
        .filter(|r| r.method == "GET" && r.path.ends_with("/imagestreams"))
        .map(|r| r.path.clone())
        .collect()
}

#[test]
fn namespaces_reads_each_named_namespace_with_its_own_list_and_only_those() {
    let h = cluster();
    h.sim.reset_requests();
    let doc = json_of(
        &h,
        &[
            "usage",
            "--namespaces",
            "team-b,team-a",
            "--namespaces",
            "team-a",
            "--by",
            "namespace",
            "-o",
            "json",
        ],
    );
    let rows = doc["namespaces"].as_array().unwrap();
    let names: Vec<&str> = rows
        .iter()
        .map(|n| n["namespace"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["team-a", "team-b"]);
    assert_eq!(
        stream_lists(&h),
        [
            "/apis/image.openshift.io/v1/namespaces/team-b/imagestreams",
            "/apis/image.openshift.io/v1/namespaces/team-a/imagestreams",
        ],
        "one LIST per namespace, each once, none cluster-wide"
    );
    // Unique and shared are among the namespaces read: team-a's own layers are its own.
    let a = &rows[0];
    assert_eq!(a["unique"], 300 * MB);
    assert_eq!(a["shared"], BASE);
    assert!(doc.get("notMeasured").is_none(), "{doc}");
    // The per-stream table names each stream's namespace, as with -A.
    let out = h.run(&["usage", "--namespaces", "team-a,team-b"]);
    out.assert_ok();
    assert!(out.stdout.contains("NAMESPACE"), "{}", out.stdout);
    // Stream names pick among the namespaces' streams; one in none of them is an error.
    let doc = json_of(
        &h,
        &[
            "usage",
            "--namespaces",
            "team-a,team-b",
            "tools",
            "-o",
            "json",
        ],
    );
    let streams: Vec<String> = doc["streams"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            format!(
                "{}/{}",
                s["namespace"].as_str().unwrap(),
                s["name"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(streams, ["team-a/tools", "team-b/tools"]);
    h.run(&["usage", "--namespaces", "team-a,team-b", "nope"])
        .assert_error(
            1,
            "image stream \"nope\" not found in namespaces team-a, team-b",
        );
}

/// team-a readable, team-b forbidden, team-zz empty (as a namespace that does not exist is:
/// the real server lists none in it).
fn as_team_a_reader(h: &Harness) {
    use prunetags::sim::Rule;
    h.sim.add_user(
        "team-a-token",
        "alice",
        vec![
            Rule::new(
                &["get", "list"],
                &["imagestreams", "imagestreamimages", "imagestreams/layers"],
                Some(&["team-a", "team-zz"]),
            ),
            // The report reads each namespace's contact annotation.
            Rule::new(&["get"], &["namespaces"], None),
        ],
    );
    let kubeconfig = std::fs::read_to_string(&h.kubeconfig)
        .unwrap()
        .replace(h.sim.admin_token(), "team-a-token");
    std::fs::write(&h.kubeconfig, kubeconfig).unwrap();
}

#[test]
fn a_namespace_that_cannot_be_read_is_listed_as_not_measured() {
    let h = cluster();
    as_team_a_reader(&h);
    let ns = "team-a,team-b,team-zz";
    let doc = json_of(
        &h,
        &[
            "usage",
            "--namespaces",
            ns,
            "--by",
            "namespace",
            "-o",
            "json",
        ],
    );
    let names: Vec<&str> = doc["namespaces"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["namespace"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["team-a"]);
    assert_eq!(
        doc["notMeasured"],
        json!([
            {"namespace": "team-b", "reason": "forbidden: may not list imagestreams"},
            {"namespace": "team-zz", "reason": "no image streams"},
        ])
    );
    let table = h.run(&["usage", "--namespaces", ns, "--by", "namespace"]);
    table.assert_ok();
    for line in [
        "team-b: not measured (forbidden: may not list imagestreams)",
        "team-zz: not measured (no image streams)",
    ] {
        assert!(table.stdout.contains(line), "{}", table.stdout);
    }
    let md = h.run(&[
        "usage",
        "--namespaces",
        ns,
        "--by",
        "namespace",
        "-o",
        "markdown",
    ]);
    assert!(
        md.stdout
            .contains("- team-b: not measured (forbidden: may not list imagestreams)"),
        "{}",
        md.stdout
    );
    let html = h.run(&[
        "usage",
        "--namespaces",
        ns,
        "--by",
        "namespace",
        "-o",
        "html",
    ]);
    assert!(
        html.stdout
            .contains("<li>team-zz: not measured (no image streams)</li>"),
        "{}",
        html.stdout
    );
    // Per stream: the rows of team-a, and a warning for each of the others.
    let streams = h.run(&["usage", "--namespaces", ns]);
    streams.assert_ok();
    assert!(
        streams.stderr.contains(
            "warning: namespace team-b: not measured (forbidden: may not list imagestreams)"
        ),
        "{}",
        streams.stderr
    );
    // Only the named namespaces are the user's to read: all of them forbidden is still a report.
    let none = h.run(&[
        "usage",
        "--namespaces",
        "team-b,team-c",
        "--by",
        "namespace",
    ]);
    none.assert_ok();
    assert!(
        none.stdout
            .contains("team-c: not measured (forbidden: may not list imagestreams)"),
        "{}",
        none.stdout
    );
}

#[test]
fn report_of_a_list_of_namespaces_names_those_not_measured_in_the_summary() {
    let h = cluster();
    as_team_a_reader(&h);
    let out = h.run(&[
        "report",
        "--namespaces",
        "team-a,team-b,team-zz",
        "--over",
        "100MB",
        "--from",
        "registry@example.com",
        "--platform-to",
        "platform@example.com",
        "--dry-run",
    ]);
    out.assert_ok();
    assert!(
        out.stdout
            .contains("To: alice@example.com, ops-a@example.com"),
        "{}",
        out.stdout
    );
    assert!(
        !out.stdout.contains("To: bob@example.com"),
        "{}",
        out.stdout
    );
    for line in [
        "- team-b: not measured (forbidden: may not list imagestreams)",
        "- team-zz: not measured (no image streams)",
    ] {
        assert!(out.stdout.contains(line), "{}", out.stdout);
    }
}

#[test]
fn plain_smtp_to_another_host_sends_with_a_warning() {
    let Some(ip) = harness::non_loopback_ipv4() else {
        eprintln!("skipping: this machine has no non-loopback IPv4 address");
        return;
    };
    let h = cluster();
    let Some(smtp) = SmtpServer::start_on(h.dir.path(), ip) else {
        return;
    };
    let url = format!("smtp://{ip}:{}", smtp.port);
    let out = report(&h, &url, None, &[]);
    out.assert_ok();
    let warning = format!(
        "warning: the mail to {ip}:{} goes unencrypted, readable by anyone on the network in between; smtps:// or ?tls=required encrypt it",
        smtp.port
    );
    assert_eq!(
        out.stderr
            .lines()
            .filter(|l| l.contains("unencrypted"))
            .collect::<Vec<_>>(),
        [warning.as_str()],
        "{}",
        out.stderr
    );
    assert_eq!(recipients(&smtp), DELIVERED);
    // With a user, the password is not sent there at all.
    let url = format!("smtp://{USER}@{ip}:{}", smtp.port);
    report(&h, &url, Some(PASSWORD), &[]).assert_error(
        2,
        &format!(
            "refusing to send the password of SMTP user \"mailer\" to {ip}:{} unencrypted",
            smtp.port
        ),
    );
    assert_eq!(smtp.mails().len(), 3);
}
