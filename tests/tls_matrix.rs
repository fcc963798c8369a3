//! The TLS and client-certificate matrix, with the real kubectl as the oracle.
//!
//! Each row generates a server set-up (rcgen: a CA, maybe an intermediate, a served chain and
//! key, a kubeconfig), starts the simulator serving it, and runs the same request with kubectl
//! (every version found, see [`KUBECTLS`]) and with `oc-prunetags list`. The row fails when any
//! of them disagrees with another about whether the server was accepted, or when kubectl's
//! verdict is not the row's, or when a refusal does not name its reason on our one error line.
//! Without kubectl the rows are skipped, unless `CI` is set.

mod harness;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use base64::Engine as _;
use prunetags::sim::tls::Identity;
use prunetags::sim::{Rule, Sim, SimOptions};
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, SanType,
};

/// The dispatcher (it picks the client version from the server's /version, so the newest), and
/// the oldest client installed: Go's rules across kubectl 1.27…1.33.
const KUBECTLS: &[&str] = &[
    "/usr/bin/kubectl",
    "/usr/lib/google-cloud-sdk/bin/kubectl.1.27",
];
const NAMESPACE: &str = "mynamespace";

fn kubectls() -> Option<Vec<PathBuf>> {
    let found: Vec<PathBuf> = KUBECTLS
        .iter()
        .map(PathBuf::from)
        .filter(|p| p.exists())
        .collect();
    if found.is_empty() {
        if std::env::var_os("CI").is_some_and(|v| !v.is_empty()) {
            panic!("no kubectl among {KUBECTLS:?}, and CI is set: the matrix needs its oracle");
        }
        eprintln!("skipping: no kubectl among {KUBECTLS:?}");
        return None;
    }
    Some(found)
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/tls")
            .join(name),
    )
    .unwrap()
}

// ---- certificates ----

struct Ca {
    pem: String,
    issuer: Issuer<'static, KeyPair>,
}

fn params(cn: &str, sans: &[&str]) -> CertificateParams {
    let mut p = CertificateParams::default();
    p.distinguished_name = rcgen::DistinguishedName::new();
    p.distinguished_name.push(DnType::CommonName, cn);
    for s in sans {
        p.subject_alt_names.push(match s.parse() {
            Ok(ip) => SanType::IpAddress(ip),
            Err(_) => SanType::DnsName((*s).try_into().unwrap()),
        });
    }
    p
}

fn ca_params(cn: &str) -> CertificateParams {
    let mut p = params(cn, &[]);
    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    p.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    p
}

fn self_signed_ca(p: CertificateParams, key: KeyPair) -> Ca {
    let pem = p.self_signed(&key).unwrap().pem();
    Ca {
        pem,
        issuer: Issuer::new(p, key),
    }
}

fn ca(cn: &str) -> Ca {
    self_signed_ca(ca_params(cn), KeyPair::generate().unwrap())
}

fn intermediate(cn: &str, parent: &Ca) -> Ca {
    let key = KeyPair::generate().unwrap();
    let p = ca_params(cn);
    let pem = p.signed_by(&key, &parent.issuer).unwrap().pem();
    Ca {
        pem,
        issuer: Issuer::new(p, key),
    }
}

/// A served certificate and its key (PKCS#8 PEM).
struct Leaf {
    pem: String,
    key_pem: String,
}

fn leaf_with(by: &Ca, key: KeyPair, p: CertificateParams) -> Leaf {
    Leaf {
        pem: p.signed_by(&key, &by.issuer).unwrap().pem(),
        key_pem: key.serialize_pem(),
    }
}

fn leaf(by: &Ca, sans: &[&str]) -> Leaf {
    leaf_with(
        by,
        KeyPair::generate().unwrap(),
        params("prunetags-sim", sans),
    )
}

fn rsa_key() -> KeyPair {
    KeyPair::from_pkcs8_pem_and_sign_algo(&fixture("rsa.pkcs8.pem"), &rcgen::PKCS_RSA_SHA256)
        .unwrap()
}

fn ec_fixture_key() -> KeyPair {
    KeyPair::from_pkcs8_pem_and_sign_algo(&fixture("ec.pkcs8.pem"), &rcgen::PKCS_ECDSA_P256_SHA256)
        .unwrap()
}

// ---- rows ----

enum Auth {
    /// The simulator's admin token.
    Token,
    /// A client certificate and key, as the kubeconfig carries them (PEM).
    Cert { cert: String, key: String },
}

enum Expect {
    Accept,
    /// Refused: the words kubectl's error holds, and those of our one error line.
    Reject {
        kubectl: &'static str,
        ours: &'static str,
    },
}

struct Row {
    /// The served certificate first, then what else the server sends.
    served: Vec<String>,
    key_pem: String,
    /// `certificate-authority-data` (PEMs, concatenated); `None` with `insecure`.
    trusted: Vec<String>,
    /// The host in the server URL.
    host: &'static str,
    tls_server_name: Option<&'static str>,
    insecure: bool,
    auth: Auth,
    /// Accept client certificates issued by this CA.
    client_ca: Option<String>,
    /// (name, rules) of users the simulator knows by name.
    users: Vec<(&'static str, Vec<Rule>)>,
    /// The user the simulator must have seen on the imagestreams requests.
    seen_as: &'static str,
    expect: Expect,
}

fn row(served: Vec<String>, key_pem: String, trusted: Vec<String>, expect: Expect) -> Row {
    Row {
        served,
        key_pem,
        trusted,
        host: "127.0.0.1",
        tls_server_name: None,
        insecure: false,
        auth: Auth::Token,
        client_ca: None,
        users: Vec::new(),
        seen_as: "admin",
        expect,
    }
}

fn simple(ca: &Ca, l: Leaf, expect: Expect) -> Row {
    row(vec![l.pem], l.key_pem, vec![ca.pem.clone()], expect)
}

const UNKNOWN: Expect = Expect::Reject {
    kubectl: "certificate signed by unknown authority",
    ours: "certificate signed by unknown authority",
};

fn ca_and_leaf() -> Row {
    let ca = ca("cluster CA");
    simple(&ca, leaf(&ca, &["127.0.0.1"]), Expect::Accept)
}

fn rsa_leaf() -> Row {
    let ca = ca("cluster CA");
    simple(
        &ca,
        leaf_with(&ca, rsa_key(), params("rsa server", &["127.0.0.1"])),
        Expect::Accept,
    )
}

fn rsa_ca_and_leaf() -> Row {
    let ca = self_signed_ca(ca_params("rsa CA"), rsa_key());
    simple(&ca, leaf(&ca, &["127.0.0.1"]), Expect::Accept)
}

fn ec_p384() -> Row {
    let ca = self_signed_ca(
        ca_params("p384 CA"),
        KeyPair::generate_for(&rcgen::PKCS_ECDSA_P384_SHA384).unwrap(),
    );
    let l = leaf_with(
        &ca,
        KeyPair::generate_for(&rcgen::PKCS_ECDSA_P384_SHA384).unwrap(),
        params("p384 server", &["127.0.0.1"]),
    );
    simple(&ca, l, Expect::Accept)
}

fn ed25519() -> Row {
    let ca = self_signed_ca(
        ca_params("ed25519 CA"),
        KeyPair::generate_for(&rcgen::PKCS_ED25519).unwrap(),
    );
    let l = leaf_with(
        &ca,
        KeyPair::generate_for(&rcgen::PKCS_ED25519).unwrap(),
        params("ed25519 server", &["127.0.0.1"]),
    );
    simple(&ca, l, Expect::Accept)
}

fn intermediate_served() -> Row {
    let root = ca("root CA");
    let inter = intermediate("intermediate CA", &root);
    let l = leaf(&inter, &["127.0.0.1"]);
    row(
        vec![l.pem, inter.pem],
        l.key_pem,
        vec![root.pem],
        Expect::Accept,
    )
}

fn intermediate_only_in_kubeconfig() -> Row {
    let root = ca("root CA");
    let inter = intermediate("intermediate CA", &root);
    let l = leaf(&inter, &["127.0.0.1"]);
    row(
        vec![l.pem],
        l.key_pem,
        vec![root.pem, inter.pem],
        Expect::Accept,
    )
}

fn intermediate_missing() -> Row {
    let root = ca("root CA");
    let inter = intermediate("intermediate CA", &root);
    let l = leaf(&inter, &["127.0.0.1"]);
    row(vec![l.pem], l.key_pem, vec![root.pem], UNKNOWN)
}

/// `openssl req -x509 -newkey … -addext subjectAltName=IP:127.0.0.1`: a self-signed
/// certificate with `CA:TRUE`, served and trusted as itself.
fn self_signed_ca_leaf() -> Row {
    let key = KeyPair::generate().unwrap();
    let mut p = params("api", &["127.0.0.1"]);
    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let pem = p.self_signed(&key).unwrap().pem();
    row(
        vec![pem.clone()],
        key.serialize_pem(),
        vec![pem],
        Expect::Accept,
    )
}

/// The server's own leaf as `certificate-authority-data` (kube-rs#1767).
fn leaf_pinned_as_ca() -> Row {
    let ca = ca("cluster CA");
    let l = leaf(&ca, &["127.0.0.1"]);
    row(vec![l.pem.clone()], l.key_pem, vec![l.pem], Expect::Accept)
}

fn pinned_leaf_wrong_name() -> Row {
    let ca = ca("cluster CA");
    let l = leaf(&ca, &["api.other.test"]);
    row(
        vec![l.pem.clone()],
        l.key_pem,
        vec![l.pem],
        Expect::Reject {
            kubectl: "doesn't contain any IP SANs",
            ours: "valid for api.other.test, not 127.0.0.1",
        },
    )
}

fn pinned_leaf_expired() -> Row {
    let ca = ca("cluster CA");
    let mut p = params("prunetags-sim", &["127.0.0.1"]);
    p.not_before = rcgen::date_time_ymd(2020, 1, 1);
    p.not_after = rcgen::date_time_ymd(2021, 1, 1);
    let l = leaf_with(&ca, KeyPair::generate().unwrap(), p);
    row(
        vec![l.pem.clone()],
        l.key_pem,
        vec![l.pem],
        Expect::Reject {
            kubectl: "certificate has expired or is not yet valid",
            ours: "expired on 2021-01-01T00:00:00Z",
        },
    )
}

fn pinned_leaf_client_auth_only() -> Row {
    let ca = ca("cluster CA");
    let mut p = params("prunetags-sim", &["127.0.0.1"]);
    p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    let l = leaf_with(&ca, KeyPair::generate().unwrap(), p);
    row(
        vec![l.pem.clone()],
        l.key_pem,
        vec![l.pem],
        Expect::Reject {
            kubectl: "incompatible key usage",
            ours: "is not for TLS servers",
        },
    )
}

/// A leaf flagged `CA:TRUE`, issued by the cluster CA: Go never looks at a leaf's basic
/// constraints; webpki says `CaUsedAsEndEntity`.
fn ca_flagged_leaf() -> Row {
    let ca = ca("cluster CA");
    let mut p = params("prunetags-sim", &["127.0.0.1"]);
    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    simple(
        &ca,
        leaf_with(&ca, KeyPair::generate().unwrap(), p),
        Expect::Accept,
    )
}

fn dns_san_for_ip_host() -> Row {
    let ca = ca("cluster CA");
    simple(
        &ca,
        leaf(&ca, &["localhost"]),
        Expect::Reject {
            kubectl: "doesn't contain any IP SANs",
            ours: "valid for localhost, not 127.0.0.1",
        },
    )
}

fn dns_san_for_dns_host() -> Row {
    let ca = ca("cluster CA");
    let mut r = simple(&ca, leaf(&ca, &["localhost"]), Expect::Accept);
    r.host = "localhost";
    r
}

fn ip_san_for_dns_host() -> Row {
    let ca = ca("cluster CA");
    let mut r = simple(
        &ca,
        leaf(&ca, &["127.0.0.1"]),
        Expect::Reject {
            kubectl: "certificate is not valid for any names, but wanted to match localhost",
            ours: "valid for 127.0.0.1, not localhost",
        },
    );
    r.host = "localhost";
    r
}

fn wrong_name() -> Row {
    let ca = ca("cluster CA");
    simple(
        &ca,
        leaf(&ca, &["api.other.test", "10.0.0.1"]),
        Expect::Reject {
            kubectl: "certificate is valid for 10.0.0.1, not 127.0.0.1",
            ours: "valid for api.other.test, 10.0.0.1, not 127.0.0.1",
        },
    )
}

/// A certificate with only a Common Name: ignored since Go 1.15.
fn common_name_only() -> Row {
    let ca = ca("cluster CA");
    simple(
        &ca,
        leaf_with(&ca, KeyPair::generate().unwrap(), params("127.0.0.1", &[])),
        Expect::Reject {
            kubectl: "certificate relies on legacy Common Name field",
            ours: "only in its legacy Common Name field",
        },
    )
}

fn tls_server_name() -> Row {
    let ca = ca("cluster CA");
    let mut r = simple(&ca, leaf(&ca, &["api.cluster.test"]), Expect::Accept);
    r.tls_server_name = Some("api.cluster.test");
    r
}

fn tls_server_name_absent() -> Row {
    let ca = ca("cluster CA");
    simple(
        &ca,
        leaf(&ca, &["api.cluster.test"]),
        Expect::Reject {
            kubectl: "doesn't contain any IP SANs",
            ours: "valid for api.cluster.test, not 127.0.0.1",
        },
    )
}

fn tls_server_name_wildcard() -> Row {
    let ca = ca("cluster CA");
    let mut r = simple(&ca, leaf(&ca, &["*.apps.test"]), Expect::Accept);
    r.tls_server_name = Some("api.apps.test");
    r
}

fn tls_server_name_mismatch() -> Row {
    let ca = ca("cluster CA");
    let mut r = simple(
        &ca,
        leaf(&ca, &["api.cluster.test", "127.0.0.1"]),
        Expect::Reject {
            kubectl: "certificate is valid for api.cluster.test, not kubernetes.default.svc",
            ours: "valid for api.cluster.test, 127.0.0.1, not kubernetes.default.svc",
        },
    );
    r.tls_server_name = Some("kubernetes.default.svc");
    r
}

fn expired() -> Row {
    let ca = ca("cluster CA");
    let mut p = params("prunetags-sim", &["127.0.0.1"]);
    p.not_before = rcgen::date_time_ymd(2019, 1, 1);
    p.not_after = rcgen::date_time_ymd(2020, 6, 30);
    simple(
        &ca,
        leaf_with(&ca, KeyPair::generate().unwrap(), p),
        Expect::Reject {
            kubectl: "certificate has expired or is not yet valid",
            ours: "the server's certificate \"prunetags-sim\" expired on 2020-06-30T00:00:00Z",
        },
    )
}

fn not_yet_valid() -> Row {
    let ca = ca("cluster CA");
    let mut p = params("prunetags-sim", &["127.0.0.1"]);
    p.not_before = rcgen::date_time_ymd(2150, 1, 1);
    p.not_after = rcgen::date_time_ymd(2160, 1, 1);
    simple(
        &ca,
        leaf_with(&ca, KeyPair::generate().unwrap(), p),
        Expect::Reject {
            kubectl: "certificate has expired or is not yet valid",
            ours: "is not valid before 2150-01-01T00:00:00Z",
        },
    )
}

fn unknown_ca() -> Row {
    let ca = ca("cluster CA");
    let other = self::ca("some other CA");
    simple(&other, leaf(&ca, &["127.0.0.1"]), UNKNOWN)
}

/// The CA in the kubeconfig expired; the leaf did not. Go checks the root's validity, webpki
/// keeps only its name and key.
fn expired_ca() -> Row {
    let mut p = ca_params("old CA");
    p.not_before = rcgen::date_time_ymd(2010, 1, 1);
    p.not_after = rcgen::date_time_ymd(2020, 1, 1);
    let ca = self_signed_ca(p, KeyPair::generate().unwrap());
    simple(
        &ca,
        leaf(&ca, &["127.0.0.1"]),
        Expect::Reject {
            kubectl: "certificate has expired or is not yet valid",
            ours: "the certificate authority \"old CA\" expired on 2020-01-01T00:00:00Z",
        },
    )
}

/// A CA whose key usage lacks keyCertSign (Go's CheckSignatureFrom refuses it).
fn ca_without_cert_sign() -> Row {
    let mut p = ca_params("signing CA");
    p.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    let ca = self_signed_ca(p, KeyPair::generate().unwrap());
    simple(
        &ca,
        leaf(&ca, &["127.0.0.1"]),
        Expect::Reject {
            kubectl: "certificate signed by unknown authority",
            ours: "may not sign certificates",
        },
    )
}

/// The "CA" in the kubeconfig says CA:FALSE.
fn ca_marked_not_ca() -> Row {
    let mut p = params("not a CA", &[]);
    p.is_ca = IsCa::ExplicitNoCa;
    let ca = self_signed_ca(p, KeyPair::generate().unwrap());
    simple(
        &ca,
        leaf(&ca, &["127.0.0.1"]),
        Expect::Reject {
            kubectl: "certificate signed by unknown authority",
            ours: "may not sign certificates",
        },
    )
}

fn eku_client_auth_only() -> Row {
    let ca = ca("cluster CA");
    let mut p = params("prunetags-sim", &["127.0.0.1"]);
    p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    simple(
        &ca,
        leaf_with(&ca, KeyPair::generate().unwrap(), p),
        Expect::Reject {
            kubectl: "incompatible key usage",
            ours: "is not for TLS servers",
        },
    )
}

fn eku_any() -> Row {
    let ca = ca("cluster CA");
    let mut p = params("prunetags-sim", &["127.0.0.1"]);
    p.extended_key_usages = vec![ExtendedKeyUsagePurpose::Any];
    simple(
        &ca,
        leaf_with(&ca, KeyPair::generate().unwrap(), p),
        Expect::Accept,
    )
}

fn insecure_skip_tls_verify() -> Row {
    let ca = ca("cluster CA");
    let l = leaf(&ca, &["api.other.test"]);
    let mut r = row(vec![l.pem], l.key_pem, Vec::new(), Expect::Accept);
    r.insecure = true;
    r
}

// Client certificates: the simulator asks for them and maps CN → user, O → groups.

fn client_row(
    cert_key: KeyPair,
    key_in_kubeconfig: String,
    cn: &str,
    orgs: &[&str],
    by: Option<&Ca>,
) -> Row {
    let server_ca = ca("cluster CA");
    let client_ca = ca("client CA");
    let l = leaf(&server_ca, &["127.0.0.1"]);
    let mut p = params(cn, &[]);
    for o in orgs {
        p.distinguished_name.push(DnType::OrganizationName, *o);
    }
    p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    let issuer = by.unwrap_or(&client_ca);
    let cert = p.signed_by(&cert_key, &issuer.issuer).unwrap().pem();
    let mut r = simple(&server_ca, l, Expect::Accept);
    r.auth = Auth::Cert {
        cert,
        key: key_in_kubeconfig,
    };
    r.client_ca = Some(client_ca.pem.clone());
    r
}

fn client_cert(key: KeyPair, key_pem: String, cn: &'static str) -> Row {
    let mut r = client_row(key, key_pem, cn, &["system:masters"], None);
    r.seen_as = cn;
    r
}

fn client_cert_rsa_pkcs1() -> Row {
    client_cert(rsa_key(), fixture("rsa.pkcs1.pem"), "rsa-pkcs1-user")
}

fn client_cert_rsa_pkcs8() -> Row {
    client_cert(rsa_key(), fixture("rsa.pkcs8.pem"), "rsa-pkcs8-user")
}

fn client_cert_ec_sec1() -> Row {
    client_cert(ec_fixture_key(), fixture("ec.sec1.pem"), "ec-sec1-user")
}

fn client_cert_ec_pkcs8() -> Row {
    let key = KeyPair::generate().unwrap();
    let pem = key.serialize_pem();
    client_cert(key, pem, "ec-pkcs8-user")
}

fn client_cert_ed25519() -> Row {
    let key = KeyPair::generate_for(&rcgen::PKCS_ED25519).unwrap();
    let pem = key.serialize_pem();
    client_cert(key, pem, "ed25519-user")
}

/// The user named by the certificate, allowed only what RBAC grants that name.
fn client_cert_user_rbac() -> Row {
    let key = KeyPair::generate().unwrap();
    let pem = key.serialize_pem();
    let mut r = client_row(key, pem, "alice", &["developers"], None);
    r.users = vec![(
        "alice",
        vec![Rule::new(
            &["get", "list", "watch"],
            &["imagestreams"],
            Some(&[NAMESPACE]),
        )],
    )];
    r.seen_as = "alice";
    r
}

fn client_cert_user_without_rights() -> Row {
    let key = KeyPair::generate().unwrap();
    let pem = key.serialize_pem();
    let mut r = client_row(key, pem, "mallory", &["developers"], None);
    r.seen_as = "mallory";
    r.expect = Expect::Reject {
        kubectl: "User \"mallory\" cannot list resource \"imagestreams\"",
        ours: "forbidden (403)",
    };
    r
}

fn client_cert_unknown_issuer() -> Row {
    let key = KeyPair::generate().unwrap();
    let pem = key.serialize_pem();
    let stranger = ca("stranger CA");
    let mut r = client_row(key, pem, "eve", &["system:masters"], Some(&stranger));
    r.seen_as = "system:anonymous";
    r.expect = Expect::Reject {
        kubectl: "Unauthorized",
        ours: "unauthorized (401)",
    };
    r
}

// ---- running a row ----

fn kubeconfig(r: &Row, server: &str, token: &str) -> String {
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    let mut cluster = serde_json::json!({ "server": server });
    if r.insecure {
        cluster["insecure-skip-tls-verify"] = true.into();
    } else {
        cluster["certificate-authority-data"] = b64(&r.trusted.concat()).into();
    }
    if let Some(n) = r.tls_server_name {
        cluster["tls-server-name"] = n.into();
    }
    let user = match &r.auth {
        Auth::Token => serde_json::json!({ "token": token }),
        Auth::Cert { cert, key } => serde_json::json!({
            "client-certificate-data": b64(cert),
            "client-key-data": b64(key),
        }),
    };
    let doc = serde_json::json!({
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": "matrix", "cluster": cluster}],
        "users": [{"name": "matrix", "user": user}],
        "contexts": [{"name": "matrix", "context": {"cluster": "matrix", "user": "matrix", "namespace": NAMESPACE}}],
        "current-context": "matrix",
    });
    serde_yaml::to_string(&doc).unwrap()
}

struct Outcome {
    who: String,
    ok: bool,
    stderr: String,
    users: Vec<String>,
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: {} (seen as {:?}) {}",
            self.who,
            if self.ok { "accepted" } else { "refused" },
            self.users,
            self.stderr.trim()
        )
    }
}

fn seen_users(sim: &Sim) -> Vec<String> {
    let mut users: Vec<String> = sim
        .requests()
        .into_iter()
        .filter(|r| r.path.contains("/imagestreams"))
        .map(|r| r.user)
        .collect();
    users.dedup();
    sim.reset_requests();
    users
}

/// How a row's connection reaches both clients: a kubeconfig, or kubectl's flags alone.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Given {
    Kubeconfig,
    Flags,
}

fn check(r: Row) {
    check_given(r, Given::Kubeconfig)
}

/// The connection as flags (`--server`, `--certificate-authority`, `--client-certificate`,
/// `--client-key`, `--token`, `--tls-server-name`), written to files, no kubeconfig at all.
fn connection_flags(r: &Row, server: &str, token: &str, dir: &std::path::Path) -> Vec<String> {
    let file = |name: &str, text: &str| {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path.display().to_string()
    };
    let mut args = vec!["--server".to_owned(), server.to_owned()];
    if r.insecure {
        args.push("--insecure-skip-tls-verify".into());
    } else {
        args.push("--certificate-authority".into());
        args.push(file("ca.pem", &r.trusted.concat()));
    }
    if let Some(n) = r.tls_server_name {
        args.push(format!("--tls-server-name={n}"));
    }
    match &r.auth {
        Auth::Token => args.push(format!("--token={token}")),
        Auth::Cert { cert, key } => {
            args.push("--client-certificate".into());
            args.push(file("client.pem", cert));
            args.push("--client-key".into());
            args.push(file("client-key.pem", key));
        }
    }
    args
}

fn check_given(r: Row, given: Given) {
    let Some(kubectls) = kubectls() else { return };
    let sim = Sim::start_background(SimOptions {
        tls: Some(Identity {
            cert_chain_pem: r.served.concat(),
            key_pem: r.key_pem.clone(),
            client_ca_pem: r.client_ca.clone(),
        }),
        ..SimOptions::default()
    })
    .expect("the simulator serves the row's chain");
    for (i, (name, rules)) in r.users.iter().enumerate() {
        sim.add_user(&format!("unused-token-{i}"), name, rules.clone());
    }
    let dir = tempfile::tempdir().unwrap();
    let kc = dir.path().join("kubeconfig");
    let server = format!("https://{}:{}", r.host, sim.addr().port());
    std::fs::write(&kc, kubeconfig(&r, &server, sim.admin_token())).unwrap();

    let mut outcomes = Vec::new();
    let connection: Vec<String> = match given {
        Given::Kubeconfig => vec!["--kubeconfig".into(), kc.display().to_string()],
        Given::Flags => connection_flags(&r, &server, sim.admin_token(), dir.path()),
    };
    let mut ours = Command::new(harness::BIN);
    harness::clean_env(&mut ours, dir.path());
    ours.arg("list")
        .args(&connection)
        .args(["-n", NAMESPACE, "--request-timeout", "20s"]);
    let run = harness::run(ours, Duration::from_secs(60));
    outcomes.push(Outcome {
        who: "oc-prunetags".into(),
        ok: run.code == 0,
        stderr: run.stderr.clone(),
        users: seen_users(&sim),
    });
    for k in &kubectls {
        let cache = tempfile::tempdir_in(dir.path()).unwrap();
        let mut cmd = Command::new(k);
        harness::clean_env(&mut cmd, dir.path());
        cmd.args(&connection)
            .arg("--cache-dir")
            .arg(cache.path())
            .args([
                "get",
                "is",
                "-n",
                NAMESPACE,
                "-o",
                "name",
                "--request-timeout",
                "20s",
            ]);
        let run = harness::run(cmd, Duration::from_secs(60));
        outcomes.push(Outcome {
            who: k.display().to_string(),
            ok: run.code == 0,
            stderr: run.stderr,
            users: seen_users(&sim),
        });
    }
    let report: Vec<String> = outcomes.iter().map(ToString::to_string).collect();
    let report = report.join("\n");

    let accepted = outcomes[0].ok;
    assert!(
        outcomes.iter().all(|o| o.ok == accepted),
        "kubectl and oc-prunetags disagree:\n{report}"
    );
    let wanted = matches!(r.expect, Expect::Accept);
    assert_eq!(accepted, wanted, "not the row's verdict:\n{report}");
    for o in &outcomes {
        // Every request that reached the API was authenticated as the row's user (none reach
        // it when the handshake fails).
        assert!(
            o.users.iter().all(|u| u == r.seen_as),
            "the simulator saw another user than {:?}:\n{report}",
            r.seen_as
        );
        if accepted {
            assert!(
                !o.users.is_empty(),
                "no imagestreams request arrived:\n{report}"
            );
        }
    }
    if let Expect::Reject { kubectl, ours } = r.expect {
        for o in &outcomes[1..] {
            assert!(
                o.stderr.contains(kubectl),
                "kubectl refused for another reason than {kubectl:?}:\n{report}"
            );
        }
        let lines: Vec<&str> = run_lines(&outcomes[0].stderr);
        assert_eq!(lines.len(), 1, "one error line:\n{report}");
        assert!(lines[0].starts_with("error: "), "{report}");
        assert!(
            lines[0].contains(ours),
            "{ours:?} not in our error line:\n{report}"
        );
        assert!(lines[0].len() < 500, "{report}");
    }
}

fn run_lines(stderr: &str) -> Vec<&str> {
    stderr.lines().filter(|l| !l.trim().is_empty()).collect()
}

macro_rules! matrix {
    ($($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                check(super::$name());
            }
        )*
        const ROWS: &[&str] = &[$(stringify!($name)),*];
    };
}

mod rows {
    use super::check;
    matrix! {
        ca_and_leaf,
        rsa_leaf,
        rsa_ca_and_leaf,
        ec_p384,
        ed25519,
        intermediate_served,
        intermediate_only_in_kubeconfig,
        intermediate_missing,
        self_signed_ca_leaf,
        leaf_pinned_as_ca,
        pinned_leaf_wrong_name,
        pinned_leaf_expired,
        pinned_leaf_client_auth_only,
        ca_flagged_leaf,
        dns_san_for_ip_host,
        dns_san_for_dns_host,
        ip_san_for_dns_host,
        wrong_name,
        common_name_only,
        tls_server_name,
        tls_server_name_absent,
        tls_server_name_wildcard,
        tls_server_name_mismatch,
        expired,
        not_yet_valid,
        unknown_ca,
        expired_ca,
        ca_without_cert_sign,
        ca_marked_not_ca,
        eku_client_auth_only,
        eku_any,
        insecure_skip_tls_verify,
        client_cert_rsa_pkcs1,
        client_cert_rsa_pkcs8,
        client_cert_ec_sec1,
        client_cert_ec_pkcs8,
        client_cert_ed25519,
        client_cert_user_rbac,
        client_cert_user_without_rights,
        client_cert_unknown_issuer,
    }

    /// The same rows with kubectl's connection flags instead of a kubeconfig.
    #[test]
    fn client_certificate_and_ca_as_flags() {
        super::check_given(super::client_cert_user_rbac(), super::Given::Flags);
        super::check_given(super::client_cert_ec_sec1(), super::Given::Flags);
        super::check_given(super::client_cert_unknown_issuer(), super::Given::Flags);
    }

    #[test]
    fn token_ca_and_server_name_as_flags() {
        super::check_given(super::ca_and_leaf(), super::Given::Flags);
        super::check_given(super::tls_server_name(), super::Given::Flags);
        super::check_given(super::wrong_name(), super::Given::Flags);
    }

    #[test]
    fn the_matrix_has_at_least_12_rows() {
        assert!(ROWS.len() >= 12, "{}", ROWS.len());
    }
}
