//! The evaluation-round pages over real HTTP on both databases, as a browser uses them (session,
//! forms, CSRF): OPC creates, edits and moves a round, the rubric refusing to change once frozen;
//! the assignment page says why it cannot assign and then confirms the panels; an evaluator reads
//! the pledge before any task, signs it, sees its own tasks and declares 회피; OPC decides a 기피;
//! bad input writes nothing and says so in Korean. And `GET /api/v1/evaluation-rounds/{id}/bonuses`.

use hanteam_domain::access::Grant;
use hanteam_domain::{AgencyId, PositionId};
use reqwest::Method;
use serde_json::{json, Value};

use crate::common::{hidden_field, Backend, Browser, TestApp};

const YONGIN: &str = "세계 최대규모 용인 반도체 국가산단 신속조성";

/// A round of 2024 (its objection period long over, so every stage move is allowed).
fn round_form(name: &str) -> Vec<(&'static str, String)> {
    vec![
        ("name", name.to_string()),
        ("setup_on", "2024-10-01".into()),
        ("assignment_on", "2024-10-15".into()),
        ("scoring_on", "2024-11-01".into()),
        ("review_on", "2024-11-20".into()),
        ("objections_on", "2024-12-01".into()),
        ("final_on", "2024-12-08".into()),
        ("published_on", "2024-12-15".into()),
        ("rubric_preset", String::new()),
        ("evaluators_per_task", String::new()),
    ]
}

fn round_json(name: &str, tasks: Option<Vec<i64>>) -> Value {
    let mut b = json!({"name": name});
    for (k, v) in round_form(name).into_iter().skip(1).take(7) {
        b[k] = json!(v);
    }
    if let Some(t) = tasks {
        b["task_ids"] = json!(t);
    }
    b
}

async fn post(b: &Browser, path: &str, fields: &[(&str, String)]) -> (u16, String, String) {
    let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = b.post_form(path, &refs).await;
    let status = r.status().as_u16();
    let location = r.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    (status, location, r.text().await.expect("body"))
}

async fn page(b: &Browser, path: &str) -> (u16, String) {
    let r = b.client.get(b.url(path)).send().await.expect("request");
    (r.status().as_u16(), r.text().await.expect("body"))
}

async fn round_json_of(app: &TestApp, token: &str, id: i64) -> Value {
    let (s, r) = app.call(Method::GET, &format!("/api/v1/evaluation-rounds/{id}"), Some(token), None).await;
    assert_eq!(s, 200, "{r}");
    r
}

async fn panels(app: &TestApp, token: &str, id: i64) -> Value {
    let (s, p) = app.call(Method::GET, &format!("/api/v1/evaluation-rounds/{id}/panels"), Some(token), None).await;
    assert_eq!(s, 200, "{p}");
    p
}

async fn opc_creates_edits_and_moves_a_round_through_the_pages_and_bad_input_writes_nothing(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.user("opc", vec![Grant::OpcAdmin]).await;
    let opc = app.sign_in("opc").await;
    let token = app.token_for("opc-api", vec![Grant::OpcAdmin]).await;

    let (s, html) = page(&opc, "/evaluation-rounds").await;
    assert_eq!(s, 200, "{html}");
    assert!(html.contains("<h1>평가 회차</h1>") && html.contains("볼 수 있는 평가 회차가 아직 없습니다."), "{html}");
    assert!(
        html.contains(
            r#"<a href="/evaluation-rounds" class="gnb-main-trigger is-link active" aria-current="page">평가</a>"#
        ),
        "the menu has 평가, current: {html}"
    );
    assert!(
        html.contains(r#"<a href="/pay-tables" class="gnb-main-trigger is-link">지급표</a>"#),
        "and 지급표 for OPC"
    );
    assert!(html.contains("새 평가 회차 만들기"));
    let (s, html) = page(&opc, "/evaluation-rounds/new").await;
    assert_eq!(s, 200, "{html}");
    assert!(html.contains(r#"<label for="f-scoring-on">채점 시작일"#), "{html}");
    assert!(html.contains(r#"name="csrf_token""#));

    // Bad input: 400, the form again with the message by the field, nothing written.
    let mut bad = round_form("");
    bad[3].1 = "2024-09-01".into();
    let (s, _, html) = post(&opc, "/evaluation-rounds", &bad).await;
    assert_eq!(s, 400, "{html}");
    assert!(html.contains("평가 회차 이름") && html.contains("아무것도 저장되지 않았습니다"), "{html}");
    assert!(html.contains(r#"id="f-name-err""#), "{html}");
    assert!(html.contains(r#"value="2024-10-15""#), "what was typed stays");
    assert_eq!(app.call(Method::GET, "/api/v1/evaluation-rounds", Some(&token), None).await.1["total"], 0);

    // Created: every active task, the 기본안 rubric labelled as not official.
    let (s, location, body) = post(&opc, "/evaluation-rounds", &round_form("2024년 협업과제 평가")).await;
    assert_eq!(s, 303, "{body}");
    let id: i64 = location
        .trim_start_matches("/evaluation-rounds/")
        .trim_end_matches("?saved=1")
        .parse()
        .unwrap_or_else(|_| panic!("{location}"));
    let (s, html) = page(&opc, &location).await;
    assert_eq!(s, 200, "{html}");
    assert!(html.contains("저장되었습니다."));
    assert!(html.contains("<h1>2024년 협업과제 평가</h1>"), "{html}");
    assert!(html.contains("기본안") && html.contains("공식 평가표가 아닙니다."), "{html}");
    assert!(html.contains("국민 체감 변화") && html.contains("40%") && html.contains("S 20%, A 40%, B 30%, C 10%"));
    assert!(html.contains(r#"<tr aria-current="step">"#) && html.contains("<strong>현재 단계</strong>"));
    assert!(html.contains("평가위원 배정 현황") && html.contains("아직 배정되지 않았습니다."), "{html}");
    assert!(html.contains(&format!(r#"href="/evaluation-rounds/{id}/stage/assignment""#)));

    // Edited with the 2024 main-policy preset: the source shows.
    let (s, html) = page(&opc, &format!("/evaluation-rounds/{id}/edit")).await;
    assert_eq!(s, 200, "{html}");
    let version = hidden_field(&html, "version").expect("version");
    let mut edit = round_form("2024년 협업과제 평가(수정)");
    edit[8].1 = "main_policy_2024".into();
    edit.push(("version", version.clone()));
    let (s, _, body) = post(&opc, &format!("/evaluation-rounds/{id}/edit"), &edit).await;
    assert_eq!(s, 303, "{body}");
    let (_, html) = page(&opc, &format!("/evaluation-rounds/{id}")).await;
    assert!(html.contains("출처: 2024년도 정부업무평가 시행계획") && html.contains("정책효과"), "{html}");
    assert!(!html.contains("공식 평가표가 아닙니다."));
    // The same version again is someone else's older copy: 409, nothing written.
    let (s, _, html) = post(&opc, &format!("/evaluation-rounds/{id}/edit"), &edit).await;
    assert_eq!(s, 409, "{html}");
    assert!(html.contains("다른 사람이 먼저"), "{html}");

    // Stage moves after a confirmation; a stale confirmation is refused.
    for to in ["assignment", "scoring"] {
        let (s, html) = page(&opc, &format!("/evaluation-rounds/{id}/stage/{to}")).await;
        assert_eq!(s, 200, "{html}");
        assert!(html.contains("단계 옮기기"), "{html}");
        let v = hidden_field(&html, "version").expect("version");
        let (s, _, body) = post(&opc, &format!("/evaluation-rounds/{id}/stage/{to}"), &[("version", v)]).await;
        assert_eq!(s, 303, "{to}: {body}");
    }
    let current = round_json_of(&app, &token, id).await["version"].to_string();
    let (s, _, html) = post(&opc, &format!("/evaluation-rounds/{id}/stage/objections"), &[("version", current)]).await;
    assert_eq!(s, 409, "from 채점 the next stage is 검토: {html}");
    assert!(html.contains("다음 단계는 &#39;검토&#39;") && html.contains("아무것도 저장되지 않았습니다"), "{html}");
    let (s, _, html) = post(&opc, &format!("/evaluation-rounds/{id}/stage/review"), &[("version", "1".into())]).await;
    assert_eq!(s, 409, "a stale confirmation: {html}");
    assert!(html.contains("다른 사람이 먼저"), "{html}");
    assert_eq!(round_json_of(&app, &token, id).await["stage"], "scoring");

    // The rubric is frozen from 채점: the page says why, nothing changes; the name still changes.
    let (_, html) = page(&opc, &format!("/evaluation-rounds/{id}/edit")).await;
    assert!(html.contains("평가표(항목·가중치)는 고정되었습니다"), "{html}");
    let version = hidden_field(&html, "version").expect("version");
    let mut frozen = round_form("2024년 협업과제 평가");
    frozen[8].1 = "citizen_change".into();
    frozen.push(("version", version.clone()));
    let (s, _, html) = post(&opc, &format!("/evaluation-rounds/{id}/edit"), &frozen).await;
    assert_eq!(s, 409, "{html}");
    assert!(html.contains("평가표가 고정") && html.contains("아무것도 저장되지 않았습니다"), "{html}");
    let r = round_json_of(&app, &token, id).await;
    assert_eq!(r["settings"]["rubric"]["criteria"][0]["code"], "policy_effect");
    assert_eq!(r["name"], "2024년 협업과제 평가(수정)");
    frozen[8].1 = String::new();
    let (s, _, body) = post(&opc, &format!("/evaluation-rounds/{id}/edit"), &frozen).await;
    assert_eq!(s, 303, "{body}");
    assert_eq!(round_json_of(&app, &token, id).await["name"], "2024년 협업과제 평가");

    // Others: an officer may not open OPC's forms; the public is sent to sign in for the
    // evaluator's pages and does not see a round before it is published.
    let env = app.agency_id("환경부").await;
    app.user("env", vec![Grant::AgencyOfficer { agency_id: AgencyId::new(env) }]).await;
    let officer = app.sign_in("env").await;
    for path in ["/evaluation-rounds/new".to_string(), format!("/evaluation-rounds/{id}/edit")] {
        let (s, html) = page(&officer, &path).await;
        assert_eq!(s, 403, "{path}: {html}");
        assert!(html.contains("국무조정실 관리자만"), "{html}");
    }
    let (s, _, _) = post(&officer, "/evaluation-rounds", &round_form("기관이 만든 회차")).await;
    assert_eq!(s, 403);
    let (s, html) = page(&officer, &format!("/evaluation-rounds/{id}")).await;
    assert_eq!(s, 200, "agencies read a round past 준비: {html}");
    assert!(!html.contains("평가위원 배정 현황"), "but not its panels");
    let (s, html) = page(&officer, &format!("/evaluation-rounds/{id}/my-tasks")).await;
    assert_eq!(s, 403, "{html}");
    let r = app.get(&format!("/evaluation-rounds/{id}/my-tasks")).await;
    assert_eq!(r.status().as_u16(), 303);
    assert!(r.headers()["location"].to_str().unwrap().starts_with("/sign-in?next="));
    app.html(&format!("/evaluation-rounds/{id}"), 404).await;
    assert_eq!(app.call(Method::GET, "/api/v1/evaluation-rounds", Some(&token), None).await.1["total"], 1);
}

async fn the_assignment_says_why_it_is_impossible_and_an_evaluator_pledges_before_seeing_its_tasks(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.user("opc", vec![Grant::OpcAdmin]).await;
    let opc = app.sign_in("opc").await;
    let token = app.token_for("opc-api", vec![Grant::OpcAdmin]).await;
    let (s, r) = app
        .call(Method::POST, "/api/v1/evaluation-rounds", Some(&token), Some(round_json("배정 확인", Some(vec![1]))))
        .await;
    assert_eq!(s, 201, "{r}");
    let id = r["id"].as_i64().unwrap();
    for login in ["ev1", "ev2"] {
        app.user(login, vec![Grant::Evaluator]).await;
    }

    // Two evaluators for a panel of three: why, and nothing written.
    let (s, html) = page(&opc, &format!("/evaluation-rounds/{id}/assignment")).await;
    assert_eq!(s, 200, "{html}");
    assert!(html.contains("미리 보기 (저장 안 함)") && html.contains("배정 확정"), "{html}");
    let (s, _, html) = post(&opc, &format!("/evaluation-rounds/{id}/assignment"), &[("dry_run", "false".into())]).await;
    assert_eq!(s, 409, "{html}");
    assert!(
        html.contains("배정할 수 없습니다. 아무것도 저장하지 않았습니다.") && html.contains("최소 3명 필요"),
        "{html}"
    );
    assert_eq!(panels(&app, &token, id).await["seats"], 0);

    // A third: the preview writes nothing, the confirmation fills the panel.
    app.user("ev3", vec![Grant::Evaluator]).await;
    let (s, _, html) = post(&opc, &format!("/evaluation-rounds/{id}/assignment"), &[("dry_run", "true".into())]).await;
    assert_eq!(s, 200, "{html}");
    assert!(
        html.contains("미리 보기입니다. 아무것도 저장하지 않았습니다.") && html.contains("과제 1건에 자리 3석"),
        "{html}"
    );
    assert_eq!(panels(&app, &token, id).await["seats"], 0);
    let (s, location, body) =
        post(&opc, &format!("/evaluation-rounds/{id}/assignment"), &[("dry_run", "false".into())]).await;
    assert_eq!(s, 303, "{body}");
    assert_eq!(panels(&app, &token, id).await["seats"], 3);
    let (_, html) = page(&opc, &location).await;
    assert!(html.contains("구성 완료") && html.contains("ev1 담당자 (민간)"), "{html}");

    // In 배정 the evaluator reads the round; the pledge comes before any task.
    let (_, html) = page(&opc, &format!("/evaluation-rounds/{id}/stage/assignment")).await;
    let v = hidden_field(&html, "version").expect("version");
    assert_eq!(post(&opc, &format!("/evaluation-rounds/{id}/stage/assignment"), &[("version", v)]).await.0, 303);
    let ev = app.sign_in("ev1").await;
    let (s, html) = page(&ev, &format!("/evaluation-rounds/{id}")).await;
    assert_eq!(s, 200, "{html}");
    assert!(html.contains("내 평가 과제와 서약서") && !html.contains("평가위원 배정 현황"), "{html}");
    let my = format!("/evaluation-rounds/{id}/my-tasks");
    let (s, html) = page(&ev, &my).await;
    assert_eq!(s, 200, "{html}");
    assert!(html.contains("본인은 이 평가 회차의 평가위원으로서") && html.contains("서명 전"), "{html}");
    assert!(!html.contains(YONGIN), "no task before the pledge");
    let (s, location, body) = post(&ev, &format!("/evaluation-rounds/{id}/pledge"), &[]).await;
    assert_eq!((s, location.as_str()), (303, format!("{my}?saved=1").as_str()), "{body}");
    let (_, html) = page(&ev, &my).await;
    assert!(html.contains("서명함") && html.contains(YONGIN) && html.contains("회피 신청"), "{html}");
    let (s, _, html) = post(&ev, &format!("/evaluation-rounds/{id}/pledge"), &[]).await;
    assert_eq!(s, 409, "signed once: {html}");
    assert!(html.contains("이미") && html.contains("서명했습니다"), "{html}");

    // 회피: an empty reason is refused and writes nothing; with a reason the evaluator leaves.
    let recusal = format!("/evaluation-rounds/{id}/my-tasks/1/recusal");
    let (s, html) = page(&ev, &recusal).await;
    assert_eq!(s, 200, "{html}");
    assert!(html.contains(YONGIN) && html.contains("회피 사유"), "{html}");
    let (s, _, html) = post(&ev, &recusal, &[("reason", "  ".into())]).await;
    assert_eq!(s, 400, "{html}");
    assert!(html.contains("사유") && html.contains("아무것도 저장되지 않았습니다"), "{html}");
    assert_eq!(panels(&app, &token, id).await["conflicts"].as_array().unwrap().len(), 0);
    let (s, _, body) = post(&ev, &recusal, &[("reason", "2023년까지 환경부 자문위원".into())]).await;
    assert_eq!(s, 303, "{body}");
    let (_, html) = page(&ev, &my).await;
    assert!(!html.contains(YONGIN) && html.contains("배정된 과제가 아직 없습니다"), "{html}");
    let p = panels(&app, &token, id).await;
    assert_eq!((p["seats"].as_i64(), p["conflicts"][0]["kind"].as_str()), (Some(2), Some("recusal")), "{p}");

    // 기피 by 환경부 (a party to task 1), decided by OPC on its page.
    let env = app.agency_id("환경부").await;
    let officer = app.token_for("env", vec![Grant::AgencyOfficer { agency_id: AgencyId::new(env) }]).await;
    let ev2 = p["items"][0]["members"][0]["evaluator_id"].as_i64().unwrap();
    let (s, c) = app
        .call(
            Method::POST,
            &format!("/api/v1/evaluation-rounds/{id}/conflicts"),
            Some(&officer),
            Some(json!({"kind": "challenge", "task_id": "1", "evaluator_id": ev2.to_string(), "reason": "용역 수행 이력"})),
        )
        .await;
    assert_eq!(s, 201, "{c}");
    let cid = c["id"].as_i64().unwrap();
    let (_, html) = page(&opc, &format!("/evaluation-rounds/{id}")).await;
    let decide = format!("/evaluation-rounds/{id}/conflicts/{cid}/decision");
    assert!(html.contains(&format!(r#"href="{decide}""#)) && html.contains("결정 대기"), "{html}");
    let (s, html) = page(&opc, &decide).await;
    assert_eq!(s, 200, "{html}");
    assert!(html.contains("용역 수행 이력") && html.contains("환경부"), "{html}");
    let v = hidden_field(&html, "version").expect("version");
    let (s, _, html) = post(&opc, &decide, &[("decision", "upheld".into()), ("version", v.clone())]).await;
    assert_eq!(s, 400, "{html}");
    assert!(html.contains("결정 사유") && html.contains("아무것도 저장되지 않았습니다"), "{html}");
    assert_eq!(panels(&app, &token, id).await["conflicts"][1]["status"], "pending");
    let fields = [("decision", "upheld".into()), ("reason", "이해관계 확인".into()), ("version", v)];
    let (s, _, body) = post(&opc, &decide, &fields).await;
    assert_eq!(s, 303, "{body}");
    let p = panels(&app, &token, id).await;
    assert_eq!((p["seats"].as_i64(), p["conflicts"][1]["status"].as_str()), (Some(1), Some("upheld")), "{p}");
    // Others may not decide.
    let officer_page = {
        app.user("env-page", vec![Grant::AgencyOfficer { agency_id: AgencyId::new(env) }]).await;
        app.sign_in("env-page").await
    };
    assert_eq!(page(&officer_page, &decide).await.0, 403);
}

/// (exchangee id, position id) of the first exchangee whose position has `level`.
async fn exchangee_of_level(app: &TestApp, level: &str) -> (i64, i64) {
    let pairs = app.json("/api/v1/exchange-pairs?limit=100", 200).await;
    for pair in pairs["items"].as_array().expect("pairs") {
        for p in pair["positions"].as_array().expect("positions") {
            if p["level"] == level {
                return (p["exchangees"][0]["id"].as_i64().expect("exchangee"), p["id"].as_i64().expect("position"));
            }
        }
    }
    panic!("no {level} exchangee in {pairs}");
}

fn row_of(list: &Value, exchangee: i64) -> Value {
    let items = list["items"].as_array().unwrap_or_else(|| panic!("{list}"));
    items.iter().find(|r| r["exchangee_id"] == exchangee).cloned().unwrap_or_else(|| panic!("{exchangee}: {list}"))
}

async fn a_rounds_bonuses_give_a_director_4_609_000_won_and_a_director_general_no_amount(b: Backend) {
    let app = TestApp::spawn(b).await;
    let opc = app.token_for("opc", vec![Grant::OpcAdmin]).await;
    let (s, r) = app
        .call(Method::POST, "/api/v1/evaluation-rounds", Some(&opc), Some(round_json("2024년 협업과제 평가", None)))
        .await;
    assert_eq!(s, 201, "{r}");
    let path = format!("/api/v1/evaluation-rounds/{}/bonuses", r["id"]);
    let (s, list) = app.call(Method::GET, &format!("{path}?limit=500"), Some(&opc), None).await;
    assert_eq!(s, 200, "{list}");
    assert_eq!(list["year"], 2024, "the year the round is set up in");
    assert_eq!(list["total"].as_i64(), Some(list["items"].as_array().unwrap().len() as i64));
    let (director, _) = exchangee_of_level(&app, "director").await;
    let (general, general_position) = exchangee_of_level(&app, "director_general").await;
    let d = row_of(&list, director);
    assert_eq!(
        (d["pay_band"].as_str(), d["s_grade_amount_won"].as_i64(), d["bonus_won"].as_i64()),
        (Some("director"), Some(9_218_000), Some(4_609_000)),
        "{d}"
    );
    let g = row_of(&list, general);
    assert_eq!(g["pay_band"], "senior_executive");
    assert!(g["bonus_won"].is_null() && g["s_grade_amount_won"].is_null(), "no amount is not 0: {g}");
    assert!(g["note"].as_str().unwrap().starts_with("지급표에 금액 없음"), "{g}");
    let (_, first) = app.call(Method::GET, &format!("{path}?limit=2"), Some(&opc), None).await;
    assert_eq!((first["items"].as_array().unwrap().len(), &first["total"]), (2, &list["total"]));

    // In 준비 the round is OPC's and the auditors' only; from 배정 the exchangee sees its own row,
    // an officer and an evaluator none.
    let evaluator = app.token_for("ev", vec![Grant::Evaluator]).await;
    assert_eq!(app.call(Method::GET, &path, Some(&evaluator), None).await.0, 404);
    let (s, moved) = app
        .call(
            Method::POST,
            &format!("/api/v1/evaluation-rounds/{}/stage", r["id"]),
            Some(&opc),
            Some(json!({"to": "assignment", "version": 1})),
        )
        .await;
    assert_eq!(s, 200, "{moved}");
    let own = app.token_for("own", vec![Grant::Exchangee { position_id: PositionId::new(general_position) }]).await;
    let (s, mine) = app.call(Method::GET, &path, Some(&own), None).await;
    assert_eq!(s, 200, "{mine}");
    assert_eq!(mine["items"].as_array().unwrap().len() as i64, mine["total"].as_i64().unwrap());
    assert!(mine["items"].as_array().unwrap().iter().all(|r| r["exchangee_id"] == general), "{mine}");
    let env = app.agency_id("환경부").await;
    let officer = app.token_for("env", vec![Grant::AgencyOfficer { agency_id: AgencyId::new(env) }]).await;
    let (s, e) = app.call(Method::GET, &path, Some(&officer), None).await;
    assert_eq!(s, 403, "{e}");
    assert!(e["error"]["message"].as_str().unwrap().contains("교류자 본인만"), "{e}");
    assert_eq!(app.call(Method::GET, &path, Some(&evaluator), None).await.0, 403);
    assert_eq!(app.call(Method::GET, &path, None, None).await.0, 401);

    // A round of a year without a table: not found, named.
    let mut later = round_json("2031년 평가", None);
    for (k, v) in [
        ("setup_on", "2031-10-01"),
        ("assignment_on", "2031-10-15"),
        ("scoring_on", "2031-11-01"),
        ("review_on", "2031-11-20"),
        ("objections_on", "2031-12-01"),
        ("final_on", "2031-12-08"),
        ("published_on", "2031-12-15"),
    ] {
        later[k] = json!(v);
    }
    let (s, r) = app.call(Method::POST, "/api/v1/evaluation-rounds", Some(&opc), Some(later)).await;
    assert_eq!(s, 201, "{r}");
    let (s, e) =
        app.call(Method::GET, &format!("/api/v1/evaluation-rounds/{}/bonuses", r["id"]), Some(&opc), None).await;
    assert_eq!(s, 404, "{e}");
    assert!(e["error"]["message"].as_str().unwrap().contains("2031년 지급표"), "{e}");
}

on_both_backends!(
    opc_creates_edits_and_moves_a_round_through_the_pages_and_bad_input_writes_nothing,
    the_assignment_says_why_it_is_impossible_and_an_evaluator_pledges_before_seeing_its_tasks,
    a_rounds_bonuses_give_a_director_4_609_000_won_and_a_director_general_no_amount,
);
