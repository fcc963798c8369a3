//! The simulator's TLS: by default a CA and a server certificate generated at start (rcgen);
//! or a given certificate chain and key ([`Identity`]), optionally with client certificates
//! authenticated as kube-apiserver does (subject CN = user, O = groups).

use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose, SanType,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

/// The CA for kubeconfigs, the server's TLS config, and the client CA when client
/// certificates are accepted.
pub struct Tls {
    pub ca_pem: String,
    pub server_config: Arc<rustls::ServerConfig>,
    pub client_auth: Option<Arc<ClientAuth>>,
}

/// What to serve instead of the generated certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Identity {
    /// PEM: the served certificate first, then the intermediates to send along.
    pub cert_chain_pem: String,
    /// PEM: the served certificate's key (PKCS#8, PKCS#1 or SEC1).
    pub key_pem: String,
    /// PEM: the CA bundle client certificates must chain to. `None`: none are asked for.
    pub client_ca_pem: Option<String>,
}

fn io_err(e: impl std::fmt::Display) -> std::io::Error {
    std::io::Error::other(e.to_string())
}

pub fn generate() -> std::io::Result<Tls> {
    let ca_key = KeyPair::generate().map_err(io_err)?;
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).map_err(io_err)?;
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "prunetags-sim CA");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let ca_cert = ca_params.self_signed(&ca_key).map_err(io_err)?;
    let issuer = Issuer::new(ca_params, ca_key);

    let key = KeyPair::generate().map_err(io_err)?;
    let mut params = CertificateParams::new(vec!["localhost".to_owned()]).map_err(io_err)?;
    params
        .subject_alt_names
        .push(SanType::IpAddress(std::net::IpAddr::from([127, 0, 0, 1])));
    params
        .distinguished_name
        .push(DnType::CommonName, "prunetags-sim");
    let cert = params.signed_by(&key, &issuer).map_err(io_err)?;

    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(io_err)?
        .with_no_client_auth()
        .with_single_cert(
            vec![
                CertificateDer::from(cert.der().to_vec()),
                ca_cert.der().clone(),
            ],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        )
        .map_err(io_err)?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(Tls {
        ca_pem: ca_cert.pem(),
        server_config: Arc::new(config),
        client_auth: None,
    })
}

/// Serves `id`. Kubeconfigs written by the simulator trust the chain's last certificate (the
/// served certificate itself when it is alone).
pub fn serve(id: &Identity) -> std::io::Result<Tls> {
    use rustls::pki_types::pem::PemObject as _;
    let chain: Vec<CertificateDer<'static>> =
        CertificateDer::pem_slice_iter(id.cert_chain_pem.as_bytes())
            .collect::<Result<_, _>>()
            .map_err(io_err)?;
    let last = chain
        .last()
        .ok_or_else(|| io_err("no certificate in the TLS certificate file"))?;
    let ca_pem = pem("CERTIFICATE", last.as_ref());
    let key = PrivateKeyDer::from_pem_slice(id.key_pem.as_bytes()).map_err(io_err)?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ServerConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(io_err)?;
    let client_auth = match &id.client_ca_pem {
        Some(ca) => {
            let mut roots = rustls::RootCertStore::empty();
            for der in CertificateDer::pem_slice_iter(ca.as_bytes()) {
                roots.add(der.map_err(io_err)?).map_err(io_err)?;
            }
            let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
                Arc::new(roots),
                provider,
            )
            .allow_unauthenticated()
            .build()
            .map_err(io_err)?;
            Some(Arc::new(ClientAuth { verifier }))
        }
        None => None,
    };
    let builder = match &client_auth {
        Some(auth) => builder.with_client_cert_verifier(Arc::new(RequestClientCert(auth.clone()))),
        None => builder.with_no_client_auth(),
    };
    let mut config = builder.with_single_cert(chain, key).map_err(io_err)?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(Tls {
        ca_pem,
        server_config: Arc::new(config),
        client_auth,
    })
}

fn pem(label: &str, der: &[u8]) -> String {
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for line in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(line).expect("base64 is ASCII"));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

/// Who a client certificate says the caller is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertUser {
    pub name: String,
    pub groups: Vec<String>,
}

/// The client CA, checking certificates the way kube-apiserver's x509 authenticator does.
#[derive(Debug)]
pub struct ClientAuth {
    verifier: Arc<dyn rustls::server::danger::ClientCertVerifier>,
}

impl ClientAuth {
    /// The user of a verified client certificate chain: subject CN = user name, each O = a
    /// group (k8s.io/apiserver `x509.CommonNameUserConversion`). `None` when the chain does
    /// not verify or has no CN: the request goes on to the other authenticators (the token).
    pub fn identify(&self, chain: &[CertificateDer<'_>]) -> Option<CertUser> {
        let (leaf, intermediates) = chain.split_first()?;
        self.verifier
            .verify_client_cert(leaf, intermediates, rustls::pki_types::UnixTime::now())
            .ok()?;
        let cert = crate::cluster::transport::x509::Certificate::parse(leaf.as_ref()).ok()?;
        let (cn, orgs) = cert.subject_cn_and_orgs();
        let name = cn.filter(|n| !n.is_empty())?;
        Some(CertUser { name, groups: orgs })
    }
}

/// kube-apiserver asks for a client certificate (`tls.RequestClientCert`) and judges it in its
/// authenticator, answering 401 rather than failing the handshake. Possession of the key is
/// still proven: the handshake signature is verified.
#[derive(Debug)]
struct RequestClientCert(Arc<ClientAuth>);

impl rustls::server::danger::ClientCertVerifier for RequestClientCert {
    fn offer_client_auth(&self) -> bool {
        true
    }

    fn client_auth_mandatory(&self) -> bool {
        false
    }

    fn root_hint_subjects(&self) -> &[rustls::DistinguishedName] {
        self.0.verifier.root_hint_subjects()
    }

    fn verify_client_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _now: rustls::pki_types::UnixTime,
    ) -> Result<rustls::server::danger::ClientCertVerified, rustls::Error> {
        Ok(rustls::server::danger::ClientCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        self.0.verifier.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        self.0.verifier.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.0.verifier.supported_verify_schemes()
    }
}
