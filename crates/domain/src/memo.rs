//! 기관 간 메모 (memos): short notes the agencies of a task and OPC leave each other on the task.
//! Who may read and write them is in [`crate::access`]; a memo is never public. A writer may
//! withdraw (철회) their own memo: it stays, shown as withdrawn without its text, and its text stays
//! in the audit log.

use serde::{Deserialize, Serialize};

use crate::edit::Check;
use crate::ValidationError;

/// The longest memo, in characters: a note, not a report (reports are filed as progress reports).
pub const MAX_MEMO_CHARS: usize = 2000;
/// How many memos a page of them holds at most.
pub const MEMO_PAGE: i64 = 20;

/// A memo as typed.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MemoInput {
    /// The memo's text, at most 2,000 characters.
    pub body: Option<String>,
}

/// The checked text of a memo.
pub fn parse_memo(input: &MemoInput) -> Result<String, Vec<ValidationError>> {
    let mut c = Check::default();
    let body = c.text("body", "메모 내용", &input.body, MAX_MEMO_CHARS, true).unwrap_or_default();
    c.done(body)
}

/// In what capacity someone writes on a task, which decides the agency shown beside the memo.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum WriterCapacity {
    /// OPC staff: shown as 국무조정실.
    Opc,
    /// An officer of an agency taking part in the task: that agency.
    Officer,
    /// An exchangee of the task's pair: the agency of the exchange position.
    Exchangee,
}

impl WriterCapacity {
    pub const ALL: [WriterCapacity; 3] = [WriterCapacity::Opc, WriterCapacity::Officer, WriterCapacity::Exchangee];

    pub fn as_str(self) -> &'static str {
        match self {
            WriterCapacity::Opc => "opc",
            WriterCapacity::Officer => "officer",
            WriterCapacity::Exchangee => "exchangee",
        }
    }

    pub fn label_ko(self) -> &'static str {
        match self {
            WriterCapacity::Opc => "국무조정실",
            WriterCapacity::Officer => "기관 담당자",
            WriterCapacity::Exchangee => "교류자",
        }
    }
}

impl std::str::FromStr for WriterCapacity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL.into_iter().find(|c| c.as_str() == s).ok_or_else(|| format!("알 수 없는 작성 자격입니다: '{s}'"))
    }
}

/// The short name OPC's memos show as their agency (the registry holds it among the agencies).
pub const OPC_SHORT_NAME: &str = "국무조정실";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_memo_has_text_within_its_limit() {
        let e = parse_memo(&MemoInput { body: Some("  ".into()) }).unwrap_err();
        assert_eq!(e[0].field, "body");
        assert!(e[0].message.contains("메모 내용을 입력해 주세요"), "{}", e[0].message);
        let e = parse_memo(&MemoInput { body: Some("가".repeat(MAX_MEMO_CHARS + 1)) }).unwrap_err();
        assert!(e[0].message.contains("2,000자 이내"), "{}", e[0].message);
        assert_eq!(
            parse_memo(&MemoInput { body: Some("회의 자료 공유\r\n드립니다 ".into()) }).unwrap(),
            "회의 자료 공유\n드립니다"
        );
    }

    #[test]
    fn capacities_round_trip() {
        for c in WriterCapacity::ALL {
            assert_eq!(c.as_str().parse::<WriterCapacity>(), Ok(c));
        }
        assert!("admin".parse::<WriterCapacity>().is_err());
    }
}
