//! oc-prunetags: see what OpenShift ImageStreams hold, and prune stale semver tags safely.
//!
//! The crate is a functional core (`plan`, `usage`, `version`, `duration`) with a thin shell around it
//! (`cli`, `cluster`, `render`), plus `sim`, the simulated OpenShift image API used by the tests,
//! the benchmarks and `--demo`.

pub mod duration;
pub mod model;
pub mod plan;
pub mod sim;
pub mod usage;
pub mod version;
