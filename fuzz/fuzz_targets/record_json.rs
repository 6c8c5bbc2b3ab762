//! Fuzz target `record_json`: see `engine/tests/fuzz_checks/mod.rs` for the invariants.
#![no_main]

#[path = "../../engine/tests/fuzz_checks/mod.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::check("record_json", data));
