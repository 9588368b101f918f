//! Random secrets (device tokens, organisation access codes, session tokens)
//! and their hashes. The secrets have 60 to 256 bits of entropy, so a plain
//! SHA-256 is enough to keep them useless if the database leaks, and it lets
//! us look a token up by its hash in one indexed query. Staff passwords are
//! chosen by people, so they get argon2id instead.

pub use app::session::hash_secret;
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use rand::Rng;

/// Letters and digits that cannot be mistaken for each other when read aloud
/// or typed on a phone (no 0/O, 1/I/L).
const CODE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";

/// A device token: 32 random bytes, URL-safe base64.
pub fn new_device_token() -> String {
    let bytes: [u8; 32] = rand::rng().random();
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A generated staff password: 16 characters from the unambiguous alphabet (about 79 bits).
pub fn new_password() -> String {
    let mut rng = rand::rng();
    (0..16).map(|_| char::from(CODE_ALPHABET[rng.random_range(0..CODE_ALPHABET.len())])).collect()
}

/// An argon2id hash in PHC form, with the library's default cost (19 MiB, 2 passes).
pub fn hash_password(password: &str) -> Result<String, argon2::password_hash::Error> {
    use argon2::password_hash::{PasswordHasher, SaltString};
    let salt_bytes: [u8; 16] = rand::rng().random();
    let salt = SaltString::encode_b64(&salt_bytes)?;
    Ok(argon2::Argon2::default().hash_password(password.as_bytes(), &salt)?.to_string())
}

/// Whether `password` matches a stored hash, computed in `memory`, which is
/// kept and reused from one check to the next: argon2id needs 19 MiB a
/// check, and allocating it afresh each time on many threads left the
/// allocator holding hundreds of megabytes. A malformed hash never matches.
pub fn verify_password_in(password: &str, hash: &str, memory: &mut Vec<argon2::Block>) -> bool {
    use argon2::{password_hash::PasswordHash, Algorithm, Argon2, Params, Version};
    use subtle::ConstantTimeEq;
    let Ok(parsed) = PasswordHash::new(hash) else { return false };
    let (Ok(algorithm), Ok(params)) = (Algorithm::try_from(parsed.algorithm), Params::try_from(&parsed)) else { return false };
    let Ok(version) = parsed.version.map_or(Ok(Version::default()), Version::try_from) else { return false };
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else { return false };
    let mut salt_bytes = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_bytes) else { return false };
    memory.resize(params.block_count(), argon2::Block::default());
    let mut output = vec![0u8; expected.len()];
    let argon2 = Argon2::new(algorithm, version, params);
    if argon2.hash_password_into_with_memory(password.as_bytes(), salt, &mut output, memory.as_mut_slice()).is_err() {
        return false;
    }
    output.as_slice().ct_eq(expected.as_bytes()).into()
}

/// A hash no password is checked against for real: an unknown email is
/// checked against it, so timing does not tell which emails have accounts.
pub fn stand_in_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| hash_password(&new_password()).unwrap_or_default())
}

/// An access code like `K7QM-4RTX-9PWB` (about 59 bits).
pub fn new_access_code() -> String {
    let mut rng = rand::rng();
    let chars: Vec<char> = (0..12).map(|_| char::from(CODE_ALPHABET[rng.random_range(0..CODE_ALPHABET.len())])).collect();
    chars.chunks(4).map(|group| group.iter().collect::<String>()).collect::<Vec<_>>().join("-")
}

/// Codes are compared without case, spaces or dashes, as people type them.
pub fn normalise_access_code(raw: &str) -> String {
    raw.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_uppercase()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_codes_are_three_groups_of_four_unambiguous_characters() {
        let code = new_access_code();
        assert_eq!(code.len(), 14);
        assert!(code.split('-').all(|group| group.len() == 4));
        assert!(normalise_access_code(&code).bytes().all(|b| CODE_ALPHABET.contains(&b)));
    }

    #[test]
    fn typed_codes_match_however_they_are_written() {
        assert_eq!(normalise_access_code(" k7qm 4rtx-9pwb "), "K7QM4RTX9PWB");
    }

    /// argon2's own verifier, which `verify_password_in` must agree with.
    fn verify_password(password: &str, hash: &str) -> bool {
        use argon2::password_hash::{PasswordHash, PasswordVerifier};
        PasswordHash::new(hash).is_ok_and(|parsed| argon2::Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
    }

    #[test]
    fn passwords_are_hashed_with_argon2id_and_salted() {
        let hash = hash_password("correct horse battery").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert_ne!(hash, hash_password("correct horse battery").unwrap(), "each hash has its own salt");
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("correct horse batterz", &hash));
        assert!(!verify_password("anything", "not a hash"));
        let mut memory = Vec::new();
        assert!(verify_password_in("correct horse battery", &hash, &mut memory));
        assert!(!verify_password_in("correct horse batterz", &hash, &mut memory), "the same memory, reused");
        assert!(!verify_password_in("anything", "not a hash", &mut memory));
        assert_eq!(memory.len() * 1024, 19 * 1024 * 1024, "19 MiB, kept for the next check");
        assert_eq!(new_password().len(), 16);
    }

    #[test]
    fn tokens_are_long_random_and_hashed_consistently() {
        let (a, b) = (new_device_token(), new_device_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert_eq!(hash_secret(&a), hash_secret(&a));
        assert_eq!(hash_secret("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
