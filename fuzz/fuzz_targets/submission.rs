//! Any bytes, as a phone's submission or as the answers to each form: the
//! invariants in `app::domain::submission::invariants`, under libFuzzer.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| app::domain::submission::invariants::check_any_bytes(data));
