//! What keeps hanteam the same at 41 tasks and at 100,000: search through the index (the same
//! ordered answer on SQLite and PostgreSQL, and the answer the rule in words gives), totals read
//! from the kept counts (equal to counting), paging that shows every task once, and no list in any
//! answer longer than its page.

use std::collections::{BTreeMap, BTreeSet};

use hanteam_domain::access::Grant;
use hanteam_domain::search::{normalize, parse_terms};
use reqwest::Method;
use serde_json::{json, Value};

use crate::common::{Backend, TestApp};

async fn admin(app: &TestApp) -> String {
    app.token_for("opc", vec![Grant::OpcAdmin, Grant::Auditor]).await
}

async fn get(app: &TestApp, path: &str, token: Option<&str>) -> Value {
    let (s, body) = app.call(Method::GET, path, token, None).await;
    assert_eq!(s, 200, "GET {path}: {body}");
    body
}

fn encode(q: &str) -> String {
    q.bytes().map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}

/// Tasks whose words test the search: Latin and Hangul mixed, punctuation, LIKE's wildcards, a
/// phrase, a word only in an agency's role, and one task that is not published.
async fn add_search_tasks(app: &TestApp, token: &str) {
    let pair1 = get(app, "/api/v1/exchange-pairs", None).await["items"][0]["id"].clone();
    let tasks = [
        ("AI 반도체 용수 공급 R&D", "공업용수 50% 절감, 스마트_팜 연계", "in_progress", Value::Null),
        ("쌀 수급 안정 지원", "물 관리와 \"용인 반도체\" 산단 지원", "confirmed", Value::Null),
        ("달걀 유통 이력 특구", "K-푸드 수출 지원 100%", "confirmed", pair1.clone()),
        ("ESG 공시 지원", "a_b 형식과 a%b 형식을 구분한다", "completed", Value::Null),
        ("아직 제안 단계인 용수 과제", "공개되지 않은 쌀 과제", "proposed", Value::Null),
    ];
    for (title, description, status, pair) in tasks {
        let (s, created) = app
            .call(
                Method::POST,
                "/api/v1/tasks",
                Some(token),
                Some(json!({"title": title, "description": description, "pair_id": pair})),
            )
            .await;
        assert_eq!(s, 201, "{created}");
        let id = created["id"].as_i64().unwrap();
        app.bring_to(token, id, status).await;
    }
    // A word in an agency's role only (task 2 of the built-in set belongs to pair 1 too).
    let task = get(app, "/api/v1/tasks/2", None).await;
    let agency = &task["agencies"][0];
    let (s, body) = app
        .call(
            Method::PUT,
            &format!("/api/v1/tasks/2/agencies/{}", agency["id"]),
            Some(token),
            Some(json!({"role": "특구 지정과 용수 확보 지원", "version": agency["role_version"]})),
        )
        .await;
    assert_eq!(s, 200, "{body}");
}

/// Every task with its searchable text, as OPC sees them.
struct Known {
    id: i64,
    published: bool,
    title: String,
    others: Vec<String>,
}

async fn every_task(app: &TestApp, token: &str) -> Vec<Known> {
    let mut out = Vec::new();
    let mut offset = 0;
    loop {
        let page = get(app, &format!("/api/v1/tasks?limit=500&offset={offset}"), Some(token)).await;
        let items = page["items"].as_array().unwrap().clone();
        for t in &items {
            let id = t["id"].as_i64().unwrap();
            let d = get(app, &format!("/api/v1/tasks/{id}"), Some(token)).await;
            let mut others: Vec<String> = d["description"].as_str().map(str::to_string).into_iter().collect();
            others.extend(
                d["agencies"].as_array().unwrap().iter().filter_map(|a| a["role"].as_str().map(str::to_string)),
            );
            out.push(Known {
                id,
                published: d["status"] != "proposed",
                title: d["title"].as_str().unwrap().to_string(),
                others,
            });
        }
        offset += 500;
        if items.len() < 500 {
            return out;
        }
    }
}

/// What the rule in words answers: every word in the title, or in the description or one role;
/// title matches first, then the rest, each newest first.
fn by_the_rule(tasks: &[Known], q: &str, published_only: bool) -> Vec<i64> {
    let terms = parse_terms(q);
    if terms.is_empty() {
        // No search words (a lone quote): the plain list, in annex order.
        return tasks.iter().filter(|t| t.published || !published_only).map(|t| t.id).collect();
    }
    let has = |text: &str, term: &str| normalize(text).contains(term);
    let mut in_title = Vec::new();
    let mut elsewhere = Vec::new();
    for t in tasks.iter().filter(|t| t.published || !published_only) {
        let all_in_title = terms.iter().all(|w| has(&t.title, w));
        let all_somewhere = terms.iter().all(|w| has(&t.title, w) || t.others.iter().any(|o| has(o, w)));
        if all_in_title {
            in_title.push(t.id);
        } else if all_somewhere {
            elsewhere.push(t.id);
        }
    }
    in_title.sort_by(|a, b| b.cmp(a));
    elsewhere.sort_by(|a, b| b.cmp(a));
    in_title.extend(elsewhere);
    in_title
}

const QUERIES: [&str; 22] = [
    "용수",
    "달걀",
    "특구",
    "쌀",
    "물",
    "지원",
    "반도체 용수",
    "\"용인 반도체\"",
    "\"반도체 용인\"",
    "R&D",
    "ai",
    "AI 반도체",
    "50%",
    "%",
    "_",
    "a_b",
    "스마트_팜",
    "k-푸드",
    "100%",
    "·",
    "\"",
    "펭귄우주선",
];

/// The ids a search answers, page after page.
async fn search(app: &TestApp, q: &str, token: Option<&str>, limit: usize) -> (i64, Vec<i64>) {
    let mut ids = Vec::new();
    loop {
        let path = format!("/api/v1/tasks?q={}&limit={limit}&offset={}", encode(q), ids.len());
        let page = get(app, &path, token).await;
        let total = page["total"].as_i64().unwrap();
        let items = page["items"].as_array().unwrap();
        assert!(items.len() <= limit);
        ids.extend(items.iter().map(|t| t["id"].as_i64().unwrap()));
        if items.is_empty() || ids.len() as i64 >= total {
            return (total, ids);
        }
    }
}

#[tokio::test]
async fn a_search_gives_the_same_ordered_answer_on_sqlite_and_postgresql_and_the_one_the_rule_gives() {
    let (sqlite, postgres) = tokio::join!(TestApp::spawn(Backend::Sqlite), TestApp::spawn(Backend::Postgres));
    // Per database: (query, published only) → (total, ids in order).
    type Answers = BTreeMap<(&'static str, bool), (i64, Vec<i64>)>;
    let mut answers: Vec<Answers> = Vec::new();
    for app in [&sqlite, &postgres] {
        let token = admin(app).await;
        add_search_tasks(app, &token).await;
        let known = every_task(app, &token).await;
        let mut mine = BTreeMap::new();
        for q in QUERIES {
            for (who, published_only) in [(None, true), (Some(token.as_str()), false)] {
                let (total, ids) = search(app, q, who, 4).await;
                assert_eq!(ids, by_the_rule(&known, q, published_only), "{q} (published only: {published_only})");
                assert_eq!(total, ids.len() as i64, "{q}: the total counts what the pages list");
                mine.insert((q, published_only), (total, ids));
            }
        }
        answers.push(mine);
    }
    assert_eq!(answers[0], answers[1], "SQLite and PostgreSQL answer alike");
    let hits = |q: &str| answers[0][&(q, true)].0;
    assert!(hits("쌀") >= 1 && hits("물") >= 1 && hits("용수") >= 2, "one- and two-syllable words are found");
    assert_eq!(hits("펭귄우주선"), 0);
    assert_eq!(hits("a_b"), 1, "_ is a character, not a wildcard");
    assert!(hits("\"용인 반도체\"") >= 2 && hits("\"반도체 용인\"") == 0, "a phrase keeps its order");
    let (_, ids) = &answers[0][&("용수", false)];
    let (_, public) = &answers[0][&("용수", true)];
    assert!(ids.len() > public.len(), "a task not yet published is found by OPC only");
}

async fn a_task_is_found_in_the_request_after_its_save(b: Backend) {
    let app = TestApp::spawn(b).await;
    let token = admin(&app).await;
    let (s, created) =
        app.call(Method::POST, "/api/v1/tasks", Some(&token), Some(json!({"title": "곰돌이 돌봄 협업"}))).await;
    assert_eq!(s, 201, "{created}");
    let found = get(&app, "/api/v1/tasks?q=%EA%B3%B0%EB%8F%8C%EC%9D%B4", Some(&token)).await;
    assert_eq!(found["total"], 1);
    assert_eq!(found["items"][0]["id"], created["id"]);
    let id = created["id"].as_i64().unwrap();
    let edit = json!({"title": "반달곰 돌봄 협업", "version": created["version"]});
    let (s, _) = app.call(Method::PUT, &format!("/api/v1/tasks/{id}"), Some(&token), Some(edit)).await;
    assert_eq!(s, 200);
    assert_eq!(get(&app, "/api/v1/tasks?q=%EA%B3%B0%EB%8F%8C%EC%9D%B4", Some(&token)).await["total"], 0);
    assert_eq!(get(&app, "/api/v1/tasks?q=%EB%B0%98%EB%8B%AC%EA%B3%B0", Some(&token)).await["total"], 1);
    let (s, _) =
        app.call(Method::POST, &format!("/api/v1/tasks/{id}/archive"), Some(&token), Some(json!({"version": 2}))).await;
    assert_eq!(s, 200);
    assert_eq!(get(&app, "/api/v1/tasks?q=%EB%B0%98%EB%8B%AC%EA%B3%B0", Some(&token)).await["total"], 0, "archived");
}

/// Every task of a list, walked page by page: each once, as many as the total says.
async fn walk(app: &TestApp, query: &str, token: Option<&str>, limit: usize) -> Vec<i64> {
    let mut ids = Vec::new();
    loop {
        let page = get(app, &format!("/api/v1/tasks?{query}&limit={limit}&offset={}", ids.len()), token).await;
        let items = page["items"].as_array().unwrap();
        assert!(items.len() <= limit);
        ids.extend(items.iter().map(|t| t["id"].as_i64().unwrap()));
        if items.is_empty() {
            assert_eq!(ids.len() as i64, page["total"].as_i64().unwrap(), "{query}: the total is what the pages hold");
            return ids;
        }
    }
}

async fn totals_are_what_counting_gives_after_every_kind_of_change(b: Backend) {
    let app = TestApp::spawn(b).await;
    let token = admin(&app).await;
    add_search_tasks(&app, &token).await;
    // Archive one, change another's type: the counts follow.
    let (s, _) = app.call(Method::POST, "/api/v1/tasks/5/archive", Some(&token), Some(json!({"version": 1}))).await;
    assert_eq!(s, 200);
    let t6 = get(&app, "/api/v1/tasks/6", None).await;
    let edit = json!({"title": t6["title"], "type": "silo_removal", "source": t6["source"], "status": t6["status"],
                      "pair_id": t6["pair_id"], "description": t6["description"], "version": t6["version"]});
    let (s, body) = app.call(Method::PUT, "/api/v1/tasks/6", Some(&token), Some(edit)).await;
    assert_eq!(s, 200, "{body}");

    let officer =
        app.token_for("officer", vec![Grant::AgencyOfficer { agency_id: app.agency_id("환경부").await.into() }]).await;
    for who in [None, Some(token.as_str()), Some(officer.as_str())] {
        let all = walk(&app, "", who, 7).await;
        let unique: BTreeSet<i64> = all.iter().copied().collect();
        assert_eq!(unique.len(), all.len(), "each task once");
        // Every task's facets, read one by one: what the totals must add up to.
        let mut facets = Vec::new();
        for id in &all {
            let t = get(&app, &format!("/api/v1/tasks/{id}"), who).await;
            let agencies: Vec<i64> =
                t["agencies"].as_array().unwrap().iter().map(|a| a["id"].as_i64().unwrap()).collect();
            facets.push((t["status"].clone(), t["type"].clone(), t["pair_id"].clone(), agencies));
        }
        let env = app.agency_id("환경부").await;
        let pair1 = get(&app, "/api/v1/exchange-pairs", None).await["items"][0]["id"].as_i64().unwrap();
        for status in ["proposed", "confirmed", "in_progress", "completed", "dropped"] {
            for ty in ["", "conflict_resolution", "silo_removal", "unset"] {
                for agency in [None, Some(env)] {
                    let mut query = format!("status={status}");
                    if !ty.is_empty() {
                        query.push_str(&format!("&type={ty}"));
                    }
                    if let Some(a) = agency {
                        query.push_str(&format!("&agency={a}&pair={pair1}"));
                    }
                    let expected = facets
                        .iter()
                        .filter(|(s, t, p, ags)| {
                            *s == status
                                && (ty.is_empty() || (ty == "unset" && t.is_null()) || *t == ty)
                                && agency.is_none_or(|a| ags.contains(&a) && p.as_i64() == Some(pair1))
                        })
                        .count();
                    let page = get(&app, &format!("/api/v1/tasks?{query}&limit=1"), who).await;
                    assert_eq!(page["total"], expected, "{query} for {who:?}");
                }
            }
        }
    }
    // Built again from the tasks, the counts are the ones kept change by change.
    let before = get(&app, "/api/v1/overview", None).await;
    app.db.rebuild_task_index().await.unwrap();
    assert_eq!(get(&app, "/api/v1/overview", None).await, before);
}

async fn paging_a_search_shows_every_match_once(b: Backend) {
    let app = TestApp::spawn(b).await;
    let (total, ids) = search(&app, "협력", None, 3).await;
    let unique: BTreeSet<i64> = ids.iter().copied().collect();
    assert!(total > 3, "more than one page");
    assert_eq!(unique.len(), ids.len());
    assert_eq!(ids.len() as i64, total);
}

/// The list endpoints of the API, from its own OpenAPI document: every GET that answers a page.
async fn list_endpoints(app: &TestApp) -> Vec<String> {
    let doc = get(app, "/api/v1/openapi.json", None).await;
    let mut out = Vec::new();
    for (path, ops) in doc["paths"].as_object().unwrap() {
        let Some(op) = ops.get("get") else { continue };
        let schema = op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].as_str().unwrap_or("");
        if schema.starts_with("#/components/schemas/Page_") {
            out.push(path.clone());
        }
    }
    out
}

async fn no_answer_holds_more_than_its_page(b: Backend) {
    let app = TestApp::spawn(b).await;
    let token = admin(&app).await;
    add_search_tasks(&app, &token).await;
    let endpoints = list_endpoints(&app).await;
    for expected in [
        "/api/v1/tasks",
        "/api/v1/agencies",
        "/api/v1/exchange-pairs",
        "/api/v1/meetings",
        "/api/v1/users",
        "/api/v1/audit",
    ] {
        assert!(endpoints.iter().any(|e| e == expected), "{expected} is a paged list: {endpoints:?}");
    }
    for template in &endpoints {
        // A task's own lists (its memos) are asked of task 1.
        let path = &template.replace("/api/v1/tasks/{id}/", "/api/v1/tasks/1/");
        assert!(!path.contains('{'), "{path}: a list behind a path parameter needs its own check here");
        let page = get(&app, &format!("{path}?limit=2"), Some(&token)).await;
        let items = page["items"].as_array().unwrap_or_else(|| panic!("{path}: {page}"));
        assert!(items.len() <= 2, "{path}?limit=2 answered {} items", items.len());
        assert!(page["total"].as_i64().unwrap() >= items.len() as i64);
        let (s, body) = app.call(Method::GET, &format!("{path}?limit=501"), Some(&token), None).await;
        assert_eq!(s, 400, "{path}: more than the largest page is refused: {body}");
        assert_eq!(body["error"]["field"], "limit");
        let whole = get(&app, path, Some(&token)).await;
        assert!(whole["items"].as_array().unwrap().len() <= 50, "{path}: at most 50 without a limit");
    }
    // The agency's tasks are a page too, and a pair names its tasks by count, not by id.
    let env = get(&app, "/api/v1/agencies/%ED%99%98%EA%B2%BD%EB%B6%80?limit=2", None).await;
    assert!(env["tasks"]["items"].as_array().unwrap().len() <= 2 && env["tasks"]["total"].as_i64().unwrap() > 2);
    let task = get(&app, "/api/v1/tasks/1", None).await;
    assert!(task["pair"].get("task_ids").is_none());
    assert_eq!(task["pair_tasks"]["count"], 6, "five built-in tasks and one added");
    assert_eq!(get(&app, task["pair_tasks"]["href"].as_str().unwrap(), None).await["total"], 6);
}

async fn nobody_is_told_of_tasks_they_may_not_see(b: Backend) {
    let app = TestApp::spawn(b).await;
    let token = admin(&app).await;
    let pairs = get(&app, "/api/v1/exchange-pairs", None).await;
    let pair1 = pairs["items"][0]["id"].clone();
    let (s, _) = app
        .call(Method::POST, "/api/v1/tasks", Some(&token), Some(json!({"title": "제안만 된 과제", "pair_id": pair1})))
        .await;
    assert_eq!(s, 201);
    let count = |body: &Value| body["items"][0]["task_count"].clone();
    assert_eq!(count(&get(&app, "/api/v1/exchange-pairs", None).await), 5, "a proposed task is not counted in public");
    assert_eq!(count(&get(&app, "/api/v1/exchange-pairs", Some(&token)).await), 6, "OPC counts it");
    let first = get(&app, "/api/v1/exchange-pairs", None).await["items"][0]["first_tasks"].clone();
    assert!(!first.to_string().contains("제안만 된 과제"));
    assert_eq!(get(&app, "/api/v1/tasks/1", None).await["pair_tasks"]["count"], 5);
    assert_eq!(get(&app, "/api/v1/overview", None).await["tasks"], 41);
    let html = app.html("/pairs", 200).await;
    assert!(!html.contains("제안만 된 과제"));
    // A search answers each reader with what they may see: the pair's agencies see the proposal.
    let env =
        app.token_for("env", vec![Grant::AgencyOfficer { agency_id: app.agency_id("환경부").await.into() }]).await;
    let mfds =
        app.token_for("mfds", vec![Grant::AgencyOfficer { agency_id: app.agency_id("식약처").await.into() }]).await;
    let q = "/api/v1/tasks?q=%EC%A0%9C%EC%95%88%EB%A7%8C";
    assert_eq!(get(&app, q, None).await["total"], 0);
    assert_eq!(get(&app, q, Some(&env)).await["total"], 1);
    assert_eq!(get(&app, q, Some(&mfds)).await["total"], 0);
    assert_eq!(get(&app, q, Some(&token)).await["total"], 1);
    assert_eq!(count(&get(&app, "/api/v1/exchange-pairs", Some(&env)).await), 6);
    assert_eq!(count(&get(&app, "/api/v1/exchange-pairs", Some(&mfds)).await), 5);
}

async fn the_pages_of_long_lists_turn(b: Backend) {
    let app = TestApp::spawn(b).await;
    let html = app.html("/agencies?limit=5", 200).await;
    assert!(html.contains("hanteam-pagination") && html.contains("/agencies?limit=5&#38;offset=5"), "{html}");
    let html = app.html("/pairs?limit=4&offset=8", 200).await;
    assert!(html.contains("id=\"pair-9\"") && !html.contains("id=\"pair-8\""));
    assert!(!html.contains("모두 보기"), "pairs of three tasks name all three");
    // A saved change of a pair opens the page that holds it.
    let html = app.html("/pairs?at=11&limit=5", 200).await;
    assert!(html.contains("id=\"pair-11\""));
    let html = app.html("/agencies/%ED%99%98%EA%B2%BD%EB%B6%80?limit=2", 200).await;
    assert!(html.contains("hanteam-pagination"));
    let html = app.html("/pairs", 200).await;
    assert!(html.contains("협업과제 5건 모두 보기"), "the first three titles and a link to all five");
    // A search marks its words, and says where they were found when not in the title.
    let html = app.html("/tasks?q=%EC%9A%A9%EC%88%98", 200).await;
    assert!(html.contains("<mark>용수</mark>"), "{html}");
    assert!(html.contains("class=\"hanteam-found-field\">") && html.contains("역할:"), "{html}");
    let r = app.get("/agencies?limit=0").await;
    assert_eq!(r.status().as_u16(), 400);
}

on_both_backends!(
    a_task_is_found_in_the_request_after_its_save,
    totals_are_what_counting_gives_after_every_kind_of_change,
    paging_a_search_shows_every_match_once,
    no_answer_holds_more_than_its_page,
    nobody_is_told_of_tasks_they_may_not_see,
    the_pages_of_long_lists_turn,
);
