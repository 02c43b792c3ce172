#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _accepted = hushpost_core_fuzz::hybrid_stanza(data);
});
