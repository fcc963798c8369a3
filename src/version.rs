//! Which tags are versions, and their order (semver precedence, optional leading `v`).
