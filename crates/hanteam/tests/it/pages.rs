//! The server-rendered pages over real HTTP, on SQLite and on PostgreSQL (the browser test checks
//! them in Chromium with axe; these check each backend feeds them).

use crate::common::{Backend, TestApp};

async fn every_page_answers_in_korean_with_a_skip_link(b: Backend) {
    let app = TestApp::spawn(b).await;
    for path in ["/", "/tasks", "/tasks/1", "/pairs", "/agencies", "/agencies/환경부", "/meetings", "/meetings/1"] {
        let html = app.html(path, 200).await;
        assert!(html.contains(r#"<html lang="ko">"#), "{path}");
        assert!(html.contains(r##"<a href="#main">본문 바로가기</a>"##), "{path}");
        assert_eq!(html.matches("<h1").count(), 1, "{path}: one h1");
    }
}

async fn the_task_list_page_filters_by_agency_and_searches(b: Backend) {
    let app = TestApp::spawn(b).await;
    let html = app.html("/tasks?agency=환경부", 200).await;
    assert!(html.contains("총 5건"));
    assert!(html.contains("세계 최대규모 용인 반도체 국가산단 신속조성"));
    assert!(!html.contains("더 안심하고 달걀을 먹을 수 있도록 안전관리"));
    let html = app.html("/tasks?q=달걀", 200).await;
    assert!(html.contains("총 1건"));
}

async fn the_task_page_shows_each_agencys_role(b: Backend) {
    let app = TestApp::spawn(b).await;
    let html = app.html("/tasks/1", 200).await;
    assert!(html.contains("기관별 역할"));
    assert!(html.contains("환경영향평가 평가전담반 운영, 용수확보·공급 지원"));
    let other = app.html("/tasks/2", 200).await;
    assert!(other.contains("미입력"), "roles the release does not give show as not entered");
    assert!(!other.contains("미정"), "the release calls nothing undecided");
}

async fn bad_input_and_missing_pages_get_korean_error_pages(b: Backend) {
    let app = TestApp::spawn(b).await;
    let html = app.html("/tasks?limit=abc", 400).await;
    assert!(html.contains("1부터 500까지"));
    let html = app.html("/tasks/9999", 404).await;
    assert!(html.contains("찾을 수 없습니다"));
    app.html("/no/such/page", 404).await;
}

async fn the_pairs_page_follows_the_annex(b: Backend) {
    let app = TestApp::spawn(b).await;
    let html = app.html("/pairs", 200).await;
    let first = html.find("국토정책관").expect("pair 1");
    let last = html.find("제대군인일자리과장").expect("pair 11");
    assert!(first < last);
    assert!(html.contains(r#"id="pair-11""#));
}

on_both_backends!(
    every_page_answers_in_korean_with_a_skip_link,
    the_task_list_page_filters_by_agency_and_searches,
    the_task_page_shows_each_agencys_role,
    bad_input_and_missing_pages_get_korean_error_pages,
    the_pairs_page_follows_the_annex,
);
