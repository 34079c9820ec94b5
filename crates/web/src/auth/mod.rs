//! Who is asking: sessions (browser) and API tokens (scripts), and CSRF checks.

pub mod csrf;
pub mod session;

pub use session::{client_of, Account, Viewer};
