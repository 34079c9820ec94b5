//! Procedure lead times (행정절차 소요기간) and memos between a task's agencies (기관 간 메모), over
//! real HTTP (API and pages), on SQLite and on PostgreSQL.

use crate::common::{Backend, TestApp};
use hanteam_domain::access::Grant;
use reqwest::Method;
use serde_json::{json, Value};

/// Task 1 is the Yongin cluster (pair 1: 국토부 국토정책관 ↔ 환경부 자연보전국장).
const YONGIN: i64 = 1;

async fn officer_of(app: &TestApp, login: &str, agency: &str) -> String {
    let id = app.agency_id(agency).await;
    app.token_for(login, vec![Grant::AgencyOfficer { agency_id: id.into() }]).await
}

/// An exchangee holding the first position of pair 1 (국토부 국토정책관).
async fn yongin_exchangee(app: &TestApp, login: &str) -> String {
    let pairs = app.json("/api/v1/exchange-pairs", 200).await;
    let position = pairs["items"][0]["positions"][0]["id"].as_i64().unwrap();
    app.token_for(login, vec![Grant::Exchangee { position_id: position.into() }]).await
}

fn eia(actual_end: &str) -> Value {
    json!({
        "name": "환경영향평가(용인 국가산단 산업단지계획 승인)",
        "legal_basis": "환경영향평가법",
        "usual_days": 365,
        "planned_start": "2024-07-01",
        "planned_end": "2024-12-31",
        "actual_start": "2024-07-08",
        "actual_end": actual_end,
        "note": "평가전담반 사전컨설팅"
    })
}

async fn procedure_count(app: &TestApp) -> usize {
    app.json(&format!("/api/v1/tasks/{YONGIN}/procedures"), 200).await["items"].as_array().unwrap().len()
}

async fn the_yongin_environmental_impact_assessment_shows_the_days_it_saves_and_the_task_total(b: Backend) {
    let app = TestApp::spawn(b).await;
    // The built-in dataset holds what the release states: usually more than a year, no dates.
    let list = app.json(&format!("/api/v1/tasks/{YONGIN}/procedures"), 200).await;
    let builtin = &list["items"][0];
    assert_eq!(builtin["name"], "산업단지계획 승인을 위한 환경영향평가");
    assert_eq!(builtin["usual_days"], 365);
    assert_eq!((builtin["saved_days"].clone(), builtin["planned_start"].clone()), (Value::Null, Value::Null));
    assert_eq!(list["total"], json!({"saved_days": 0, "actual_count": 0, "planned_count": 0, "unknown_count": 1}));

    // 환경부 takes part in the task: its officer records the assessment as it ran.
    let env = officer_of(&app, "env-officer", "환경부").await;
    let path = format!("/api/v1/tasks/{YONGIN}/procedures");
    let (s, p) = app.call(Method::POST, &path, Some(&env), Some(eia("2024-11-15"))).await;
    assert_eq!(s, 201, "{p}");
    assert_eq!((p["duration_days"].as_i64(), p["saved_days"].as_i64()), (Some(130), Some(235)), "{p}");
    assert_eq!(p["saved_basis"], "actual");
    let pid = p["id"].as_i64().unwrap();

    // Planned only (not started): measured on the plan. The exchangee of the pair may write too.
    let exchangee = yongin_exchangee(&app, "yongin-exchangee").await;
    let plan = json!({"name": "산업단지계획 승인", "usual_days": 180, "planned_start": "2024-06-30", "planned_end": "2024-09-30"});
    let (s, q) = app.call(Method::POST, &path, Some(&exchangee), Some(plan)).await;
    assert_eq!(s, 201, "{q}");
    assert_eq!((q["saved_days"].as_i64(), q["saved_basis"].as_str()), (Some(88), Some("planned")));

    let list = app.json(&path, 200).await;
    assert_eq!(
        list["total"],
        json!({"saved_days": 235 + 88, "actual_count": 1, "planned_count": 1, "unknown_count": 1})
    );
    let task = app.json(&format!("/api/v1/tasks/{YONGIN}"), 200).await;
    assert_eq!(task["procedures"]["total"]["saved_days"], 323, "the task's JSON carries them (public)");
    println!(
        "Yongin 환경영향평가: usual {} days, actual {} days, saved_days {} ({}); task total saved_days {} ({} actual, {} planned, {} without dates)",
        p["usual_days"], p["duration_days"], p["saved_days"], p["saved_basis"], list["total"]["saved_days"],
        list["total"]["actual_count"], list["total"]["planned_count"], list["total"]["unknown_count"]
    );

    // The public page says which duration each saving is measured on, and the total.
    let html = app.html(&format!("/tasks/{YONGIN}"), 200).await;
    assert!(html.contains("행정절차 소요기간"), "{html}");
    assert!(html.contains("235일 단축 (실제 소요기간 기준)"), "{html}");
    assert!(html.contains("88일 단축 (계획 기준)"));
    assert!(html.contains("계산할 기간 미입력"), "the built-in one has no dates");
    assert!(
        html.contains("과제 전체: 323일 단축 (실제 소요기간 기준 1건, 계획 기준 1건 합계 (기간 미입력 1건 제외))"),
        "{html}"
    );
    assert!(html.contains("2024. 7. 8. ~ 2024. 11. 15. (130일)"));
    assert!(!html.contains("행정절차 추가"), "the public gets no forms");

    // A change needs the current version; a stale one changes nothing.
    let mut later = eia("2024-12-20");
    later["version"] = json!(1);
    let (s, e) = app.call(Method::PUT, &format!("{path}/{pid}"), Some(&env), Some(later.clone())).await;
    assert_eq!(s, 200, "{e}");
    assert_eq!(e["saved_days"], 200);
    let (s, e) = app.call(Method::PUT, &format!("{path}/{pid}"), Some(&env), Some(later)).await;
    assert_eq!(s, 409, "{e}");
    assert_eq!(app.json(&path, 200).await["total"]["saved_days"], 200 + 88);

    // Removing it asks for the version, and is audited with its last state.
    let (s, _) = app.call(Method::DELETE, &format!("{path}/{pid}?version=1"), Some(&env), None).await;
    assert_eq!(s, 409);
    let (s, _) = app.call(Method::DELETE, &format!("{path}/{pid}?version=2"), Some(&env), None).await;
    assert_eq!(s, 204);
    assert_eq!(procedure_count(&app).await, 2);
    let auditor = app.token_for("auditor", vec![Grant::Auditor]).await;
    let (s, log) = app
        .call(Method::GET, &format!("/api/v1/audit?record_type=task_procedure&record_id={pid}"), Some(&auditor), None)
        .await;
    assert_eq!(s, 200, "{log}");
    let removal = log["items"].as_array().unwrap().iter().find(|e| e.to_string().contains("procedure.remove")).cloned();
    assert!(removal.is_some_and(|e| e.to_string().contains("평가전담반 사전컨설팅")), "{log}");
}

async fn procedure_rules_refuse_bad_input_and_outsiders_and_nothing_is_written(b: Backend) {
    let app = TestApp::spawn(b).await;
    let env = officer_of(&app, "env-officer", "환경부").await;
    let path = format!("/api/v1/tasks/{YONGIN}/procedures");
    let before = procedure_count(&app).await;
    for (body, field, words) in [
        (eia("2999-01-01"), "actual_end", "보다 뒤일 수 없습니다"),
        (eia("2024-07-01"), "actual_end", "시작일(2024-07-08)보다 앞설 수 없습니다"),
        (json!({"name": "인허가", "usual_days": 0}), "usual_days", "1부터"),
        (json!({"name": "인허가", "usual_days": 30, "actual_end": "2024-01-01"}), "actual_start", "시작일도"),
        (json!({"usual_days": "1년"}), "name", "절차명을 입력해 주세요"),
    ] {
        let (s, e) = app.call(Method::POST, &path, Some(&env), Some(body)).await;
        assert_eq!((s, e["error"]["field"].as_str()), (400, Some(field)), "{e}");
        assert!(e["error"]["message"].as_str().unwrap().contains(words), "{e}");
    }
    // An officer of an agency not in the task may not write; the page form says what to fix.
    let pipc = officer_of(&app, "pipc-officer", "개보위").await;
    let (s, e) = app.call(Method::POST, &path, Some(&pipc), Some(eia("2024-11-15"))).await;
    assert_eq!(s, 403, "{e}");
    app.user("opc-staff", vec![Grant::OpcAdmin]).await;
    let browser = app.sign_in("opc-staff").await;
    let r = browser
        .post_form(
            &format!("/tasks/{YONGIN}/procedures"),
            &[
                ("name", "환경영향평가"),
                ("usual_days", "365"),
                ("actual_start", "2024-08-01"),
                ("actual_end", "2024-07-01"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 400);
    let html = r.text().await.unwrap();
    assert!(html.contains("입력한 내용을 확인해 주세요") && html.contains("앞설 수 없습니다"), "{html}");
    // Through the pages: add, then remove after a confirmation.
    let r = browser
        .post_form(&format!("/tasks/{YONGIN}/procedures"), &[("name", "실시계획 승인"), ("usual_days", "90")])
        .await;
    assert_eq!(r.status().as_u16(), 303, "{}", r.text().await.unwrap());
    let added = app.json(&path, 200).await["items"].as_array().unwrap().last().unwrap().clone();
    let pid = added["id"].as_i64().unwrap();
    let confirm = browser.client.get(browser.url(&format!("/procedures/{pid}/remove"))).send().await.unwrap();
    let confirm = confirm.text().await.unwrap();
    assert!(confirm.contains("감사기록에 남습니다"), "{confirm}");
    let r = browser.post_form(&format!("/procedures/{pid}/remove"), &[("version", "1")]).await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(procedure_count(&app).await, before, "nothing else was written");
    // A procedure is changed only under its own task.
    let (s, p) = app.call(Method::POST, &path, Some(&env), Some(eia("2024-11-15"))).await;
    assert_eq!(s, 201, "{p}");
    let mut body = eia("2024-11-15");
    body["version"] = json!(1);
    let (s, _) =
        app.call(Method::PUT, &format!("/api/v1/tasks/2/procedures/{}", p["id"]), Some(&env), Some(body)).await;
    assert_eq!(s, 404);
}

async fn memo_texts(app: &TestApp, token: &str) -> (u16, Value) {
    app.call(Method::GET, &format!("/api/v1/tasks/{YONGIN}/memos"), Some(token), None).await
}

async fn memos_are_seen_by_the_tasks_people_only_and_show_the_writers_agency(b: Backend) {
    let app = TestApp::spawn(b).await;
    let path = format!("/api/v1/tasks/{YONGIN}/memos");
    let env = officer_of(&app, "env-officer", "환경부").await;
    let exchangee = yongin_exchangee(&app, "yongin-exchangee").await;
    let opc = app.token_for("opc", vec![Grant::OpcAdmin]).await;
    for (token, text, agency, capacity) in [
        (&env, "평가전담반 사전컨설팅 일정 공유드립니다", "환경부", "officer"),
        (&exchangee, "저감방안 사전 검토 결과를 올렸습니다", "국토부", "exchangee"),
        (&opc, "다음 점검회의에서 진행상황을 보고해 주세요", "국무조정실", "opc"),
    ] {
        let (s, m) = app.call(Method::POST, &path, Some(token), Some(json!({"body": text}))).await;
        assert_eq!(s, 201, "{m}");
        assert_eq!(
            (m["writer_agency"]["short_name"].as_str(), m["writer_capacity"].as_str()),
            (Some(agency), Some(capacity))
        );
        assert_eq!(m["body"], text);
    }
    let auditor = app.token_for("auditor", vec![Grant::Auditor]).await;
    let (s, list) = memo_texts(&app, &auditor).await;
    assert_eq!((s, list["total"].as_i64()), (200, Some(3)), "{list}");
    assert_eq!(list["items"][0]["writer_agency"]["short_name"], "국무조정실", "newest first");

    // Never the public, never an evaluator, not an officer of an agency outside the task.
    let (s, _) = app.call(Method::GET, &path, None, None).await;
    assert_eq!(s, 401);
    let evaluator = app.user("expert", vec![Grant::Evaluator]).await;
    app.assign(evaluator, YONGIN).await;
    let pipc = officer_of(&app, "pipc-officer", "개보위").await;
    for outsider in [&pipc] {
        let (s, e) = memo_texts(&app, outsider).await;
        assert_eq!(s, 403, "{e}");
        assert!(e["error"]["message"].as_str().unwrap().contains("참여기관 담당자"), "{e}");
        let (s, _) = app.call(Method::POST, &path, Some(outsider), Some(json!({"body": "참여하지 않은 기관"}))).await;
        assert_eq!(s, 403);
    }
    let public_json = app.json(&format!("/api/v1/tasks/{YONGIN}"), 200).await.to_string();
    let public_page = app.html(&format!("/tasks/{YONGIN}"), 200).await;
    for shown in [&public_json, &public_page] {
        assert!(!shown.contains("사전컨설팅 일정") && !shown.contains("기관 간 메모"), "memos are never public");
    }
    let expert = app.sign_in("expert").await;
    let page = expert.client.get(expert.url(&format!("/tasks/{YONGIN}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("환경영향평가") && !page.contains("사전컨설팅 일정") && !page.contains("h-memos"), "{page}");
    let (s, _) = expert.send(Method::GET, &path, None).await;
    assert_eq!(s, 403, "an assigned evaluator does not read the memos");
    let (s, _) = expert.send(Method::POST, &path, Some(json!({"body": "평가위원"}))).await;
    assert_eq!(s, 403);

    // The page of an officer of the task shows each memo with its writer's agency, and the form.
    let officer = {
        let id = app.agency_id("환경부").await;
        app.user("env-page", vec![Grant::AgencyOfficer { agency_id: id.into() }]).await;
        app.sign_in("env-page").await
    };
    let page = officer.client.get(officer.url(&format!("/tasks/{YONGIN}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("<strong>환경부</strong> · env-officer 담당자"), "{page}");
    assert!(page.contains("<strong>국토부</strong> · yongin-exchangee 담당자"));
    assert!(page.contains("<strong>국무조정실</strong> · opc 담당자"));
    assert!(page.contains("메모 남기기"));
    let r = officer.post_form(&format!("/tasks/{YONGIN}/memos"), &[("body", "")]).await;
    assert_eq!(r.status().as_u16(), 400);
    assert!(r.text().await.unwrap().contains("메모 내용을 입력해 주세요"));
    let long = "가".repeat(2001);
    let r = officer.post_form(&format!("/tasks/{YONGIN}/memos"), &[("body", &long)]).await;
    assert_eq!(r.status().as_u16(), 400);
    let r = officer.post_form(&format!("/tasks/{YONGIN}/memos"), &[("body", "페이지에서 남긴 메모")]).await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(memo_texts(&app, &auditor).await.1["total"], 4, "only the valid one was written");
}

async fn a_writer_withdraws_their_own_memo_and_its_text_stays_in_the_audit_log(b: Backend) {
    let app = TestApp::spawn(b).await;
    let path = format!("/api/v1/tasks/{YONGIN}/memos");
    let id = app.agency_id("환경부").await;
    app.user("env-writer", vec![Grant::AgencyOfficer { agency_id: id.into() }]).await;
    let writer = app.sign_in("env-writer").await;
    let (s, m) = writer.send(Method::POST, &path, Some(json!({"body": "철회할 메모 내용"}))).await;
    assert_eq!(s, 201, "{m}");
    let mid = m["id"].as_i64().unwrap();
    let withdraw = format!("{path}/{mid}/withdraw");

    let opc = app.token_for("opc", vec![Grant::OpcAdmin]).await;
    let (s, e) = app.call(Method::POST, &withdraw, Some(&opc), Some(json!({"version": 1}))).await;
    assert_eq!(s, 403, "not even OPC withdraws another's memo: {e}");
    assert!(e["error"]["message"].as_str().unwrap().contains("자기가 쓴 메모만"), "{e}");
    let (s, _) = writer.send(Method::POST, &withdraw, Some(json!({}))).await;
    assert_eq!(s, 400, "the version is needed");

    // The page asks first.
    let confirm = writer.client.get(writer.url(&format!("/memos/{mid}/withdraw"))).send().await.unwrap();
    assert_eq!(confirm.status().as_u16(), 200);
    let confirm = confirm.text().await.unwrap();
    assert!(confirm.contains("감사기록에 남습니다") && confirm.contains("철회할 메모 내용"), "{confirm}");
    let r = writer.post_form(&format!("/memos/{mid}/withdraw"), &[("version", "1")]).await;
    assert_eq!(r.status().as_u16(), 303);

    let (s, list) = app.call(Method::GET, &path, Some(&opc), None).await;
    assert_eq!(s, 200);
    let memo = &list["items"][0];
    assert_eq!((memo["body"].clone(), memo["withdrawn_at"].is_string()), (Value::Null, true), "{memo}");
    assert_eq!(list["total"], 1, "kept, not deleted");
    let page = writer.client.get(writer.url(&format!("/tasks/{YONGIN}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("철회된 메모") && !page.contains("철회할 메모 내용"), "{page}");
    let (s, e) = writer.send(Method::POST, &withdraw, Some(json!({"version": 2}))).await;
    assert_eq!(s, 400, "withdrawn once: {e}");

    let auditor = app.token_for("auditor", vec![Grant::Auditor]).await;
    let (s, log) = app
        .call(Method::GET, &format!("/api/v1/audit?record_type=task_memo&record_id={mid}"), Some(&auditor), None)
        .await;
    assert_eq!(s, 200, "{log}");
    let withdrawal: Vec<&Value> =
        log["items"].as_array().unwrap().iter().filter(|e| e.to_string().contains("memo.withdraw")).collect();
    assert_eq!(withdrawal.len(), 1, "{log}");
    assert!(withdrawal[0].to_string().contains("철회할 메모 내용"), "the text stays in the audit log: {log}");
}

on_both_backends!(
    the_yongin_environmental_impact_assessment_shows_the_days_it_saves_and_the_task_total,
    procedure_rules_refuse_bad_input_and_outsiders_and_nothing_is_written,
    memos_are_seen_by_the_tasks_people_only_and_show_the_writers_agency,
    a_writer_withdraws_their_own_memo_and_its_text_stays_in_the_audit_log,
);
