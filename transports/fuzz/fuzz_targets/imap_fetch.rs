#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _accepted = hushpost_transports_fuzz::imap_fetch(data);
});
