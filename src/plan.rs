//! The prune plan: a pure function from image streams and options to what to keep and delete.
