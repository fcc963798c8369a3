//! The I/O shell around the core: one kube `Client` built from the kubeconfig, and the requests.

mod apply;
mod client;
pub mod consumers;
mod errors;
mod fetch;
mod retry;
mod sizes;
mod trim;
mod workloads;

pub use apply::{ApplyOptions, ApplyReport, Deletion, Outcome, apply};
pub use client::{Cluster, connect};
pub use consumers::{
    Consumers, PULLING_CLUSTER_ROLES, RoleKey, RoleRules, consumers_from_bindings,
    discover as discover_consumers, grants_pull, roles_to_read,
};
pub use errors::{ApiContext, api_error, auth_error};
pub use fetch::{Scope, list_image_streams, list_image_streams_as};
pub use retry::{RetryPolicy, retryable, with_retries};
pub use sizes::{Sizes, gather as gather_sizes};
pub use trim::{StreamTrim, TrimOutcome, trim};
pub use workloads::{WORKLOADS, WorkloadImages, workload_images};
