//! The few fields of an X.509 certificate that Go's crypto/x509 `Verify` looks at, read from
//! DER: names, validity, basic constraints, key usage, extended key usage, SANs, and what is
//! signed. Only reading: every signature is checked with rustls' crypto provider (see
//! [`super::verify`]). A malformed certificate is an error, never a panic.

use std::net::IpAddr;

/// Why a certificate could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadDer(pub &'static str);

impl std::fmt::Display for BadDer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "malformed certificate ({})", self.0)
    }
}

impl std::error::Error for BadDer {}

type Result<T> = std::result::Result<T, BadDer>;

/// One DER element: its tag, its contents, and the whole encoding (tag and length included).
#[derive(Clone, Copy, Debug)]
pub struct Tlv<'a> {
    pub tag: u8,
    pub contents: &'a [u8],
    pub raw: &'a [u8],
}

/// Reads one element off the front of `input`. Only the definite, minimal-length forms DER
/// allows, and single-byte tags (all X.509 needs).
pub fn read<'a>(input: &mut &'a [u8]) -> Result<Tlv<'a>> {
    let all: &'a [u8] = input;
    let (&tag, rest) = all.split_first().ok_or(BadDer("truncated"))?;
    if tag & 0x1f == 0x1f {
        return Err(BadDer("multi-byte tag"));
    }
    let (&first, rest) = rest.split_first().ok_or(BadDer("truncated"))?;
    let (len, rest) = if first < 0x80 {
        (first as usize, rest)
    } else {
        let n = (first & 0x7f) as usize;
        if n == 0 || n > 4 || rest.len() < n {
            return Err(BadDer("bad length"));
        }
        let len = rest[..n]
            .iter()
            .fold(0usize, |acc, &b| (acc << 8) | b as usize);
        if len < 0x80 || rest[0] == 0 {
            return Err(BadDer("non-minimal length"));
        }
        (len, &rest[n..])
    };
    if rest.len() < len {
        return Err(BadDer("truncated"));
    }
    let header = all.len() - rest.len();
    let raw = &all[..header + len];
    *input = &rest[len..];
    Ok(Tlv {
        tag,
        contents: &rest[..len],
        raw,
    })
}

fn expect<'a>(input: &mut &'a [u8], tag: u8, what: &'static str) -> Result<Tlv<'a>> {
    let t = read(input)?;
    if t.tag != tag {
        return Err(BadDer(what));
    }
    Ok(t)
}

/// Reads the element if it has `tag`, else leaves `input` alone.
fn optional<'a>(input: &mut &'a [u8], tag: u8) -> Result<Option<Tlv<'a>>> {
    match input.first() {
        Some(&t) if t == tag => read(input).map(Some),
        _ => Ok(None),
    }
}

const SEQUENCE: u8 = 0x30;
const SET: u8 = 0x31;
const INTEGER: u8 = 0x02;
const BIT_STRING: u8 = 0x03;
const OCTET_STRING: u8 = 0x04;
const OID: u8 = 0x06;
const BOOLEAN: u8 = 0x01;
const UTC_TIME: u8 = 0x17;
const GENERALIZED_TIME: u8 = 0x18;

// OIDs, as the contents of their DER encoding.
const OID_CN: &[u8] = &[0x55, 0x04, 0x03];
const OID_O: &[u8] = &[0x55, 0x04, 0x0a];
const OID_SKID: &[u8] = &[0x55, 0x1d, 0x0e];
const OID_KEY_USAGE: &[u8] = &[0x55, 0x1d, 0x0f];
const OID_SAN: &[u8] = &[0x55, 0x1d, 0x11];
const OID_BASIC_CONSTRAINTS: &[u8] = &[0x55, 0x1d, 0x13];
const OID_NAME_CONSTRAINTS: &[u8] = &[0x55, 0x1d, 0x1e];
const OID_CRL_DP: &[u8] = &[0x55, 0x1d, 0x1f];
const OID_CERT_POLICIES: &[u8] = &[0x55, 0x1d, 0x20];
const OID_AKID: &[u8] = &[0x55, 0x1d, 0x23];
const OID_EKU: &[u8] = &[0x55, 0x1d, 0x25];
const OID_AIA: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x01, 0x01];

pub const EKU_ANY: &[u8] = &[0x55, 0x1d, 0x25, 0x00];
pub const EKU_SERVER_AUTH: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01];
pub const EKU_CLIENT_AUTH: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x02];
/// Netscape and Microsoft Server Gated Crypto: Go counts both as serverAuth
/// (crypto/x509 `checkChainForKeyUsage`).
pub const EKU_NETSCAPE_SGC: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x86, 0xf8, 0x42, 0x04, 0x01];
pub const EKU_MICROSOFT_SGC: &[u8] = &[0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x0a, 0x03, 0x03];

/// `keyCertSign`, bit 5 of KeyUsage (Go's `KeyUsageCertSign` = 1 << 5).
pub const KEY_USAGE_CERT_SIGN: u16 = 1 << 5;

/// The basic constraints extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BasicConstraints {
    pub ca: bool,
    pub path_len: Option<u64>,
}

/// A parsed certificate, borrowing its DER.
#[derive(Clone, Debug)]
pub struct Certificate<'a> {
    /// The whole certificate.
    pub der: &'a [u8],
    /// The signed part, whole (what the issuer's signature covers).
    pub tbs: &'a [u8],
    /// The signature algorithm: the contents of its AlgorithmIdentifier.
    pub signature_algorithm: &'a [u8],
    pub signature: &'a [u8],
    /// 1, 2 or 3.
    pub version: u8,
    /// The issuer and subject Names, whole encodings (Go's `RawIssuer`, `RawSubject`).
    pub issuer: &'a [u8],
    pub subject: &'a [u8],
    /// Unix seconds.
    pub not_before: i64,
    pub not_after: i64,
    /// The whole SubjectPublicKeyInfo (Go's `RawSubjectPublicKeyInfo`).
    pub spki: &'a [u8],
    /// The contents of the key's AlgorithmIdentifier, and the key itself.
    pub key_algorithm: &'a [u8],
    pub public_key: &'a [u8],
    pub basic_constraints: Option<BasicConstraints>,
    /// KeyUsage bits as Go numbers them (bit 0 = digitalSignature); `None` when absent.
    pub key_usage: Option<u16>,
    /// Extended key usage OIDs; `None` when the extension is absent.
    pub extended_key_usage: Option<Vec<&'a [u8]>>,
    /// The raw SAN extension value, when present (Go's `hasSANExtension`, `alreadyInChain`).
    pub san: Option<&'a [u8]>,
    pub dns_names: Vec<String>,
    pub ip_addresses: Vec<IpAddr>,
    pub has_name_constraints: bool,
    /// A critical extension none of the above: Go refuses those it does not handle.
    pub unknown_critical: bool,
}

impl<'a> Certificate<'a> {
    pub fn parse(der: &'a [u8]) -> Result<Certificate<'a>> {
        let mut input = der;
        let cert = expect(&mut input, SEQUENCE, "not a SEQUENCE")?;
        if !input.is_empty() {
            return Err(BadDer("trailing data"));
        }
        let mut body = cert.contents;
        let tbs = expect(&mut body, SEQUENCE, "tbsCertificate")?;
        let sig_alg = expect(&mut body, SEQUENCE, "signatureAlgorithm")?;
        let signature = bit_string(expect(&mut body, BIT_STRING, "signature")?)?;
        if !body.is_empty() {
            return Err(BadDer("trailing data in certificate"));
        }

        let mut t = tbs.contents;
        let version = match optional(&mut t, 0xa0)? {
            Some(v) => {
                let mut inner = v.contents;
                let n = expect(&mut inner, INTEGER, "version")?;
                match n.contents {
                    [0] => 1,
                    [1] => 2,
                    [2] => 3,
                    _ => return Err(BadDer("unknown version")),
                }
            }
            None => 1,
        };
        expect(&mut t, INTEGER, "serialNumber")?;
        let inner_alg = expect(&mut t, SEQUENCE, "signature")?;
        if inner_alg.raw != sig_alg.raw {
            // RFC 5280 4.1.1.2; Go: "x509: inner and outer signature algorithm identifiers
            // don't match".
            return Err(BadDer("signature algorithms differ"));
        }
        let issuer = expect(&mut t, SEQUENCE, "issuer")?;
        let validity = expect(&mut t, SEQUENCE, "validity")?;
        let mut v = validity.contents;
        let not_before = time(read(&mut v)?)?;
        let not_after = time(read(&mut v)?)?;
        let subject = expect(&mut t, SEQUENCE, "subject")?;
        let spki = expect(&mut t, SEQUENCE, "subjectPublicKeyInfo")?;
        let mut s = spki.contents;
        let key_alg = expect(&mut s, SEQUENCE, "key algorithm")?;
        let public_key = bit_string(expect(&mut s, BIT_STRING, "public key")?)?;
        optional(&mut t, 0x81)?; // issuerUniqueID
        optional(&mut t, 0x82)?; // subjectUniqueID
        let mut c = Certificate {
            der,
            tbs: tbs.raw,
            signature_algorithm: sig_alg.contents,
            signature,
            version,
            issuer: issuer.raw,
            subject: subject.raw,
            not_before,
            not_after,
            spki: spki.raw,
            key_algorithm: key_alg.contents,
            public_key,
            basic_constraints: None,
            key_usage: None,
            extended_key_usage: None,
            san: None,
            dns_names: Vec::new(),
            ip_addresses: Vec::new(),
            has_name_constraints: false,
            unknown_critical: false,
        };
        if let Some(exts) = optional(&mut t, 0xa3)? {
            let mut wrapper = exts.contents;
            let list = expect(&mut wrapper, SEQUENCE, "extensions")?;
            let mut l = list.contents;
            while !l.is_empty() {
                let ext = expect(&mut l, SEQUENCE, "extension")?;
                let mut e = ext.contents;
                let oid = expect(&mut e, OID, "extension id")?.contents;
                let critical = match optional(&mut e, BOOLEAN)? {
                    Some(b) => b.contents == [0xff],
                    None => false,
                };
                let value = expect(&mut e, OCTET_STRING, "extension value")?.contents;
                c.extension(oid, critical, value)?;
            }
        }
        if !t.is_empty() {
            return Err(BadDer("trailing data in tbsCertificate"));
        }
        Ok(c)
    }

    fn extension(&mut self, oid: &[u8], critical: bool, value: &'a [u8]) -> Result<()> {
        let mut v = value;
        match oid {
            OID_BASIC_CONSTRAINTS => {
                let seq = expect(&mut v, SEQUENCE, "basicConstraints")?;
                let mut s = seq.contents;
                let ca = optional(&mut s, BOOLEAN)?.is_some_and(|b| b.contents == [0xff]);
                let path_len = match optional(&mut s, INTEGER)? {
                    Some(n) => Some(small_uint(n.contents)?),
                    None => None,
                };
                self.basic_constraints = Some(BasicConstraints { ca, path_len });
            }
            OID_KEY_USAGE => {
                let bits = expect(&mut v, BIT_STRING, "keyUsage")?.contents;
                let (_, bytes) = bits.split_first().ok_or(BadDer("keyUsage"))?;
                // DER bit 0 is the most significant bit of the first byte.
                let mut usage = 0u16;
                for i in 0..9 {
                    if bytes.get(i / 8).is_some_and(|b| b & (0x80 >> (i % 8)) != 0) {
                        usage |= 1 << i;
                    }
                }
                self.key_usage = Some(usage);
            }
            OID_EKU => {
                let seq = expect(&mut v, SEQUENCE, "extKeyUsage")?;
                let mut s = seq.contents;
                let mut oids = Vec::new();
                while !s.is_empty() {
                    oids.push(expect(&mut s, OID, "extKeyUsage OID")?.contents);
                }
                self.extended_key_usage = Some(oids);
            }
            OID_SAN => {
                self.san = Some(value);
                let seq = expect(&mut v, SEQUENCE, "subjectAltName")?;
                let mut s = seq.contents;
                while !s.is_empty() {
                    let name = read(&mut s)?;
                    match name.tag {
                        0x82 => self.dns_names.push(
                            std::str::from_utf8(name.contents)
                                .map_err(|_| BadDer("dNSName"))?
                                .to_owned(),
                        ),
                        0x87 => match name.contents.len() {
                            4 => {
                                let b: [u8; 4] = name.contents.try_into().expect("4 bytes");
                                self.ip_addresses.push(IpAddr::from(b));
                            }
                            16 => {
                                let b: [u8; 16] = name.contents.try_into().expect("16 bytes");
                                self.ip_addresses.push(IpAddr::from(b));
                            }
                            _ => return Err(BadDer("iPAddress")),
                        },
                        _ => {}
                    }
                }
            }
            OID_NAME_CONSTRAINTS => self.has_name_constraints = true,
            OID_SKID | OID_AKID | OID_CRL_DP | OID_CERT_POLICIES | OID_AIA => {}
            _ if critical => self.unknown_critical = true,
            _ => {}
        }
        Ok(())
    }

    /// The subject's common name, else its first organization: how Go names a certificate in
    /// `UnknownAuthorityError`.
    pub fn display_name(&self) -> String {
        let attrs = name_attributes(self.subject).unwrap_or_default();
        attrs
            .iter()
            .find(|(oid, _)| *oid == OID_CN)
            .or_else(|| attrs.iter().find(|(oid, _)| *oid == OID_O))
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| "(no common name)".to_owned())
    }

    /// The subject's common name and organizations: kube-apiserver's user and groups of a
    /// client certificate.
    pub fn subject_cn_and_orgs(&self) -> (Option<String>, Vec<String>) {
        let attrs = name_attributes(self.subject).unwrap_or_default();
        let cn = attrs
            .iter()
            .find(|(oid, _)| *oid == OID_CN)
            .map(|(_, v)| v.clone());
        let orgs = attrs
            .iter()
            .filter(|(oid, _)| *oid == OID_O)
            .map(|(_, v)| v.clone())
            .collect();
        (cn, orgs)
    }

    /// The issuer's common name (for "issued by …" in messages).
    pub fn issuer_display_name(&self) -> String {
        let attrs = name_attributes(self.issuer).unwrap_or_default();
        attrs
            .iter()
            .find(|(oid, _)| *oid == OID_CN)
            .or_else(|| attrs.iter().find(|(oid, _)| *oid == OID_O))
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| "(no common name)".to_owned())
    }
}

fn bit_string(t: Tlv<'_>) -> Result<&[u8]> {
    match t.contents.split_first() {
        Some((0, rest)) => Ok(rest),
        _ => Err(BadDer("bit string with unused bits")),
    }
}

fn small_uint(bytes: &[u8]) -> Result<u64> {
    if bytes.is_empty() || bytes.len() > 8 || bytes[0] & 0x80 != 0 {
        return Err(BadDer("integer"));
    }
    Ok(bytes.iter().fold(0u64, |acc, &b| (acc << 8) | b as u64))
}

/// (attribute OID, value as text) of every attribute of a Name, in order.
fn name_attributes(name: &[u8]) -> Result<Vec<(&[u8], String)>> {
    let mut input = name;
    let seq = expect(&mut input, SEQUENCE, "Name")?;
    let mut rdns = seq.contents;
    let mut out = Vec::new();
    while !rdns.is_empty() {
        let set = expect(&mut rdns, SET, "RDN")?;
        let mut atvs = set.contents;
        while !atvs.is_empty() {
            let atv = expect(&mut atvs, SEQUENCE, "AttributeTypeAndValue")?;
            let mut a = atv.contents;
            let oid = expect(&mut a, OID, "attribute type")?.contents;
            let value = read(&mut a)?;
            let text = match value.tag {
                // BMPString: UTF-16BE.
                0x1e => {
                    let units: Vec<u16> = value
                        .contents
                        .chunks(2)
                        .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))
                        .collect();
                    String::from_utf16_lossy(&units)
                }
                _ => String::from_utf8_lossy(value.contents).into_owned(),
            };
            out.push((oid, text));
        }
    }
    Ok(out)
}

/// UTCTime or GeneralizedTime (the `Z` forms RFC 5280 requires) → Unix seconds.
fn time(t: Tlv<'_>) -> Result<i64> {
    let s = t.contents;
    let digits = |b: &[u8]| -> Result<i64> {
        b.iter().try_fold(0i64, |acc, &c| {
            c.is_ascii_digit()
                .then(|| acc * 10 + (c - b'0') as i64)
                .ok_or(BadDer("time"))
        })
    };
    let (year, rest) = match (t.tag, s.len()) {
        (UTC_TIME, 13) => {
            let yy = digits(&s[..2])?;
            // RFC 5280 4.1.2.5.1: YY >= 50 is 19YY.
            (if yy >= 50 { 1900 + yy } else { 2000 + yy }, &s[2..])
        }
        (GENERALIZED_TIME, 15) => (digits(&s[..4])?, &s[4..]),
        _ => return Err(BadDer("time")),
    };
    if rest[10] != b'Z' {
        return Err(BadDer("time zone"));
    }
    let (mo, d, h, mi, se) = (
        digits(&rest[0..2])?,
        digits(&rest[2..4])?,
        digits(&rest[4..6])?,
        digits(&rest[6..8])?,
        digits(&rest[8..10])?,
    );
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || se > 60 {
        return Err(BadDer("time"));
    }
    Ok(days_from_civil(year, mo, d) * 86_400 + h * 3600 + mi * 60 + se)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;
    use rcgen::{
        BasicConstraints as Bc, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair,
        KeyUsagePurpose, SanType,
    };

    #[test]
    fn reads_what_rcgen_wrote() {
        let key = KeyPair::generate().unwrap();
        let mut p = CertificateParams::new(vec!["api.example.test".to_owned()]).unwrap();
        p.subject_alt_names
            .push(SanType::IpAddress("10.0.0.1".parse().unwrap()));
        p.distinguished_name.push(DnType::CommonName, "alice");
        p.distinguished_name
            .push(DnType::OrganizationName, "system:masters");
        p.is_ca = IsCa::Ca(Bc::Constrained(2));
        p.key_usages = vec![KeyUsagePurpose::KeyCertSign];
        p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        p.not_before = rcgen::date_time_ymd(2001, 2, 3);
        p.not_after = rcgen::date_time_ymd(2051, 12, 31);
        let cert = p.self_signed(&key).unwrap();
        let c = Certificate::parse(cert.der()).unwrap();
        assert_eq!(c.version, 3);
        assert_eq!(c.dns_names, ["api.example.test"]);
        assert_eq!(c.ip_addresses, ["10.0.0.1".parse::<IpAddr>().unwrap()]);
        assert_eq!(
            c.basic_constraints,
            Some(BasicConstraints {
                ca: true,
                path_len: Some(2)
            })
        );
        assert_eq!(c.key_usage, Some(KEY_USAGE_CERT_SIGN));
        assert_eq!(c.extended_key_usage, Some(vec![EKU_SERVER_AUTH]));
        assert_eq!(c.not_before, 981_158_400); // 2001-02-03T00:00:00Z
        assert_eq!(c.not_after, 2_587_593_600); // 2051-12-31T00:00:00Z (GeneralizedTime)
        assert_eq!(c.issuer, c.subject);
        assert_eq!(
            c.subject_cn_and_orgs(),
            (Some("alice".into()), vec!["system:masters".to_owned()])
        );
        assert!(!c.unknown_critical && !c.has_name_constraints);
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        let key = KeyPair::generate().unwrap();
        let p = CertificateParams::new(vec!["x".to_owned()]).unwrap();
        let der = p.self_signed(&key).unwrap().der().to_vec();
        for cut in 0..der.len() {
            assert!(Certificate::parse(&der[..cut]).is_err(), "cut at {cut}");
        }
        for i in 0..der.len() {
            let mut bad = der.clone();
            bad[i] ^= 0xff;
            let _ = Certificate::parse(&bad);
        }
        assert!(Certificate::parse(&[0x30, 0x84, 0xff, 0xff, 0xff, 0xff]).is_err());
    }
}
