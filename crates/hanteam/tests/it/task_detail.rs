//! What the task page and its forms check and flag: overdue milestones, done dates, KPI values
//! written with their unit, the lead agency among the participants, an exchangee's careers.
//! Over real HTTP, on SQLite and on PostgreSQL.

use crate::common::{Backend, Browser, TestApp};
use hanteam_domain::access::Grant;
use reqwest::Method;
use serde_json::json;

async fn opc_browser(app: &TestApp) -> Browser {
    app.user("opc-staff", vec![Grant::OpcAdmin]).await;
    app.sign_in("opc-staff").await
}

async fn milestone_count(app: &TestApp, task: i64) -> usize {
    app.json(&format!("/api/v1/tasks/{task}"), 200).await["milestones"].as_array().unwrap().len()
}

async fn an_overdue_milestone_is_flagged_and_a_done_date_cannot_be_in_the_future(b: Backend) {
    let app = TestApp::spawn(b).await;
    let t = app.token_for("opc", vec![Grant::OpcAdmin]).await;
    let before = milestone_count(&app, 2).await;
    for (title, due, done) in [("착공 신청", "2020-01-01", None), ("기본계획 수립", "2020-02-01", Some("2020-03-01"))]
    {
        let body = json!({"title": title, "due": due, "done_on": done});
        let (s, w) = app.call(Method::POST, "/api/v1/tasks/2/milestones", Some(&t), Some(body)).await;
        assert_eq!(s, 201, "{w}");
    }
    let html = app.html("/tasks/2", 200).await;
    let row = |title: &str| {
        let start = html.find(title).unwrap_or_else(|| panic!("{title} on the page"));
        html[start..start + html[start..].find("</tr>").unwrap()].to_string()
    };
    assert!(
        row("착공 신청").contains("미완료 <strong class=\"krds-badge bg-light-danger hanteam-overdue\">기한 "),
        "{html}"
    );
    assert!(row("착공 신청").contains("일 지남</strong>"));
    assert!(!row("기본계획 수립").contains("지남"), "done late is done, not overdue");

    let future = json!({"title": "준공", "due": "2020-01-01", "done_on": "2999-01-01"});
    let (s, e) = app.call(Method::POST, "/api/v1/tasks/2/milestones", Some(&t), Some(future)).await;
    assert_eq!((s, e["error"]["field"].as_str()), (400, Some("done_on")), "{e}");
    assert!(e["error"]["message"].as_str().unwrap().contains("보다 뒤일 수 없습니다"), "{e}");
    let admin = opc_browser(&app).await;
    let r = admin
        .post_form("/tasks/2/milestones", &[("title", "준공"), ("due", ""), ("done_on", "2999-01-01"), ("note", "")])
        .await;
    assert_eq!(r.status().as_u16(), 400);
    assert!(r.text().await.unwrap().contains("아직 끝나지 않았으면 비워 두세요"));
    assert_eq!(milestone_count(&app, 2).await, before + 2, "nothing written on a refused change");
}

async fn a_kpi_value_may_be_written_with_its_unit_and_thousands(b: Backend) {
    let app = TestApp::spawn(b).await;
    let admin = opc_browser(&app).await;
    let r = admin
        .post_form(
            "/tasks/3/kpis",
            &[
                ("name", "참여 기업"),
                ("baseline", "1,200"),
                ("target", "1,500개사"),
                ("unit", ""),
                ("due", ""),
                ("note", ""),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303, "{}", r.text().await.unwrap());
    let r = admin
        .post_form(
            "/tasks/3/kpis",
            &[("name", "조성기간 단축"), ("target", "50%"), ("unit", ""), ("due", ""), ("note", "")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let kpis = app.json("/api/v1/tasks/3", 200).await["kpis"].clone();
    let last_two: Vec<_> = kpis.as_array().unwrap().iter().rev().take(2).collect();
    assert_eq!((last_two[0]["target"].as_f64(), last_two[0]["unit"].as_str()), (Some(50.0), Some("%")));
    assert_eq!(
        (last_two[1]["baseline"].as_f64(), last_two[1]["target"].as_f64(), last_two[1]["unit"].as_str()),
        (Some(1200.0), Some(1500.0), Some("개사"))
    );
    let r = admin
        .post_form("/tasks/3/kpis", &[("name", "지표"), ("target", "50%"), ("unit", "건"), ("due", ""), ("note", "")])
        .await;
    assert_eq!(r.status().as_u16(), 400);
    assert!(r.text().await.unwrap().contains("단위가 서로 다릅니다"));
}

async fn the_lead_agency_is_chosen_among_the_participants(b: Backend) {
    let app = TestApp::spawn(b).await;
    let t = app.token_for("opc", vec![Grant::OpcAdmin]).await;
    let task = app.json("/api/v1/tasks/1", 200).await;
    let outsider = app.agency_id("인사처").await;
    let edit = json!({"title": task["title"], "status": task["status"], "type": task["type"], "pair_id": task["pair_id"],
                      "lead_agency_id": outsider, "version": task["version"]});
    let (s, e) = app.call(Method::PUT, "/api/v1/tasks/1", Some(&t), Some(edit)).await;
    assert_eq!((s, e["error"]["field"].as_str()), (400, Some("lead_agency_id")), "{e}");
    assert!(app.json("/api/v1/tasks/1", 200).await["lead_agency"].is_null(), "nothing written");

    let admin = opc_browser(&app).await;
    let form = admin.client.get(admin.url("/tasks/1/edit")).send().await.unwrap().text().await.unwrap();
    let select = &form[form.find("name=\"lead_agency_id\"").expect("the lead select")..];
    let select = &select[..select.find("</select>").unwrap()];
    assert!(select.contains("국토부 (국토교통부)") && select.contains("환경부 (환경부)"), "{select}");
    assert!(!select.contains("인사처"), "only the task's agencies: {select}");
}

async fn an_exchangees_careers_are_edited_one_per_line(b: Backend) {
    let app = TestApp::spawn(b).await;
    let pair = app.json("/api/v1/exchange-pairs", 200).await["items"][0].clone();
    let e = pair["positions"][0]["exchangees"][0].clone();
    let id = e["id"].as_i64().unwrap();
    let admin = opc_browser(&app).await;
    let form =
        admin.client.get(admin.url(&format!("/exchangees/{id}/edit"))).send().await.unwrap().text().await.unwrap();
    assert!(form.contains(">환경부 자연보전국장</textarea>"), "the careers as lines: {form}");
    let version = e["version"].to_string();
    let r = admin
        .post_form(
            &format!("/exchangees/{id}/edit"),
            &[
                ("name", ""),
                ("expertise", "환경영향평가"),
                ("careers", "환경부 자연보전국장\r\n대통령비서실 행정관"),
                ("version", &version),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303, "{}", r.text().await.unwrap());
    let careers =
        app.json("/api/v1/exchange-pairs", 200).await["items"][0]["positions"][0]["exchangees"][0]["careers"].clone();
    assert_eq!(careers[0]["agency"]["short_name"], "환경부");
    assert_eq!(careers[0]["title"], "자연보전국장");
    assert!(careers[1]["agency"].is_null());
    assert_eq!(careers[1]["title"], "대통령비서실 행정관");
    assert!(app.html("/tasks/1", 200).await.contains("前 대통령비서실 행정관"), "the task page shows the careers");

    let t = app.token_for("auditor", vec![Grant::OpcAdmin]).await;
    let (_, log) =
        app.call(Method::GET, &format!("/api/v1/audit?record_type=exchangee&record_id={id}"), Some(&t), None).await;
    let entry = &log["items"][0];
    let side = |k: &str| serde_json::from_str::<serde_json::Value>(entry[k].as_str().unwrap()).unwrap();
    assert_eq!(side("before")["careers"], "환경부 자연보전국장", "{entry}");
    assert_eq!(side("after")["careers"], "환경부 자연보전국장\n대통령비서실 행정관", "the audit log shows the change");
}

async fn sections_with_nothing_in_them_fold_into_one_line(b: Backend) {
    let app = TestApp::spawn(b).await;
    let tasks = app.json("/api/v1/tasks?limit=100", 200).await;
    let mut bare = None;
    for t in tasks["items"].as_array().unwrap() {
        let id = t["id"].as_i64().unwrap();
        let full = app.json(&format!("/api/v1/tasks/{id}"), 200).await;
        if full["kpis"].as_array().unwrap().is_empty() && full["milestones"].as_array().unwrap().is_empty() {
            bare = Some(id);
            break;
        }
    }
    let id = bare.expect("a task of the release without KPIs and milestones");
    let html = app.html(&format!("/tasks/{id}"), 200).await;
    assert!(!html.contains("id=\"h-kpis\"") && !html.contains("id=\"h-milestones\""), "no empty sections");
    let line = &html[html.find("아직 입력되지 않은 항목</h2>").expect("one line instead")..];
    assert!(line[..line.find("</section>").unwrap()].contains("성과지표, 추진일정"), "{line}");
    let opc = opc_browser(&app).await;
    let html = opc.client.get(opc.url(&format!("/tasks/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("id=\"h-kpis\"") && html.contains("성과지표 추가"), "who may add one sees the section");
}

on_both_backends!(
    sections_with_nothing_in_them_fold_into_one_line,
    an_overdue_milestone_is_flagged_and_a_done_date_cannot_be_in_the_future,
    a_kpi_value_may_be_written_with_its_unit_and_thousands,
    the_lead_agency_is_chosen_among_the_participants,
    an_exchangees_careers_are_edited_one_per_line,
);
