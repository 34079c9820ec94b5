//! The rules of hanteam's pan-government collaboration process, in plain Rust with no I/O.
//!
//! Names follow the glossary in DOMAIN.md. Storage and HTTP live in other crates and call in here.

#![forbid(unsafe_code)]

pub mod access;
pub mod account;
pub mod audit;
pub mod bottleneck;
pub mod checks;
pub mod council;
pub mod counts;
pub mod dataset;
pub mod edit;
pub mod evaluation;
pub mod export;
pub mod filter;
pub mod follow_up;
pub mod ical;
mod ids;
pub mod korean;
pub mod lifecycle;
pub mod memo;
pub mod notification;
pub mod panel;
pub mod position;
pub mod procedure;
pub mod proposal;
pub mod reward;
pub mod search;
pub mod task;
pub mod task_part;
pub mod time;
pub mod validation;

pub use council::{AgendaKind, DecisionOutcome, ItemDecision, MeetingStatus};
pub use filter::{
    AgencyRef, AuditFilter, AuditFilterInput, Paging, PagingInput, TaskFilter, TaskFilterInput, TaskSort,
};
pub use ids::{
    AgencyId, AgendaItemId, AttachmentId, BottleneckId, CheckCycleId, EvaluationConflictId, EvaluationObjectionId,
    EvaluationRoundId, ExchangeeId, FollowUpId, KpiId, MediationMeetingId, MeetingId, MemoId, MilestoneId,
    NotificationId, PairId, PositionId, ProcedureId, RecordId, ReportId, SessionId, TaskId, TokenId, UserId,
};
pub use lifecycle::{LifecycleError, TaskAction};
pub use position::PositionLevel;
pub use procedure::{Procedure, ProcedureInput};
pub use task::{TaskSource, TaskStatus, TaskType};
pub use task_part::{Kpi, KpiInput, Milestone, MilestoneInput, TaskPart};
pub use validation::ValidationError;
