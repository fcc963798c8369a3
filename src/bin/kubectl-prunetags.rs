//! `kubectl-prunetags`: the name kubectl and krew look for on PATH. The same program as
//! `oc-prunetags`; its help and errors say `kubectl prunetags` (see `bin_name` in main.rs).

#[path = "../main.rs"]
mod program;

fn main() -> std::process::ExitCode {
    program::main()
}
