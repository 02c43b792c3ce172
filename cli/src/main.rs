//! The `hushpost` binary: everything lives in the library; main only maps to an exit code.

fn main() -> std::process::ExitCode {
    hushpost::main()
}
