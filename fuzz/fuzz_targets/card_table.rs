//! Fuzz target `card_table`: see `engine/tests/fuzz_checks/mod.rs` for the invariants.
#![no_main]

#[path = "../../engine/tests/fuzz_checks/mod.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::check("card_table", data));
