//! Accounts: login names, passwords, sign-in lock-out and session lifetimes. Plain rules; hashing
//! and storage live elsewhere.

use chrono::{DateTime, Duration, Utc};

use crate::access::Role;
use crate::validation::refused_characters;
use crate::{PositionId, ValidationError};

pub const MIN_PASSWORD_CHARS: usize = 10;
pub const MAX_PASSWORD_CHARS: usize = 128;

/// A session ends after this long without a request…
pub const SESSION_IDLE: Duration = Duration::minutes(30);
/// …and after this long in any case.
pub const SESSION_ABSOLUTE: Duration = Duration::hours(8);

/// Failures allowed before sign-in to an account is locked for a while.
pub const FREE_FAILURES: u32 = 5;
/// Failures allowed from one client address (over all accounts) before it is locked: higher, since
/// many people may share an office's address.
pub const FREE_ADDRESS_FAILURES: u32 = 20;
/// A count of failures is forgotten after this long without a failure.
pub const FAILURES_FORGOTTEN_AFTER: Duration = Duration::hours(1);
const FIRST_LOCK_SECONDS: i64 = 60;
const LONGEST_LOCK_SECONDS: i64 = 60 * 60;

/// A login name: 3–40 characters, lower-case letters, digits, `.`, `_`, `-`.
/// The longest login there can be.
pub const MAX_LOGIN_CHARS: usize = 40;

pub fn parse_login(raw: &str) -> Result<String, ValidationError> {
    let login = raw.trim().to_lowercase();
    let ok_chars = login.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'));
    if !(3..=MAX_LOGIN_CHARS).contains(&login.chars().count()) || !ok_chars {
        return Err(ValidationError::new(
            "login",
            "아이디는 3~40자의 영문 소문자, 숫자, 점(.), 밑줄(_), 하이픈(-)으로 입력해 주세요.",
        ));
    }
    Ok(login)
}

/// The password rule (KISA guidance: length, several kinds of character, not the login name).
pub fn check_password(password: &str, login: &str) -> Result<(), ValidationError> {
    let err = |m: &str| Err(ValidationError::new("password", m));
    let n = password.chars().count();
    if n < MIN_PASSWORD_CHARS {
        return err("비밀번호는 10자 이상이어야 합니다.");
    }
    if n > MAX_PASSWORD_CHARS {
        return err("비밀번호는 128자 이하여야 합니다.");
    }
    let kinds = [
        password.chars().any(|c| c.is_ascii_lowercase() || c.is_ascii_uppercase()),
        password.chars().any(|c| c.is_ascii_digit()),
        password.chars().any(|c| !c.is_ascii_alphanumeric()),
    ];
    if kinds.iter().filter(|k| **k).count() < 2 {
        return err("비밀번호에는 영문자, 숫자, 특수문자 중 두 종류 이상을 섞어 주세요.");
    }
    if !login.is_empty() && password.to_lowercase().contains(&login.to_lowercase()) {
        return err("비밀번호에 아이디를 넣을 수 없습니다.");
    }
    if password.chars().collect::<std::collections::HashSet<_>>().len() < 4 {
        return err("같은 문자를 반복한 비밀번호는 쓸 수 없습니다.");
    }
    Ok(())
}

pub const MAX_NAME_CHARS: usize = 100;

/// An account to create, as typed: who the person is and what they do. `agencies` are agency ids or
/// short names, looked up in the registry afterwards.
#[derive(Debug, Clone, Default)]
pub struct AccountInput {
    pub login: String,
    pub display_name: String,
    pub roles: Vec<Role>,
    pub agencies: Vec<String>,
    pub positions: Vec<PositionId>,
    pub private_expert: bool,
    /// Where reminders are e-mailed; empty for none.
    pub email: String,
}

/// An account to create as a form or a script sends it: every value as text, roles, agencies and
/// positions as lists.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountFields {
    /// 3–40 lower-case letters, digits, `.`, `_`, `-`.
    pub login: Option<String>,
    pub display_name: Option<String>,
    /// opc_admin, agency_officer, exchangee, evaluator, auditor.
    #[serde(default)]
    pub roles: Vec<String>,
    /// For agency_officer: agency ids or short names (환경부).
    #[serde(default)]
    pub agencies: Vec<String>,
    /// For exchangee: exchange position ids.
    #[serde(default)]
    pub positions: Vec<String>,
    /// "true" (or a ticked box) for a private expert, not a civil servant.
    pub private_expert: Option<String>,
    /// Where reminders are e-mailed (optional), e.g. hong@korea.kr.
    pub email: Option<String>,
}

impl AccountFields {
    /// The typed account, or every value that is not one (each naming its field).
    pub fn parse(&self) -> Result<AccountInput, Vec<ValidationError>> {
        let mut errors = Vec::new();
        let roles = self
            .roles
            .iter()
            .filter(|r| !r.trim().is_empty())
            .filter_map(|r| r.trim().parse::<Role>().map_err(|m| errors.push(ValidationError::new("role", m))).ok())
            .collect();
        let positions = self
            .positions
            .iter()
            .filter(|p| !p.trim().is_empty())
            .filter_map(|p| {
                PositionId::parse(p)
                    .map_err(|_| {
                        errors.push(ValidationError::new(
                            "position",
                            format!("교류직위 번호는 1 이상의 숫자로 입력해 주세요 (입력값: '{p}')."),
                        ))
                    })
                    .ok()
            })
            .collect();
        let private_expert = matches!(self.private_expert.as_deref().map(str::trim), Some("true" | "1" | "yes" | "on"));
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(AccountInput {
            login: self.login.clone().unwrap_or_default(),
            display_name: self.display_name.clone().unwrap_or_default(),
            roles,
            agencies: self.agencies.clone(),
            positions,
            private_expert,
            email: self.email.clone().unwrap_or_default(),
        })
    }
}

/// An account that passed the rules: each role has what it is tied to, and nothing else is given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountDraft {
    pub login: String,
    pub display_name: String,
    /// Without repeats, in the order given.
    pub roles: Vec<Role>,
    pub agencies: Vec<String>,
    pub positions: Vec<PositionId>,
    pub private_expert: bool,
    pub email: Option<String>,
}

fn distinct<T: PartialEq + Clone>(items: &[T]) -> Vec<T> {
    items.iter().fold(Vec::new(), |mut out, x| {
        if !out.contains(x) {
            out.push(x.clone());
        }
        out
    })
}

/// The rules of a new account; every problem at once. An agency officer needs an agency and an
/// exchangee a position, and neither is given without its role.
pub fn check_new_account(input: &AccountInput) -> Result<AccountDraft, Vec<ValidationError>> {
    let mut errors = Vec::new();
    let login = parse_login(&input.login).map_err(|e| errors.push(e)).unwrap_or_default();
    let display_name = input.display_name.trim().to_string();
    if display_name.is_empty() || display_name.chars().count() > MAX_NAME_CHARS {
        errors.push(ValidationError::new(
            "display_name",
            format!("이름은 1~{MAX_NAME_CHARS}자로 입력해 주세요. 예: 김민준"),
        ));
    } else if let Some(m) = refused_characters(&display_name, "이름", false) {
        errors.push(ValidationError::new("display_name", m));
    }
    let roles = distinct(&input.roles);
    let agencies: Vec<String> =
        distinct(&input.agencies.iter().map(|a| a.trim().to_string()).filter(|a| !a.is_empty()).collect::<Vec<_>>());
    let positions = distinct(&input.positions);
    let officer = roles.contains(&Role::AgencyOfficer);
    let exchangee = roles.contains(&Role::Exchangee);
    if roles.is_empty() {
        errors.push(ValidationError::new("role", "역할을 하나 이상 골라 주세요."));
    }
    if officer && agencies.is_empty() {
        errors.push(ValidationError::new(
            "agency",
            "기관 담당자 역할에는 소속 기관을 지정해야 합니다. 기관 약칭(예: 환경부)이나 번호로 지정해 주세요.",
        ));
    }
    if !officer && !agencies.is_empty() {
        errors.push(ValidationError::new(
            "agency",
            "기관은 기관 담당자 역할과 함께만 지정할 수 있습니다. 역할을 더하거나 기관을 빼 주세요.",
        ));
    }
    if exchangee && positions.is_empty() {
        errors.push(ValidationError::new(
            "position",
            "교류자(exchangee) 역할에는 교류직위를 지정해야 합니다. 번호는 교류직위 화면이나 \
             /api/v1/exchange-pairs 에서 확인할 수 있습니다.",
        ));
    }
    if !exchangee && !positions.is_empty() {
        errors.push(ValidationError::new(
            "position",
            "교류직위는 교류자(exchangee) 역할과 함께만 지정할 수 있습니다. 역할을 더하거나 교류직위를 빼 주세요.",
        ));
    }
    let email = crate::notification::parse_email(&input.email).map_err(|e| errors.push(e)).unwrap_or_default();
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(AccountDraft { login, display_name, roles, agencies, positions, private_expert: input.private_expert, email })
}

/// What a sign-in failure is counted against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Throttle {
    Account,
    ClientAddress,
}

impl Throttle {
    fn free_failures(self) -> u32 {
        match self {
            Throttle::Account => FREE_FAILURES,
            Throttle::ClientAddress => FREE_ADDRESS_FAILURES,
        }
    }

    /// How long sign-in stays locked after `failures` failures: nothing up to the free ones, then
    /// one minute, doubling with each further failure, at most an hour.
    pub fn lock_duration(self, failures: u32) -> Option<Duration> {
        let free = self.free_failures();
        if failures < free {
            return None;
        }
        let doublings = (failures - free).min(10);
        Some(Duration::seconds((FIRST_LOCK_SECONDS << doublings).min(LONGEST_LOCK_SECONDS)))
    }
}

/// The failures still counted at `now`: a quiet hour since the last one forgets them.
pub fn failures_still_counted(failures: u32, last_failure: DateTime<Utc>, now: DateTime<Utc>) -> u32 {
    if now - last_failure >= FAILURES_FORGOTTEN_AFTER {
        0
    } else {
        failures
    }
}

/// How exactly the last use of a session or a token is kept: a use within this of the recorded one
/// is not written again. Otherwise every signed-in read would be a write, queued behind the others.
pub const LAST_USE_PRECISION: Duration = Duration::minutes(1);

/// Whether a use at `now` should be recorded over the one recorded at `last`.
pub fn use_worth_recording(last: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    last.is_none_or(|last| now - last >= LAST_USE_PRECISION)
}

/// Whether a session started at `created` and last used at `last_seen` is still valid at `now`.
pub fn session_is_live(created: DateTime<Utc>, last_seen: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    now - last_seen < SESSION_IDLE && now - created < SESSION_ABSOLUTE
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logins_are_normalised_and_checked() {
        assert_eq!(parse_login(" Kim.Officer ").unwrap(), "kim.officer");
        for bad in ["ab", "김담당", "a b c", &"x".repeat(41)] {
            assert_eq!(parse_login(bad).unwrap_err().field, "login", "{bad}");
        }
    }

    #[test]
    fn an_officer_needs_an_agency_and_an_exchangee_a_position() {
        let input = |roles: &[Role], agencies: &[&str], positions: &[i64]| AccountInput {
            login: "Kim.Env".into(),
            display_name: " 김환경 ".into(),
            roles: roles.to_vec(),
            agencies: agencies.iter().map(|s| s.to_string()).collect(),
            positions: positions.iter().copied().map(PositionId::new).collect(),
            private_expert: false,
            email: String::new(),
        };
        let ok = check_new_account(&input(&[Role::AgencyOfficer, Role::AgencyOfficer], &["환경부"], &[])).unwrap();
        assert_eq!((ok.login.as_str(), ok.display_name.as_str(), ok.roles.len()), ("kim.env", "김환경", 1));
        let field = |i: AccountInput| check_new_account(&i).unwrap_err()[0].field.clone();
        assert_eq!(field(input(&[Role::AgencyOfficer], &[], &[])), "agency");
        assert_eq!(field(input(&[Role::Auditor], &["환경부"], &[])), "agency");
        assert_eq!(field(input(&[Role::Exchangee], &[], &[])), "position");
        assert_eq!(field(input(&[Role::Evaluator], &[], &[3])), "position");
        assert_eq!(field(input(&[], &[], &[])), "role");
        assert!(check_new_account(&input(&[Role::Exchangee], &[], &[3, 3])).unwrap().positions.len() == 1);
        let e =
            check_new_account(&AccountInput { login: "A".into(), ..input(&[Role::Auditor], &[], &[]) }).unwrap_err();
        assert!(e[0].message.contains("아이디는 3~40자"));
        let with_email = |email: &str| AccountInput { email: email.into(), ..input(&[Role::Auditor], &[], &[]) };
        assert_eq!(check_new_account(&with_email(" Kim@Korea.KR ")).unwrap().email.as_deref(), Some("Kim@korea.kr"));
        assert_eq!(check_new_account(&with_email("")).unwrap().email, None);
        assert_eq!(field(with_email("kim@")), "email");
    }

    #[test]
    fn weak_passwords_are_refused_with_a_reason() {
        assert!(check_password("haneul-2024!", "kim").is_ok());
        assert!(check_password("short1!", "kim").unwrap_err().message.contains("10자"));
        assert!(check_password("onlyletterslong", "kim").unwrap_err().message.contains("두 종류"));
        assert!(check_password("kimofficer2024", "kimofficer").unwrap_err().message.contains("아이디"));
        assert!(check_password("1111111111a", "kim").unwrap_err().message.contains("반복"));
    }

    #[test]
    fn a_use_is_recorded_at_most_once_a_minute() {
        let t = DateTime::parse_from_rfc3339("2024-04-15T06:00:00Z").unwrap().with_timezone(&Utc);
        assert!(use_worth_recording(None, t));
        assert!(!use_worth_recording(Some(t), t + Duration::seconds(59)));
        assert!(use_worth_recording(Some(t), t + Duration::seconds(60)));
    }

    #[test]
    fn lock_out_starts_after_five_failures_and_doubles_up_to_an_hour() {
        let lock = |n| Throttle::Account.lock_duration(n);
        assert_eq!(lock(4), None);
        assert_eq!(lock(5), Some(Duration::minutes(1)));
        assert_eq!(lock(6), Some(Duration::minutes(2)));
        assert_eq!(lock(8), Some(Duration::minutes(8)));
        assert_eq!(lock(12), Some(Duration::hours(1)));
        assert_eq!(lock(1000), Some(Duration::hours(1)));
    }

    #[test]
    fn an_address_shared_by_an_office_allows_more_failures_and_quiet_time_forgets_them() {
        assert_eq!(Throttle::ClientAddress.lock_duration(19), None);
        assert_eq!(Throttle::ClientAddress.lock_duration(20), Some(Duration::minutes(1)));
        let t0 = DateTime::parse_from_rfc3339("2024-04-15T09:00:00Z").unwrap().with_timezone(&Utc);
        assert_eq!(failures_still_counted(7, t0, t0 + Duration::minutes(59)), 7);
        assert_eq!(failures_still_counted(7, t0, t0 + Duration::hours(1)), 0);
    }

    #[test]
    fn sessions_end_when_idle_or_old() {
        let t0 = DateTime::parse_from_rfc3339("2024-04-15T09:00:00Z").unwrap().with_timezone(&Utc);
        assert!(session_is_live(t0, t0, t0 + Duration::minutes(29)));
        assert!(!session_is_live(t0, t0, t0 + Duration::minutes(30)));
        let busy = t0 + Duration::hours(8) - Duration::minutes(1);
        assert!(session_is_live(t0, busy, busy + Duration::seconds(30)));
        assert!(!session_is_live(t0, busy, t0 + Duration::hours(8)));
    }
}
