//! What every page shares through `base.html`: the title, the main menu (GNB), the signed-in person
//! and the breadcrumb.

use hanteam_domain::access::{can_manage_users, can_read_audit};

use super::context::Ctx;
use super::format::{when, When};
use crate::endpoint::{encode, Endpoint};
use crate::site::Operator;

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Section {
    Home,
    Tasks,
    Pairs,
    Agencies,
    Meetings,
    Checks,
    Evaluation,
    Pay,
    Audit,
    Users,
    Account,
    None,
}

/// The sections of the main menu, with their page; the audit log and the accounts only for those
/// who may see them.
const MENU: [(Section, Endpoint, &str); 10] = [
    (Section::Home, Endpoint::PageHome, "홈"),
    (Section::Tasks, Endpoint::PageTasks, "협업과제"),
    (Section::Pairs, Endpoint::PagePairs, "교류직위"),
    (Section::Agencies, Endpoint::PageAgencies, "기관"),
    (Section::Meetings, Endpoint::PageMeetings, "협의회"),
    (Section::Checks, Endpoint::PageCycles, "점검"),
    (Section::Evaluation, Endpoint::PageEvalRounds, "평가"),
    (Section::Pay, Endpoint::PagePayTables, "지급표"),
    (Section::Audit, Endpoint::AuditPage, "감사기록"),
    (Section::Users, Endpoint::UsersPage, "계정"),
];

/// What a section is called in the breadcrumb (the menu label is shorter), and its page.
fn section_crumb(section: Section) -> Option<(&'static str, Endpoint)> {
    match section {
        Section::Tasks => Some(("협업과제 목록", Endpoint::PageTasks)),
        Section::Pairs => Some(("교류직위 쌍", Endpoint::PagePairs)),
        Section::Agencies => Some(("기관 목록", Endpoint::PageAgencies)),
        Section::Meetings => Some(("협업과제점검협의회", Endpoint::PageMeetings)),
        Section::Checks => Some(("주기적 점검", Endpoint::PageCycles)),
        Section::Evaluation => Some(("평가 회차", Endpoint::PageEvalRounds)),
        Section::Pay => Some(("성과상여금·성과연봉 지급표", Endpoint::PagePayTables)),
        Section::Audit => Some(("감사기록", Endpoint::AuditPage)),
        Section::Users => Some(("계정 관리", Endpoint::UsersPage)),
        Section::Account => Some(("내 정보", Endpoint::AccountPage)),
        Section::Home | Section::None => None,
    }
}

pub(crate) struct MenuItem {
    pub href: String,
    pub label: &'static str,
    pub current: bool,
}

/// One step of the breadcrumb; the last one is the current page and has no link.
pub(crate) struct Crumb {
    pub label: String,
    pub href: Option<String>,
}

/// The signed-in person in the header.
pub(crate) struct SignedIn {
    pub name: String,
    /// Their roles, in Korean.
    pub roles: String,
    pub csrf: String,
    /// The page is the account page (its link is marked as the current page).
    pub on_account: bool,
    /// The sign-out form needs the session's token; a page seen through an API token has none.
    pub can_sign_out: bool,
    /// The bell: how many notifications are unread ("99+" beyond), when they could be counted.
    pub unread: Option<String>,
    /// The page is the notifications list.
    pub on_notifications: bool,
}

/// The header's account area: a person, a sign-in link, or nothing (on the sign-in page itself).
pub(crate) struct UserBar {
    pub signed_in: Option<SignedIn>,
    pub sign_in_href: Option<String>,
}

pub(crate) struct Layout {
    /// The page's name; `<title>` adds the site name after it.
    pub title: String,
    pub menu: Vec<MenuItem>,
    pub crumbs: Vec<Crumb>,
    pub user: UserBar,
    /// When the page was made, for the line a printed copy carries.
    pub printed_at: When,
    pub operator: Operator,
}

fn menu(cx: &Ctx, section: Section) -> Vec<MenuItem> {
    let audit = cx.principal().is_some_and(can_read_audit);
    let users = cx.principal().is_some_and(can_manage_users);
    MENU.iter()
        .filter(|(s, _, _)| match s {
            Section::Audit => audit,
            Section::Users => users,
            // The cycles and reports are for those signed in; the public sees the lights.
            Section::Checks => cx.principal().is_some_and(|p| p.has_right(hanteam_domain::access::Right::Read)),
            // Rounds concern OPC, auditors, evaluators and the agencies; the public's view of a
            // published round is its results, not this list.
            Section::Evaluation => cx.principal().is_some(),
            // Pay is read by OPC, auditors and each exchangee (its own); the others have nothing there.
            Section::Pay => hanteam_domain::access::pay_scope(cx.principal()).is_some(),
            _ => true,
        })
        .map(|&(s, e, label)| MenuItem { href: e.href(&[]), label, current: s == section })
        .collect()
}

fn user_bar(cx: &Ctx) -> UserBar {
    match (&cx.viewer.account, cx.principal()) {
        (Some(account), Some(p)) => UserBar {
            signed_in: Some(SignedIn {
                name: account.display_name.clone(),
                roles: p.roles().iter().map(|r| r.label_ko()).collect::<Vec<_>>().join(", "),
                csrf: cx.csrf(),
                on_account: cx.path() == Endpoint::AccountPage.path(),
                can_sign_out: cx.viewer.csrf_token().is_some(),
                unread: cx.unread.map(hanteam_domain::notification::unread_text),
                on_notifications: cx.path() == Endpoint::PageNotifications.path(),
            }),
            sign_in_href: None,
        },
        _ => {
            // On the sign-in page itself the link would lead back to the same form.
            let sign_in = Endpoint::SignInForm.href(&[]);
            let href = (cx.path() != sign_in).then(|| format!("{sign_in}?next={}", encode(&cx.here)));
            UserBar { signed_in: None, sign_in_href: href }
        }
    }
}

fn home_crumb() -> Crumb {
    Crumb { label: "홈".into(), href: Some(Endpoint::PageHome.href(&[])) }
}

impl Layout {
    fn with_crumbs(cx: &Ctx, title: String, section: Section, crumbs: Vec<Crumb>) -> Layout {
        Layout {
            title,
            menu: menu(cx, section),
            crumbs,
            user: user_bar(cx),
            printed_at: when(chrono::Utc::now()),
            operator: cx.operator.clone(),
        }
    }

    pub fn home(cx: &Ctx) -> Layout {
        Layout::with_crumbs(
            cx,
            "범정부 협업과제 관리".into(),
            Section::Home,
            vec![Crumb { label: "홈".into(), href: None }],
        )
    }

    /// A section's own page (a list): 홈 > section.
    pub fn section(cx: &Ctx, section: Section) -> Layout {
        let label = section_crumb(section).map_or("", |(label, _)| label);
        let crumbs = vec![home_crumb(), Crumb { label: label.into(), href: None }];
        Layout::with_crumbs(cx, label.into(), section, crumbs)
    }

    /// A page inside a section: 홈 > section > title.
    pub fn detail(cx: &Ctx, section: Section, title: impl Into<String>) -> Layout {
        Layout::nested(cx, section, vec![], title)
    }

    /// A page under other pages of a section: 홈 > section > parents… > title.
    pub fn nested(cx: &Ctx, section: Section, parents: Vec<(String, String)>, title: impl Into<String>) -> Layout {
        let title = title.into();
        let mut crumbs = vec![home_crumb()];
        if let Some((label, page)) = section_crumb(section) {
            crumbs.push(Crumb { label: label.into(), href: Some(page.href(&[])) });
        }
        crumbs.extend(parents.into_iter().map(|(label, href)| Crumb { label, href: Some(href) }));
        crumbs.push(Crumb { label: title.clone(), href: None });
        Layout::with_crumbs(cx, title, section, crumbs)
    }

    /// A page outside the sections (errors, sign-in): 홈 > title.
    pub fn plain(cx: &Ctx, title: &str) -> Layout {
        Layout::with_crumbs(
            cx,
            title.into(),
            Section::None,
            vec![home_crumb(), Crumb { label: title.into(), href: None }],
        )
    }
}
