//! Interned image digests: each distinct digest is stored once, and the accounting refers to it
//! by a dense `u32` id. A cluster's revisions repeat digests (a tag's history, the same image
//! under several tags and streams), and a `String` per revision is 3× the bytes of the records
//! that point at it.

use indexmap::IndexSet;

/// An id in a [`Digests`]: dense, in order of first appearance.
pub type DigestId = u32;

/// An append-only set of digests; an id is the digest's position.
#[derive(Clone, Debug, Default)]
pub struct Digests {
    set: IndexSet<Box<str>>,
}

impl Digests {
    pub fn new() -> Self {
        Self::default()
    }

    /// The id of `digest`, added if new.
    pub fn intern(&mut self, digest: &str) -> DigestId {
        let id = match self.set.get_index_of(digest) {
            Some(id) => id,
            None => self.set.insert_full(digest.into()).0,
        };
        DigestId::try_from(id).expect("fewer than 2^32 digests")
    }

    /// The id of `digest`, if it was interned.
    pub fn id(&self, digest: &str) -> Option<DigestId> {
        self.set
            .get_index_of(digest)
            .and_then(|i| DigestId::try_from(i).ok())
    }

    /// The digest of an id this set gave out.
    pub fn get(&self, id: DigestId) -> &str {
        &self.set[id as usize]
    }

    /// Distinct digests.
    pub fn len(&self) -> usize {
        self.set.len()
    }

    pub fn is_empty(&self) -> bool {
        self.set.is_empty()
    }
}

/// A digest as a map key, without a heap string for the common case: `sha256:` and 64
/// lowercase hex digits are their 32 bytes (40 bytes in all, against 24 + 71 for a `String`),
/// anything else is kept as written. Lowercase only, so that two keys are equal exactly when
/// the digests are.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum DigestKey {
    Sha256([u8; 32]),
    Other(Box<str>),
}

impl DigestKey {
    pub(crate) fn of(digest: &str) -> DigestKey {
        let sha256 = digest
            .strip_prefix("sha256:")
            .filter(|hex| hex.len() == 64)
            .and_then(|hex| {
                let mut bytes = [0u8; 32];
                for (b, pair) in bytes.iter_mut().zip(hex.as_bytes().chunks(2)) {
                    *b = (lower_hex(pair[0])? << 4) | lower_hex(pair[1])?;
                }
                Some(bytes)
            });
        match sha256 {
            Some(bytes) => DigestKey::Sha256(bytes),
            None => DigestKey::Other(digest.into()),
        }
    }
}

fn lower_hex(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_digest_is_stored_once_and_ids_are_dense() {
        let mut d = Digests::new();
        assert_eq!(d.intern("sha256:a"), 0);
        assert_eq!(d.intern("sha256:b"), 1);
        assert_eq!(d.intern("sha256:a"), 0);
        assert_eq!(d.len(), 2);
        assert_eq!(d.get(1), "sha256:b");
        assert_eq!(d.id("sha256:b"), Some(1));
        assert_eq!(d.id("sha256:c"), None);
    }

    #[test]
    fn keys_are_equal_exactly_when_digests_are() {
        let hex = "0123456789abcdef".repeat(4);
        let a = DigestKey::of(&format!("sha256:{hex}"));
        assert!(matches!(a, DigestKey::Sha256(_)));
        assert_eq!(a, DigestKey::of(&format!("sha256:{hex}")));
        assert_ne!(
            a,
            DigestKey::of(&format!("sha256:{}", hex.replace('0', "1")))
        );
        // Uppercase, short and other algorithms stay text, never equal to a lowercase one.
        let upper = DigestKey::of(&format!("sha256:{}", hex.to_uppercase()));
        assert!(matches!(upper, DigestKey::Other(_)));
        assert_ne!(a, upper);
        assert!(matches!(DigestKey::of("sha256:abc"), DigestKey::Other(_)));
        assert!(matches!(
            DigestKey::of("sha256:a#whole-image"),
            DigestKey::Other(_)
        ));
        assert_eq!(std::mem::size_of::<DigestKey>(), 40);
    }
}
