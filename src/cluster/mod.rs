//! The I/O shell around the core: one kube `Client` built from the kubeconfig, and the requests.

mod client;
mod errors;
mod fetch;

pub use client::{Cluster, connect};
pub use errors::{ApiContext, api_error};
pub use fetch::{Scope, list_image_streams};
