//! The simulated OpenShift image API: real HTTPS on loopback, the real server's semantics.
