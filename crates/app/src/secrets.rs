//! Passwords (Argon2id) and random secrets (session ids, CSRF tokens, API tokens). Only hashes of
//! secrets are stored; the secrets themselves go to the user once and are never logged.

use argon2::password_hash::rand_core::{OsRng, RngCore};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use sha2::{Digest, Sha256};

/// Hashes a password with Argon2id and a fresh salt (the PHC string carries both).
pub fn hash_password(password: &str) -> Result<String, String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| format!("비밀번호를 처리할 수 없습니다: {e}"))
}

pub fn verify_password(hash: &str, password: &str) -> bool {
    match PasswordHash::new(hash) {
        Ok(parsed) => Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok(),
        Err(_) => false,
    }
}

/// A password hash that no password matches: checked against when the login does not exist, so that
/// the time a failed sign-in takes does not tell whether the account exists.
pub fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash_password(&random_secret()).unwrap_or_default())
}

/// 256 random bits from the operating system, as 64 hex characters.
pub fn random_secret() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A one-time initial password a person can type: 16 characters from letters and digits that are
/// hard to confuse, with a dash every four; it always passes the password rule.
pub fn initial_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzACDEFGHJKLMNPQRTUVWXY23456789";
    loop {
        let mut bytes = [0u8; 16];
        OsRng.fill_bytes(&mut bytes);
        let chars: Vec<char> = bytes.iter().map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char).collect();
        let pw = chars.chunks(4).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join("-");
        if hanteam_domain::account::check_password(&pw, "").is_ok() {
            return pw;
        }
    }
}

/// What is stored for a session id or token: its SHA-256 (the secret has 256 bits of entropy, so a
/// fast hash is enough and lets the server look it up).
pub fn secret_hash(secret: &str) -> String {
    Sha256::digest(secret.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// Compares two secrets in time that does not depend on where they differ.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_verifies_against_its_own_hash_only() {
        let h = hash_password("haneul-2024!").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password(&h, "haneul-2024!"));
        assert!(!verify_password(&h, "haneul-2024?"));
        assert!(!verify_password("not a hash", "x"));
        assert!(!verify_password(decoy_hash(), ""));
        let again = hash_password("haneul-2024!").unwrap();
        assert_ne!(h, again, "every hash has its own salt");
        assert!(verify_password(&again, "haneul-2024!"));
    }

    #[test]
    fn secrets_are_random_and_only_their_hash_is_kept() {
        let (a, b) = (random_secret(), random_secret());
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert_eq!(secret_hash(&a).len(), 64);
        assert_ne!(secret_hash(&a), a);
        assert!(same_secret(&a, &a.clone()));
        assert!(!same_secret(&a, &b));
    }

    #[test]
    fn initial_passwords_pass_the_password_rule() {
        for _ in 0..20 {
            let pw = initial_password();
            assert_eq!(pw.len(), 19);
            assert!(hanteam_domain::account::check_password(&pw, "admin").is_ok(), "{pw}");
        }
    }
}
