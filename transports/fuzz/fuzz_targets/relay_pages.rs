#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _accepted = hushpost_transports_fuzz::relay_pages(data);
});
