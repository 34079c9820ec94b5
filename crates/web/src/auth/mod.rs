//! Who is asking: sessions (browser) and API tokens (scripts), the access gate, and CSRF checks.

pub mod csrf;
pub mod secrets;
pub mod session;

pub use secrets::{hash_password, initial_password, random_secret, secret_hash, verify_password};
pub use session::{Account, Credential, Viewer};
