//! Verifying the API server's certificate the way kubectl does (Go's crypto/x509 `Verify`, as
//! crypto/tls calls it with the kubeconfig's CAs as `RootCAs` and `tls-server-name` or the URL
//! host as `DNSName`).
//!
//! rustls' `WebPkiServerVerifier` stays the first judge. Go's rules are checked as well, on
//! every handshake:
//! - webpki accepts, Go rejects → rejected. Go is stricter where webpki never looks: the
//!   validity, basic constraints, key usage and EKU of the *trust anchor* (webpki keeps only its
//!   name and key), `keyCertSign` on issuers.
//! - webpki rejects for a reason Go does not have (`UnknownIssuer` for a leaf pinned as the CA,
//!   `CaUsedAsEndEntity` for a self-signed `CA:TRUE` leaf or a CA-flagged leaf, an EKU of
//!   `anyExtendedKeyUsage`), Go accepts → accepted. Go's check still verifies every signature
//!   (with rustls' crypto provider), every validity period, the name and the EKU.
//! - Everything else webpki rejects stays rejected, even should our Go check accept: a bug here
//!   can only make us stricter there.
//!
//! A rejection carries its reason in words ([`Rejected`]), so the one error line can say
//! "expired on DATE" or "valid for NAMES, not HOST" instead of "invalid peer certificate".

use std::net::IpAddr;
use std::sync::Arc;

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, OtherError, SignatureScheme};

use super::x509::{self, Certificate};

/// The server certificate verifier for a kubeconfig's `certificate-authority(-data)`.
#[derive(Debug)]
pub struct GoVerifier {
    webpki: Arc<WebPkiServerVerifier>,
    roots: Vec<Vec<u8>>,
    algorithms: WebPkiSupportedAlgorithms,
}

impl GoVerifier {
    /// `roots`: the DER certificates of the kubeconfig's CA bundle.
    pub fn new(
        roots: &[Vec<u8>],
        provider: Arc<rustls::crypto::CryptoProvider>,
    ) -> Result<GoVerifier, rustls::Error> {
        let mut store = rustls::RootCertStore::empty();
        for der in roots {
            // As Go's AppendCertsFromPEM, a certificate that does not parse is skipped; kube
            // has already refused a bundle rustls cannot read at all.
            let _ = store.add(CertificateDer::from(der.clone()));
        }
        let algorithms = provider.signature_verification_algorithms;
        let webpki = WebPkiServerVerifier::builder_with_provider(Arc::new(store), provider)
            .build()
            .map_err(|e| rustls::Error::General(e.to_string()))?;
        Ok(GoVerifier {
            webpki,
            roots: roots.to_vec(),
            algorithms,
        })
    }
}

impl ServerCertVerifier for GoVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let webpki = self.webpki.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        );
        let host = match server_name {
            ServerName::DnsName(d) => d.as_ref().to_owned(),
            ServerName::IpAddress(ip) => IpAddr::from(*ip).to_string(),
            other => format!("{other:?}"),
        };
        let intermediates: Vec<&[u8]> = intermediates.iter().map(|c| c.as_ref()).collect();
        let roots: Vec<&[u8]> = self.roots.iter().map(Vec::as_slice).collect();
        let go = go_verify(
            end_entity.as_ref(),
            &intermediates,
            &roots,
            &host,
            now.as_secs() as i64,
            &self.algorithms,
        );
        match (webpki, go) {
            (Ok(_), Verdict::Reject(reason)) => Err(rejected(reason)),
            (Ok(ok), _) => Ok(ok),
            (Err(e), Verdict::Accept) if go_may_overrule(&e) => Ok(ServerCertVerified::assertion()),
            (Err(_), Verdict::Reject(reason)) => Err(rejected(reason)),
            (Err(e), _) => Err(e),
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.webpki.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.webpki.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.webpki.supported_verify_schemes()
    }
}

/// The webpki rejections Go does not share (see the module comment). `Other` is how rustls
/// passes on webpki's `CaUsedAsEndEntity` and its other webpki-only errors.
fn go_may_overrule(e: &rustls::Error) -> bool {
    matches!(
        e,
        rustls::Error::InvalidCertificate(
            CertificateError::UnknownIssuer
                | CertificateError::Other(_)
                | CertificateError::InvalidPurpose
                | CertificateError::InvalidPurposeContext { .. }
        )
    )
}

fn rejected(reason: Reason) -> rustls::Error {
    rustls::Error::InvalidCertificate(CertificateError::Other(OtherError(Arc::new(Rejected(
        reason,
    )))))
}

/// A certificate refused by Go's rules, with the reason in words.
#[derive(Debug, Clone)]
pub struct Rejected(pub Reason);

impl std::fmt::Display for Rejected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for Rejected {}

/// Go's verdict on a chain.
#[derive(Debug, Clone)]
pub enum Verdict {
    Accept,
    Reject(Reason),
    /// Something our reading of Go's rules does not cover (name constraints, an unknown
    /// critical extension, a signature algorithm rustls' provider lacks): webpki decides.
    Unsupported,
}

/// Which certificate a reason is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Server,
    Authority,
}

impl Role {
    fn noun(self) -> &'static str {
        match self {
            Role::Server => "the server's certificate",
            Role::Authority => "the certificate authority",
        }
    }
}

/// Why Go refuses a chain, worded from the certificates themselves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    Malformed(String),
    Expired {
        role: Role,
        name: String,
        not_after: i64,
    },
    NotYetValid {
        role: Role,
        name: String,
        not_before: i64,
    },
    /// The name asked for is not among the certificate's SANs.
    Hostname {
        host: String,
        valid_for: Vec<String>,
        /// A certificate without SANs whose CN matches: Go's "relies on legacy Common Name".
        legacy_cn: bool,
    },
    UnknownAuthority {
        name: String,
        issuer: String,
        /// Why the best candidate issuer was refused, when there was one.
        hint: Option<Box<Reason>>,
    },
    IncompatibleUsage {
        name: String,
    },
    /// A candidate issuer that may not sign certificates (CA:FALSE, no basic constraints in a
    /// v3 certificate, or a key usage without keyCertSign).
    CannotSign {
        name: String,
    },
    BadSignature {
        issuer: String,
    },
    InsecureAlgorithm {
        name: String,
    },
    TooManyIntermediates {
        name: String,
    },
    SignatureLimit,
}

fn date(secs: i64) -> String {
    jiff::Timestamp::from_second(secs)
        .map(|t| t.to_string())
        .unwrap_or_else(|_| format!("{secs} (Unix time)"))
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Reason::Malformed(e) => {
                write!(f, "the server sent a certificate that does not parse: {e}")
            }
            Reason::Expired {
                role,
                name,
                not_after,
            } => write!(
                f,
                "{} {name:?} expired on {}",
                role.noun(),
                date(*not_after)
            ),
            Reason::NotYetValid {
                role,
                name,
                not_before,
            } => write!(
                f,
                "{} {name:?} is not valid before {}",
                role.noun(),
                date(*not_before)
            ),
            Reason::Hostname {
                host,
                valid_for,
                legacy_cn: true,
            } => write!(
                f,
                "the server's certificate names {host} only in its legacy Common Name field ({}), without a subjectAltName",
                valid_for.join(", ")
            ),
            Reason::Hostname {
                host, valid_for, ..
            } if valid_for.is_empty() => write!(
                f,
                "the server's certificate is not valid for any name (it has no subjectAltName), not {host}"
            ),
            Reason::Hostname {
                host, valid_for, ..
            } => write!(
                f,
                "the server's certificate is valid for {}, not {host}",
                valid_for.join(", ")
            ),
            Reason::UnknownAuthority { name, issuer, hint } => {
                write!(
                    f,
                    "certificate signed by unknown authority ({name:?} is issued by {issuer:?}"
                )?;
                match hint {
                    Some(h) => write!(f, "; {h})"),
                    None => write!(
                        f,
                        ", which the trusted certificate authorities do not include)"
                    ),
                }
            }
            Reason::IncompatibleUsage { name } => write!(
                f,
                "the certificate {name:?} is not for TLS servers (its extended key usage lacks serverAuth)"
            ),
            Reason::CannotSign { name } => write!(
                f,
                "{name:?} may not sign certificates (it is not marked CA:TRUE with keyCertSign)"
            ),
            Reason::BadSignature { issuer } => {
                write!(
                    f,
                    "the signature does not verify with the key of {issuer:?}"
                )
            }
            Reason::InsecureAlgorithm { name } => {
                write!(f, "{name:?} is signed with SHA-1, which is not accepted")
            }
            Reason::TooManyIntermediates { name } => write!(
                f,
                "the path length constraint of {name:?} allows fewer intermediates"
            ),
            Reason::SignatureLimit => write!(f, "too many candidate issuers to check"),
        }
    }
}

impl Reason {
    /// What the user can do about it, for the error line.
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            Reason::UnknownAuthority { .. }
            | Reason::Expired {
                role: Role::Authority,
                ..
            }
            | Reason::NotYetValid {
                role: Role::Authority,
                ..
            } => Some("check the kubeconfig's certificate-authority"),
            Reason::Hostname { .. } => {
                Some("check the server URL or the kubeconfig's tls-server-name")
            }
            _ => None,
        }
    }
}

/// Go's `Certificate.Verify` with `DNSName: host`, `KeyUsages` empty (= serverAuth), the served
/// chain after the leaf as `Intermediates`, `roots` as `Roots` and `now` as `CurrentTime`.
pub fn go_verify(
    leaf: &[u8],
    intermediates: &[&[u8]],
    roots: &[&[u8]],
    host: &str,
    now: i64,
    algorithms: &WebPkiSupportedAlgorithms,
) -> Verdict {
    let leaf_der = leaf;
    let leaf = match Certificate::parse(leaf_der) {
        Ok(c) => c,
        Err(e) => return Verdict::Reject(Reason::Malformed(e.to_string())),
    };
    // crypto/tls refuses the handshake when any served certificate does not parse.
    let mut pool = Vec::new();
    for der in intermediates {
        match Certificate::parse(der) {
            Ok(c) => pool.push(c),
            Err(e) => return Verdict::Reject(Reason::Malformed(e.to_string())),
        }
    }
    let root_pool: Vec<Certificate<'_>> = roots
        .iter()
        .filter_map(|d| Certificate::parse(d).ok())
        .collect();

    // Verify: "if len(c.UnhandledCriticalExtensions) > 0" — our list of handled extensions
    // is Go's minus a few rare ones, so an unknown one is left to webpki.
    if leaf.unknown_critical {
        return Verdict::Unsupported;
    }
    // Verify → c.isValid(leafCertificate): the validity period.
    if let Err(r) = check_time(&leaf, Role::Server, now) {
        return Verdict::Reject(r);
    }
    // Verify → c.VerifyHostname(opts.DNSName).
    if let Err(r) = verify_hostname(&leaf, host) {
        return Verdict::Reject(r);
    }
    // Verify: "if opts.Roots.contains(c)" — a leaf that is itself in the roots pool (compared
    // by its whole DER) is a chain of one, whatever its basic constraints or issuer: the
    // self-signed CA:TRUE certificate of `openssl req -x509`, or a leaf pinned as the CA.
    let chains: Vec<Vec<&Certificate<'_>>> = if roots.contains(&leaf_der) {
        vec![vec![&leaf]]
    } else {
        let mut b = Builder {
            roots: &root_pool,
            intermediates: &pool,
            now,
            algorithms,
            sig_checks: 0,
            unsupported: false,
        };
        match b.build(vec![&leaf]) {
            Ok(chains) => chains,
            Err(_) if b.unsupported => return Verdict::Unsupported,
            Err(r) => return Verdict::Reject(r),
        }
    };
    // Verify → checkChainForKeyUsage with ExtKeyUsageServerAuth.
    if chains.iter().any(|c| chain_allows_server_auth(c)) {
        Verdict::Accept
    } else {
        Verdict::Reject(Reason::IncompatibleUsage {
            name: leaf.display_name(),
        })
    }
}

fn check_time(c: &Certificate<'_>, role: Role, now: i64) -> Result<(), Reason> {
    // isValid: "if now.Before(c.NotBefore) … else if now.After(c.NotAfter)".
    if now < c.not_before {
        return Err(Reason::NotYetValid {
            role,
            name: c.display_name(),
            not_before: c.not_before,
        });
    }
    if now > c.not_after {
        return Err(Reason::Expired {
            role,
            name: c.display_name(),
            not_after: c.not_after,
        });
    }
    Ok(())
}

struct Builder<'p, 'a> {
    roots: &'p [Certificate<'a>],
    intermediates: &'p [Certificate<'a>],
    now: i64,
    algorithms: &'p WebPkiSupportedAlgorithms,
    sig_checks: usize,
    /// A candidate was skipped for a rule we do not implement.
    unsupported: bool,
}

/// Go's `maxChainSignatureChecks`.
const MAX_SIGNATURE_CHECKS: usize = 100;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Intermediate,
    Root,
}

impl<'p, 'a> Builder<'p, 'a> {
    /// Go's `buildChains`: every root, then every intermediate, whose subject is the issuer
    /// of the chain's last certificate (`findPotentialParents`).
    fn build(
        &mut self,
        chain: Vec<&'p Certificate<'a>>,
    ) -> Result<Vec<Vec<&'p Certificate<'a>>>, Reason> {
        let child = *chain.last().expect("a chain has a leaf");
        let mut chains = Vec::new();
        let mut hint: Option<Reason> = None;
        // Go's buildChains assigns `err = candidate.cert.isValid(…)` (and the recursive
        // buildChains' error) to its own result variable: when no chain is found, the error of
        // the last candidate whose signature checked out is returned as is, not wrapped in
        // UnknownAuthorityError. An expired CA is thus "expired", as kubectl says.
        let mut last: Option<Reason> = None;
        let mut limit = false;
        let candidates = self
            .roots
            .iter()
            .map(|c| (Kind::Root, c))
            .chain(self.intermediates.iter().map(|c| (Kind::Intermediate, c)))
            .filter(|(_, c)| c.subject == child.issuer);
        for (kind, candidate) in candidates {
            if already_in_chain(candidate, &chain) {
                continue;
            }
            self.sig_checks += 1;
            if self.sig_checks > MAX_SIGNATURE_CHECKS {
                limit = true;
                break;
            }
            match self.check_signature_from(child, candidate) {
                Ok(()) => {}
                Err(None) => {
                    self.unsupported = true;
                    continue;
                }
                Err(Some(r)) => {
                    hint.get_or_insert(r);
                    continue;
                }
            }
            match self.is_valid(candidate, kind, &chain) {
                Ok(()) => last = None,
                Err(None) => {
                    self.unsupported = true;
                    continue;
                }
                Err(Some(r)) => {
                    hint.get_or_insert(r.clone());
                    last = Some(r);
                    continue;
                }
            }
            let mut next = chain.clone();
            next.push(candidate);
            match kind {
                Kind::Root => chains.push(next),
                Kind::Intermediate => match self.build(next) {
                    Ok(found) => {
                        chains.extend(found);
                        last = None;
                    }
                    Err(Reason::SignatureLimit) => {
                        limit = true;
                        break;
                    }
                    Err(r) => last = Some(r),
                },
            }
        }
        if !chains.is_empty() {
            return Ok(chains);
        }
        if limit {
            return Err(Reason::SignatureLimit);
        }
        if let Some(r) = last {
            return Err(r);
        }
        Err(Reason::UnknownAuthority {
            name: child.display_name(),
            issuer: child.issuer_display_name(),
            hint: hint.map(Box::new),
        })
    }

    /// Go's `CheckSignatureFrom`. `Err(None)`: we cannot tell (an algorithm rustls' provider
    /// lacks).
    fn check_signature_from(
        &self,
        child: &Certificate<'_>,
        parent: &Certificate<'_>,
    ) -> Result<(), Option<Reason>> {
        let cannot_sign = || {
            Some(Reason::CannotSign {
                name: parent.display_name(),
            })
        };
        // "if parent.Version == 3 && !parent.BasicConstraintsValid ||
        //     parent.BasicConstraintsValid && !parent.IsCA"
        match parent.basic_constraints {
            None if parent.version == 3 => return Err(cannot_sign()),
            Some(bc) if !bc.ca => return Err(cannot_sign()),
            _ => {}
        }
        // "if parent.KeyUsage != 0 && parent.KeyUsage&KeyUsageCertSign == 0"
        if let Some(ku) = parent.key_usage
            && ku != 0
            && ku & x509::KEY_USAGE_CERT_SIGN == 0
        {
            return Err(cannot_sign());
        }
        // checkSignature(…, allowSHA1 = false): SHA-1 signatures are insecure.
        const SHA1_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x05];
        const SHA1_ECDSA: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x01];
        let oid = algorithm_oid(child.signature_algorithm);
        if oid == Some(SHA1_RSA) || oid == Some(SHA1_ECDSA) {
            return Err(Some(Reason::InsecureAlgorithm {
                name: child.display_name(),
            }));
        }
        let Some(alg) = self.algorithms.all.iter().find(|a| {
            a.public_key_alg_id().as_ref() == parent.key_algorithm
                && a.signature_alg_id().as_ref() == child.signature_algorithm
        }) else {
            return Err(None);
        };
        alg.verify_signature(parent.public_key, child.tbs, child.signature)
            .map_err(|_| {
                Some(Reason::BadSignature {
                    issuer: parent.display_name(),
                })
            })
    }

    /// Go's `isValid` for an intermediate or root candidate. `Err(None)`: a rule we do not
    /// implement applies.
    fn is_valid(
        &self,
        c: &Certificate<'_>,
        kind: Kind,
        chain: &[&Certificate<'_>],
    ) -> Result<(), Option<Reason>> {
        if c.unknown_critical || c.has_name_constraints {
            return Err(None);
        }
        check_time(c, Role::Authority, self.now).map_err(Some)?;
        // "if certType == intermediateCertificate && (!c.BasicConstraintsValid || !c.IsCA)"
        if kind == Kind::Intermediate && !c.basic_constraints.is_some_and(|bc| bc.ca) {
            return Err(Some(Reason::CannotSign {
                name: c.display_name(),
            }));
        }
        // "if c.BasicConstraintsValid && c.MaxPathLen >= 0 { numIntermediates :=
        //     len(currentChain) - 1; if numIntermediates > c.MaxPathLen"
        if let Some(max) = c.basic_constraints.and_then(|bc| bc.path_len)
            && (chain.len() as u64).saturating_sub(1) > max
        {
            return Err(Some(Reason::TooManyIntermediates {
                name: c.display_name(),
            }));
        }
        Ok(())
    }
}

/// The OID of an AlgorithmIdentifier's contents.
fn algorithm_oid(alg: &[u8]) -> Option<&[u8]> {
    let mut input = alg;
    let t = x509::read(&mut input).ok()?;
    (t.tag == 0x06).then_some(t.contents)
}

/// Go's `alreadyInChain`: same subject, same key and same SAN extension.
fn already_in_chain(candidate: &Certificate<'_>, chain: &[&Certificate<'_>]) -> bool {
    chain.iter().any(|c| {
        c.subject == candidate.subject && c.spki == candidate.spki && c.san == candidate.san
    })
}

/// Go's `checkChainForKeyUsage` for `[ExtKeyUsageServerAuth]`: every certificate of the chain
/// that lists extended key usages must list `any` or serverAuth (or a Server Gated Crypto OID).
fn chain_allows_server_auth(chain: &[&Certificate<'_>]) -> bool {
    chain.iter().all(|c| match &c.extended_key_usage {
        None => true,
        Some(ekus) if ekus.is_empty() => true,
        Some(ekus) => ekus.iter().any(|e| {
            [
                x509::EKU_ANY,
                x509::EKU_SERVER_AUTH,
                x509::EKU_NETSCAPE_SGC,
                x509::EKU_MICROSOFT_SGC,
            ]
            .contains(e)
        }),
    })
}

/// Go's `VerifyHostname`: IP hosts against IP SANs only; DNS hosts against DNS SANs (the
/// Common Name is never used since Go 1.15), with wildcards and the trailing dot only for
/// valid host names.
pub fn verify_hostname(c: &Certificate<'_>, host: &str) -> Result<(), Reason> {
    let candidate_ip = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    let matched = if let Ok(ip) = candidate_ip.parse::<IpAddr>() {
        c.ip_addresses
            .iter()
            .any(|san| san.to_canonical() == ip.to_canonical())
    } else {
        let candidate = host.to_ascii_lowercase();
        let valid = valid_hostname(&candidate, false);
        c.dns_names.iter().any(|pattern| {
            if valid && valid_hostname(pattern, true) {
                match_hostnames(pattern, &candidate)
            } else {
                match_exactly(pattern, &candidate)
            }
        })
    };
    if matched {
        return Ok(());
    }
    let mut valid_for: Vec<String> = c.dns_names.clone();
    valid_for.extend(c.ip_addresses.iter().map(IpAddr::to_string));
    let legacy_cn = c.san.is_none() && {
        let (cn, _) = c.subject_cn_and_orgs();
        cn.is_some_and(|cn| match_hostnames(&cn, host))
    };
    if legacy_cn {
        valid_for = c.subject_cn_and_orgs().0.into_iter().collect();
    }
    Err(Reason::Hostname {
        host: candidate_ip.to_owned(),
        valid_for,
        legacy_cn,
    })
}

/// Go's `validHostname`.
fn valid_hostname(host: &str, is_pattern: bool) -> bool {
    let host = if is_pattern {
        host
    } else {
        host.strip_suffix('.').unwrap_or(host)
    };
    if host.is_empty() || host == "*" {
        return false;
    }
    host.split('.').enumerate().all(|(i, part)| {
        if part.is_empty() {
            return false;
        }
        if is_pattern && i == 0 && part == "*" {
            return true;
        }
        part.bytes()
            .enumerate()
            .all(|(j, c)| c.is_ascii_alphanumeric() || (c == b'-' && j != 0) || c == b'_')
    })
}

/// Go's `matchExactly`.
fn match_exactly(a: &str, b: &str) -> bool {
    if a.is_empty() || a == "." || b.is_empty() || b == "." {
        return false;
    }
    a.eq_ignore_ascii_case(b)
}

/// Go's `matchHostnames`: same number of labels, a leftmost `*` matches any one label.
fn match_hostnames(pattern: &str, host: &str) -> bool {
    let pattern = pattern.to_ascii_lowercase();
    let host = host.to_ascii_lowercase();
    let host = host.strip_suffix('.').unwrap_or(&host);
    if pattern.is_empty() || host.is_empty() {
        return false;
    }
    let p: Vec<&str> = pattern.split('.').collect();
    let h: Vec<&str> = host.split('.').collect();
    p.len() == h.len()
        && p.iter()
            .zip(&h)
            .enumerate()
            .all(|(i, (p, h))| (i == 0 && *p == "*") || p == h)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rcgen::{
        BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer,
        KeyPair, KeyUsagePurpose, SanType,
    };

    const NOW: i64 = 1_717_243_200; // 2024-06-01T12:00:00Z

    fn algs() -> WebPkiSupportedAlgorithms {
        rustls::crypto::ring::default_provider().signature_verification_algorithms
    }

    fn ca(name: &str) -> (Vec<u8>, Issuer<'static, KeyPair>) {
        let key = KeyPair::generate().unwrap();
        let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
        p.distinguished_name.push(DnType::CommonName, name);
        p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        p.key_usages = vec![KeyUsagePurpose::KeyCertSign];
        let der = p.self_signed(&key).unwrap().der().to_vec();
        (der, Issuer::new(p, key))
    }

    fn leaf(sans: &[&str], f: impl FnOnce(&mut CertificateParams)) -> CertificateParams {
        let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
        for s in sans {
            p.subject_alt_names.push(match s.parse() {
                Ok(ip) => SanType::IpAddress(ip),
                Err(_) => SanType::DnsName((*s).try_into().unwrap()),
            });
        }
        p.distinguished_name.push(DnType::CommonName, "server");
        f(&mut p);
        p
    }

    fn verdict(leaf: &[u8], inter: &[&[u8]], roots: &[&[u8]], host: &str) -> Verdict {
        go_verify(leaf, inter, roots, host, NOW, &algs())
    }

    #[test]
    fn ca_and_leaf() {
        let (root, issuer) = ca("root");
        let key = KeyPair::generate().unwrap();
        let der = leaf(&["127.0.0.1", "api.test"], |_| {})
            .signed_by(&key, &issuer)
            .unwrap()
            .der()
            .to_vec();
        assert!(matches!(
            verdict(&der, &[], &[&root], "127.0.0.1"),
            Verdict::Accept
        ));
        assert!(matches!(
            verdict(&der, &[], &[&root], "API.test."),
            Verdict::Accept
        ));
        match verdict(&der, &[], &[&root], "other.test") {
            Verdict::Reject(r @ Reason::Hostname { .. }) => {
                assert_eq!(
                    r.to_string(),
                    "the server's certificate is valid for api.test, 127.0.0.1, not other.test"
                )
            }
            v => panic!("{v:?}"),
        }
        let (other, _) = ca("other");
        match verdict(&der, &[], &[&other], "127.0.0.1") {
            Verdict::Reject(Reason::UnknownAuthority { issuer, hint, .. }) => {
                assert_eq!(issuer, "root");
                assert!(hint.is_none());
            }
            v => panic!("{v:?}"),
        }
    }

    #[test]
    fn a_forged_signature_is_refused() {
        let (root, _) = ca("root");
        // Same subject as the trusted root, another key.
        let (_, impostor) = ca("root");
        let key = KeyPair::generate().unwrap();
        let der = leaf(&["127.0.0.1"], |_| {})
            .signed_by(&key, &impostor)
            .unwrap()
            .der()
            .to_vec();
        match verdict(&der, &[], &[&root], "127.0.0.1") {
            Verdict::Reject(Reason::UnknownAuthority { hint: Some(h), .. }) => {
                assert!(matches!(*h, Reason::BadSignature { .. }), "{h}")
            }
            v => panic!("{v:?}"),
        }
    }

    #[test]
    fn pinned_leaf_still_checks_name_time_and_usage() {
        let key = KeyPair::generate().unwrap();
        let der = leaf(&["127.0.0.1"], |p| {
            p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained)
        })
        .self_signed(&key)
        .unwrap()
        .der()
        .to_vec();
        assert!(matches!(
            verdict(&der, &[], &[&der], "127.0.0.1"),
            Verdict::Accept
        ));
        assert!(matches!(
            verdict(&der, &[], &[&der], "localhost"),
            Verdict::Reject(Reason::Hostname { .. })
        ));
        let expired = leaf(&["127.0.0.1"], |p| {
            p.not_before = rcgen::date_time_ymd(2000, 1, 1);
            p.not_after = rcgen::date_time_ymd(2001, 1, 1);
        })
        .self_signed(&key)
        .unwrap()
        .der()
        .to_vec();
        match verdict(&expired, &[], &[&expired], "127.0.0.1") {
            Verdict::Reject(r @ Reason::Expired { .. }) => assert_eq!(
                r.to_string(),
                "the server's certificate \"server\" expired on 2001-01-01T00:00:00Z"
            ),
            v => panic!("{v:?}"),
        }
        let client_only = leaf(&["127.0.0.1"], |p| {
            p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth]
        })
        .self_signed(&key)
        .unwrap()
        .der()
        .to_vec();
        assert!(matches!(
            verdict(&client_only, &[], &[&client_only], "127.0.0.1"),
            Verdict::Reject(Reason::IncompatibleUsage { .. })
        ));
    }

    #[test]
    fn an_expired_root_is_refused_with_its_date() {
        let key = KeyPair::generate().unwrap();
        let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
        p.distinguished_name.push(DnType::CommonName, "old root");
        p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        p.not_after = rcgen::date_time_ymd(2020, 1, 1);
        let root = p.self_signed(&key).unwrap().der().to_vec();
        let issuer = Issuer::new(p, key);
        let der = leaf(&["127.0.0.1"], |_| {})
            .signed_by(&KeyPair::generate().unwrap(), &issuer)
            .unwrap()
            .der()
            .to_vec();
        match verdict(&der, &[], &[&root], "127.0.0.1") {
            Verdict::Reject(r) => assert_eq!(
                r.to_string(),
                "the certificate authority \"old root\" expired on 2020-01-01T00:00:00Z"
            ),
            v => panic!("{v:?}"),
        }
    }

    #[test]
    fn intermediates_from_either_side_and_path_length() {
        let (root, root_issuer) = ca("root");
        let ikey = KeyPair::generate().unwrap();
        let mut ip = CertificateParams::new(Vec::<String>::new()).unwrap();
        ip.distinguished_name
            .push(DnType::CommonName, "intermediate");
        ip.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let inter = ip.signed_by(&ikey, &root_issuer).unwrap().der().to_vec();
        let inter_issuer = Issuer::new(ip, ikey);
        let der = leaf(&["127.0.0.1"], |_| {})
            .signed_by(&KeyPair::generate().unwrap(), &inter_issuer)
            .unwrap()
            .der()
            .to_vec();
        assert!(matches!(
            verdict(&der, &[&inter], &[&root], "127.0.0.1"),
            Verdict::Accept
        ));
        assert!(matches!(
            verdict(&der, &[], &[&root, &inter], "127.0.0.1"),
            Verdict::Accept
        ));
        assert!(matches!(
            verdict(&der, &[], &[&root], "127.0.0.1"),
            Verdict::Reject(Reason::UnknownAuthority { .. })
        ));
        // A root allowing no intermediate at all.
        let rkey = KeyPair::generate().unwrap();
        let mut rp = CertificateParams::new(Vec::<String>::new()).unwrap();
        rp.distinguished_name
            .push(DnType::CommonName, "strict root");
        rp.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
        let strict = rp.self_signed(&rkey).unwrap().der().to_vec();
        let strict_issuer = Issuer::new(rp, rkey);
        let ikey = KeyPair::generate().unwrap();
        let mut ip = CertificateParams::new(Vec::<String>::new()).unwrap();
        ip.distinguished_name
            .push(DnType::CommonName, "intermediate 2");
        ip.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let inter2 = ip.signed_by(&ikey, &strict_issuer).unwrap().der().to_vec();
        let der2 = leaf(&["127.0.0.1"], |_| {})
            .signed_by(&KeyPair::generate().unwrap(), &Issuer::new(ip, ikey))
            .unwrap()
            .der()
            .to_vec();
        match verdict(&der2, &[&inter2], &[&strict], "127.0.0.1") {
            // Go returns the path length error itself (see `last` in Builder::build).
            Verdict::Reject(Reason::TooManyIntermediates { name }) => {
                assert_eq!(name, "strict root")
            }
            v => panic!("{v:?}"),
        }
    }

    #[test]
    fn hostnames_as_go_matches_them() {
        assert!(match_hostnames("*.example.com", "a.example.com"));
        assert!(!match_hostnames("*.example.com", "a.b.example.com"));
        assert!(!match_hostnames("*.example.com", "example.com"));
        assert!(match_hostnames("Example.COM", "example.com."));
        assert!(valid_hostname("my_host.svc", false));
        assert!(!valid_hostname("-x.svc", false));
        assert!(!valid_hostname("*", true));
    }
}
