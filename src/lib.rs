//! oc-prunetags: see what OpenShift ImageStreams hold, and prune stale semver tags safely.
//!
//! `complete` holds shell completion (static scripts and kubectl's dynamic protocol), `man` the
//! man pages.
//!
//! The crate is a functional core (`plan`, `usage`, `version`, `duration`, `inventory`,
//! `inuse`) with a thin shell around it (`cli`, `cluster`, `render`, `app`), plus `sim`, the
//! simulated OpenShift image API used by the tests, the benchmarks and `--demo`.

pub mod app;
pub mod cli;
pub mod cluster;
pub mod complete;
pub mod confirm;
pub mod duration;
pub mod error;
pub mod inuse;
pub mod inventory;
pub mod journal;
pub mod mail;
pub mod man;
pub mod model;
pub mod plan;
pub mod policy;
pub mod prune;
pub mod pullspec;
pub mod redact;
pub mod references;
pub mod render;
pub mod report;
pub mod restore;
pub mod sim;
pub mod smtp;
pub mod usage;
pub mod version;
