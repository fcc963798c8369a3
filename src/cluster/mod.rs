//! The I/O shell around the core: one kube `Client` built from the kubeconfig, and the requests.

mod apply;
mod client;
mod errors;
mod fetch;
mod retry;
mod sizes;
mod trim;
mod workloads;

pub use apply::{ApplyOptions, ApplyReport, Deletion, Outcome, apply};
pub use client::{Cluster, connect};
pub use errors::{ApiContext, api_error, auth_error};
pub use fetch::{Scope, list_image_streams, list_image_streams_as};
pub use retry::{RetryPolicy, retryable, with_retries};
pub use sizes::{Sizes, gather as gather_sizes};
pub use trim::{StreamTrim, TrimOutcome, trim};
pub use workloads::{WORKLOADS, WorkloadImages, workload_images};
