//! Proposals (과제 발굴) as methods of a transaction: a proposed task with its agencies, a change of
//! the agencies asked, a co-agency's answer, and what tabling needs to know.

use hanteam_domain::proposal::{Participation, ProposalDraft, TablingFacts};
use hanteam_domain::{AgencyId, TaskId, TaskStatus};

use crate::tx::Tx;
use crate::writes::{RoleRecord, RoleRowId};
use crate::{Record, Result, StoreError};

impl Tx {
    /// Adds a proposed task, numbered after the last one: its lead agency takes part (confirmed, as
    /// it proposes or is named by OPC), each co-agency is asked (pending). `proposed_by` is the
    /// proposing agency (none: OPC). Returns the task and its agencies' parts, the lead first.
    pub async fn insert_proposal(
        &mut self,
        d: &ProposalDraft,
        proposed_by: Option<AgencyId>,
    ) -> Result<(TaskId, Vec<RoleRecord>)> {
        let (seq,): (i64,) =
            self.fetch_optional("SELECT COALESCE(MAX(seq), 0) + 1 FROM tasks", &[]).await?.unwrap_or((1,));
        let t = &d.task;
        let columns = [
            ("seq", seq.into()),
            ("status", TaskStatus::Proposed.as_str().into()),
            ("title", t.title.as_str().into()),
            ("task_type", t.task_type.map(|v| v.as_str()).into()),
            ("source", t.source.as_str().into()),
            ("description", (&t.description).into()),
            ("lead_agency_id", Some(d.lead).into()),
            ("proposed_by_agency_id", proposed_by.into()),
        ];
        let id = TaskId::new(self.insert_stamped("tasks", &columns).await?);
        let mut roles = self.ask_agencies(id, &[d.lead], Participation::Confirmed).await?;
        roles.extend(self.ask_agencies(id, &d.co_agencies, Participation::Pending).await?);
        Ok((id, roles))
    }

    /// Adds agencies to a task with their answer `participation`; the task's index and counts follow.
    pub async fn ask_agencies(
        &mut self,
        task: TaskId,
        agencies: &[AgencyId],
        participation: Participation,
    ) -> Result<Vec<RoleRecord>> {
        if agencies.is_empty() {
            return Ok(vec![]);
        }
        let at = self.at();
        for agency in agencies {
            self.execute(
                "INSERT INTO task_agency_roles (task_id, agency_id, participation, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $4)",
                &[task.into(), (*agency).into(), participation.as_str().into(), at.into()],
            )
            .await?;
        }
        self.refresh_tasks(&[task]).await?;
        let mut added = Vec::new();
        for agency in agencies {
            added.push(self.agency_role(task, *agency).await?.ok_or_else(|| {
                StoreError::Corrupt(format!("{task}번 과제에 방금 더한 참여기관이 없습니다: {agency}번"))
            })?);
        }
        Ok(added)
    }

    /// Takes an agency out of a task (a co-agency its proposer no longer asks); its last state, or
    /// none if it was not there.
    pub async fn remove_task_agency(&mut self, task: TaskId, agency: AgencyId) -> Result<Option<RoleRecord>> {
        let Some(before) = self.agency_role(task, agency).await? else { return Ok(None) };
        self.execute("DELETE FROM task_agency_roles WHERE id = $1", &[before.id.into()]).await?;
        self.refresh_tasks(&[task]).await?;
        Ok(Some(before))
    }

    /// Edits a proposal's own fields (its pair, if it has one, stays).
    pub async fn update_proposal(&mut self, id: TaskId, version: i64, d: &ProposalDraft) -> Result<Option<i64>> {
        let t = &d.task;
        let set = [
            ("title", t.title.as_str().into()),
            ("task_type", t.task_type.map(|v| v.as_str()).into()),
            ("source", t.source.as_str().into()),
            ("description", (&t.description).into()),
            ("lead_agency_id", Some(d.lead).into()),
        ];
        let written = self.update_versioned("tasks", id.get(), version, &set).await?;
        if written.is_some() {
            self.refresh_tasks(&[id]).await?;
        }
        Ok(written)
    }

    /// Records an agency's answer on its part of a task, if the part is still at `version`.
    pub async fn answer_participation(
        &mut self,
        row: RoleRowId,
        version: i64,
        participation: Participation,
        reason: Option<&str>,
    ) -> Result<Option<i64>> {
        let set = [("participation", participation.as_str().into()), ("participation_reason", reason.into())];
        self.update_versioned(RoleRecord::TABLE, row.0, version, &set).await
    }

    /// Whether a task is ready to be tabled, as the rule asks it: each agency's answer, each KPI's
    /// target and due date, each milestone's date.
    pub async fn tabling_facts(&mut self, task: TaskId) -> Result<TablingFacts> {
        let agencies: Vec<(String, String)> = self
            .fetch_all(
                "SELECT a.short_name, r.participation FROM task_agency_roles r JOIN agencies a ON a.id = r.agency_id
                 WHERE r.task_id = $1 ORDER BY r.id",
                &[task.into()],
            )
            .await?;
        let kpis: Vec<(bool, bool)> = self
            .fetch_all(
                "SELECT target_value IS NOT NULL, due IS NOT NULL FROM task_kpis WHERE task_id = $1 ORDER BY seq",
                &[task.into()],
            )
            .await?;
        let milestones: Vec<(bool,)> = self
            .fetch_all("SELECT due IS NOT NULL FROM task_milestones WHERE task_id = $1 ORDER BY seq", &[task.into()])
            .await?;
        Ok(TablingFacts {
            agencies: agencies
                .into_iter()
                .map(|(a, p)| Ok((a, p.parse::<Participation>().map_err(StoreError::Corrupt)?)))
                .collect::<Result<_>>()?,
            kpis,
            milestones: milestones.into_iter().map(|(d,)| d).collect(),
        })
    }

    /// An agency's short name.
    pub async fn agency_short_name(&mut self, id: AgencyId) -> Result<Option<String>> {
        let found: Option<(String,)> =
            self.fetch_optional("SELECT short_name FROM agencies WHERE id = $1", &[id.into()]).await?;
        Ok(found.map(|(s,)| s))
    }
}
