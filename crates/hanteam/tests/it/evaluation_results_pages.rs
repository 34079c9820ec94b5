//! The pages after scoring, on both databases: the public results page is not found before
//! publication and afterwards shows each task's grade and the agency ranking and nothing of the
//! evaluators, their totals, comments, objections or money; an agency officer objects through the
//! form (a bad one writes nothing) and OPC decides it through its form.

use hanteam_domain::access::Grant;
use hanteam_domain::AgencyId;
use reqwest::Method;
use serde_json::{json, Value};

use crate::common::{Browser, TestApp};
use crate::objections::{audit_count, end_objection_period, round_in_objections, stage};

async fn post(b: &Browser, path: &str, fields: &[(&str, &str)]) -> (u16, String, String) {
    let r = b.post_form(path, fields).await;
    let status = r.status().as_u16();
    let location = r.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    (status, location, r.text().await.expect("body"))
}

async fn page(b: &Browser, path: &str) -> (u16, String) {
    let r = b.client.get(b.url(path)).send().await.expect("request");
    (r.status().as_u16(), r.text().await.expect("body"))
}

/// Task 1 scored 4.5, 4 and 3.5 on every criterion (totals 90, 80, 70 → 80.00); task 30 5, 5, 4
/// (100, 100, 80 → 93.33, grade A, the one excellent task); one objection filed and rejected.
async fn the_results_page_is_not_found_before_publication_and_then_shows_grades_and_ranking_only(
    b: crate::common::Backend,
) {
    let app = TestApp::spawn(b).await;
    let opc = app.token_for("opc", vec![Grant::OpcAdmin]).await;
    let env = app.agency_id("환경부").await;
    let env_officer = app.token_for("env", vec![Grant::AgencyOfficer { agency_id: AgencyId::new(env) }]).await;
    let (round, _) = round_in_objections(
        &app,
        &opc,
        &[1, 30],
        &[[4.5, 4.0, 3.5], [5.0, 5.0, 4.0]],
        json!({"excellent": {"kind": "top_k", "value": 1}}),
    )
    .await;
    let (s, w) = app
        .call(
            Method::POST,
            &format!("/api/v1/evaluation-rounds/{round}/objections"),
            Some(&env_officer),
            Some(json!({"task_id": 1, "reason": "이의 사유 비밀"})),
        )
        .await;
    assert_eq!(s, 201, "{w}");
    let (s, d) = app
        .call(
            Method::POST,
            &format!("/api/v1/evaluation-objections/{}/decision", w["id"]),
            Some(&opc),
            Some(json!({"decision": "rejected", "reason": "기각 사유 비밀", "version": 1})),
        )
        .await;
    assert_eq!(s, 200, "{d}");
    end_objection_period(&app, &opc, round).await;
    assert_eq!(stage(&app, &opc, round, "final").await.0, 200);

    // 확정 but not 공개: not found for the public and for OPC alike, and not linked.
    let results = format!("/evaluation-rounds/{round}/results");
    let missing = app.html(&results, 404).await;
    assert!(missing.contains("찾을 수 없"), "{missing}");
    let opc_browser = app.sign_in("opc").await;
    let (s, body) = page(&opc_browser, &results).await;
    assert_eq!(s, 404, "{body}");
    let (s, round_page) = page(&opc_browser, &format!("/evaluation-rounds/{round}")).await;
    assert_eq!(s, 200);
    assert!(!round_page.contains(&format!("href=\"{results}\"")), "linked before publication");

    let prizes = app.call(Method::GET, &format!("/api/v1/evaluation-rounds/{round}/prizes"), Some(&opc), None).await.1;
    let amounts: Vec<i64> =
        prizes["items"].as_array().unwrap().iter().map(|l| l["amount_won"].as_i64().unwrap()).collect();
    assert!(!amounts.is_empty(), "{prizes}");
    assert_eq!(stage(&app, &opc, round, "published").await.0, 200);

    let round_page = app.html(&format!("/evaluation-rounds/{round}"), 200).await;
    assert!(round_page.contains(&format!("href=\"{results}\"")), "the round links its results once published");
    let html = app.html(&results, 200).await;
    assert!(html.contains("<caption>과제별 평가 결과"), "{html}");
    assert!(html.contains("<th scope=\"col\">등급</th>"), "{html}");
    assert!(html.contains("93.33점") && html.contains("80.00점"), "both task scores: {html}");
    assert!(html.contains("<td data-label=\"등급\">A</td>"), "{html}");
    // The excellent task is said in words, in its own column.
    assert_eq!(html.matches("<td data-label=\"우수과제\">우수과제</td>").count(), 1, "{html}");
    assert!(html.contains("기관별 협업 점수"), "{html}");
    for agency in ["환경부", "개보위"] {
        assert!(html.contains(&format!("<th scope=\"row\" data-label=\"기관\">{agency}</th>")), "{agency}: {html}");
    }
    // A page at a time, like the other lists.
    let first = app.html(&format!("{results}?limit=1"), 200).await;
    assert_eq!(first.matches("<td data-label=\"등급\">").count(), 1, "{first}");
    assert!(
        first.contains("krds-pagination")
            && first.contains("<td data-label=\"점수\">93.33점")
            && !first.contains("<td data-label=\"점수\">80.00점"),
        "{first}"
    );
    for bad in [
        "p1 위원",
        "p2 위원",
        "p3 위원",
        "채점 의견 비밀",
        "종합 의견 비밀",
        "이의 사유 비밀",
        "기각 사유 비밀",
        "90.00점",
        "70.00점",
        "100.00점",
    ] {
        assert!(!html.contains(bad), "{bad} on the public page");
    }
    for a in amounts {
        let grouped = hanteam_domain::korean::thousands(a as usize);
        assert!(!html.contains(&a.to_string()) && !html.contains(&grouped), "prize {a} on the public page");
    }
}

/// 환경부's officer objects to task 1 through the form; a reason left empty and a task not in the
/// round are shown again with the message and write nothing; 개보위's officer does not see it; OPC
/// rejects it through its form, first without the reason it needs.
async fn an_officer_objects_through_the_form_and_opc_decides_it_through_its_form(b: crate::common::Backend) {
    let app = TestApp::spawn(b).await;
    let opc = app.token_for("opc", vec![Grant::OpcAdmin]).await;
    let env = app.agency_id("환경부").await;
    let pipc = app.agency_id("개보위").await;
    let env_officer = app.token_for("env", vec![Grant::AgencyOfficer { agency_id: AgencyId::new(env) }]).await;
    app.token_for("pipc", vec![Grant::AgencyOfficer { agency_id: AgencyId::new(pipc) }]).await;
    let (round, _) = round_in_objections(&app, &opc, &[1, 30], &[[5.0, 4.0, 4.0], [3.0, 3.0, 3.0]], json!({})).await;
    let round_path = format!("/evaluation-rounds/{round}");
    let list = format!("/api/v1/evaluation-rounds/{round}/objections");

    let officer = app.sign_in("env").await;
    let (s, rp) = page(&officer, &round_path).await;
    assert_eq!(s, 200);
    let form_path = format!("/evaluation-rounds/{round}/objections/new");
    assert!(rp.contains(&form_path) && rp.contains("이의신청하기"), "{rp}");
    let (s, form) = page(&officer, &format!("{form_path}?task=1")).await;
    assert_eq!(s, 200, "{form}");
    assert!(form.contains("name=\"csrf_token\"") && form.contains("value=\"1\" selected"), "{form}");
    // Only the officer's own task is offered, with its provisional grade and score.
    assert!(form.contains("(잠정 ") && !form.contains("value=\"30\""), "{form}");

    let before = audit_count(&app).await;
    let file = format!("/evaluation-rounds/{round}/objections");
    let (s, _, body) = post(&officer, &file, &[("task_id", "1"), ("reason", "  ")]).await;
    assert_eq!(s, 400, "{body}");
    assert!(body.contains("이의신청 사유") && body.contains("aria-invalid=\"true\""), "{body}");
    let (s, _, body) = post(&officer, &file, &[("task_id", "2"), ("reason", "누락된 실적")]).await;
    assert_eq!(s, 400, "{body}");
    assert!(body.contains("이 평가 회차의 과제가 아닙니다") && body.contains("누락된 실적"), "{body}");
    assert_eq!(audit_count(&app).await, before);
    assert_eq!(app.call(Method::GET, &list, Some(&opc), None).await.1["total"], 0);

    let reason = "용인 산단 환경영향평가 단축 실적이 증빙에서 빠졌습니다.";
    let (s, location, body) = post(&officer, &file, &[("task_id", "1"), ("reason", reason)]).await;
    assert_eq!(s, 303, "{body}");
    assert!(location.starts_with(&round_path), "{location}");
    let listed: Value = app.call(Method::GET, &list, Some(&opc), None).await.1;
    assert_eq!((listed["total"].as_i64(), listed["items"][0]["reason"].as_str()), (Some(1), Some(reason)), "{listed}");
    let oid = listed["items"][0]["id"].as_i64().unwrap();
    let (_, rp) = page(&officer, &round_path).await;
    assert!(rp.contains(reason) && rp.contains("결정 대기"), "{rp}");
    let other = app.sign_in("pipc").await;
    let (_, rp) = page(&other, &round_path).await;
    assert!(!rp.contains(reason), "another agency reads the objection: {rp}");

    // OPC: the round lists it with a link to decide; rejecting needs a reason.
    let opc_browser = app.sign_in("opc").await;
    let decide = format!("/evaluation-rounds/{round}/objections/{oid}/decision");
    let (_, rp) = page(&opc_browser, &round_path).await;
    assert!(rp.contains(&decide), "{rp}");
    let (s, form) = page(&opc_browser, &decide).await;
    assert_eq!(s, 200, "{form}");
    assert!(form.contains(reason) && form.contains("name=\"version\""), "{form}");
    assert_eq!(page(&officer, &decide).await.0, 403);
    let before = audit_count(&app).await;
    let (s, _, body) = post(&opc_browser, &decide, &[("decision", "rejected"), ("reason", ""), ("version", "1")]).await;
    assert_eq!(s, 400, "{body}");
    assert!(body.contains("aria-invalid=\"true\""), "{body}");
    assert_eq!(audit_count(&app).await, before);
    let answer = "지표 산식은 평가 편람대로 적용되었습니다.";
    let (s, _, body) = post(&officer, &decide, &[("decision", "rejected"), ("reason", answer), ("version", "1")]).await;
    assert_eq!(s, 403, "{body}");
    let (s, location, body) =
        post(&opc_browser, &decide, &[("decision", "rejected"), ("reason", answer), ("version", "1")]).await;
    assert_eq!(s, 303, "{body}");
    assert!(location.starts_with(&round_path), "{location}");
    let listed: Value = app.call(Method::GET, &list, Some(&env_officer), None).await.1;
    assert_eq!(
        (listed["items"][0]["status"].as_str(), listed["items"][0]["decision_reason"].as_str()),
        (Some("rejected"), Some(answer)),
        "{listed}"
    );
    let (_, rp) = page(&officer, &round_path).await;
    assert!(rp.contains(answer) && rp.contains("기각"), "{rp}");
    // Decided once: the form is refused with the reason and writes nothing.
    let (s, _, body) = post(&opc_browser, &decide, &[("decision", "upheld"), ("reason", ""), ("version", "2")]).await;
    assert_eq!(s, 409, "{body}");
    assert!(body.contains("이미 결정된 이의신청") && body.contains("아무것도 저장되지 않았습니다"), "{body}");
}

on_both_backends!(
    the_results_page_is_not_found_before_publication_and_then_shows_grades_and_ranking_only,
    an_officer_objects_through_the_form_and_opc_decides_it_through_its_form,
);
