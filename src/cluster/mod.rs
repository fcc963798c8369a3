//! The I/O shell around the core: one kube `Client` built from the kubeconfig, and the requests.

mod all_images;
mod apply;
mod client;
pub mod consumers;
mod errors;
mod exec;
mod fetch;
mod log;
mod namespaces;
mod overrides;
mod retry;
mod sizes;
pub mod transport;
mod trim;
mod watch;
mod window;
mod workloads;

pub use apply::{
    ApplyOptions, ApplyReport, Deletion, Guard, Outcome, Stop, Verdict, apply, on_signals,
};
pub(crate) use client::io_reason;
pub use client::{Cluster, connect};
pub use consumers::{
    Consumers, PULLING_CLUSTER_ROLES, RoleKey, RoleRules, consumers_from_bindings,
    discover as discover_consumers, grants_pull, roles_to_read,
};
pub use errors::{ApiContext, api_error, auth_error};
pub use fetch::{
    Scope, StreamPages, list_image_streams, list_image_streams_as, list_image_streams_at,
    list_image_streams_in, missing_names,
};
pub use namespaces::namespace_annotations;
pub use retry::{RetryPolicy, backoff_for, retryable, with_retries};
pub use sizes::{Sizes, for_removal as sizes_for_removal, of_streams as sizes_of_streams};
pub use trim::{StreamTrim, TrimOutcome, trim};
pub use watch::StreamView;
pub use workloads::{WORKLOADS, WorkloadImages, workload_images};
