//! The home page: a person's own work first, then the public summary with counts that say what
//! they count. Over real HTTP, on SQLite and on PostgreSQL.

use crate::common::{Backend, TestApp};
use hanteam_domain::access::{Grant, TaskScope};
use hanteam_domain::AgencyId;
use reqwest::Method;
use serde_json::json;

async fn the_summary_counts_agencies_in_tasks_and_says_zeros_in_one_line(b: Backend) {
    let app = TestApp::spawn(b).await;
    let o = app.json("/api/v1/overview", 200).await;
    assert_eq!(o["agencies"], 20, "{o}");
    assert_eq!(o["agencies_in_tasks"], 18, "국무조정실 and 인사처 take part in no task");
    let html = app.html("/", 200).await;
    assert!(!html.contains("내 업무"), "the public has no work list");
    assert!(html.contains("과제에 참여하지 않는 기관 2곳 별도"), "{html}");
    assert!(html.contains("해당 과제 없음: 발굴, 상정, 추진 중, 일시중지, 완료, 중단"), "{html}");
    let status = &html[html.find("h-by-status").unwrap()..];
    assert!(!status[..status.find("</section>").unwrap()].contains("0건"), "no rows of zeros");

    // A proposal of the two is theirs to see, not yet anyone else's: each reader's count says so.
    let mpm = app.agency_id("인사처").await;
    let opc = app.agency_id("국무조정실").await;
    let proposer = app.token_for("mpm-officer", vec![Grant::AgencyOfficer { agency_id: AgencyId::new(mpm) }]).await;
    let body = json!({"title": "채용 절차 통합", "source": "other", "co_agency_ids": [opc]});
    let (s, saved) = app.call(Method::POST, "/api/v1/proposals", Some(&proposer), Some(body)).await;
    assert_eq!(s, 201, "{saved}");
    let env = app.agency_id("환경부").await;
    let other = app.token_for("env-officer", vec![Grant::AgencyOfficer { agency_id: AgencyId::new(env) }]).await;
    for (token, n) in [(None, 18), (Some(&proposer), 20), (Some(&other), 18)] {
        let (s, o) = app.call(Method::GET, "/api/v1/overview", token.map(|t| t.as_str()), None).await;
        assert_eq!((s, o["agencies_in_tasks"].as_i64()), (200, Some(n)), "{o}");
    }
}

async fn a_signed_in_officer_sees_their_own_work_first(b: Backend) {
    let app = TestApp::spawn(b).await;
    let env = app.agency_id("환경부").await;
    let t = app.token_for("opc", vec![Grant::OpcAdmin]).await;
    // Task 1 is 국토부·환경부's; task 6 is not 환경부's.
    for (task, title) in [(1, "평가전담반 구성"), (6, "다른 기관의 일정")] {
        let body = json!({"title": title, "due": "2020-01-01"});
        let (s, w) = app.call(Method::POST, &format!("/api/v1/tasks/{task}/milestones"), Some(&t), Some(body)).await;
        assert_eq!(s, 201, "{w}");
    }
    let env_tasks = app.json(&format!("/api/v1/tasks?agency={env}"), 200).await["total"].as_i64().unwrap();

    app.user("env-officer", vec![Grant::AgencyOfficer { agency_id: AgencyId::new(env) }]).await;
    let officer = app.sign_in("env-officer").await;
    let html = officer.client.get(officer.url("/")).send().await.unwrap().text().await.unwrap();
    let work = html.find("<h2 id=\"h-work\">내 업무</h2>").expect("the work list");
    assert!(work < html.find("한눈에 보기").unwrap(), "their work comes before the public summary");
    let section = &html[work..html[work..].find("</section>").unwrap() + work];
    assert!(section.contains(&format!("맡은 협업과제 {env_tasks}건")), "{section}");
    assert!(section.contains("평가전담반 구성") && section.contains("일 지남</span>"), "{section}");
    assert!(!section.contains("다른 기관의 일정"), "another agency's milestone is not their work");
    assert!(section.contains(&format!("href=\"/tasks?agency={env}&#38;sort=updated\">모두 보기")), "{section}");
    assert!(section.contains("href=\"/tasks/1\""), "the task changed last (a milestone added) is listed");

    app.user("auditor", vec![Grant::Auditor]).await;
    let auditor = app.sign_in("auditor").await;
    let html = auditor.client.get(auditor.url("/")).send().await.unwrap().text().await.unwrap();
    assert!(!html.contains("내 업무"), "an auditor has no tasks of their own");
}

/// The work list's due milestones are found through the scope's tasks or by walking the due
/// order, by the scope's size; both must pick the same ones, in the same order, at every length.
async fn both_ways_of_finding_due_milestones_pick_the_same_ones(b: Backend) {
    let app = TestApp::spawn(b).await;
    let t = app.token_for("opc", vec![Grant::OpcAdmin]).await;
    let env = app.agency_id("환경부").await;
    let moef = app.agency_id("기재부").await;
    let (_, all) = app.call(Method::GET, "/api/v1/tasks?limit=100", Some(&t), None).await;
    let ids: Vec<i64> = all["items"].as_array().unwrap().iter().map(|x| x["id"].as_i64().unwrap()).collect();
    // Dates that repeat across tasks, so the order falls back to the milestone's number.
    for (n, task) in ids.iter().enumerate() {
        for k in 0..5 {
            let due = format!("2020-01-{:02}", 1 + (n * 7 + k * 3) % 9);
            let body = json!({"title": format!("일정 {n}-{k}"), "due": due});
            let (s, w) =
                app.call(Method::POST, &format!("/api/v1/tasks/{task}/milestones"), Some(&t), Some(body)).await;
            assert_eq!(s, 201, "{w}");
        }
    }
    // An archived task's milestones are nobody's work.
    let (_, env_tasks) = app.call(Method::GET, &format!("/api/v1/tasks?agency={env}"), Some(&t), None).await;
    let gone = &env_tasks["items"][0];
    let (_, task) = app.call(Method::GET, &format!("/api/v1/tasks/{}", gone["id"]), Some(&t), None).await;
    let body = json!({"version": task["version"]});
    let (s, w) = app.call(Method::POST, &format!("/api/v1/tasks/{}/archive", gone["id"]), Some(&t), Some(body)).await;
    assert_eq!(s, 200, "{w}");

    let until = chrono::NaiveDate::from_ymd_opt(2020, 1, 8).unwrap();
    for agencies in [vec![env], vec![env, moef]] {
        let scope = agencies_work(&agencies);
        let every = app.db.milestones_due_walking(&scope, until, 1000, false).await.unwrap();
        assert!(every.len() > 10, "enough to pick from: {}", every.len());
        assert!(every.iter().all(|m| m.task_id.get() != gone["id"].as_i64().unwrap()), "not the archived task's");
        assert!(every.iter().all(|m| m.due <= until));
        for limit in 1..=every.len() as i64 + 1 {
            let through_tasks = app.db.milestones_due_walking(&scope, until, limit, false).await.unwrap();
            let walking = app.db.milestones_due_walking(&scope, until, limit, true).await.unwrap();
            let ids = |v: &[hanteam_store::views::DueMilestone]| v.iter().map(|m| m.id).collect::<Vec<_>>();
            assert_eq!(ids(&through_tasks), ids(&walking), "{agencies:?}, {limit}");
            assert_eq!(ids(&through_tasks), ids(&every[..every.len().min(limit as usize)]));
        }
    }
}

/// A sorted page of a limited scope walks the sort's index and asks each task whether the scope
/// admits it; it must list what the whole sorted list, filtered by hand, lists first.
async fn a_limited_scopes_sorted_page_is_the_whole_list_filtered(b: Backend) {
    use hanteam_domain::filter::{TaskFilter, TaskSort};
    let app = TestApp::spawn(b).await;
    let env = app.agency_id("환경부").await;
    let moef = app.agency_id("기재부").await;
    for agencies in [vec![env], vec![env, moef]] {
        let scope = agencies_work(&agencies);
        for sort in TaskSort::ALL.into_iter().filter(|s| *s != TaskSort::Seq) {
            let whole = TaskFilter { sort: Some(sort), limit: 1000, ..TaskFilter::default() };
            let all = app.db.list_tasks(&TaskScope::All, &whole, None).await.unwrap();
            let theirs: Vec<i64> = all
                .items
                .iter()
                .filter(|t| t.agencies.iter().any(|a| agencies.contains(&a.id.get())))
                .map(|t| t.id.get())
                .collect();
            assert!(theirs.len() > 3 && theirs.len() < all.items.len(), "{agencies:?}: {}", theirs.len());
            for limit in [1, 3, theirs.len() as i64, theirs.len() as i64 + 1] {
                let filter = TaskFilter { sort: Some(sort), limit, ..TaskFilter::default() };
                let page = app.db.list_tasks(&scope, &filter, None).await.unwrap();
                let ids: Vec<i64> = page.items.iter().map(|t| t.id.get()).collect();
                assert_eq!(ids, theirs[..theirs.len().min(limit as usize)], "{agencies:?}, {sort:?}, {limit}");
                assert_eq!(page.total, theirs.len() as i64);
            }
        }
    }
}

/// The work scope of an officer of these agencies: their tasks only.
fn agencies_work(agencies: &[i64]) -> TaskScope {
    TaskScope::Limited {
        agency_ids: agencies.iter().map(|a| AgencyId::new(*a)).collect(),
        position_ids: vec![],
        evaluator_id: None,
        include_published: false,
    }
}

on_both_backends!(
    the_summary_counts_agencies_in_tasks_and_says_zeros_in_one_line,
    a_signed_in_officer_sees_their_own_work_first,
    both_ways_of_finding_due_milestones_pick_the_same_ones,
    a_limited_scopes_sorted_page_is_the_whole_list_filtered,
);
