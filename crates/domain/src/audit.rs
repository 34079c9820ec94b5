//! The audit trail: an append-only list of changes whose entries are chained by hash, so that an
//! entry edited, removed or moved afterwards shows.

use chrono::{DateTime, SecondsFormat, Utc};
use sha2::{Digest, Sha256};

use crate::UserId;

pub mod action;
pub mod fields;
pub mod names;

pub use action::{action_label, AuditAction};

/// The hash before the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One change, as recorded. `before` and `after` are JSON texts (absent on creation / removal).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    pub seq: i64,
    pub occurred_at: DateTime<Utc>,
    pub actor_user_id: Option<UserId>,
    /// Who, as shown (login name, or "system").
    pub actor: String,
    pub client_addr: Option<String>,
    /// e.g. task.update, agency_role.update, auth.sign_in, auth.sign_in_failed
    pub action: String,
    pub record_type: String,
    pub record_id: Option<i64>,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// The most characters of who and where an entry keeps. Both come from outside (a login typed on
/// the sign-in form, a proxy's X-Forwarded-For): a longer text is cut, saying so, before it is
/// written where nothing can be taken back.
pub const MAX_ACTOR_CHARS: usize = 100;
pub const MAX_CLIENT_ADDR_CHARS: usize = 64;

impl AuditEntry {
    /// The entry with its actor and client address cut to their bounds.
    pub fn bounded(mut self) -> AuditEntry {
        self.actor = cut(&self.actor, MAX_ACTOR_CHARS);
        self.client_addr = self.client_addr.map(|a| cut(&a, MAX_CLIENT_ADDR_CHARS));
        self
    }
}

/// `text` cut to `max` characters, saying how many were left out.
pub fn cut(text: &str, max: usize) -> String {
    let n = text.chars().count();
    if n <= max {
        return text.to_string();
    }
    let kept: String = text.chars().take(max).collect();
    format!("{kept}…(이하 {}자 생략)", n - max)
}

/// An entry as stored, with its links and the encoding its hash was made with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainedEntry {
    pub entry: AuditEntry,
    pub prev_hash: String,
    pub hash: String,
    pub version: ChainVersion,
}

/// How an entry's fields are fed to its hash. Entries keep the version they were written with, so
/// the rows already written still verify; a chain never goes back to an older version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ChainVersion {
    /// Each field length-prefixed, an absent one written as `-`: a NULL and the text `-` hash
    /// alike, so that edit went unseen.
    V1 = 1,
    /// Each field tagged present or absent, then length-prefixed.
    V2 = 2,
}

impl ChainVersion {
    /// What new entries are written with.
    pub const CURRENT: ChainVersion = ChainVersion::V2;

    pub fn from_stored(v: i64) -> Option<ChainVersion> {
        match v {
            1 => Some(ChainVersion::V1),
            2 => Some(ChainVersion::V2),
            _ => None,
        }
    }
}

/// The hash of an entry given the hash of the one before, in the encoding of `version`; no two
/// different entries serialise alike in V2.
pub fn entry_hash(version: ChainVersion, prev_hash: &str, e: &AuditEntry) -> String {
    let mut h = Sha256::new();
    let mut field = |s: Option<&str>| match (version, s) {
        (ChainVersion::V1, s) => {
            let s = s.unwrap_or("-");
            h.update((s.len() as u64).to_be_bytes());
            h.update(s.as_bytes());
        }
        (ChainVersion::V2, None) => h.update([0u8]),
        (ChainVersion::V2, Some(s)) => {
            h.update([1u8]);
            h.update((s.len() as u64).to_be_bytes());
            h.update(s.as_bytes());
        }
    };
    let int = |v: Option<i64>| v.map(|v| v.to_string());
    field(Some(prev_hash));
    field(Some(&e.seq.to_string()));
    field(Some(&e.occurred_at.to_rfc3339_opts(SecondsFormat::Micros, true)));
    field(int(e.actor_user_id.map(UserId::get)).as_deref());
    field(Some(&e.actor));
    field(e.client_addr.as_deref());
    field(Some(&e.action));
    field(Some(&e.record_type));
    field(int(e.record_id).as_deref());
    field(e.before.as_deref());
    field(e.after.as_deref());
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Where the chain first breaks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainBreak {
    #[error("감사기록 {seq}번의 내용이 기록 후에 바뀌었습니다.")]
    Edited { seq: i64 },
    #[error("감사기록 {seq}번 앞의 기록이 지워졌습니다 (기대한 번호: {expected}).")]
    Removed { seq: i64, expected: i64 },
    #[error("감사기록 {seq}번이 다른 기록과 연결되지 않습니다 (순서가 바뀌었거나 앞의 기록이 바뀌었습니다).")]
    Relinked { seq: i64 },
    #[error("마지막 감사기록(기대: {expected_count}건)이 지워졌습니다. 남은 기록은 {found_count}건입니다.")]
    Truncated { expected_count: i64, found_count: i64 },
    #[error("감사기록 {seq}번의 해시가 따로 적어 둔 값과 다릅니다. 그때까지의 기록이 고쳐진 뒤 체인 전체가 다시 계산되었습니다.")]
    Rewritten { seq: i64 },
}

/// The state recorded beside the chain on every append: how many entries and the last hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainHead {
    pub count: i64,
    pub last_hash: String,
}

/// Checks entries in storage order (by seq) against each other and against the head.
/// Returns the number of entries checked.
pub fn verify<'a>(
    entries: impl IntoIterator<Item = &'a ChainedEntry>,
    head: Option<&ChainHead>,
) -> Result<i64, ChainBreak> {
    let mut prev = GENESIS.to_string();
    let mut expected_seq = 1;
    let mut version = ChainVersion::V1;
    for c in entries {
        let seq = c.entry.seq;
        // An entry relabelled to the older encoding, where NULL and '-' hash alike, is an edit.
        if c.version < version {
            return Err(ChainBreak::Edited { seq });
        }
        version = c.version;
        if seq != expected_seq {
            return Err(if seq > expected_seq {
                ChainBreak::Removed { seq, expected: expected_seq }
            } else {
                ChainBreak::Relinked { seq }
            });
        }
        if entry_hash(c.version, &c.prev_hash, &c.entry) != c.hash {
            return Err(ChainBreak::Edited { seq });
        }
        if c.prev_hash != prev {
            return Err(ChainBreak::Relinked { seq });
        }
        prev = c.hash.clone();
        expected_seq += 1;
    }
    let count = expected_seq - 1;
    if let Some(head) = head {
        if head.count != count || head.last_hash != prev {
            return Err(ChainBreak::Truncated { expected_count: head.count, found_count: count });
        }
    }
    Ok(count)
}

impl ChainHead {
    pub fn empty() -> ChainHead {
        ChainHead { count: 0, last_hash: GENESIS.to_string() }
    }
}

/// Checks a head recorded earlier outside the database (`count` entries, ending in `last_hash`)
/// against the chain now: a chain recomputed after an edit passes [`verify`] but not this.
pub fn check_anchor(entries: &[ChainedEntry], anchor: &ChainHead) -> Result<(), ChainBreak> {
    if anchor.count == 0 {
        return Ok(());
    }
    match entries.iter().find(|c| c.entry.seq == anchor.count) {
        None => Err(ChainBreak::Truncated { expected_count: anchor.count, found_count: entries.len() as i64 }),
        Some(c) if c.hash != anchor.last_hash => Err(ChainBreak::Rewritten { seq: anchor.count }),
        Some(_) => Ok(()),
    }
}

/// Appends `entry` after the chain's current head, giving it its seq and hashes.
pub fn chain(head: &ChainHead, mut entry: AuditEntry) -> ChainedEntry {
    entry.seq = head.count + 1;
    let version = ChainVersion::CURRENT;
    let hash = entry_hash(version, &head.last_hash, &entry);
    ChainedEntry { entry, prev_hash: head.last_hash.clone(), hash, version }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(action: &str) -> AuditEntry {
        AuditEntry {
            seq: 0,
            occurred_at: DateTime::parse_from_rfc3339("2024-04-15T06:00:00.123456Z").unwrap().with_timezone(&Utc),
            actor_user_id: Some(UserId::new(1)),
            actor: "admin".into(),
            client_addr: Some("127.0.0.1".into()),
            action: action.into(),
            record_type: "task".into(),
            record_id: Some(1),
            before: Some(r#"{"title":"a"}"#.into()),
            after: Some(r#"{"title":"b"}"#.into()),
        }
    }

    fn log(n: usize) -> Vec<ChainedEntry> {
        let mut out: Vec<ChainedEntry> = Vec::new();
        for i in 0..n {
            let next = chain(&head(&out), entry(&format!("task.update.{i}")));
            out.push(next);
        }
        out
    }

    fn head(log: &[ChainedEntry]) -> ChainHead {
        log.last().map_or(ChainHead::empty(), |e| ChainHead { count: e.entry.seq, last_hash: e.hash.clone() })
    }

    #[test]
    fn an_untouched_log_verifies() {
        let l = log(5);
        assert_eq!(verify(&l, Some(&head(&l))), Ok(5));
        assert_eq!(verify(&[], None), Ok(0));
    }

    #[test]
    fn an_edited_entry_is_found() {
        let mut l = log(5);
        let h = head(&l);
        l[2].entry.after = Some(r#"{"title":"forged"}"#.into());
        assert_eq!(verify(&l, Some(&h)), Err(ChainBreak::Edited { seq: 3 }));
    }

    #[test]
    fn an_entry_edited_with_its_hash_recomputed_breaks_the_next_link() {
        let mut l = log(5);
        let h = head(&l);
        l[1].entry.actor = "someone else".into();
        l[1].hash = entry_hash(l[1].version, &l[1].prev_hash, &l[1].entry);
        assert_eq!(verify(&l, Some(&h)), Err(ChainBreak::Relinked { seq: 3 }));
    }

    #[test]
    fn a_removed_entry_is_found() {
        let mut l = log(5);
        let h = head(&l);
        l.remove(1);
        assert_eq!(verify(&l, Some(&h)), Err(ChainBreak::Removed { seq: 3, expected: 2 }));
    }

    #[test]
    fn swapped_entries_are_found() {
        let mut l = log(5);
        let h = head(&l);
        let (a, b) = (l[1].entry.seq, l[2].entry.seq);
        l.swap(1, 2);
        l[1].entry.seq = a;
        l[2].entry.seq = b;
        assert!(matches!(verify(&l, Some(&h)), Err(ChainBreak::Edited { seq: 2 })));
    }

    #[test]
    fn removing_the_last_entries_is_found_through_the_head() {
        let mut l = log(5);
        let h = head(&l);
        l.truncate(3);
        assert_eq!(verify(&l, Some(&h)), Err(ChainBreak::Truncated { expected_count: 5, found_count: 3 }));
    }

    #[test]
    fn a_chain_recomputed_after_an_edit_passes_verify_but_not_an_anchor_kept_outside() {
        let original = log(5);
        let anchor = head(&original[..3]);
        let mut forged: Vec<ChainedEntry> = Vec::new();
        for (i, c) in original.iter().enumerate() {
            let mut e = c.entry.clone();
            if i == 1 {
                e.actor = "mallory".into();
            }
            let next = chain(&head(&forged), e);
            forged.push(next);
        }
        assert_eq!(verify(&forged, Some(&head(&forged))), Ok(5), "recomputing hides the edit from verify alone");
        assert_eq!(check_anchor(&forged, &anchor), Err(ChainBreak::Rewritten { seq: 3 }));
        assert_eq!(check_anchor(&original, &anchor), Ok(()));
        assert!(matches!(check_anchor(&original[..2], &anchor), Err(ChainBreak::Truncated { .. })));
    }

    #[test]
    fn every_field_is_covered_by_the_hash() {
        let base = entry("x");
        let h = entry_hash(ChainVersion::CURRENT, GENESIS, &base);
        let variants = [
            AuditEntry { actor_user_id: None, ..base.clone() },
            AuditEntry { client_addr: Some("10.0.0.1".into()), ..base.clone() },
            AuditEntry { record_id: Some(2), ..base.clone() },
            AuditEntry { before: None, ..base.clone() },
            AuditEntry { occurred_at: base.occurred_at + chrono::Duration::microseconds(1), ..base.clone() },
        ];
        for v in variants {
            assert_ne!(entry_hash(ChainVersion::CURRENT, GENESIS, &v), h, "{v:?}");
        }
    }

    #[test]
    fn an_overlong_actor_or_address_is_cut_and_says_so() {
        let long =
            AuditEntry { actor: "a".repeat(200_000), client_addr: Some("1".repeat(500)), ..entry("x") }.bounded();
        assert!(long.actor.starts_with(&"a".repeat(MAX_ACTOR_CHARS)));
        assert!(long.actor.ends_with("…(이하 199900자 생략)"), "{}", &long.actor[90..]);
        assert!(long.client_addr.as_deref().unwrap().chars().count() < 100);
        let short = entry("x");
        assert_eq!(short.clone().bounded(), short, "what fits is kept as it is");
    }

    #[test]
    fn an_absent_value_and_a_dash_hash_apart_in_the_current_encoding() {
        let absent = AuditEntry { client_addr: None, before: None, ..entry("x") };
        let dash = AuditEntry { client_addr: Some("-".into()), before: Some("-".into()), ..entry("x") };
        assert_ne!(entry_hash(ChainVersion::V2, GENESIS, &absent), entry_hash(ChainVersion::V2, GENESIS, &dash));
        assert_eq!(
            entry_hash(ChainVersion::V1, GENESIS, &absent),
            entry_hash(ChainVersion::V1, GENESIS, &dash),
            "why V1 is retired"
        );
    }

    #[test]
    fn rows_written_in_the_old_encoding_still_verify_and_the_chain_never_goes_back() {
        // Two entries as an older hanteam wrote them, then two in the current encoding.
        let mut l: Vec<ChainedEntry> = Vec::new();
        for i in 0..4 {
            let mut next = chain(&head(&l), entry(&format!("a{i}")));
            if i < 2 {
                next.version = ChainVersion::V1;
                next.hash = entry_hash(ChainVersion::V1, &next.prev_hash, &next.entry);
            }
            l.push(next);
        }
        assert_eq!(verify(&l, Some(&head(&l))), Ok(4));
        // Relabelling a current entry as V1 (to hide a NULL turned into '-') is an edit.
        let mut forged = l.clone();
        forged[3].version = ChainVersion::V1;
        forged[3].entry.client_addr = None;
        forged[3].hash = entry_hash(ChainVersion::V1, &forged[3].prev_hash, &forged[3].entry);
        assert_eq!(verify(&forged, None), Err(ChainBreak::Edited { seq: 4 }));
        assert_eq!(ChainVersion::from_stored(2), Some(ChainVersion::V2));
        assert_eq!(ChainVersion::from_stored(7), None);
    }
}
