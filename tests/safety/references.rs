//! Every spec-tag reference form and every way a workload names an image protects the tag.
