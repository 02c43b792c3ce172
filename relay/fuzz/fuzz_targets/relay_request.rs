#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _answered = hushpost_relay_fuzz::relay_request(data);
});
