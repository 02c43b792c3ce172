#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _accepted = hushpost_relay_fuzz::decode_page(data);
});
