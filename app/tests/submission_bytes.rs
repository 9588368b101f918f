//! The fuzz target's invariants (`app::domain::submission::invariants`) on the
//! stable toolchain, in every `scripts/test`: the seeds, whatever corpus a
//! longer cargo-fuzz run left behind, and a fixed, seeded set of mutations of
//! them, byte-level (what a broken phone or proxy sends) and value-level
//! (well-formed JSON with wrong types, hostile strings and odd numbers, which
//! is what reaches validation). Bounded, so it takes seconds; `scripts/bench`
//! runs libFuzzer itself for longer.

use std::{fs, path::Path};

use app::domain::submission::invariants::check_any_bytes;
use serde_json::Value;

const MUTANTS_PER_SEED: usize = 4_000;

/// splitmix64: a fixed seed, so a failure repeats exactly.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const HOSTILE_STRINGS: &[&str] = &[
    "",
    " ",
    "</textarea><script>alert(1)</script>",
    "\u{0}",
    "\u{202e}gnp.exe",
    "🙂🙂🙂",
    "9999-99-99",
    "2026-02-30",
    "+275760-09-13T00:00:00Z",
    "0000-01-01T00:00:00+00:00",
    "2026-12-01T12:00:00+23:59",
    "1-000000001",
    "professional-feedback",
    "serious_concerns",
    "yes",
    "not_observed",
];

fn hostile_value(dice: &mut Dice) -> Value {
    match dice.below(9) {
        0 => Value::Null,
        1 => Value::Bool(dice.below(2) == 0),
        2 => Value::from(dice.next() as i64),
        3 => Value::from(u32::MAX as u64 + dice.below(3) as u64),
        4 => serde_json::from_str("1e308").unwrap(),
        5 => Value::from("x".repeat(dice.below(20_000))),
        6 => Value::Array(vec![Value::from("yes"); dice.below(4)]),
        7 => Value::Object(Default::default()),
        _ => Value::from(HOSTILE_STRINGS[dice.below(HOSTILE_STRINGS.len())]),
    }
}

/// Replaces, removes or adds one value somewhere in the document.
fn mutate_value(value: &mut Value, dice: &mut Dice) {
    match value {
        Value::Object(map) if !map.is_empty() && dice.below(4) != 0 => {
            let key = map.keys().nth(dice.below(map.len())).cloned().unwrap();
            match dice.below(5) {
                0 => {
                    map.remove(&key);
                }
                1 => {
                    map.insert(format!("{key}_comment"), hostile_value(dice));
                }
                _ => mutate_value(map.get_mut(&key).unwrap(), dice),
            }
        }
        _ => *value = hostile_value(dice),
    }
}

/// Flips, inserts, deletes or repeats bytes.
fn mutate_bytes(bytes: &mut Vec<u8>, dice: &mut Dice) {
    const TOKENS: &[&[u8]] = &[b"\"", b"{", b"}", b"[", b",", b":", b"null", b"-0", b"1e999", b"\\u0000", b"\\ud800"];
    for _ in 0..=dice.below(4) {
        let at = dice.below(bytes.len() + 1);
        match dice.below(4) {
            0 if at < bytes.len() => bytes[at] ^= 1 << dice.below(8),
            1 => {
                let token = TOKENS[dice.below(TOKENS.len())];
                bytes.splice(at..at, token.iter().copied());
            }
            2 if at < bytes.len() => {
                let end = (at + dice.below(32)).min(bytes.len());
                bytes.drain(at..end);
            }
            _ => {
                let end = (at + dice.below(64)).min(bytes.len());
                let repeated: Vec<u8> = bytes[at..end].to_vec();
                bytes.splice(at..at, repeated);
            }
        }
    }
}

fn inputs_in(dir: &Path) -> Vec<Vec<u8>> {
    let Ok(entries) = fs::read_dir(dir) else { return Vec::new() };
    let mut files: Vec<_> = entries.filter_map(Result::ok).map(|entry| entry.path()).collect();
    files.sort();
    files.iter().filter_map(|path| fs::read(path).ok()).collect()
}

fn seeds() -> Vec<Vec<u8>> {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz");
    let seeds = inputs_in(&fuzz.join("seeds/submission"));
    assert!(seeds.len() >= 3, "the fuzz seeds are missing from {}", fuzz.display());
    seeds.into_iter().chain(inputs_in(&fuzz.join("corpus/submission"))).collect()
}

#[test]
fn every_seed_and_corpus_input_keeps_the_invariants() {
    seeds().iter().for_each(|input| check_any_bytes(input));
}

#[test]
fn byte_mutations_of_the_seeds_keep_the_invariants() {
    let mut dice = Dice(0x0C4E_F00D);
    for seed in seeds() {
        for _ in 0..MUTANTS_PER_SEED {
            let mut input = seed.clone();
            mutate_bytes(&mut input, &mut dice);
            check_any_bytes(&input);
        }
    }
}

#[test]
fn value_mutations_of_the_seeds_keep_the_invariants() {
    let mut dice = Dice(0x5EED);
    for seed in seeds() {
        let Ok(document) = serde_json::from_slice::<Value>(&seed) else { continue };
        for _ in 0..MUTANTS_PER_SEED {
            let mut mutant = document.clone();
            for _ in 0..=dice.below(3) {
                mutate_value(&mut mutant, &mut dice);
            }
            check_any_bytes(&serde_json::to_vec(&mutant).unwrap());
        }
    }
}
