//! Prize shares per agency and per person, through the API and the pages on both databases: OPC
//! alone sets them, bad input is refused at its field with nothing written, a stale version is
//! refused, and nothing changes once the round is final; the lines name the people (an exchangee
//! of the task's pair, someone OPC named) with the per-person cap applied, and add up to the pool.

use hanteam_domain::access::Grant;
use hanteam_domain::AgencyId;
use reqwest::Method;
use serde_json::{json, Value};

use crate::common::{Browser, TestApp};
use crate::objections::{audit_count, end_objection_period, round_in_objections, stage};

/// The exchangee holding the post of `agency` in the pair of annex number `seq`.
pub(crate) async fn exchangee_in_pair(app: &TestApp, seq: i64, agency: &str) -> i64 {
    exchangee_and_post(app, seq, agency).await.0
}

/// (exchangee id, position id) of the post of `agency` in the pair of annex number `seq`.
pub(crate) async fn exchangee_and_post(app: &TestApp, seq: i64, agency: &str) -> (i64, i64) {
    let pairs = app.json("/api/v1/exchange-pairs?limit=100", 200).await;
    let pair = pairs["items"].as_array().expect("pairs").iter().find(|p| p["seq"] == seq).expect("the pair");
    let p = pair["positions"]
        .as_array()
        .expect("positions")
        .iter()
        .find(|p| p["agency"]["short_name"] == agency)
        .unwrap_or_else(|| panic!("{agency} in pair {seq}: {pair}"));
    (p["exchangees"][0]["id"].as_i64().expect("an exchangee"), p["id"].as_i64().expect("a position"))
}

pub(crate) fn line<'a>(prizes: &'a Value, task: i64, person: Option<&str>) -> Option<&'a Value> {
    prizes["items"].as_array().expect("items").iter().find(|l| {
        l["task_id"] == task
            && match person {
                Some(p) => l["person"].as_str().is_some_and(|x| x.contains(p)),
                None => l["person"].is_null(),
            }
    })
}

/// Tasks 1 (국토부, 환경부) and 30 (개보위, 방통위; pair 8) are the two excellent tasks (top 2) of a
/// round in 이의신청, with a pool of 100,000,000원 and a cap of 20,000,000원 per person. OPC gives task
/// 30's agencies 3 : 1, and within 개보위 its exchangee 4 and 김민수 1.
pub(crate) async fn round_with_shares(app: &TestApp, opc: &str) -> (i64, i64, i64, i64) {
    let (round, _) = round_in_objections(
        app,
        opc,
        &[1, 2, 30],
        &[[5.0, 4.0, 4.0], [2.0, 2.0, 2.0], [4.0, 4.0, 4.0]],
        json!({"excellent": {"kind": "top_k", "value": 2}}),
    )
    .await;
    let pipc = app.agency_id("개보위").await;
    let kcc = app.agency_id("방통위").await;
    let exchangee = exchangee_in_pair(app, 8, "개보위").await;
    let version = app.call(Method::GET, &format!("/api/v1/evaluation-rounds/{round}"), Some(opc), None).await.1
        ["version"]
        .clone();
    let body = json!({
        "pool_won": "100,000,000", "person_cap_won": 20_000_000, "version": version,
        "shares": [{"task_id": 30, "agencies": [
            {"agency_id": pipc, "share": 3, "people": [
                {"exchangee_id": exchangee, "share": 4}, {"name": "김민수", "share": "1"}]},
            {"agency_id": kcc, "share": 1, "people": []}]}]
    });
    let (s, w) =
        app.call(Method::PUT, &format!("/api/v1/evaluation-rounds/{round}/prizes"), Some(opc), Some(body)).await;
    assert_eq!(s, 200, "{w}");
    (round, pipc, kcc, exchangee)
}

/// Task 30's part: 100,000,000 / 2 = 50,000,000. 개보위 3/4 → 37,500,000, 방통위 1/4 → 12,500,000
/// (paid to 방통위). In 개보위, the exchangee 4/5 → 30,000,000, over the 20,000,000 cap by
/// 10,000,000, which goes to 김민수: 1/5 → 7,500,000 + 10,000,000 = 17,500,000. Task 1 (no shares
/// set) goes 25,000,000 to each of its agencies.
async fn opc_sets_shares_and_the_lines_name_the_people_with_the_cap_applied(b: crate::common::Backend) {
    let app = TestApp::spawn(b).await;
    let opc = app.token_for("opc", vec![Grant::OpcAdmin]).await;
    let (round, pipc, kcc, exchangee) = round_with_shares(&app, &opc).await;
    let prizes = format!("/api/v1/evaluation-rounds/{round}/prizes");
    let p = app.call(Method::GET, &prizes, Some(&opc), None).await.1;
    assert_eq!((p["pool_won"].as_i64(), p["person_cap_won"].as_i64()), (Some(100_000_000), Some(20_000_000)), "{p}");
    let x = line(&p, 30, Some("개보위 분쟁조정과장")).unwrap_or_else(|| panic!("the exchangee's line: {p}"));
    assert_eq!((x["amount_won"].as_i64(), x["exchangee_id"].as_i64()), (Some(20_000_000), Some(exchangee)), "{x}");
    assert_eq!(x["person_key"], format!("exchangee:{exchangee}"));
    assert_eq!(x["agency_id"], pipc);
    let k = line(&p, 30, Some("김민수")).unwrap_or_else(|| panic!("김민수's line: {p}"));
    assert_eq!((k["amount_won"].as_i64(), k["exchangee_id"].as_i64()), (Some(17_500_000), None), "{k}");
    assert_eq!(k["person_key"], format!("agency:{pipc}:김민수"));
    let unit = line(&p, 30, None).expect("방통위's part");
    assert_eq!((unit["agency_id"].as_i64(), unit["amount_won"].as_i64()), (Some(kcc), Some(12_500_000)));
    let task1: Vec<i64> = p["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["task_id"] == 1)
        .map(|l| l["amount_won"].as_i64().unwrap())
        .collect();
    assert_eq!(task1, vec![25_000_000, 25_000_000], "{p}");
    let sum: i64 = p["items"].as_array().unwrap().iter().map(|l| l["amount_won"].as_i64().unwrap()).sum();
    assert_eq!(
        (sum, p["paid_won"].as_i64(), p["undistributed_won"].as_i64()),
        (100_000_000, Some(100_000_000), Some(0))
    );
    // The shares read back in the shape they were set in.
    assert_eq!(p["shares"][0]["task_id"], 30, "{p}");
    assert_eq!(p["shares"][0]["agencies"][0]["people"][0]["exchangee_id"], exchangee);
    assert_eq!(p["shares"][0]["agencies"][0]["people"][1]["name"], "김민수");

    // A cap nobody can stay under with the people named leaves the rest undistributed, reported.
    let version = p["version"].clone();
    let mut body = json!({"pool_won": 100_000_000, "person_cap_won": 10_000_000, "version": version,
        "shares": p["shares"].clone()});
    for a in body["shares"][0]["agencies"].as_array_mut().unwrap() {
        for person in a["people"].as_array_mut().unwrap() {
            person.as_object_mut().unwrap().remove("label");
        }
        a.as_object_mut().unwrap().remove("agency_name");
    }
    let (s, w) = app.call(Method::PUT, &prizes, Some(&opc), Some(body)).await;
    assert_eq!(s, 200, "{w}");
    let p = app.call(Method::GET, &prizes, Some(&opc), None).await.1;
    // 개보위 37,500,000 for two people capped at 10,000,000 each: 17,500,000 is left, and 방통위's part
    // is paid to the agency, which takes no one's excess.
    assert_eq!(line(&p, 30, Some("김민수")).unwrap()["amount_won"], 10_000_000, "{p}");
    assert_eq!(p["undistributed_won"], 17_500_000, "{p}");
    assert_eq!(p["paid_won"].as_i64().unwrap() + 17_500_000, 100_000_000);
}

async fn only_opc_sets_shares_bad_input_writes_nothing_and_nothing_changes_after_final(b: crate::common::Backend) {
    let app = TestApp::spawn(b).await;
    let opc = app.token_for("opc", vec![Grant::OpcAdmin]).await;
    let env = app.agency_id("환경부").await;
    let env_officer = app.token_for("env", vec![Grant::AgencyOfficer { agency_id: AgencyId::new(env) }]).await;
    let (round, pipc, kcc, _) = round_with_shares(&app, &opc).await;
    let other_pair = exchangee_in_pair(&app, 1, "국토부").await;
    let prizes = format!("/api/v1/evaluation-rounds/{round}/prizes");
    let before = app.call(Method::GET, &prizes, Some(&opc), None).await.1;
    let version = before["version"].clone();
    let audits = audit_count(&app).await;

    let put = |shares: Value| json!({"pool_won": 100_000_000, "person_cap_won": 20_000_000, "version": version, "shares": shares});
    let (s, e) = app.call(Method::PUT, &prizes, Some(&env_officer), Some(put(json!([])))).await;
    assert_eq!(s, 403, "{e}");
    let bad = put(json!([
        {"task_id": 30, "agencies": [
            {"agency_id": pipc, "share": -1, "people": [{"name": " ", "share": 1}, {"exchangee_id": other_pair, "share": 1}]},
            {"agency_id": kcc, "share": "1.5", "people": null}]},
        {"task_id": 2, "agencies": [{"agency_id": env, "share": 1, "people": null}]}
    ]));
    let (s, e) = app.call(Method::PUT, &prizes, Some(&opc), Some(bad)).await;
    assert_eq!(s, 400, "{e}");
    let msg = e["error"]["message"].as_str().unwrap();
    assert!(msg.contains("0에서 1,000,000까지의 정수"), "{e}");
    assert_eq!(e["error"]["field"], "shares[0].agencies[0].share", "{e}");
    // Every problem at once is the domain's; the first pass stops the round checks. Fix those and
    // the round's own checks answer: another pair's exchangee, a task that is not excellent.
    let round_bad = put(json!([
        {"task_id": 30, "agencies": [
            {"agency_id": pipc, "share": 1, "people": [{"exchangee_id": other_pair, "share": 1}]},
            {"agency_id": kcc, "share": 1, "people": null}]},
        {"task_id": 2, "agencies": [{"agency_id": env, "share": 1, "people": null}]}
    ]));
    let (s, e) = app.call(Method::PUT, &prizes, Some(&opc), Some(round_bad)).await;
    assert_eq!(s, 400, "{e}");
    assert_eq!(e["error"]["field"], "shares[0].agencies[0].people[0].exchangee_id", "{e}");
    assert!(e["error"]["message"].as_str().unwrap().contains("교류직위 쌍에 속한 교류자가 아닙니다"), "{e}");
    let missing = put(json!([{"task_id": 30, "agencies": [{"agency_id": pipc, "share": 1, "people": null}]}]));
    let (s, e) = app.call(Method::PUT, &prizes, Some(&opc), Some(missing)).await;
    assert_eq!(s, 400, "{e}");
    assert!(e["error"]["message"].as_str().unwrap().contains("방통위의 배분 비율이 없습니다"), "{e}");
    let nobody = put(json!([{"task_id": 30, "agencies": [
        {"agency_id": pipc, "share": 0, "people": null}, {"agency_id": kcc, "share": 0, "people": null}]}]));
    let (s, e) = app.call(Method::PUT, &prizes, Some(&opc), Some(nobody)).await;
    assert_eq!(s, 400, "{e}");
    assert!(e["error"]["message"].as_str().unwrap().contains("한 기관 이상에 0보다 큰 비율"), "{e}");
    assert_eq!(audit_count(&app).await, audits, "nothing written");
    assert_eq!(app.call(Method::GET, &prizes, Some(&opc), None).await.1, before, "nothing changed");

    // A stale version is refused; after 확정 nothing changes.
    let stale = json!({"pool_won": 1, "person_cap_won": null, "shares": null, "version": 1});
    assert_eq!(app.call(Method::PUT, &prizes, Some(&opc), Some(stale)).await.0, 409);
    end_objection_period(&app, &opc, round).await;
    assert_eq!(stage(&app, &opc, round, "final").await.0, 200);
    let mut body = put(json!([]));
    body["version"] = app.call(Method::GET, &prizes, Some(&opc), None).await.1["version"].clone();
    let (s, e) = app.call(Method::PUT, &prizes, Some(&opc), Some(body)).await;
    assert_eq!(s, 409, "{e}");
    assert!(e["error"]["message"].as_str().unwrap().contains("'확정' 단계"), "{e}");
}

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

/// OPC's shares form: a bad share is shown at its field with nothing written; a good one is saved
/// and the prize page shows the people; the default comes back when asked.
async fn opc_sets_a_tasks_shares_on_its_page(b: crate::common::Backend) {
    let app = TestApp::spawn(b).await;
    let opc = app.token_for("opc", vec![Grant::OpcAdmin]).await;
    let env = app.agency_id("환경부").await;
    app.token_for("env", vec![Grant::AgencyOfficer { agency_id: AgencyId::new(env) }]).await;
    let (round, pipc, kcc, exchangee) = round_with_shares(&app, &opc).await;
    let browser = app.sign_in("opc").await;
    let (s, html) = page(&browser, &format!("/evaluation-rounds/{round}")).await;
    assert_eq!(s, 200);
    assert!(html.contains(&format!("href=\"/evaluation-rounds/{round}/prizes\"")), "the round links its prizes");
    let (s, html) = page(&browser, &format!("/evaluation-rounds/{round}/prizes")).await;
    assert_eq!(s, 200, "{html}");
    assert!(html.contains("김민수</a>: 17,500,000원") && html.contains("국무조정실 지정"), "{html}");
    let form = format!("/evaluation-rounds/{round}/prizes/tasks/30");
    let (s, html) = page(&browser, &form).await;
    assert_eq!(s, 200, "{html}");
    assert!(html.contains(&format!("name=\"a{pipc}_x{exchangee}_share\"")), "{html}");
    let version = crate::common::hidden_field(&html, "version").expect("version");
    let audits = audit_count(&app).await;
    let (pf, kf, xf) = (format!("a{pipc}_share"), format!("a{kcc}_share"), format!("a{pipc}_x{exchangee}_share"));
    let (nf, sf) = (format!("a{kcc}_n0_name"), format!("a{kcc}_n0_share"));
    let (s, _, html) =
        post(&browser, &form, &[("version", &version), (&pf, "1"), (&kf, "-3"), (&xf, "1"), (&nf, ""), (&sf, "2")])
            .await;
    assert_eq!(s, 400, "{html}");
    assert!(
        html.contains("음수나 소수는 쓸 수 없습니다") && html.contains("받는 사람의 이름을 입력해 주세요"),
        "{html}"
    );
    assert!(html.contains(&format!("id=\"f-a{kcc}-share\"")) && html.contains("aria-invalid=\"true\""), "{html}");
    assert_eq!(audit_count(&app).await, audits, "nothing written");
    let (s, location, html) = post(
        &browser,
        &form,
        &[("version", &version), (&pf, "1"), (&kf, "1"), (&xf, "1"), (&nf, "박지은"), (&sf, "1")],
    )
    .await;
    assert_eq!((s, location.as_str()), (303, format!("/evaluation-rounds/{round}/prizes?saved=1").as_str()), "{html}");
    let p = app.call(Method::GET, &format!("/api/v1/evaluation-rounds/{round}/prizes"), Some(&opc), None).await.1;
    // 50,000,000 → 25,000,000 to each agency; 개보위's exchangee alone and 박지은 alone in 방통위 are
    // each 5,000,000 over the 20,000,000 cap, and nobody in the task has room: 10,000,000 is left.
    assert_eq!(line(&p, 30, Some("박지은")).unwrap()["amount_won"], 20_000_000, "{p}");
    assert_eq!(p["undistributed_won"], 10_000_000, "{p}");
    let (s, _, _) =
        post(&browser, &form, &[("version", &(version.parse::<i64>().unwrap() + 1).to_string()), ("reset", "1")]).await;
    assert_eq!(s, 303);
    let p = app.call(Method::GET, &format!("/api/v1/evaluation-rounds/{round}/prizes"), Some(&opc), None).await.1;
    assert_eq!(p["shares"], json!([]), "{p}");
    assert!(p["items"].as_array().unwrap().iter().all(|l| l["person"].is_null()), "back to the agencies: {p}");
    // An agency officer has no such form.
    let officer = app.sign_in("env").await;
    assert_eq!(page(&officer, &form).await.0, 403);
}

/// The statements: the exchangee's walks from the pool to its 20,000,000원 with the cap, and adds
/// its bonus (과장급: 50% × 9,218,000원 = 4,609,000원, from the pay table of the round's year, a
/// copy of 2024's); 김민수's shows what came from the exchangee's excess; 개보위's shows its part
/// and its people. OPC and auditors read them all at once; the exchangee its own and an officer its
/// agency's only once final; another exchangee, another agency's officer and an officer asking for
/// a person's statement are refused.
async fn statements_show_the_arithmetic_and_only_those_allowed_read_them(b: crate::common::Backend) {
    let app = TestApp::spawn(b).await;
    let opc = app.token_for("opc", vec![Grant::OpcAdmin]).await;
    let (round, pipc, _, exchangee) = round_with_shares(&app, &opc).await;
    let (_, post) = exchangee_and_post(&app, 8, "개보위").await;
    let (_, other_post) = exchangee_and_post(&app, 1, "국토부").await;
    let env = app.agency_id("환경부").await;
    app.user("x-pipc", vec![Grant::Exchangee { position_id: hanteam_domain::PositionId::new(post) }]).await;
    app.user("x-molit", vec![Grant::Exchangee { position_id: hanteam_domain::PositionId::new(other_post) }]).await;
    app.user("o-pipc", vec![Grant::AgencyOfficer { agency_id: AgencyId::new(pipc) }]).await;
    app.user("o-env", vec![Grant::AgencyOfficer { agency_id: AgencyId::new(env) }]).await;
    app.user("aud", vec![Grant::Auditor]).await;
    let year = (chrono::Utc::now().date_naive() - chrono::Duration::days(30)).format("%Y").to_string();
    let (s, w) =
        app.call(Method::POST, "/api/v1/pay-tables", Some(&opc), Some(json!({"year": year, "copy_from": 2024}))).await;
    assert!(s == 201 || (year == "2024" && s == 400), "{w}");

    let mine = format!("/evaluation-rounds/{round}/statements/person?key=exchangee:{exchangee}");
    let kim = format!("/evaluation-rounds/{round}/statements/person?key=agency:{pipc}:%EA%B9%80%EB%AF%BC%EC%88%98");
    let pipc_statement = format!("/evaluation-rounds/{round}/statements/agencies/{pipc}");
    let opc_b = app.sign_in("opc").await;
    let (s, html) = page(&opc_b, &mine).await;
    assert_eq!(s, 200, "{html}");
    for part in [
        "포상금 총액",
        "100,000,000원",
        "과제 30 몫",
        "개보위 몫",
        "50,000,000원 × 3/4 (기관별 배분 비율)",
        "37,500,000원 × 4/5 (개인별 배분 비율)",
        "30,000,000원",
        "1인 상한 초과분",
        "상한 20,000,000원",
        "-10,000,000원",
        "지급액 (과제 30)",
        "20,000,000원",
        "과장급(4급)",
        "50% × 9,218,000원 = 4,609,000원",
        "4,609,000원",
        "잠정 명세서",
    ] {
        assert!(html.contains(part), "{part} in {html}");
    }
    let (s, html) = page(&opc_b, &kim).await;
    assert_eq!(s, 200, "{html}");
    assert!(
        html.contains("기관 내 재배분") && html.contains("17,500,000원") && !html.contains("특별성과가산금 ("),
        "{html}"
    );
    let (s, html) = page(&opc_b, &pipc_statement).await;
    assert_eq!(s, 200, "{html}");
    assert!(
        html.contains("50,000,000원 × 3/4 = 37,500,000원")
            && html.contains("1인 상한 초과 -10,000,000원 → 지급 20,000,000원"),
        "{html}"
    );
    let (s, html) = page(&opc_b, &format!("/evaluation-rounds/{round}/prizes")).await;
    assert_eq!(s, 200);
    assert!(html.contains(&format!("statements/person?key=exchangee%3A{exchangee}")), "{html}");
    let auditor = app.sign_in("aud").await;
    assert_eq!(page(&auditor, &mine).await.0, 200);

    let me = app.sign_in("x-pipc").await;
    let other = app.sign_in("x-molit").await;
    let officer = app.sign_in("o-pipc").await;
    let env_officer = app.sign_in("o-env").await;
    assert_eq!(page(&me, &mine).await.0, 403, "not before 확정");
    assert_eq!(page(&officer, &pipc_statement).await.0, 403, "not before 확정");
    end_objection_period(&app, &opc, round).await;
    assert_eq!(stage(&app, &opc, round, "final").await.0, 200);
    let (s, html) = page(&me, &mine).await;
    assert_eq!(s, 200, "{html}");
    assert!(html.contains("4,609,000원") && !html.contains("잠정 명세서"), "{html}");
    assert_eq!(page(&other, &mine).await.0, 403, "another exchangee");
    assert_eq!(page(&officer, &mine).await.0, 403, "a person's pay is not the agency's to read");
    let (s, html) = page(&officer, &pipc_statement).await;
    assert_eq!(s, 200, "{html}");
    assert!(html.contains("20,000,000원") && !html.contains("12,500,000원"), "its own lines only: {html}");
    assert_eq!(page(&env_officer, &pipc_statement).await.0, 403, "another agency's");
    let (s, html) = page(&env_officer, &format!("/evaluation-rounds/{round}/statements/agencies/{env}")).await;
    assert_eq!(s, 200, "{html}");
    assert!(html.contains("기관 지급: 25,000,000원"), "{html}");
    let (s, html) = page(&env_officer, &format!("/evaluation-rounds/{round}")).await;
    assert_eq!(s, 200);
    assert!(html.contains(&format!("/evaluation-rounds/{round}/statements/agencies/{env}")), "{html}");
}

/// The workbook at `path` as `b` downloads it (status, and the workbook when 200).
async fn workbook(b: &Browser, path: &str) -> (u16, Option<calamine::Xlsx<std::io::Cursor<Vec<u8>>>>) {
    let r = b.client.get(b.url(path)).send().await.expect("request");
    let status = r.status().as_u16();
    let kind = r.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    let bytes = r.bytes().await.expect("body").to_vec();
    if status != 200 {
        return (status, None);
    }
    assert_eq!(kind, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    use calamine::Reader;
    (status, Some(calamine::Xlsx::new(std::io::Cursor::new(bytes)).expect("the file opens as a workbook")))
}

fn texts(row: &[calamine::Data]) -> Vec<String> {
    row.iter().map(|c| c.to_string()).collect()
}

fn number(c: &calamine::Data) -> f64 {
    match c {
        calamine::Data::Float(f) => *f,
        calamine::Data::Int(i) => *i as f64,
        other => panic!("{other:?} is not a number cell"),
    }
}

/// OPC's sheet in 이의신청: every task in ranking order with its rank, spread and disagreement
/// flag (task 1: 100, 80, 80 → 86.67; task 30: 80; task 2: 40), numbers as number cells, and the
/// payments on a second sheet adding up to the pool; 환경부's officer gets its own tasks' score and
/// grade only, and no payments before 확정; the public gets nothing before publication and, after,
/// every task without the spread or the payments.
async fn the_result_sheet_is_an_xlsx_with_korean_headers_and_number_cells(b: crate::common::Backend) {
    use calamine::Reader;
    let app = TestApp::spawn(b).await;
    let opc = app.token_for("opc", vec![Grant::OpcAdmin]).await;
    let env = app.agency_id("환경부").await;
    app.user("o-env", vec![Grant::AgencyOfficer { agency_id: AgencyId::new(env) }]).await;
    let (round, _, _, _) = round_with_shares(&app, &opc).await;
    let path = format!("/evaluation-rounds/{round}/results.xlsx");
    let opc_b = app.sign_in("opc").await;
    let (s, book) = workbook(&opc_b, &path).await;
    assert_eq!(s, 200);
    let mut book = book.unwrap();
    assert_eq!(book.sheet_names(), vec!["평가 결과".to_string(), "포상금 지급 내역".to_string()]);
    let sheet = book.worksheet_range("평가 결과").expect("results");
    let rows: Vec<_> = sheet.rows().collect();
    assert_eq!(
        texts(rows[0]),
        [
            "순위",
            "과제 ID",
            "과제 번호",
            "과제명",
            "참여기관",
            "점수",
            "등급",
            "우수과제",
            "채점 수",
            "편차(표준편차)",
            "평가위원 간 이견"
        ]
    );
    assert_eq!(rows.len(), 4, "three tasks");
    let ids: Vec<f64> = rows[1..].iter().map(|r| number(&r[1])).collect();
    assert_eq!(ids, vec![1.0, 30.0, 2.0], "ranking order");
    assert_eq!(number(&rows[1][0]), 1.0);
    assert!((number(&rows[1][5]) - 86.666).abs() < 0.01, "{:?}", rows[1]);
    assert_eq!((number(&rows[2][5]), number(&rows[2][8])), (80.0, 3.0));
    assert!(number(&rows[1][9]) > 0.0 && number(&rows[2][9]) == 0.0, "spread");
    assert_eq!(rows[1][7].to_string(), "우수과제");
    assert!(rows[1][4].to_string().contains("환경부"), "{:?}", rows[1]);
    let prizes = book.worksheet_range("포상금 지급 내역").expect("payments");
    let lines: Vec<_> = prizes.rows().collect();
    assert_eq!(
        texts(lines[0]),
        ["과제 ID", "과제 번호", "과제명", "기관 ID", "기관", "받는 사람", "교류자 ID", "금액(원)"]
    );
    let total: f64 = lines[1..].iter().map(|r| number(&r[7])).sum();
    assert_eq!((lines.len() - 1, total), (5, 100_000_000.0));
    assert!(lines.iter().any(|r| r[5] == "김민수" && number(&r[7]) == 17_500_000.0));

    let officer = app.sign_in("o-env").await;
    let (s, book) = workbook(&officer, &path).await;
    assert_eq!(s, 200);
    let mut book = book.unwrap();
    assert_eq!(book.sheet_names(), vec!["평가 결과".to_string()], "no payments before 확정");
    let sheet = book.worksheet_range("평가 결과").expect("results");
    let rows: Vec<_> = sheet.rows().collect();
    assert_eq!(texts(rows[0]), ["과제 ID", "과제 번호", "과제명", "참여기관", "점수", "등급", "우수과제", "채점 수"]);
    assert!(rows[1..].iter().all(|r| number(&r[0]) != 30.0) && rows.len() > 1, "its own tasks only");

    let public = Browser { client: reqwest::Client::new(), base: app.base.clone(), csrf: String::new() };
    assert_eq!(workbook(&public, &path).await.0, 404);
    end_objection_period(&app, &opc, round).await;
    for to in ["final", "published"] {
        assert_eq!(stage(&app, &opc, round, to).await.0, 200, "{to}");
    }
    let (s, book) = workbook(&public, &path).await;
    assert_eq!(s, 200);
    let mut book = book.unwrap();
    assert_eq!(book.sheet_names(), vec!["평가 결과".to_string()]);
    let sheet = book.worksheet_range("평가 결과").expect("results");
    let rows: Vec<_> = sheet.rows().collect();
    assert_eq!(rows[0].len(), 9, "rank, no spread: {:?}", texts(rows[0]));
    assert_eq!(rows.len(), 4);
}

on_both_backends!(
    the_result_sheet_is_an_xlsx_with_korean_headers_and_number_cells,
    statements_show_the_arithmetic_and_only_those_allowed_read_them,
    opc_sets_shares_and_the_lines_name_the_people_with_the_cap_applied,
    only_opc_sets_shares_bad_input_writes_nothing_and_nothing_changes_after_final,
    opc_sets_a_tasks_shares_on_its_page,
);
