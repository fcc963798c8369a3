//! Version rules: one slot per version, pre-releases take none, anchored --match, --order created.
