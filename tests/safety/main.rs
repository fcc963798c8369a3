//! Deletion safety end to end (issue #11): the built binary against the simulator, asserting
//! the server's state afterwards. One test binary, one module per concern.

#[path = "../harness/mod.rs"]
mod harness;

mod common;
mod consumers;
mod races;
mod references;
mod versions;
