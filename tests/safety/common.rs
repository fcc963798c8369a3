//! What the safety tests share: the seed's namespace, reading the simulator, running as a user.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::harness::{self, Harness, Run};

pub const NS: &str = "mynamespace";

/// The current digest of `myapp:<tag>` in the seed's namespace.
pub fn digest_of(h: &Harness, tag: &str) -> String {
    h.sim
        .image_stream(NS, "myapp")
        .unwrap()
        .current(tag)
        .unwrap()
        .image
        .clone()
}

/// A kubeconfig for the simulator with `token` (a user added with `Sim::add_user`).
pub fn kubeconfig_for(h: &Harness, token: &str) -> PathBuf {
    let path = h.dir.path().join(format!("kubeconfig-{token}"));
    let yaml = prunetags::sim::kubeconfig::render(&h.sim.url(), h.sim.ca_pem(), token, NS);
    std::fs::write(&path, yaml).unwrap();
    path
}

/// Runs the binary with another kubeconfig.
pub fn run_with(h: &Harness, kubeconfig: &Path, args: &[&str]) -> Run {
    let mut cmd = h.command();
    cmd.env("KUBECONFIG", kubeconfig).args(args);
    harness::run(cmd, Duration::from_secs(60))
}
