//! The addresses pages link to, built from the route table; templates call these
//! (`{{ crate::pages::links::task(row.id) }}`), so no template spells a path itself.

use hanteam_domain::{
    AgencyId, ExchangeeId, KpiId, MeetingId, MemoId, MilestoneId, PairId, PositionId, ProcedureId, TaskId, TokenId,
    UserId,
};

use crate::endpoint::Endpoint;

pub(crate) fn task(id: &TaskId) -> String {
    Endpoint::PageTask.href(&[id])
}

pub(crate) fn task_edit(id: &TaskId) -> String {
    Endpoint::TaskEditForm.href(&[id])
}

pub(crate) fn task_archive(id: &TaskId) -> String {
    Endpoint::TaskArchiveForm.href(&[id])
}

pub(crate) fn role_edit(task: &TaskId, agency: &AgencyId) -> String {
    Endpoint::RoleEditForm.href(&[task, agency])
}

pub(crate) fn home() -> String {
    Endpoint::PageHome.href(&[])
}

/// The list of bottlenecks (애로사항).
pub(crate) fn bottlenecks() -> String {
    Endpoint::PageBottlenecks.href(&[])
}

pub(crate) fn tasks() -> String {
    Endpoint::PageTasks.href(&[])
}

pub(crate) fn proposals() -> String {
    Endpoint::PageProposals.href(&[])
}

pub(crate) fn proposal_new() -> String {
    Endpoint::ProposalNewForm.href(&[])
}

pub(crate) fn task_new() -> String {
    Endpoint::TaskNewForm.href(&[])
}

pub(crate) fn pairs() -> String {
    Endpoint::PagePairs.href(&[])
}

pub(crate) fn agencies() -> String {
    Endpoint::PageAgencies.href(&[])
}

pub(crate) fn meetings() -> String {
    Endpoint::PageMeetings.href(&[])
}

pub(crate) fn privacy() -> String {
    Endpoint::PagePrivacy.href(&[])
}

pub(crate) fn copyright() -> String {
    Endpoint::PageCopyright.href(&[])
}

pub(crate) fn accessibility() -> String {
    Endpoint::PageAccessibility.href(&[])
}

pub(crate) fn account() -> String {
    Endpoint::AccountPage.href(&[])
}

pub(crate) fn sign_in() -> String {
    Endpoint::SignIn.href(&[])
}

pub(crate) fn email_change() -> String {
    Endpoint::EmailChange.href(&[])
}

pub(crate) fn notifications() -> String {
    Endpoint::PageNotifications.href(&[])
}

pub(crate) fn notifications_read_all() -> String {
    Endpoint::NotificationReadAll.href(&[])
}

pub(crate) fn notification_read(id: &i64) -> String {
    Endpoint::NotificationRead.href(&[id])
}

pub(crate) fn password_change() -> String {
    Endpoint::PasswordChange.href(&[])
}

pub(crate) fn token_create() -> String {
    Endpoint::TokenCreate.href(&[])
}

pub(crate) fn user_create() -> String {
    Endpoint::UserCreate.href(&[])
}

pub(crate) fn openapi() -> String {
    Endpoint::ApiOpenApi.href(&[])
}

pub(crate) fn sign_out() -> String {
    Endpoint::SignOut.href(&[])
}

pub(crate) fn audit() -> String {
    Endpoint::AuditPage.href(&[])
}

pub(crate) fn users() -> String {
    Endpoint::UsersPage.href(&[])
}

pub(crate) fn user_new() -> String {
    Endpoint::UserNewForm.href(&[])
}

/// The task list filtered by one agency.
pub(crate) fn tasks_of_agency(short_name: &str) -> String {
    format!("{}?agency={}", tasks(), crate::endpoint::encode(short_name))
}

pub(crate) fn agency(short_name: &str) -> String {
    Endpoint::PageAgency.href(&[&short_name])
}

pub(crate) fn agency_edit(id: &AgencyId) -> String {
    Endpoint::AgencyEditForm.href(&[id])
}

/// A pair's row in the annex table (on the page that holds it).
pub(crate) fn pair(seq: &i64) -> String {
    format!("{}?at={seq}#pair-{seq}", pairs())
}

/// The task list filtered by a pair.
pub(crate) fn tasks_of_pair(id: &PairId) -> String {
    format!("{}?pair={id}", tasks())
}

pub(crate) fn pair_edit(id: &PairId) -> String {
    Endpoint::PairEditForm.href(&[id])
}

pub(crate) fn position_edit(id: &PositionId) -> String {
    Endpoint::PositionEditForm.href(&[id])
}

pub(crate) fn exchangee_edit(id: &ExchangeeId) -> String {
    Endpoint::ExchangeeEditForm.href(&[id])
}

pub(crate) fn kpi_new(task: &TaskId) -> String {
    Endpoint::KpiNewForm.href(&[task])
}

pub(crate) fn kpi_edit(id: &KpiId) -> String {
    Endpoint::KpiEditForm.href(&[id])
}

pub(crate) fn kpi_remove(id: &KpiId) -> String {
    Endpoint::KpiRemoveForm.href(&[id])
}

pub(crate) fn milestone_new(task: &TaskId) -> String {
    Endpoint::MilestoneNewForm.href(&[task])
}

pub(crate) fn milestone_edit(id: &MilestoneId) -> String {
    Endpoint::MilestoneEditForm.href(&[id])
}

pub(crate) fn milestone_remove(id: &MilestoneId) -> String {
    Endpoint::MilestoneRemoveForm.href(&[id])
}

pub(crate) fn procedure_new(task: &TaskId) -> String {
    Endpoint::ProcedureNewForm.href(&[task])
}

pub(crate) fn procedure_edit(id: &ProcedureId) -> String {
    Endpoint::ProcedureEditForm.href(&[id])
}

pub(crate) fn procedure_remove(id: &ProcedureId) -> String {
    Endpoint::ProcedureRemoveForm.href(&[id])
}

pub(crate) fn memo_create(task: &TaskId) -> String {
    Endpoint::MemoCreate.href(&[task])
}

pub(crate) fn memo_withdraw(id: &MemoId) -> String {
    Endpoint::MemoWithdrawForm.href(&[id])
}

/// The task page at its memos, from the `offset`-th newest on.
pub(crate) fn task_memos(task: &TaskId, offset: i64) -> String {
    if offset > 0 {
        format!("{}?memos={offset}#h-memos", task_page(task))
    } else {
        format!("{}#h-memos", task_page(task))
    }
}

fn task_page(id: &TaskId) -> String {
    Endpoint::PageTask.href(&[id])
}

pub(crate) fn meeting(id: &MeetingId) -> String {
    Endpoint::PageMeeting.href(&[id])
}

pub(crate) fn token_revoke(id: &TokenId) -> String {
    Endpoint::TokenRevoke.href(&[id])
}

pub(crate) fn user_disable(id: &UserId) -> String {
    Endpoint::UserDisableForm.href(&[id])
}

pub(crate) fn user_reset(id: &UserId) -> String {
    Endpoint::UserResetForm.href(&[id])
}

/// A file of the KRDS package, by its path in the package's `resources/`.
pub(crate) fn static_krds(path: &str) -> String {
    crate::assets::krds_href(path)
}

/// One of our own static files.
pub(crate) fn static_own(file: &str) -> String {
    crate::assets::own_href(file)
}

/// A page again, with the notice that what was just sent is saved.
pub(crate) fn saved(href: &str) -> String {
    let (page, anchor) = href.split_once('#').map_or((href, String::new()), |(p, a)| (p, format!("#{a}")));
    let joiner = if page.contains('?') { '&' } else { '?' };
    format!("{page}{joiner}saved=1{anchor}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_come_from_the_route_table() {
        assert_eq!(task(&TaskId::new(3)), "/tasks/3");
        assert_eq!(kpi_edit(&KpiId::new(9)), "/kpis/9/edit");
        assert_eq!(agency("국토부"), "/agencies/%EA%B5%AD%ED%86%A0%EB%B6%80");
        assert_eq!(saved(&pair(&11)), "/pairs?at=11&saved=1#pair-11");
        assert_eq!(saved(&task(&TaskId::new(1))), "/tasks/1?saved=1");
    }
}
