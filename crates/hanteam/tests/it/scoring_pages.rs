//! The scoring page over real HTTP on both databases, as a browser uses it (session, forms, CSRF):
//! an evaluator is sent to the pledge first; it reads its own task's evidence and the rubric, never
//! another evaluator's name, and a task it does not sit on is refused without its title; bad
//! scores are refused in Korean at their fields and write nothing; a draft saves, 제출 asks for a
//! confirmation (and first for the criteria left unscored), and a submitted sheet is locked; OPC
//! reopens it on the round page with a reason the evaluator then reads; after scoring closes the
//! page says so and offers no form.

use chrono::{Duration, Utc};
use hanteam_domain::access::Grant;
use reqwest::Method;
use serde_json::{json, Value};

use crate::common::{hidden_field, Backend, Browser, TestApp};

const CODES: [&str; 5] = ["citizen_change", "collaboration", "goal_achievement", "procedure_saving", "spread"];

fn day(offset: i64) -> String {
    (Utc::now().date_naive() + Duration::days(offset)).to_string()
}

async fn post<K: AsRef<str>>(b: &Browser, path: &str, fields: &[(K, String)]) -> (u16, String, String) {
    let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_ref(), v.as_str())).collect();
    let r = b.post_form(path, &refs).await;
    let status = r.status().as_u16();
    let location = r.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    (status, location, r.text().await.expect("body"))
}

async fn page(b: &Browser, path: &str) -> (u16, String, String) {
    let r = b.client.get(b.url(path)).send().await.expect("request");
    let status = r.status().as_u16();
    let location = r.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    (status, location, r.text().await.expect("body"))
}

async fn stage(app: &TestApp, opc: &str, round: i64, to: &str) {
    let path = format!("/api/v1/evaluation-rounds/{round}");
    let version = app.call(Method::GET, &path, Some(opc), None).await.1["version"].clone();
    let (s, r) =
        app.call(Method::POST, &format!("{path}/stage"), Some(opc), Some(json!({"to": to, "version": version}))).await;
    assert_eq!(s, 200, "to {to}: {r}");
}

/// A round of tasks 1 and 2 in 채점, one evaluator each out of `ev-a` and `ev-b`: the panels, as
/// (task id, task title, evaluator login) per task.
async fn round_in_scoring(app: &TestApp, opc: &str) -> (i64, Vec<(i64, String, String)>) {
    let ids = [app.user("ev-a", vec![Grant::Evaluator]).await, app.user("ev-b", vec![Grant::Evaluator]).await];
    let body = json!({
        "name": "2024년 협업과제 평가(채점 화면)",
        "setup_on": day(-30), "assignment_on": day(-20), "scoring_on": day(-10), "review_on": day(5),
        "objections_on": day(10), "final_on": day(15), "published_on": day(20),
        "task_ids": [1, 2], "evaluators_per_task": 1, "tasks_per_evaluator": 1, "lookback_years": 0,
    });
    let (s, r) = app.call(Method::POST, "/api/v1/evaluation-rounds", Some(opc), Some(body)).await;
    assert_eq!(s, 201, "{r}");
    let round = r["id"].as_i64().unwrap();
    stage(app, opc, round, "assignment").await;
    let (s, a) = app
        .call(Method::POST, &format!("/api/v1/evaluation-rounds/{round}/assignment"), Some(opc), Some(json!({})))
        .await;
    assert_eq!(s, 200, "{a}");
    stage(app, opc, round, "scoring").await;
    let (s, p) = app.call(Method::GET, &format!("/api/v1/evaluation-rounds/{round}/panels"), Some(opc), None).await;
    assert_eq!(s, 200, "{p}");
    let panels = p["items"]
        .as_array()
        .expect("panels")
        .iter()
        .map(|t| {
            let member = t["members"][0]["evaluator_id"].as_i64().unwrap_or_else(|| panic!("{t}"));
            let login = if member == ids[0].get() { "ev-a" } else { "ev-b" };
            (t["task"]["id"].as_i64().unwrap(), t["task"]["title"].as_str().unwrap().to_string(), login.to_string())
        })
        .collect::<Vec<_>>();
    assert_eq!(panels.len(), 2, "{p}");
    assert_ne!(panels[0].2, panels[1].2, "one task each: {p}");
    (round, panels)
}

/// The scoring form's fields: a score (text, "" for none) per criterion, in the rubric's order.
fn sheet_form(scores: [&str; 5], intent: &str, version: &str) -> Vec<(String, String)> {
    let mut f = Vec::new();
    for (code, s) in CODES.iter().zip(scores) {
        f.push((format!("scores.{code}"), s.to_string()));
        f.push((format!("scores.{code}.comment"), String::new()));
    }
    f.push(("comment".into(), String::new()));
    f.push(("version".into(), version.to_string()));
    f.push(("intent".into(), intent.to_string()));
    f
}

async fn api_sheet(b: &Browser, round: i64, task: i64) -> Value {
    let (s, v) = b.send(Method::GET, &format!("/api/v1/evaluation-rounds/{round}/tasks/{task}/score"), None).await;
    assert_eq!(s, 200, "{v}");
    v
}

async fn the_evaluator_scores_its_own_task_on_the_page_and_a_submitted_sheet_locks(b: Backend) {
    let app = TestApp::spawn(b).await;
    let opc = app.token_for("opc", vec![Grant::OpcAdmin]).await;
    let (round, panels) = round_in_scoring(&app, &opc).await;
    let (task, title, login) = panels[0].clone();
    let (other_task, other_title, other_login) = panels[1].clone();
    let ev = app.sign_in(&login).await;
    let score = format!("/evaluation-rounds/{round}/my-tasks/{task}/score");
    let my = format!("/evaluation-rounds/{round}/my-tasks");

    // The pledge comes first.
    let (s, location, _) = page(&ev, &score).await;
    assert_eq!((s, location.as_str()), (303, my.as_str()));
    assert_eq!(post(&ev, &format!("/evaluation-rounds/{round}/pledge"), &[] as &[(&str, String)]).await.0, 303);
    let (_, _, html) = page(&ev, &my).await;
    assert!(html.contains(&format!(r#"<a href="{score}">채점하기"#)), "{html}");

    // The page: the evidence, the rubric with weights, scales and levels, the state; blind.
    let (s, _, html) = page(&ev, &score).await;
    assert_eq!(s, 200, "{html}");
    assert!(html.contains(&format!("<h1>채점: {task}. {title}</h1>")) || html.contains(&title), "{html}");
    assert!(html.contains("작성 전") && html.contains("평가 근거") && html.contains("성과지표"), "{html}");
    assert!(html.contains("주기적 점검 결과") && html.contains("행정절차 소요기간"), "{html}");
    assert!(
        html.contains(
            "<legend>국민 체감 변화 <span class=\"hanteam-criterion-meta\">(가중치 40%, 0~5점)</span></legend>"
        ),
        "{html}"
    );
    assert!(html.contains(r#"<label for="f-score-citizen_change">국민 체감 변화 점수"#), "{html}");
    assert!(html.contains(r#"<label for="f-comment-citizen_change">국민 체감 변화 의견"#), "{html}");
    assert!(html.contains("<dt>5점"), "the levels: {html}");
    assert!(html.contains(r#"value="draft""#) && html.contains(r#"value="submit""#));
    assert!(!html.contains(&format!("{other_login} 담당자")), "never another evaluator's name");

    // A task it does not sit on: refused, and its title is not shown.
    let (s, _, html) = page(&ev, &format!("/evaluation-rounds/{round}/my-tasks/{other_task}/score")).await;
    assert_eq!(s, 403, "{html}");
    assert!(html.contains("배정되어 있지 않아") && !html.contains(&other_title), "{html}");
    let (s, _, _) = post(
        &ev,
        &format!("/evaluation-rounds/{round}/my-tasks/{other_task}/score"),
        &sheet_form(["4"; 5], "draft", ""),
    )
    .await;
    assert_eq!(s, 403);
    // OPC is no evaluator: it does not open the page.
    app.user("opc-page", vec![Grant::OpcAdmin]).await;
    let opc_page = app.sign_in("opc-page").await;
    assert_eq!(page(&opc_page, &score).await.0, 403);

    // Bad scores: 400, each message at its field, what was typed kept, nothing written.
    let (s, _, html) = post(&ev, &score, &sheet_form(["6", "많이", "", "", ""], "draft", "")).await;
    assert_eq!(s, 400, "{html}");
    assert!(html.contains("아무것도 저장되지 않았습니다") && html.contains("고칠 곳이 2군데"), "{html}");
    assert!(
        html.contains(r#"<p class="form-hint-invalid" id="f-score-citizen_change-err">&#39;국민 체감 변화&#39; 항목의 점수 6는 척도 밖입니다. 0~5점 사이로 주세요.</p>"#),
        "{html}"
    );
    assert!(html.contains(r##"<a href="#f-score-collaboration">"##), "the summary links to the field: {html}");
    assert!(html.contains(r#"value="많이""#), "{html}");
    let v = api_sheet(&ev, round, task).await;
    assert!(v["status"].is_null() && v["version"].is_null(), "nothing written: {v}");

    // A draft may be partial.
    let (s, location, body) = post(&ev, &score, &sheet_form(["4", "3.5", "", "", ""], "draft", "")).await;
    assert_eq!((s, location.as_str()), (303, format!("{score}?saved=1").as_str()), "{body}");
    let (_, _, html) = page(&ev, &location).await;
    assert!(
        html.contains("임시 저장했습니다") && html.contains("작성 중") && html.contains(r#"value="3.5""#),
        "{html}"
    );
    assert_eq!(hidden_field(&html, "version").as_deref(), Some("1"));
    // The same first save again is someone else's older copy: 409, nothing written.
    let (s, _, html) = post(&ev, &score, &sheet_form(["1", "1", "", "", ""], "draft", "")).await;
    assert_eq!(s, 409, "{html}");
    assert!(html.contains("다른 사람이 먼저"), "{html}");
    assert_eq!(api_sheet(&ev, round, task).await["scores"][0]["score"], 4.0);

    // 제출 with criteria left unscored: saved, then sent back to them.
    let (s, location, _) = post(&ev, &score, &sheet_form(["4", "3.5", "4", "", ""], "submit", "1")).await;
    assert_eq!((s, location.as_str()), (303, format!("{score}/submit").as_str()));
    let (s, location, _) = page(&ev, &location).await;
    assert_eq!((s, location.as_str()), (303, format!("{score}?missing=1").as_str()));
    let (_, _, html) = page(&ev, &location).await;
    assert!(html.contains("아직 제출하지 않았습니다. 채점하지 않은 항목이 2개 있습니다."), "{html}");
    assert!(html.contains(r#"id="f-score-spread-err""#), "{html}");
    let v = api_sheet(&ev, round, task).await;
    assert_eq!((v["status"].as_str(), v["version"].as_i64()), (Some("draft"), Some(2)), "{v}");

    // Every criterion: the confirmation says what 제출 means, then the sheet locks.
    let (s, location, _) = post(&ev, &score, &sheet_form(["5", "4", "4", "3", "2"], "submit", "2")).await;
    assert_eq!(s, 303);
    let (s, _, html) = page(&ev, &location).await;
    assert_eq!(s, 200, "{html}");
    // 40×5/5 + 25×4/5 + 20×4/5 + 10×3/5 + 5×2/5 = 84
    assert!(html.contains("가중 합계 84.00점으로") && html.contains("채점표가 잠겨"), "{html}");
    let version = hidden_field(&html, "version").expect("version");
    assert_eq!(api_sheet(&ev, round, task).await["status"], "draft", "nothing submitted before the confirmation");
    let (s, location, body) = post(&ev, &format!("{score}/submit"), &[("version", version.clone())]).await;
    assert_eq!((s, location.as_str()), (303, format!("{score}?submitted=1").as_str()), "{body}");
    let (_, _, html) = page(&ev, &location).await;
    assert!(html.contains("채점표를 제출했습니다") && html.contains("제출됨"), "{html}");
    assert!(html.contains("제출한 채점표는 잠겨 있어") && !html.contains(r#"name="intent""#), "no form: {html}");
    assert!(html.contains("<td data-label=\"점수\">5점"), "the scores as submitted: {html}");
    let v = api_sheet(&ev, round, task).await;
    assert_eq!(v["status"], "submitted", "{v}");

    // Locked: saving or submitting again is refused and changes nothing.
    let (s, _, html) = post(&ev, &score, &sheet_form(["1"; 5], "draft", &v["version"].to_string())).await;
    assert_eq!(s, 409, "{html}");
    assert!(html.contains("제출한 채점표는 잠겨") && html.contains("아무것도 저장되지 않았습니다"), "{html}");
    let (s, _, html) = post(&ev, &format!("{score}/submit"), &[("version", v["version"].to_string())]).await;
    assert_eq!(s, 409, "{html}");
    assert!(html.contains("이미 제출한 채점표입니다."), "{html}");
    let after = api_sheet(&ev, round, task).await;
    assert_eq!((after["version"].clone(), after["scores"][0]["score"].clone()), (v["version"].clone(), json!(5.0)));
}

async fn opc_reopens_a_sheet_with_a_reason_on_the_round_page_and_after_close_the_page_has_no_form(b: Backend) {
    let app = TestApp::spawn(b).await;
    let opc = app.token_for("opc", vec![Grant::OpcAdmin]).await;
    let (round, panels) = round_in_scoring(&app, &opc).await;
    let (task, _, login) = panels[0].clone();
    let (other_task, _, other_login) = panels[1].clone();
    let mut evs = Vec::new();
    for l in [&login, &other_login] {
        let ev = app.sign_in(l).await;
        assert_eq!(post(&ev, &format!("/evaluation-rounds/{round}/pledge"), &[] as &[(&str, String)]).await.0, 303);
        evs.push(ev);
    }
    let score = format!("/evaluation-rounds/{round}/my-tasks/{task}/score");
    let (_, location, _) = post(&evs[0], &score, &sheet_form(["4"; 5], "submit", "")).await;
    let (_, _, html) = page(&evs[0], &location).await;
    let version = hidden_field(&html, "version").expect("version");
    assert_eq!(post(&evs[0], &format!("{score}/submit"), &[("version", version)]).await.0, 303);

    // OPC's round page links each panel to the reopen form, which names the panel's members.
    app.user("opc-page", vec![Grant::OpcAdmin]).await;
    let opc_page = app.sign_in("opc-page").await;
    let reopen = format!("/evaluation-rounds/{round}/tasks/{task}/reopen");
    let (_, _, html) = page(&opc_page, &format!("/evaluation-rounds/{round}")).await;
    assert!(html.contains(&format!(r#"<a href="{reopen}" class="hanteam-reopen">재채점 요청"#)), "{html}");
    let (s, _, html) = page(&opc_page, &reopen).await;
    assert_eq!(s, 200, "{html}");
    assert!(html.contains(&format!("{login} 담당자")) && html.contains("재채점 사유"), "{html}");
    let evaluator =
        app.call(Method::GET, &format!("/api/v1/evaluation-rounds/{round}/panels"), Some(&opc), None).await.1["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["task"]["id"] == task)
            .map(|t| t["members"][0]["evaluator_id"].to_string())
            .expect("the panel");

    // Without a reason: 400, nothing written.
    let (s, _, html) = post(&opc_page, &reopen, &[("evaluator_id", evaluator.clone()), ("reason", " ".into())]).await;
    assert_eq!(s, 400, "{html}");
    assert!(html.contains("재채점 사유를 적어 주세요") && html.contains("아무것도 저장되지 않았습니다"), "{html}");
    assert_eq!(api_sheet(&evs[0], round, task).await["status"], "submitted");
    // Another evaluator's unsubmitted sheet: nothing to reopen, said so.
    let (s, _, html) = post(
        &opc_page,
        &format!("/evaluation-rounds/{round}/tasks/{other_task}/reopen"),
        &[("evaluator_id", evaluator.clone()), ("reason", "확인".into())],
    )
    .await;
    assert_eq!(s, 404, "{html}");
    let reason = "검토 중 점수 입력 착오 확인";
    let (s, location, body) = post(&opc_page, &reopen, &[("evaluator_id", evaluator), ("reason", reason.into())]).await;
    assert_eq!(
        (s, location.as_str()),
        (303, format!("/evaluation-rounds/{round}?saved=1#h-panels").as_str()),
        "{body}"
    );

    // The evaluator reads the reason and may score again.
    let (_, _, html) = page(&evs[0], &score).await;
    assert!(html.contains("재채점 요청됨") && html.contains(&format!("요청 사유: {reason}")), "{html}");
    assert!(html.contains(r#"name="intent""#), "the form is back: {html}");

    // Scoring closes: the other evaluator, who never submitted, is told so and has no form.
    stage(&app, &opc, round, "review").await;
    let (s, _, html) = page(&evs[1], &format!("/evaluation-rounds/{round}/my-tasks/{other_task}/score")).await;
    assert_eq!(s, 200, "{html}");
    assert!(html.contains("채점이 마감되어") && !html.contains(r#"name="intent""#), "{html}");
    let (s, _, html) = post(
        &evs[1],
        &format!("/evaluation-rounds/{round}/my-tasks/{other_task}/score"),
        &sheet_form(["3"; 5], "draft", ""),
    )
    .await;
    assert_eq!(s, 409, "{html}");
    assert!(html.contains("아무것도 저장되지 않았습니다"), "{html}");
    // The reopened sheet may still be resubmitted after close.
    let (_, _, html) = page(&evs[0], &score).await;
    assert!(html.contains(r#"name="intent""#), "{html}");
}

on_both_backends!(
    the_evaluator_scores_its_own_task_on_the_page_and_a_submitted_sheet_locks,
    opc_reopens_a_sheet_with_a_reason_on_the_round_page_and_after_close_the_page_has_no_form,
);
