//! The rules of hanteam's pan-government collaboration process, in plain Rust with no I/O.
//!
//! Names follow the glossary in DOMAIN.md. Storage and HTTP live in other crates and call in here.

#![forbid(unsafe_code)]

pub mod access;
pub mod account;
pub mod audit;
pub mod dataset;
pub mod edit;
pub mod position;
pub mod task;
pub mod task_filter;
pub mod validation;

pub use position::PositionLevel;
pub use task::{LifecycleError, TaskAction, TaskSource, TaskStatus, TaskType};
pub use task_filter::{AgencyRef, TaskFilter, TaskFilterInput};
pub use validation::ValidationError;
