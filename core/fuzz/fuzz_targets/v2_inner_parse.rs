#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _accepted = hushpost_core_fuzz::v2_inner_parse(data);
});
