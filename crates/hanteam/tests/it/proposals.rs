//! Proposals (과제 발굴) through the real interfaces: an agency officer proposes, the co-agency
//! answers, tabling waits for what is missing, a returned proposal is mended and tabled again;
//! the 과제 제안 form and the answer buttons of the task page. On SQLite and on PostgreSQL.

use crate::common::{hidden_field, Backend, TestApp};
use hanteam_domain::access::Grant;
use hanteam_domain::AgencyId;
use reqwest::Method;
use serde_json::{json, Value};

fn officer(agency: i64) -> Vec<Grant> {
    vec![Grant::AgencyOfficer { agency_id: AgencyId::new(agency) }]
}

async fn task(app: &TestApp, token: &str, id: i64) -> Value {
    let (s, t) = app.call(Method::GET, &format!("/api/v1/tasks/{id}"), Some(token), None).await;
    assert_eq!(s, 200, "{t}");
    t
}

/// The version of `agency`'s part of the task (what an answer is based on) and its answer.
async fn part(app: &TestApp, token: &str, id: i64, agency: i64) -> (i64, String) {
    let t = task(app, token, id).await;
    let a = t["agencies"].as_array().unwrap().iter().find(|a| a["id"] == agency).unwrap_or_else(|| panic!("{t}"));
    (a["role_version"].as_i64().unwrap(), a["participation"].as_str().unwrap().to_string())
}

async fn table(app: &TestApp, token: &str, id: i64) -> (u16, Value) {
    let v = task(app, token, id).await["version"].as_i64().unwrap();
    app.call(
        Method::POST,
        &format!("/api/v1/tasks/{id}/transitions"),
        Some(token),
        Some(json!({"action": "table", "version": v})),
    )
    .await
}

async fn proposal_count(app: &TestApp, token: &str) -> i64 {
    let (s, list) = app.call(Method::GET, "/api/v1/proposals", Some(token), None).await;
    assert_eq!(s, 200, "{list}");
    list["total"].as_i64().unwrap()
}

async fn an_officers_proposal_waits_for_its_co_agency_and_what_tabling_needs(b: Backend) {
    let app = TestApp::spawn(b).await;
    let (molit, me, mofa) =
        (app.agency_id("국토부").await, app.agency_id("환경부").await, app.agency_id("외교부").await);
    let opc = app.token_for("opc", vec![Grant::OpcAdmin]).await;
    let proposer = app.token_for("molit", officer(molit)).await;
    let co = app.token_for("me", officer(me)).await;
    let outsider = app.token_for("mofa", officer(mofa)).await;

    // Bad input: every problem in Korean, by field, and nothing written.
    let before = proposal_count(&app, &opc).await;
    let (s, e) = app
        .call(Method::POST, "/api/v1/proposals", Some(&proposer), Some(json!({"title": " ", "co_agency_ids": [molit]})))
        .await;
    assert_eq!(s, 400, "{e}");
    let fields: Vec<&str> =
        e["error"]["errors"].as_array().unwrap().iter().map(|x| x["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["title", "source", "co_agency_ids"], "{e}");
    assert!(e.to_string().contains("과제명을 입력해 주세요."), "{e}");
    assert!(e.to_string().contains("주관 기관은 협력 기관으로 고를 수 없습니다"), "{e}");
    let (s, e) = app
        .call(
            Method::POST,
            "/api/v1/proposals",
            Some(&proposer),
            Some(json!({"title": "t", "source": "other", "co_agency_ids": [999999]})),
        )
        .await;
    assert_eq!((s, e["error"]["field"].as_str()), (400, Some("co_agency_ids")), "{e}");
    assert_eq!(proposal_count(&app, &opc).await, before, "nothing written");
    let exchangee =
        app.token_for("x", vec![Grant::Exchangee { position_id: hanteam_domain::PositionId::new(1) }]).await;
    let (s, _) = app.call(Method::POST, "/api/v1/proposals", Some(&exchangee), Some(json!({}))).await;
    assert_eq!(s, 403, "an exchangee does not propose");

    // The officer proposes: their agency leads; the co-agency is asked and notified.
    let body = json!({"title": "하천 인근 개발 인허가 통합", "type": "silo_removal", "source": "livelihood_debate",
                      "description": "하천 점용과 개발 인허가를 한 번에", "co_agency_ids": [me]});
    let (s, saved) = app.call(Method::POST, "/api/v1/proposals", Some(&proposer), Some(body)).await;
    assert_eq!(s, 201, "{saved}");
    let id = saved["id"].as_i64().unwrap();
    let t = task(&app, &opc, id).await;
    assert_eq!((t["status"].as_str(), t["source"].as_str()), (Some("proposed"), Some("livelihood_debate")), "{t}");
    assert_eq!(t["lead_agency"]["id"], molit);
    assert_eq!(part(&app, &opc, id, molit).await.1, "confirmed");
    assert_eq!(part(&app, &opc, id, me).await.1, "pending");
    assert_eq!(app.get(&format!("/api/v1/tasks/{id}")).await.status().as_u16(), 404, "not public");
    assert_eq!(app.get(&format!("/tasks/{id}")).await.status().as_u16(), 404, "not public");
    let (s, _) = app.call(Method::GET, &format!("/api/v1/tasks/{id}"), Some(&outsider), None).await;
    assert_eq!(s, 404, "nor for an agency not taking part");
    let (_, list) = app.call(Method::GET, "/api/v1/proposals?limit=500", Some(&co), None).await;
    let row = list["items"].as_array().unwrap().iter().find(|p| p["id"] == id).unwrap_or_else(|| panic!("{list}"));
    assert_eq!(row["proposed_by"]["id"], molit);
    let (_, list) = app.call(Method::GET, "/api/v1/proposals", Some(&outsider), None).await;
    assert!(list["items"].as_array().unwrap().iter().all(|p| p["id"] != id), "{list}");
    let (s, e) = app.call(Method::GET, "/api/v1/proposals?limit=501", Some(&opc), None).await;
    assert_eq!((s, e["error"]["field"].as_str()), (400, Some("limit")), "{e}");
    let (_, n) = app.call(Method::GET, "/api/v1/notifications", Some(&co), None).await;
    assert!(
        n["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["kind"] == "participation_requested" && x["link"] == format!("/tasks/{id}")),
        "the co-agency is asked: {n}"
    );

    // Tabling now: refused, listing all that is missing.
    let (s, e) = table(&app, &opc, id).await;
    assert_eq!((s, e["error"]["code"].as_str()), (409, Some("conflict")), "{e}");
    assert_eq!(
        e["error"]["message"],
        "상정할 수 없습니다: 환경부 참여 확인 대기, 목표치와 기한이 있는 성과지표 없음, 날짜가 있는 추진일정 없음"
    );

    // The proposer completes it; the co-agency's officer may not.
    let kpi = json!({"name": "인허가 처리 기간", "target": "90", "unit": "일", "due": "2026-12-31"});
    let (s, k) = app.call(Method::POST, &format!("/api/v1/tasks/{id}/kpis"), Some(&proposer), Some(kpi.clone())).await;
    assert_eq!(s, 201, "{k}");
    let (s, _) = app.call(Method::POST, &format!("/api/v1/tasks/{id}/kpis"), Some(&co), Some(kpi)).await;
    assert_eq!(s, 403);
    let ms = json!({"title": "통합 절차 고시", "due": "2026-06-30"});
    let (s, m) = app.call(Method::POST, &format!("/api/v1/tasks/{id}/milestones"), Some(&proposer), Some(ms)).await;
    assert_eq!(s, 201, "{m}");

    // Answers: only 환경부's officer answers for 환경부; a decline says why.
    let (v, _) = part(&app, &opc, id, me).await;
    let path = format!("/api/v1/tasks/{id}/participation");
    let (s, e) = app
        .call(Method::POST, &path, Some(&outsider), Some(json!({"agency_id": me, "answer": "confirm", "version": v})))
        .await;
    assert_eq!(s, 404, "an agency not in the task does not see it: {e}");
    let (s, e) = app
        .call(Method::POST, &path, Some(&proposer), Some(json!({"agency_id": me, "answer": "confirm", "version": v})))
        .await;
    assert_eq!(s, 403, "the proposer does not answer for its co-agency: {e}");
    let (s, e) = app
        .call(Method::POST, &path, Some(&opc), Some(json!({"agency_id": me, "answer": "confirm", "version": v})))
        .await;
    assert_eq!(s, 403, "nor does OPC: {e}");
    let (s, e) = app
        .call(Method::POST, &path, Some(&co), Some(json!({"agency_id": me, "answer": "decline", "version": v})))
        .await;
    assert_eq!((s, e["error"]["field"].as_str()), (400, Some("reason")), "{e}");
    assert_eq!(part(&app, &opc, id, me).await, (v, "pending".into()), "nothing written");
    let decline = json!({"agency_id": me, "answer": "decline", "reason": "올해 예산 확보 불가", "version": v});
    let (s, d) = app.call(Method::POST, &path, Some(&co), Some(decline.clone())).await;
    assert_eq!((s, d["version"].as_i64()), (200, Some(v + 1)), "{d}");
    let (s, e) = app.call(Method::POST, &path, Some(&co), Some(decline)).await;
    assert_eq!((s, e["error"]["code"].as_str()), (409, Some("stale_version")), "{e}");
    let (s, e) = table(&app, &opc, id).await;
    assert_eq!((s, e["error"]["message"].as_str()), (409, Some("상정할 수 없습니다: 환경부 참여 거절")), "{e}");
    let (s, _) = app
        .call(Method::POST, &path, Some(&co), Some(json!({"agency_id": me, "answer": "confirm", "version": v + 1})))
        .await;
    assert_eq!(s, 200);
    let (s, e) = app
        .call(Method::POST, &path, Some(&co), Some(json!({"agency_id": molit, "answer": "confirm", "version": 1})))
        .await;
    assert_eq!(s, 403, "환경부's officer does not answer for 국토부: {e}");

    // Ready: the officer may not table it (OPC does), OPC tables it.
    let (s, _) = table(&app, &proposer, id).await;
    assert_eq!(s, 403);
    let (s, moved) = table(&app, &opc, id).await;
    assert_eq!((s, moved["status"].as_str()), (200, Some("tabled")), "{moved}");
    let (s, _) = app
        .call(Method::POST, &format!("/api/v1/tasks/{id}/kpis"), Some(&proposer), Some(json!({"name": "지표"})))
        .await;
    assert_eq!(s, 403, "a tabled proposal is no longer the proposer's to change");

    // The council returns it; the proposer mends it (another co-agency), which is asked again.
    app.call(
        Method::POST,
        &format!("/api/v1/tasks/{id}/transitions"),
        Some(&opc),
        Some(json!({"action": "return", "reason": "산업부 참여 필요", "version": moved["version"]})),
    )
    .await;
    let motie = app.agency_id("산업부").await;
    let t = task(&app, &proposer, id).await;
    assert_eq!(t["status"], "proposed");
    let edit = json!({"title": "하천 인근 개발 인허가 통합(보완)", "source": "livelihood_debate",
                      "co_agency_ids": [me, motie], "version": t["version"]});
    let (s, e) = app.call(Method::PUT, &format!("/api/v1/proposals/{id}"), Some(&co), Some(edit.clone())).await;
    assert_eq!(s, 403, "a co-agency does not edit the proposal: {e}");
    let (s, saved) = app.call(Method::PUT, &format!("/api/v1/proposals/{id}"), Some(&proposer), Some(edit)).await;
    assert_eq!(s, 200, "{saved}");
    assert_eq!(part(&app, &opc, id, me).await.1, "confirmed", "an answer given stays");
    assert_eq!(part(&app, &opc, id, motie).await.1, "pending");
    let (s, e) = table(&app, &opc, id).await;
    assert_eq!((s, e["error"]["message"].as_str()), (409, Some("상정할 수 없습니다: 산업부 참여 확인 대기")), "{e}");
    let motie_officer = app.token_for("motie", officer(motie)).await;
    let (v, _) = part(&app, &opc, id, motie).await;
    let (s, _) = app
        .call(
            Method::POST,
            &path,
            Some(&motie_officer),
            Some(json!({"agency_id": motie, "answer": "confirm", "reason": "내년 예산 반영 조건", "version": v})),
        )
        .await;
    assert_eq!(s, 200);
    let (s, moved) = table(&app, &opc, id).await;
    assert_eq!((s, moved["status"].as_str()), (200, Some("tabled")), "{moved}");
    let (s, e) = app
        .call(
            Method::POST,
            &path,
            Some(&motie_officer),
            Some(json!({"agency_id": motie, "answer": "decline", "reason": "r", "version": v + 1})),
        )
        .await;
    assert_eq!((s, e["error"]["code"].as_str()), (409, Some("conflict")), "no answers once tabled: {e}");

    // An answer's reason is the task's internal record: the public never reads it, once confirmed
    // either, in the task or in a list; OPC and the task's agencies do.
    let (s, moved) = app
        .call(
            Method::POST,
            &format!("/api/v1/tasks/{id}/transitions"),
            Some(&opc),
            Some(json!({"action": "confirm", "version": moved["version"]})),
        )
        .await;
    assert_eq!((s, moved["status"].as_str()), (200, Some("confirmed")), "{moved}");
    let (s, public) = app.call(Method::GET, &format!("/api/v1/tasks/{id}"), None, None).await;
    assert_eq!(s, 200, "{public}");
    assert_eq!(public["participation_reasons"], json!([]), "{public}");
    let (_, list) = app.call(Method::GET, "/api/v1/tasks?limit=500", None, None).await;
    for read in [public.to_string(), list.to_string(), app.html(&format!("/tasks/{id}"), 200).await] {
        assert!(!read.contains("내년 예산 반영 조건"), "{read}");
    }
    for who in [&opc, &motie_officer] {
        let reasons = task(&app, who, id).await["participation_reasons"].clone();
        assert_eq!(reasons, json!([{"agency_id": motie, "reason": "내년 예산 반영 조건"}]));
    }
    let (_, list) = app.call(Method::GET, "/api/v1/tasks?limit=500", Some(&opc), None).await;
    assert!(!list.to_string().contains("participation_reason\""), "a list carries no reasons: {list}");

    // The history shows the moves; the audit log the proposal and the answers.
    let (_, history) = app.call(Method::GET, &format!("/api/v1/tasks/{id}/history"), Some(&opc), None).await;
    let actions: Vec<&str> = history.as_array().unwrap().iter().map(|m| m["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["table", "return", "table", "confirm"], "{history}");
    let (_, log) = app.call(Method::GET, "/api/v1/audit?limit=500", Some(&opc), None).await;
    let codes: Vec<&str> = log["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    for code in ["proposal.create", "proposal.update", "task_role.participation"] {
        assert!(codes.contains(&code), "{code}: {codes:?}");
    }
}

async fn an_officer_proposes_on_the_form_and_the_co_agency_answers_on_the_task_page(b: Backend) {
    let app = TestApp::spawn(b).await;
    let (molit, me) = (app.agency_id("국토부").await, app.agency_id("환경부").await);
    let opc = app.token_for("opc", vec![Grant::OpcAdmin]).await;
    app.user("molit", officer(molit)).await;
    app.user("me", officer(me)).await;
    let proposer = app.sign_in("molit").await;
    let form = proposer.client.get(proposer.url("/proposals/new")).send().await.unwrap().text().await.unwrap();
    assert!(form.contains("과제 제안") && form.contains("name=\"co_agency_ids\""), "{form}");
    assert!(!form.contains("name=\"lead_agency_id\""), "an officer's own agency leads");

    // Wrong input: the form again, the problems summed up, nothing written.
    let before = proposal_count(&app, &opc).await;
    let r = proposer.post_form("/proposals", &[("title", ""), ("source", "")]).await;
    assert_eq!(r.status().as_u16(), 400);
    let html = r.text().await.unwrap();
    assert!(html.contains("입력한 내용에 고칠 곳이"), "{html}");
    assert!(html.contains("과제명을 입력해 주세요.") && html.contains("함께할 협력 기관을 한 곳 이상"), "{html}");
    assert_eq!(proposal_count(&app, &opc).await, before);

    let me_s = me.to_string();
    let r = proposer
        .post_form(
            "/proposals",
            &[("title", "폐기물 처리시설 입지 협의"), ("source", "national_agenda"), ("co_agency_ids", &me_s)],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303, "{}", r.text().await.unwrap_or_default());
    let to = r.headers()["location"].to_str().unwrap().to_string();
    let id: i64 = to.trim_start_matches("/tasks/").split('?').next().unwrap().parse().unwrap();
    let page = proposer.client.get(proposer.url(&to)).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("참여 확인 대기") && page.contains("제안 수정"), "{page}");
    let list = proposer.client.get(proposer.url("/proposals")).send().await.unwrap().text().await.unwrap();
    assert!(list.contains("폐기물 처리시설 입지 협의") && list.contains("환경부 참여 확인 대기"), "{list}");

    // The co-agency's officer sees the buttons and confirms.
    let co = app.sign_in("me").await;
    let page = co.client.get(co.url(&format!("/tasks/{id}"))).send().await.unwrap().text().await.unwrap();
    let confirm_href = format!("/tasks/{id}/participation/{me}/confirm");
    assert!(page.contains(&confirm_href), "{page}");
    let decline = co.client.get(co.url(&format!("/tasks/{id}/participation/{me}/decline"))).send().await.unwrap();
    let decline = decline.text().await.unwrap();
    let version = hidden_field(&decline, "version").expect("version");
    let r = co
        .post_form(
            &format!("/tasks/{id}/participation"),
            &[("agency_id", &me_s), ("answer", "decline"), ("reason", ""), ("version", &version)],
        )
        .await;
    assert_eq!(r.status().as_u16(), 400);
    assert!(r.text().await.unwrap().contains("참여를 거절하는 까닭을 적어 주세요."));
    let r = co
        .post_form(
            &format!("/tasks/{id}/participation"),
            &[("agency_id", &me_s), ("answer", "confirm"), ("version", &version)],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(part(&app, &opc, id, me).await.1, "confirmed");
    let page = proposer.client.get(proposer.url(&format!("/tasks/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(!page.contains(&confirm_href), "the proposer has no buttons for 환경부");
}

on_both_backends!(
    an_officers_proposal_waits_for_its_co_agency_and_what_tabling_needs,
    an_officer_proposes_on_the_form_and_the_co_agency_answers_on_the_task_page
);
