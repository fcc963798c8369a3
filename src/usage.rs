//! Registry space per stream, tag and revision, shared layers counted once (pure accounting).
