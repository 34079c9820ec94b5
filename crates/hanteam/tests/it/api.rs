//! The JSON API v1 over real HTTP, on SQLite and on PostgreSQL.

use crate::common::{Backend, TestApp};
use serde_json::Value;

fn titles(page: &Value) -> Vec<String> {
    page["items"].as_array().expect("items").iter().map(|t| t["title"].as_str().expect("title").to_string()).collect()
}

async fn healthz_says_ok(b: Backend) {
    let app = TestApp::spawn(b).await;
    assert_eq!(app.json("/healthz", 200).await, serde_json::json!({"status": "ok"}));
}

async fn agencies_have_short_and_full_names(b: Backend) {
    let app = TestApp::spawn(b).await;
    let page = app.json("/api/v1/agencies", 200).await;
    let items = page["items"].as_array().unwrap();
    assert_eq!(page["total"], items.len());
    let molit = items.iter().find(|a| a["short_name"] == "국토부").expect("국토부");
    assert_eq!(molit["name"], "국토교통부");
    assert!(molit["id"].is_i64());
    for short in ["환경부", "식약처", "개보위", "보훈부", "국무조정실", "인사처"] {
        assert!(items.iter().any(|a| a["short_name"] == short), "{short} missing");
    }
}

async fn exchange_pairs_follow_the_annex(b: Backend) {
    let app = TestApp::spawn(b).await;
    let page = app.json("/api/v1/exchange-pairs", 200).await;
    assert_eq!(page["total"], 11);
    let pairs = page["items"].as_array().unwrap();
    let seqs: Vec<i64> = pairs.iter().map(|p| p["seq"].as_i64().unwrap()).collect();
    assert_eq!(seqs, (1..=11).collect::<Vec<_>>());
    let tasks_per_pair: Vec<i64> = pairs.iter().map(|p| p["task_count"].as_i64().unwrap()).collect();
    assert_eq!(tasks_per_pair, vec![5, 5, 5, 5, 3, 3, 3, 3, 3, 3, 3]);
    let first: Vec<i64> =
        pairs[0]["first_tasks"].as_array().unwrap().iter().map(|t| t["seq"].as_i64().unwrap()).collect();
    assert_eq!(first, vec![1, 2, 3], "the first three, in annex order");
    let href = pairs[0]["tasks_href"].as_str().unwrap();
    assert_eq!(href, format!("/api/v1/tasks?pair={}", pairs[0]["id"]));
    assert_eq!(app.json(href, 200).await["total"], 5, "the link lists the pair's tasks");
    assert!(pairs.iter().all(|p| p.get("task_ids").is_none()), "no pair embeds a list of its task ids");
    assert_eq!(pairs[0]["theme"], "국토-환경 이해관계에 대한 상호 이해");
    assert_eq!(pairs[0]["variants"][0]["text"], "국토- 환경 이해관계에 대한 상호 이해", "the release's spelling");
    assert_eq!(pairs[0]["designated_on"], "2024-02-12");
    let first = &pairs[0]["positions"][0];
    assert_eq!(first["agency"]["short_name"], "국토부");
    assert_eq!(first["title"], "국토정책관");
    assert_eq!(first["level"], "director_general");
    let edu = &pairs[4]["positions"][1];
    assert_eq!(edu["title"], "산학협력추진지원과장");
    assert_eq!(edu["level"], "director");
    assert_eq!(edu["variants"][0]["text"], "산학협력추진사업과장");
    assert_eq!(pairs[10]["positions"][1]["agency"]["short_name"], "보훈부");
}

async fn the_task_list_holds_41_tasks_in_annex_order(b: Backend) {
    let app = TestApp::spawn(b).await;
    let page = app.json("/api/v1/tasks", 200).await;
    assert_eq!(page["total"], 41);
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 41);
    let seqs: Vec<i64> = items.iter().map(|t| t["seq"].as_i64().unwrap()).collect();
    assert_eq!(seqs, (1..=41).collect::<Vec<_>>());
    let first = &items[0];
    assert_eq!(first["title"], "세계 최대규모 용인 반도체 국가산단 신속조성");
    assert_eq!(first["type"], "conflict_resolution");
    assert_eq!(first["status"], "confirmed");
    assert_eq!(first["source"], "exchange");
    assert_eq!(first["agencies"][0]["short_name"], "국토부");
    assert_eq!(first["agencies"][1]["role"], "환경영향평가 평가전담반 운영, 용수확보·공급 지원");
    assert!(items[1]["type"].is_null(), "types the release does not give stay empty");
    assert!(items[1]["agencies"][0]["role"].is_null());
}

async fn tasks_filter_by_agency_short_name_or_id(b: Backend) {
    let app = TestApp::spawn(b).await;
    let by_name = app.json("/api/v1/tasks?agency=환경부", 200).await;
    assert_eq!(by_name["total"], 5);
    let me = app.json("/api/v1/agencies/환경부", 200).await;
    let by_id = app.json(&format!("/api/v1/tasks?agency={}", me["id"]), 200).await;
    assert_eq!(titles(&by_id), titles(&by_name));
    // 과기부 takes part in pairs 2, 4 and 5.
    assert_eq!(app.json("/api/v1/tasks?agency=과기부", 200).await["total"], 13);
}

async fn tasks_filter_by_pair_type_and_status(b: Backend) {
    let app = TestApp::spawn(b).await;
    let pair7 = app.json("/api/v1/exchange-pairs", 200).await["items"][6]["id"].clone();
    let page = app.json(&format!("/api/v1/tasks?pair={pair7}"), 200).await;
    assert_eq!(page["total"], 3);
    assert!(titles(&page).contains(&"더 안심하고 달걀을 먹을 수 있도록 안전관리".to_string()));
    assert_eq!(app.json("/api/v1/tasks?type=silo_removal", 200).await["total"], 2);
    assert_eq!(app.json("/api/v1/tasks?type=expertise_sharing", 200).await["total"], 2);
    assert_eq!(app.json("/api/v1/tasks?type=unset", 200).await["total"], 35);
    assert_eq!(app.json("/api/v1/tasks?status=confirmed", 200).await["total"], 41);
    assert_eq!(app.json("/api/v1/tasks?status=completed", 200).await["total"], 0);
    let both = app.json("/api/v1/tasks?agency=식약처&type=conflict_resolution", 200).await;
    assert_eq!(titles(&both), vec!["사각지대가 없도록 농산물 안전을 보다 촘촘하게 관리"]);
}

async fn search_finds_korean_words_of_two_syllables(b: Backend) {
    let app = TestApp::spawn(b).await;
    let semi = app.json("/api/v1/tasks?q=반도체", 200).await;
    assert_eq!(titles(&semi), vec!["세계 최대규모 용인 반도체 국가산단 신속조성"]);
    // 용수 appears only in 환경부's role on the Yongin task.
    let water = app.json("/api/v1/tasks?q=%EC%9A%A9%EC%88%98", 200).await;
    assert_eq!(titles(&water), vec!["세계 최대규모 용인 반도체 국가산단 신속조성"]);
    let eggs = app.json("/api/v1/tasks?q=달걀", 200).await;
    assert_eq!(titles(&eggs), vec!["더 안심하고 달걀을 먹을 수 있도록 안전관리"]);
    assert_eq!(app.json("/api/v1/tasks?q=제대군인", 200).await["total"], 2);
    // Every word must match.
    assert_eq!(app.json("/api/v1/tasks?q=용인+반도체", 200).await["total"], 1);
    assert_eq!(app.json("/api/v1/tasks?q=용인+달걀", 200).await["total"], 0);
    // Latin letters match regardless of case; LIKE wildcards are literal.
    assert_eq!(app.json("/api/v1/tasks?q=oda", 200).await["total"], 1);
    assert_eq!(app.json("/api/v1/tasks?q=%25", 200).await["total"], 0);
}

async fn limit_and_offset_page_through_the_list(b: Backend) {
    let app = TestApp::spawn(b).await;
    let first = app.json("/api/v1/tasks?limit=10", 200).await;
    assert_eq!(first["items"].as_array().unwrap().len(), 10);
    assert_eq!(first["total"], 41);
    let last = app.json("/api/v1/tasks?limit=10&offset=40", 200).await;
    assert_eq!(last["items"].as_array().unwrap().len(), 1);
    assert_eq!(last["items"][0]["seq"], 41);
    let beyond = app.json("/api/v1/tasks?offset=100", 200).await;
    assert_eq!(beyond["items"].as_array().unwrap().len(), 0);
    assert_eq!(beyond["total"], 41);
}

async fn bad_parameters_get_400_naming_the_field_in_korean(b: Backend) {
    let app = TestApp::spawn(b).await;
    for (query, field) in [
        ("limit=abc", "limit"),
        ("limit=0", "limit"),
        ("limit=501", "limit"),
        ("offset=-1", "offset"),
        ("type=merger", "type"),
        ("status=done", "status"),
        ("pair=x", "pair"),
        ("agency=없는부처", "agency"),
    ] {
        let body = app.json(&format!("/api/v1/tasks?{query}"), 400).await;
        let e = &body["error"];
        assert_eq!(e["code"], "invalid_parameter", "{query}");
        assert_eq!(e["field"], field, "{query}");
        let message = e["message"].as_str().unwrap();
        assert!(message.chars().any(|c| ('가'..='힣').contains(&c)), "{query}: message not in Korean: {message}");
    }
}

async fn a_task_in_full_has_roles_kpis_milestones_pair_and_meeting(b: Backend) {
    let app = TestApp::spawn(b).await;
    let list = app.json("/api/v1/tasks?q=반도체", 200).await;
    let id = list["items"][0]["id"].as_i64().unwrap();
    let t = app.json(&format!("/api/v1/tasks/{id}"), 200).await;
    assert_eq!(t["title"], "세계 최대규모 용인 반도체 국가산단 신속조성");
    assert_eq!(t["type"], "conflict_resolution");
    assert_eq!(t["variants"][0]["text"], "용인 반도체 국가산단 신속 조성");
    assert_eq!(t["agencies"][0]["role"], "산업단지계획 마련 및 입지규제 개선, 범부처 추진지원단 운영");
    assert!(t["description"].as_str().unwrap().contains("환경영향평가는 통상 1년 이상"));
    assert_eq!(t["kpis"].as_array().unwrap().len(), 2);
    assert_eq!(t["kpis"][0]["target"], 50.0);
    assert_eq!(t["kpis"][1]["baseline"], 12.0);
    assert_eq!(t["kpis"][1]["unit"], "개월");
    assert_eq!(t["milestones"][0]["title"], "산업단지계획 수립 및 승인 신청");
    assert_eq!(t["milestones"][0]["due"], "2024-06-30");
    assert!(t["milestones"][0]["done_on"].is_null());
    let molit = &t["pair"]["positions"][0];
    assert_eq!(molit["title"], "국토정책관");
    let career = &molit["exchangees"][0]["careers"][0];
    assert_eq!(career["agency"]["short_name"], "환경부");
    assert_eq!(career["title"], "자연보전국장");
    assert!(molit["exchangees"][0]["name"].is_null(), "the release names nobody");
    assert_eq!(t["meetings"][0]["title"], "제1차 협업과제점검협의회");
    assert_eq!(t["meetings"][0]["outcome"], "confirmed");
    assert_eq!(t["version"], 1);
}

async fn a_missing_task_is_404_and_a_bad_id_is_400(b: Backend) {
    let app = TestApp::spawn(b).await;
    let body = app.json("/api/v1/tasks/99999", 404).await;
    assert_eq!(body["error"]["code"], "not_found");
    assert!(body["error"]["message"].as_str().unwrap().contains("찾을 수 없습니다"));
    let body = app.json("/api/v1/tasks/abc", 400).await;
    assert_eq!(body["error"]["field"], "id");
    let body = app.json("/api/v1/no-such-thing", 404).await;
    assert_eq!(body["error"]["code"], "not_found");
    app.json("/api/v1/meetings/424242", 404).await;
}

async fn the_first_council_meeting_tabled_and_confirmed_all_41(b: Backend) {
    let app = TestApp::spawn(b).await;
    let page = app.json("/api/v1/meetings", 200).await;
    assert_eq!(page["total"], 1);
    let m = &page["items"][0];
    assert_eq!(m["title"], "제1차 협업과제점검협의회");
    assert_eq!(m["held_at"], "2024-04-15T06:00:00Z");
    assert_eq!(m["task_count"], 41);
    let detail = app.json(&format!("/api/v1/meetings/{}", m["id"]), 200).await;
    assert_eq!(detail["place"], "정부서울청사");
    assert_eq!(detail["chair"], "국무조정실 국무1차장");
    let agenda = detail["agenda"].as_array().unwrap();
    assert_eq!(agenda[0]["tasks"].as_array().unwrap().len(), 41);
    assert!(agenda[0]["tasks"].as_array().unwrap().iter().all(|t| t["outcome"] == "confirmed"));
    assert!(agenda[1]["decisions"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["text"].as_str().unwrap().contains("S 등급의 50% 가산")));
    assert_eq!(detail["source"]["publisher"], "국무조정실");
    assert_eq!(detail["source"]["released_on"], "2024-04-15");
}

async fn seeding_twice_changes_nothing(b: Backend) {
    let app = TestApp::spawn(b).await;
    let before = app.json("/api/v1/tasks/1", 200).await;
    let overview_before = app.json("/api/v1/overview", 200).await;
    let again = hanteam_app::registry::load_builtin_dataset(&app.db, &crate::common::console()).await.unwrap();
    assert_eq!(again, hanteam_store::SeedOutcome::AlreadyLoaded);
    assert_eq!(app.db.seed_if_empty().await.unwrap(), None);
    assert_eq!(app.json("/api/v1/tasks/1", 200).await, before);
    assert_eq!(app.json("/api/v1/overview", 200).await, overview_before);
    assert_eq!(overview_before["tasks"], 41);
    assert_eq!(overview_before["pairs"], 11);
}

async fn the_openapi_document_describes_every_endpoint(b: Backend) {
    let app = TestApp::spawn(b).await;
    let doc = app.json("/api/v1/openapi.json", 200).await;
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/healthz",
        "/api/v1/openapi.json",
        "/api/v1/overview",
        "/api/v1/agencies",
        "/api/v1/agencies/{id}",
        "/api/v1/exchange-pairs",
        "/api/v1/tasks",
        "/api/v1/tasks/{id}",
        "/api/v1/meetings",
        "/api/v1/meetings/{id}",
    ] {
        assert!(doc["paths"][path]["get"].is_object(), "{path} is not documented");
    }
    let params: Vec<&str> = doc["paths"]["/api/v1/tasks"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(params, vec!["agency", "pair", "type", "status", "q", "sort", "limit", "offset"]);
}

async fn responses_carry_security_headers_and_a_request_id(b: Backend) {
    let app = TestApp::spawn(b).await;
    let r = app.get("/api/v1/tasks").await;
    let h = r.headers();
    let csp = h.get("content-security-policy").unwrap().to_str().unwrap();
    assert!(csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'"));
    assert_eq!(h.get("x-content-type-options").unwrap(), "nosniff");
    assert!(h.get("x-request-id").is_some());
}

on_both_backends!(
    healthz_says_ok,
    agencies_have_short_and_full_names,
    exchange_pairs_follow_the_annex,
    the_task_list_holds_41_tasks_in_annex_order,
    tasks_filter_by_agency_short_name_or_id,
    tasks_filter_by_pair_type_and_status,
    search_finds_korean_words_of_two_syllables,
    limit_and_offset_page_through_the_list,
    bad_parameters_get_400_naming_the_field_in_korean,
    a_task_in_full_has_roles_kpis_milestones_pair_and_meeting,
    a_missing_task_is_404_and_a_bad_id_is_400,
    the_first_council_meeting_tabled_and_confirmed_all_41,
    seeding_twice_changes_nothing,
    the_openapi_document_describes_every_endpoint,
    responses_carry_security_headers_and_a_request_id,
);
