//! The `hushpost` binary: everything lives in the library; main only maps to an exit code.

fn main() -> std::process::ExitCode {
    // SQLCipher and libssh2 share the system libcrypto. Whichever touches it first
    // initialises it, and OpenSSL's default then registers an atexit cleanup that frees its
    // tables while a worker thread (the inbox's store or net worker, a fetch still running)
    // may be using them: a segfault on exit. Initialising it here, first, without that
    // handler (OPENSSL_INIT_NO_ATEXIT) leaves the memory to the kernel as a process exit does.
    openssl_sys::init();
    hushpost::main()
}
