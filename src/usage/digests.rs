//! Interned image digests: each distinct digest is stored once, and the accounting refers to it
//! by a dense `u32` id. A cluster's revisions repeat digests (a tag's history, the same image
//! under several tags and streams), and a `String` per revision is 3× the bytes of the records
//! that point at it.

use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};

use hashbrown::HashTable;

/// An id in a [`Digests`]: dense, in order of first appearance.
pub type DigestId = u32;

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

/// An append-only set of digests, an id being the position: what the compact streams refer to
/// their images by, the size index interns blobs with, and `usage` remembers the images it
/// asked for by. A cluster has a million blobs
/// and more (#16): a map of [`DigestKey`] to id held each in a 48-byte slot and, while growing,
/// two tables of them. Here the table holds 4-byte ids, and a sha256 digest is its 32 bytes in
/// one `Vec`; any other digest (rare: another algorithm, not lowercase) is kept as written
/// beside it, its slot in the `Vec` left zero.
#[derive(Clone, Debug, Default)]
pub struct Digests {
    sha256: Vec<[u8; 32]>,
    other: HashMap<u32, Box<str>>,
    table: HashTable<u32>,
    hasher: RandomState,
}

/// A digest of a [`Digests`], borrowed: displays as written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DigestRef<'a> {
    Sha256(&'a [u8; 32]),
    Other(&'a str),
}

impl DigestRef<'_> {
    pub(crate) fn to_key(self) -> DigestKey {
        match self {
            DigestRef::Sha256(bytes) => DigestKey::Sha256(*bytes),
            DigestRef::Other(text) => DigestKey::Other(text.into()),
        }
    }
}

impl std::fmt::Display for DigestRef<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            // One write: `to_string` then allocates the 71 bytes once. Written a digit pair at
            // a time, the String grew six times, to 128 bytes, per revision of a report (#16).
            DigestRef::Sha256(bytes) => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                let mut text = [0u8; 71];
                text[..7].copy_from_slice(b"sha256:");
                for (i, b) in bytes.iter().enumerate() {
                    text[7 + 2 * i] = HEX[usize::from(b >> 4)];
                    text[8 + 2 * i] = HEX[usize::from(b & 15)];
                }
                f.write_str(std::str::from_utf8(&text).map_err(|_| std::fmt::Error)?)
            }
            DigestRef::Other(text) => f.write_str(text),
        }
    }
}

impl<'a> From<&'a DigestKey> for DigestRef<'a> {
    fn from(key: &'a DigestKey) -> Self {
        match key {
            DigestKey::Sha256(bytes) => DigestRef::Sha256(bytes),
            DigestKey::Other(text) => DigestRef::Other(text),
        }
    }
}

impl Digests {
    pub fn new() -> Self {
        Self::default()
    }

    /// The id of `digest` and whether it is new.
    pub fn intern(&mut self, digest: &str) -> (DigestId, bool) {
        let key = DigestKey::of(digest);
        let hash = self.hasher.hash_one(DigestRef::from(&key));
        if let Some(id) = self.find(hash, (&key).into()) {
            return (id, false);
        }
        let id = u32::try_from(self.sha256.len()).expect("fewer than 2^32 digests");
        match key {
            DigestKey::Sha256(bytes) => self.sha256.push(bytes),
            DigestKey::Other(text) => {
                self.sha256.push([0; 32]);
                self.other.insert(id, text);
            }
        }
        let Self {
            sha256,
            other,
            table,
            hasher,
        } = self;
        table.insert_unique(hash, id, |&id| hasher.hash_one(slot(sha256, other, id)));
        (id, true)
    }

    pub fn id(&self, digest: &str) -> Option<DigestId> {
        let key = DigestKey::of(digest);
        self.find(self.hasher.hash_one(DigestRef::from(&key)), (&key).into())
    }

    fn find(&self, hash: u64, key: DigestRef<'_>) -> Option<u32> {
        self.table
            .find(hash, |&id| slot(&self.sha256, &self.other, id) == key)
            .copied()
    }

    /// The digest of an id this set gave out; it displays as written.
    pub fn get(&self, id: DigestId) -> DigestRef<'_> {
        slot(&self.sha256, &self.other, id)
    }

    /// Distinct digests.
    pub fn len(&self) -> usize {
        self.sha256.len()
    }

    pub fn is_empty(&self) -> bool {
        self.sha256.is_empty()
    }
}

fn slot<'a>(sha256: &'a [[u8; 32]], other: &'a HashMap<u32, Box<str>>, id: u32) -> DigestRef<'a> {
    match other.get(&id) {
        Some(text) => DigestRef::Other(text),
        None => DigestRef::Sha256(&sha256[id as usize]),
    }
}

impl std::hash::Hash for DigestRef<'_> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        match self {
            DigestRef::Sha256(bytes) => bytes.hash(state),
            DigestRef::Other(text) => text.hash(state),
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
        assert_eq!(d.intern("sha256:a"), (0, true));
        assert_eq!(d.intern("sha256:b"), (1, true));
        assert_eq!(d.intern("sha256:a"), (0, false));
        assert_eq!(d.len(), 2);
        assert_eq!(d.get(1).to_string(), "sha256:b");
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

    #[test]
    fn a_table_gives_dense_ids_and_the_digests_back_as_written() {
        let hex = "0123456789abcdef".repeat(4);
        let sha = format!("sha256:{hex}");
        let mut t = Digests::new();
        assert_eq!(t.intern(&sha), (0, true));
        assert_eq!(t.intern("sha256:a#whole-image"), (1, true));
        assert_eq!(t.intern(&sha), (0, false));
        assert_eq!(t.id("sha256:a#whole-image"), Some(1));
        assert_eq!(t.id("sha256:b"), None);
        assert_eq!(t.get(0).to_string(), sha);
        assert_eq!(t.get(0).to_string().capacity(), sha.len());
        assert_eq!(t.get(1).to_string(), "sha256:a#whole-image");
        // Many more than one table's first allocation: ids stay dense and findable.
        for n in 0..10_000u32 {
            assert_eq!(t.intern(&format!("sha256:{n:064x}")), (n + 2, true));
        }
        assert_eq!(t.len(), 10_002);
        assert_eq!(t.id(&format!("sha256:{:064x}", 1234)), Some(1236));
    }
}
