//! Registry space per stream, tag and revision, shared layers counted once (pure accounting).
//!
//! Sizes come from a [`SizeIndex`] of individual Images (read through `imagestreamimages`),
//! with `GET imagestreams/<name>/layers` answers adding which blobs unread images reference. [`account`] turns streams and an index
//! into a [`UsageReport`]: for each stream, tag and revision the bytes it references (`total`),
//! the bytes nothing else references (`unique`, what removing it alone frees) and the rest
//! (`shared`), each blob counted once. [`freed_by`] answers what a prune plan frees.
//! No I/O here.

mod account;
mod digests;
mod human;
mod index;
mod namespaces;
mod report;
mod streams;
mod threshold;

pub use account::{Accounting, Removal, account, freed_by};
pub use digests::{DigestId, DigestRef, Digests};
pub use human::human_size;
pub use index::SizeIndex;
pub use namespaces::{NamespaceReport, NamespaceUsage, NotMeasured, UnreadNamespace};
pub use report::{
    RevisionUsage, StreamUsage, TagRef, TagUsage, UnsizedImage, UnsizedReason, UsageReport,
};
pub use streams::{Compactor, UsageStream, UsageStreams};
pub use threshold::parse_size;
