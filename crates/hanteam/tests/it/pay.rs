//! Pay tables, the special performance bonus (특별성과가산금) and exchangees' ratings over real
//! HTTP on both databases: the shipped 2024 table and the bonus it gives (과장급 4,609,000원, 국장급
//! "지급표에 금액 없음"); OPC's edits, refused when wrong and when stale; who reads whose pay; the
//! rating recommendation and its confirmation; the printable statement.

use hanteam_domain::access::Grant;
use hanteam_domain::reward::{PayBand, PayTable};
use hanteam_domain::PositionId;
use reqwest::Method;
use serde_json::{json, Value};

use crate::common::{Backend, TestApp};

/// (exchangee id, position id) of the first exchangee whose position has `level`.
async fn exchangee_of_level(app: &TestApp, level: &str) -> (i64, i64) {
    let pairs = app.json("/api/v1/exchange-pairs?limit=100", 200).await;
    for pair in pairs["items"].as_array().expect("pairs") {
        for p in pair["positions"].as_array().expect("positions") {
            if p["level"] == level {
                let e = &p["exchangees"][0];
                return (e["id"].as_i64().expect("exchangee"), p["id"].as_i64().expect("position"));
            }
        }
    }
    panic!("no {level} exchangee in {pairs}");
}

fn row_of(list: &Value, exchangee: i64) -> Value {
    list["items"]
        .as_array()
        .unwrap_or_else(|| panic!("{list}"))
        .iter()
        .find(|r| r["exchangee_id"] == exchangee)
        .cloned()
        .unwrap_or_else(|| panic!("exchangee {exchangee} in {list}"))
}

async fn band(app: &TestApp, token: &str, year: i32, band: &str) -> Value {
    let (s, t) = app.call(Method::GET, &format!("/api/v1/pay-tables/{year}"), Some(token), None).await;
    assert_eq!(s, 200, "{t}");
    t["bands"].as_array().unwrap().iter().find(|b| b["band"] == band).cloned().unwrap_or_else(|| panic!("{t}"))
}

async fn audit_count(app: &TestApp, action: &str) -> i64 {
    let n: i64 = match &app.db {
        hanteam_store::Db::Sqlite(p) => {
            sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = $1").bind(action).fetch_one(p).await
        }
        hanteam_store::Db::Postgres(p) => {
            sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = $1").bind(action).fetch_one(p).await
        }
    }
    .expect("count");
    n
}

async fn the_2024_table_ships_and_gives_a_director_4_609_000_won_and_a_director_general_no_amount(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let opc = app.token_for("opc", vec![Grant::OpcAdmin]).await;
    let (s, t) = app.call(Method::GET, "/api/v1/pay-tables/2024", Some(&opc), None).await;
    assert_eq!(s, 200, "{t}");
    let shipped = PayTable::default_2024();
    assert_eq!(t["source"], shipped.source.as_str());
    for b in PayBand::ALL {
        let row = t["bands"].as_array().unwrap().iter().find(|r| r["band"] == b.as_str()).expect("every band");
        assert_eq!(row["s_grade_won"].as_i64(), shipped.s_grade_won(b), "{row}");
    }
    assert_eq!(band(&app, &opc, 2024, "director").await["s_grade_won"], 9_218_000);
    let (director, _) = exchangee_of_level(&app, "director").await;
    let (general, _) = exchangee_of_level(&app, "director_general").await;
    let (s, list) = app.call(Method::GET, "/api/v1/pay-tables/2024/bonuses?limit=500", Some(&opc), None).await;
    assert_eq!(s, 200, "{list}");
    assert_eq!(list["total"].as_i64(), Some(list["items"].as_array().unwrap().len() as i64), "{list}");
    let d = row_of(&list, director);
    assert_eq!(
        (d["pay_band"].as_str(), d["s_grade_amount_won"].as_i64(), d["bonus_won"].as_i64()),
        (Some("director"), Some(9_218_000), Some(4_609_000)),
        "{d}"
    );
    assert_eq!(d["note"], "50% × 9,218,000원 = 4,609,000원 (1원 미만 버림)");
    let g = row_of(&list, general);
    assert_eq!(g["pay_band"], "senior_executive");
    assert!(g["bonus_won"].is_null() && g["s_grade_amount_won"].is_null(), "{g}");
    assert!(g["note"].as_str().unwrap().starts_with("지급표에 금액 없음"), "{g}");
    // Paged like every list.
    let (_, first) = app.call(Method::GET, "/api/v1/pay-tables/2024/bonuses?limit=2", Some(&opc), None).await;
    assert_eq!(first["items"].as_array().unwrap().len(), 2);
    assert_eq!(first["total"], list["total"]);
    // The pages say the same, grouped by thousands.
    let browser = {
        app.user("opc-page", vec![Grant::OpcAdmin]).await;
        app.sign_in("opc-page").await
    };
    let html = browser.client.get(browser.url("/pay-tables/2024")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("9,218,000원") && html.contains("과장급(4급)") && html.contains("S등급 금액"), "{html}");
    let html = browser.client.get(browser.url("/pay-tables/2024/bonuses")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("4,609,000원") && html.contains("지급표에 금액 없음"), "{html}");
    let r = browser.client.get(browser.url("/pay-tables")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert!(r.text().await.unwrap().contains("2024년"));
}

async fn opc_edits_a_band_and_the_bonus_follows_and_bad_or_stale_input_writes_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let opc = app.token_for("opc", vec![Grant::OpcAdmin]).await;
    let (general, _) = exchangee_of_level(&app, "director_general").await;
    let before = band(&app, &opc, 2024, "senior_executive").await;
    let path = "/api/v1/pay-tables/2024/bands/senior_executive";
    // Bad input: 400 naming the field, nothing written.
    for (body, field) in [
        (
            json!({"standard_won": "0", "s_grade_won": "12,000,000", "source": "s", "version": before["version"]}),
            "standard_won",
        ),
        (
            json!({"standard_won": "9,000,000", "s_grade_won": "8,000,000", "source": "s", "version": before["version"]}),
            "s_grade_won",
        ),
        (
            json!({"standard_won": "9,000,000", "s_grade_won": "1.5", "source": "s", "version": before["version"]}),
            "s_grade_won",
        ),
        (
            json!({"standard_won": null, "s_grade_won": "12,000,000", "source": null, "version": before["version"]}),
            "source",
        ),
    ] {
        let (s, e) = app.call(Method::PUT, path, Some(&opc), Some(body)).await;
        assert_eq!((s, e["error"]["field"].as_str()), (400, Some(field)), "{e}");
        assert!(e["error"]["message"].as_str().unwrap().chars().any(|c| ('가'..='힣').contains(&c)), "{e}");
    }
    assert_eq!(band(&app, &opc, 2024, "senior_executive").await, before, "nothing written");
    assert_eq!(audit_count(&app, "pay_table_band.update").await, 0);
    // A good edit: the bonus follows.
    let body = json!({"standard_won": 8_000_000, "s_grade_won": "12,345,679", "source": "국무조정실 입력(테스트)", "version": before["version"]});
    let (s, saved) = app.call(Method::PUT, path, Some(&opc), Some(body.clone())).await;
    assert_eq!(s, 200, "{saved}");
    let (_, list) = app.call(Method::GET, "/api/v1/pay-tables/2024/bonuses?limit=500", Some(&opc), None).await;
    let g = row_of(&list, general);
    // 12,345,679 × 50% = 6,172,839.5 → 6,172,839 (1원 미만 버림).
    assert_eq!((g["s_grade_amount_won"].as_i64(), g["bonus_won"].as_i64()), (Some(12_345_679), Some(6_172_839)), "{g}");
    assert_eq!(audit_count(&app, "pay_table_band.update").await, 1);
    // The same version again is stale: 409, nothing written.
    let stale = json!({"standard_won": 1, "s_grade_won": 2, "source": "x", "version": before["version"]});
    let (s, e) = app.call(Method::PUT, path, Some(&opc), Some(stale)).await;
    assert_eq!(s, 409, "{e}");
    assert_eq!(band(&app, &opc, 2024, "senior_executive").await["s_grade_won"], 12_345_679);
    // Not OPC: refused.
    let auditor = app.token_for("auditor", vec![Grant::Auditor]).await;
    let (s, _) = app.call(Method::PUT, path, Some(&auditor), Some(body)).await;
    assert_eq!(s, 403);
    // Next year's table as a copy; the same year twice is refused.
    let (s, c) =
        app.call(Method::POST, "/api/v1/pay-tables", Some(&opc), Some(json!({"year": 2025, "copy_from": 2024}))).await;
    assert_eq!(s, 201, "{c}");
    assert_eq!(band(&app, &opc, 2025, "director").await["s_grade_won"], 9_218_000);
    assert_eq!(band(&app, &opc, 2025, "senior_executive").await["s_grade_won"], 12_345_679);
    let (s, e) = app.call(Method::POST, "/api/v1/pay-tables", Some(&opc), Some(json!({"year": 2025}))).await;
    assert_eq!((s, e["error"]["field"].as_str()), (400, Some("year")), "{e}");
    let (s, e) =
        app.call(Method::POST, "/api/v1/pay-tables", Some(&opc), Some(json!({"year": 2026, "copy_from": 1999}))).await;
    assert_eq!((s, e["error"]["field"].as_str()), (400, Some("copy_from")), "{e}");
    let (_, years) = app.call(Method::GET, "/api/v1/pay-tables", Some(&opc), None).await;
    assert_eq!(years["total"], 2, "{years}");
    assert_eq!(years["items"][0]["year"], 2025);
    // The page's form: a bad amount shows the form again with the error, nothing written.
    app.user("opc-page", vec![Grant::OpcAdmin]).await;
    let browser = app.sign_in("opc-page").await;
    let v = band(&app, &opc, 2025, "grade8").await["version"].to_string();
    let r = browser
        .post_form(
            "/pay-tables/2025/bands/grade8",
            &[("standard_won", "abc"), ("s_grade_won", ""), ("source", ""), ("version", &v)],
        )
        .await;
    assert_eq!(r.status().as_u16(), 400);
    assert!(r.text().await.unwrap().contains("1원 이상의 정수"));
    let r = browser
        .post_form(
            "/pay-tables/2025/bands/grade8",
            &[("standard_won", "2,000,000"), ("s_grade_won", "3,000,000"), ("source", "테스트"), ("version", &v)],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(band(&app, &opc, 2025, "grade8").await["s_grade_won"], 3_000_000);
}

async fn an_exchangee_reads_only_its_own_bonus_and_officers_and_the_public_none(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (mine, position) = exchangee_of_level(&app, "director").await;
    let (other, _) = exchangee_of_level(&app, "director_general").await;
    let me = app.token_for("me", vec![Grant::Exchangee { position_id: PositionId::new(position) }]).await;
    let (s, list) = app.call(Method::GET, "/api/v1/pay-tables/2024/bonuses", Some(&me), None).await;
    assert_eq!(s, 200, "{list}");
    let ids: Vec<i64> = list["items"].as_array().unwrap().iter().map(|r| r["exchangee_id"].as_i64().unwrap()).collect();
    assert_eq!((ids, list["total"].as_i64()), (vec![mine], Some(1)), "{list}");
    assert_eq!(list["items"][0]["bonus_won"], 4_609_000);
    app.user("me-page", vec![Grant::Exchangee { position_id: PositionId::new(position) }]).await;
    let browser = app.sign_in("me-page").await;
    let own =
        browser.client.get(browser.url(&format!("/exchangees/{mine}/bonus-statement?year=2024"))).send().await.unwrap();
    assert_eq!(own.status().as_u16(), 200);
    let html = own.text().await.unwrap();
    assert!(html.contains("4,609,000원") && html.contains("50% × 9,218,000원"), "{html}");
    assert!(html.contains("hanteam-print-stamp") && html.contains("A4 용지"), "a printable page");
    let theirs = browser
        .client
        .get(browser.url(&format!("/exchangees/{other}/bonus-statement?year=2024")))
        .send()
        .await
        .unwrap();
    assert_eq!(theirs.status().as_u16(), 404, "another exchangee's pay is not even said to exist");
    // An officer: refused; the public: asked to sign in.
    let env = app.agency_id("환경부").await;
    let officer =
        app.token_for("officer", vec![Grant::AgencyOfficer { agency_id: hanteam_domain::AgencyId::new(env) }]).await;
    let (s, e) = app.call(Method::GET, "/api/v1/pay-tables/2024/bonuses", Some(&officer), None).await;
    assert_eq!(s, 403, "{e}");
    assert!(e["error"]["message"].as_str().unwrap().contains("본인만"), "{e}");
    let (s, _) = app.call(Method::GET, "/api/v1/pay-tables/2024/bonuses", None, None).await;
    assert_eq!(s, 401);
    let r = app.get(&format!("/exchangees/{mine}/bonus-statement?year=2024")).await;
    assert!(matches!(r.status().as_u16(), 303 | 401), "{}", r.status());
    // An auditor reads everyone's.
    let auditor = app.token_for("auditor", vec![Grant::Auditor]).await;
    let (s, list) = app.call(Method::GET, "/api/v1/pay-tables/2024/bonuses?limit=500", Some(&auditor), None).await;
    assert_eq!(s, 200);
    row_of(&list, other);
}

async fn the_rating_is_recommended_one_step_up_and_a_lower_confirmation_needs_a_reason(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let opc = app.token_for("opc", vec![Grant::OpcAdmin]).await;
    let (e, position) = exchangee_of_level(&app, "director").await;
    let path = format!("/api/v1/exchangees/{e}/ratings/2024");
    let (s, saved) = app.call(Method::PUT, &path, Some(&opc), Some(json!({"pre_exchange_grade": "B"}))).await;
    assert_eq!(s, 200, "{saved}");
    let (_, list) = app.call(Method::GET, "/api/v1/pay-tables/2024/bonuses?limit=500", Some(&opc), None).await;
    let r = &row_of(&list, e)["rating"];
    assert_eq!((r["recommended_grade"].as_str(), r["confirmed_grade"].as_str()), (Some("A"), None), "{r}");
    // Below the recommendation without a reason: refused, nothing written.
    let body = json!({"pre_exchange_grade": "B", "confirmed_grade": "B", "version": saved["version"]});
    let (s, err) = app.call(Method::PUT, &path, Some(&opc), Some(body)).await;
    assert_eq!((s, err["error"]["field"].as_str()), (400, Some("reason")), "{err}");
    // With a reason it is confirmed and flagged.
    let body = json!({"pre_exchange_grade": "B", "confirmed_grade": "B", "reason": "교류 기간이 3개월뿐임", "version": saved["version"]});
    let (s, confirmed) = app.call(Method::PUT, &path, Some(&opc), Some(body)).await;
    assert_eq!(s, 200, "{confirmed}");
    let (_, list) = app.call(Method::GET, "/api/v1/pay-tables/2024/bonuses?limit=500", Some(&opc), None).await;
    let r = &row_of(&list, e)["rating"];
    assert_eq!((r["confirmed_grade"].as_str(), r["below_recommendation"].as_bool()), (Some("B"), Some(true)), "{r}");
    // A stale version: 409.
    let body = json!({"pre_exchange_grade": "B", "confirmed_grade": "S", "version": saved["version"]});
    let (s, _) = app.call(Method::PUT, &path, Some(&opc), Some(body)).await;
    assert_eq!(s, 409);
    assert_eq!(audit_count(&app, "exchangee_rating.set").await, 2);
    // The exchangee cannot confirm its own; it sees it on its statement.
    let me = app.token_for("me", vec![Grant::Exchangee { position_id: PositionId::new(position) }]).await;
    let (s, _) = app.call(Method::PUT, &path, Some(&me), Some(json!({"pre_exchange_grade": "C"}))).await;
    assert_eq!(s, 403);
    app.user("me-page", vec![Grant::Exchangee { position_id: PositionId::new(position) }]).await;
    let browser = app.sign_in("me-page").await;
    let html = browser
        .client
        .get(browser.url(&format!("/exchangees/{e}/bonus-statement?year=2024")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("교류 전 B → A 이상 권고") && html.contains("권고보다 낮음"), "{html}");
}

async fn opc_chooses_a_band_where_the_position_says_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let opc = app.token_for("opc", vec![Grant::OpcAdmin]).await;
    let (general, _) = exchangee_of_level(&app, "director_general").await;
    let path = format!("/api/v1/exchangees/{general}/pay-band");
    let (s, e) = app.call(Method::PUT, &path, Some(&opc), Some(json!({"pay_band": "grade5"}))).await;
    assert_eq!((s, e["error"]["field"].as_str()), (400, Some("reason")), "{e}");
    let (s, saved) =
        app.call(Method::PUT, &path, Some(&opc), Some(json!({"pay_band": "grade5", "reason": "5급 직무대리"}))).await;
    assert_eq!(s, 200, "{saved}");
    let (_, list) = app.call(Method::GET, "/api/v1/pay-tables/2024/bonuses?limit=500", Some(&opc), None).await;
    let g = row_of(&list, general);
    // 5급: 7,775,000 × 50% = 3,887,500.
    assert_eq!(
        (g["pay_band"].as_str(), g["band_from"].as_str(), g["bonus_won"].as_i64()),
        (Some("grade5"), Some("opc"), Some(3_887_500)),
        "{g}"
    );
    // Without the version of the choice it replaces: stale.
    let (s, _) = app.call(Method::PUT, &path, Some(&opc), Some(json!({"pay_band": "grade6", "reason": "r"}))).await;
    assert_eq!(s, 409);
    // Back to the rank.
    let (s, _) =
        app.call(Method::PUT, &path, Some(&opc), Some(json!({"pay_band": null, "version": saved["version"]}))).await;
    assert_eq!(s, 200);
    let (_, list) = app.call(Method::GET, "/api/v1/pay-tables/2024/bonuses?limit=500", Some(&opc), None).await;
    assert_eq!(row_of(&list, general)["band_from"], "position");
    assert_eq!(audit_count(&app, "exchangee_pay_band.set").await, 2);
}

on_both_backends!(
    the_2024_table_ships_and_gives_a_director_4_609_000_won_and_a_director_general_no_amount,
    opc_edits_a_band_and_the_bonus_follows_and_bad_or_stale_input_writes_nothing,
    an_exchangee_reads_only_its_own_bonus_and_officers_and_the_public_none,
    the_rating_is_recommended_one_step_up_and_a_lower_confirmation_needs_a_reason,
    opc_chooses_a_band_where_the_position_says_nothing,
);
