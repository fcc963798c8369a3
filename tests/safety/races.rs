//! Between the plan and the DELETE: state that changes meanwhile protects; lost answers; signals.
