//! Many small records read as one text column (`string_agg`, the same on both databases).
//!
//! What a page costs in sqlx's SQLite driver is mostly its rows: each one crosses from the
//! connection's thread to the server's through a channel. A list of choices (300 agencies) or a task's
//! agencies read as one row costs one crossing instead of hundreds. Records are separated by U+001F
//! and fields by U+001E; validation refuses control characters, so neither occurs in stored text.

use crate::{Result, StoreError};

/// The SQL of a folded column: every row's `fields` (SQL expressions, none NULL — see [`nullable`])
/// joined into one record, the records joined in `order_by` order, read back with [`unfold`].
pub(crate) fn column(fields: &[&str], order_by: &str) -> String {
    format!("string_agg({}, '\u{1f}' ORDER BY {order_by})", fields.join(" || '\u{1e}' || "))
}

/// A field that may be NULL, written so that NULL (empty) stays apart from the empty text (`=`).
/// Concatenating a NULL would make the whole record NULL, and `string_agg` skips those.
pub(crate) fn nullable(column: &str) -> String {
    format!("COALESCE('=' || {column}, '')")
}

/// The records of a folded column, each with exactly `fields` fields. A NULL column (no rows) is no
/// records.
pub(crate) fn unfold(folded: Option<&str>, fields: usize) -> Result<Vec<Vec<&str>>> {
    let Some(folded) = folded else { return Ok(Vec::new()) };
    folded
        .split('\u{1f}')
        .map(|record| {
            let values: Vec<&str> = record.splitn(fields, '\u{1e}').collect();
            if values.len() == fields {
                Ok(values)
            } else {
                Err(corrupt(record))
            }
        })
        .collect()
}

pub(crate) fn int(field: &str) -> Result<i64> {
    field.parse().map_err(|_| corrupt(field))
}

/// Reads a field written by [`nullable`].
pub(crate) fn optional(field: &str) -> Result<Option<String>> {
    match field.strip_prefix('=') {
        Some(value) => Ok(Some(value.to_owned())),
        None if field.is_empty() => Ok(None),
        None => Err(corrupt(field)),
    }
}

fn corrupt(text: &str) -> StoreError {
    StoreError::Corrupt(format!("한 열로 모은 기록을 읽을 수 없습니다: {text:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_and_fields_come_back_as_written() {
        let folded = "1\u{1e}=역할\u{1e}환경부\u{1f}2\u{1e}\u{1e}이름: 콜론";
        let records = unfold(Some(folded), 3).unwrap();
        assert_eq!(records, vec![vec!["1", "=역할", "환경부"], vec!["2", "", "이름: 콜론"]]);
        assert_eq!(optional(records[0][1]).unwrap().as_deref(), Some("역할"));
        assert_eq!(optional(records[1][1]).unwrap(), None);
        assert_eq!(optional("=").unwrap().as_deref(), Some(""));
        assert!(unfold(None, 3).unwrap().is_empty());
    }

    #[test]
    fn a_folded_column_joins_fields_then_records() {
        assert_eq!(
            column(&["a.id", "a.name"], "a.id"),
            "string_agg(a.id || '\u{1e}' || a.name, '\u{1f}' ORDER BY a.id)"
        );
    }

    #[test]
    fn a_record_short_of_fields_or_a_bad_number_is_an_error() {
        assert!(unfold(Some("1\u{1e}2"), 3).is_err());
        assert!(int("x").is_err());
        assert!(optional("no marker").is_err());
    }
}
