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
}
