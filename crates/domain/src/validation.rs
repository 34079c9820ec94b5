use std::fmt;

use crate::korean::{with_particle, Particle};

/// A value from outside (a form, a query string, a file) that breaks a rule.
/// `field` names the input; `message` says in Korean what is wrong and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    pub field: String,
    pub message: String,
}

impl ValidationError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self { field: field.into(), message: message.into() }
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

impl std::error::Error for ValidationError {}

/// Whether a text may go in a field: no control characters (a multi-line field keeps line breaks and
/// tabs), no characters that reorder or hide text (bidirectional overrides and isolates, zero-width
/// spaces, the byte-order mark): "과제 (U+202E)1202" shows as something else than what is stored, and a
/// zero-width space makes two titles look alike. Returns the message for `label` when not.
pub fn refused_characters(text: &str, label: &str, multi_line: bool) -> Option<String> {
    let line_break = |c: char| matches!(c, '\n' | '\r' | '\t');
    if let Some(c) = text.chars().find(|c| hides_or_reorders(*c)) {
        return Some(format!(
            "{label}에 보이지 않거나 글자 순서를 바꾸는 문자(U+{:04X})가 있습니다. 다른 곳에서 붙여 넣었다면 지우고 다시 입력해 주세요.",
            c as u32
        ));
    }
    if text.chars().any(|c| c.is_control() && !(multi_line && line_break(c))) {
        return Some(if multi_line {
            format!("{label}에 쓸 수 없는 제어 문자가 있습니다.")
        } else {
            format!(
                "{} 한 줄로 입력해 주세요. 줄바꿈이나 제어 문자는 쓸 수 없습니다.",
                with_particle(label, Particle::Object)
            )
        });
    }
    None
}

fn hides_or_reorders(c: char) -> bool {
    matches!(c, '\u{200B}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_that_hides_or_reorders_itself_is_refused_everywhere() {
        for c in ['\u{202E}', '\u{2066}', '\u{2069}', '\u{200B}', '\u{FEFF}'] {
            let m = refused_characters(&format!("과제{c}명"), "과제명", true).expect("refused");
            assert!(m.contains(&format!("U+{:04X}", c as u32)), "{m}");
        }
        assert_eq!(refused_characters("용인 반도체 클러스터 (1단계)", "과제명", false), None);
    }

    #[test]
    fn a_line_break_is_text_only_in_a_multi_line_field() {
        assert_eq!(refused_characters("첫 줄\n둘째 줄\t끝", "과제 내용", true), None);
        assert!(refused_characters("첫 줄\n둘째 줄", "과제명", false).unwrap().contains("한 줄"));
        assert!(refused_characters("a\u{0}b", "과제 내용", true).is_some());
    }
}
