#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| hushpost_core_fuzz::card_parse(data));
