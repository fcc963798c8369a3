//! Credentials never leave the process in a message. The kubeconfig's secrets (bearer tokens,
//! passwords, client keys) are registered here as soon as the file is read, and every line we
//! print to stderr or stdout, and the panic hook's message, passes through [`redact`].
//!
//! This is defence in depth: no message is built from a credential on purpose, but errors from
//! libraries (a YAML parser quoting a value, a TLS library naming a file's content) are text we
//! do not control.

use std::borrow::Cow;
use std::sync::{Mutex, MutexGuard};

use base64::Engine as _;

/// What a secret is replaced with.
pub const MASK: &str = "<redacted>";

/// Secrets shorter than this are not registered: masking `abc` everywhere would garble
/// messages and protect nothing.
const MIN_LEN: usize = 8;

static SECRETS: Mutex<Vec<String>> = Mutex::new(Vec::new());

fn secrets() -> MutexGuard<'static, Vec<String>> {
    SECRETS.lock().unwrap_or_else(|e| e.into_inner())
}

/// Remembers `secret` so that it is masked in everything printed from now on. A base64 value
/// (kubeconfig `*-data` fields) is also remembered decoded, line by line, so a PEM key's body
/// is masked too.
pub fn register(secret: &str) {
    let secret = secret.trim();
    if secret.len() < MIN_LEN {
        return;
    }
    let mut list = secrets();
    if !list.iter().any(|s| s == secret) {
        list.push(secret.to_owned());
    }
    if let Ok(decoded) = base64::engine::general_purpose::STANDARD.decode(secret)
        && let Ok(text) = String::from_utf8(decoded)
    {
        for line in text.lines().map(str::trim) {
            if line.len() >= MIN_LEN
                && !line.starts_with("-----")
                && !list.iter().any(|s| s == line)
            {
                list.push(line.to_owned());
            }
        }
    }
    // Longest first: a secret containing another is masked whole.
    list.sort_by_key(|s| std::cmp::Reverse(s.len()));
}

/// `text` with every registered secret, and whatever follows `Bearer `, masked; borrowed when
/// there is nothing to mask (`list -o json` passes a page of megabytes through here).
pub fn redact(text: &str) -> Cow<'_, str> {
    let mut out = Cow::Borrowed(text);
    for s in secrets().iter() {
        if out.contains(s.as_str()) {
            out = Cow::Owned(out.replace(s.as_str(), MASK));
        }
    }
    match mask_bearer(&out) {
        Some(masked) => Cow::Owned(masked),
        None => out,
    }
}

/// `Bearer <anything>` → `Bearer <redacted>`, for a header that found its way into a message;
/// `None` when there is none.
fn mask_bearer(text: &str) -> Option<String> {
    const BEARER: &str = "Bearer ";
    if !text.contains(BEARER) {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(BEARER) {
        out.push_str(&rest[..i + BEARER.len()]);
        rest = &rest[i + BEARER.len()..];
        let end = rest
            .find(|c: char| c.is_whitespace() || c == '"' || c == '\'' || c == ',')
            .unwrap_or(rest.len());
        if end > 0 && !rest[..end].starts_with(MASK) {
            out.push_str(MASK);
        } else {
            out.push_str(&rest[..end]);
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    Some(out)
}

/// A writer that passes what it is given on to `inner` line by line, each line [`redact`]ed:
/// a document can be streamed out without ever being held whole. Line by line masks the same
/// as the whole text: no secret holds a line break (each is registered trimmed, a decoded PEM
/// line by line), and a `Bearer ` value ends at whitespace. Call [`Redacting::finish`] at the
/// end, for a last line without a line break.
pub struct Redacting<W: std::io::Write> {
    inner: W,
    line: Vec<u8>,
}

impl<W: std::io::Write> Redacting<W> {
    pub fn new(inner: W) -> Self {
        Redacting {
            inner,
            line: Vec::new(),
        }
    }

    /// Writes what is left of the last line, and flushes.
    pub fn finish(mut self) -> std::io::Result<()> {
        self.write_line()?;
        self.inner.flush()
    }

    fn write_line(&mut self) -> std::io::Result<()> {
        if self.line.is_empty() {
            return Ok(());
        }
        match std::str::from_utf8(&self.line) {
            Ok(text) => self.inner.write_all(redact(text).as_bytes())?,
            // Not text: nothing we print, and nothing a secret could be found in as text.
            Err(_) => self.inner.write_all(&self.line)?,
        }
        self.line.clear();
        Ok(())
    }
}

impl<W: std::io::Write> std::io::Write for Redacting<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let mut rest = buf;
        while let Some(i) = rest.iter().position(|&b| b == b'\n') {
            self.line.extend_from_slice(&rest[..=i]);
            self.write_line()?;
            rest = &rest[i + 1..];
        }
        self.line.extend_from_slice(rest);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Registers every credential of every user in a kubeconfig: the file may name several, and an
/// error may quote any of them.
pub fn register_kubeconfig(kc: &kube::config::Kubeconfig) {
    use secrecy::ExposeSecret;
    for named in &kc.auth_infos {
        let Some(auth) = &named.auth_info else {
            continue;
        };
        for s in [&auth.token, &auth.password, &auth.client_key_data]
            .into_iter()
            .flatten()
        {
            register(s.expose_secret());
        }
        // A token file is read by kube; its content is as secret as an inline token.
        if let Some(path) = &auth.token_file
            && let Ok(token) = std::fs::read_to_string(path)
        {
            register(&token);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_registered_secrets_and_bearer_headers() {
        register("unit-test-sekret-1234");
        let pem = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n";
        register(&base64::engine::general_purpose::STANDARD.encode(pem));
        register("short");
        let out = redact(
            "token unit-test-sekret-1234 and key MIIEvQIBADANBgkqhkiG9w0BAQEFAASC; Authorization: Bearer abc.def, ok short",
        );
        assert!(!out.contains("unit-test-sekret-1234"), "{out}");
        assert!(!out.contains("MIIEvQIBADANBgkqhkiG9w0BAQEFAASC"), "{out}");
        assert!(!out.contains("abc.def"), "{out}");
        assert!(out.contains("Bearer <redacted>, ok short"), "{out}");
        assert_eq!(redact("nothing secret"), "nothing secret");
        // Nothing to mask: no copy of what may be a whole cluster's report.
        assert!(matches!(redact("nothing secret"), Cow::Borrowed(_)));
        assert!(matches!(redact("a unit-test-sekret-1234"), Cow::Owned(_)));
        // Streamed in pieces that split a secret and a line: masked as the whole text is.
        let text = "ok\ntoken unit-test-sekret-1234\nBearer abc.def\nlast";
        let mut buf: Vec<u8> = Vec::new();
        let mut w = Redacting::new(&mut buf);
        for piece in text.as_bytes().chunks(5) {
            std::io::Write::write_all(&mut w, piece).unwrap();
        }
        w.finish().unwrap();
        assert_eq!(String::from_utf8(buf).unwrap(), redact(text));
        assert!(redact(text).ends_with("\nlast"));
        assert_eq!(redact("Bearer "), "Bearer ");
    }
}
