//! The task list as people read it: the pair by its two agencies, the lead agency, the last
//! change, and the orders it can be read in. Over real HTTP, on SQLite and on PostgreSQL.

use crate::common::{Backend, TestApp};
use hanteam_domain::access::Grant;
use reqwest::Method;
use serde_json::{json, Value};

fn items(page: &Value) -> &Vec<Value> {
    page["items"].as_array().expect("items")
}

fn field<'a>(page: &'a Value, name: &str) -> Vec<&'a str> {
    items(page).iter().map(|t| t[name].as_str().expect(name)).collect()
}

fn ids(page: &Value) -> Vec<i64> {
    items(page).iter().map(|t| t["id"].as_i64().expect("id")).collect()
}

async fn the_list_sorts_by_title_status_and_last_change(b: Backend) {
    let app = TestApp::spawn(b).await;
    let t = app.token_for("opc", vec![Grant::OpcAdmin]).await;

    let by_title = app.json("/api/v1/tasks?sort=title&limit=100", 200).await;
    let titles = field(&by_title, "title");
    let mut expected = titles.clone();
    expected.sort();
    assert_eq!(titles, expected, "가나다순, the same on both databases");
    assert_eq!(titles.len(), 41);

    // Task 5 goes on to 추진 중 and task 9 is finished: by status they come after the confirmed ones.
    app.move_task(&t, 5, &["start"]).await;
    app.move_task(&t, 9, &["start", "complete"]).await;
    let by_status = app.json("/api/v1/tasks?sort=status&limit=100", 200).await;
    let statuses = field(&by_status, "status");
    assert_eq!(&statuses[39..], ["in_progress", "completed"], "in the order of the lifecycle");
    assert_eq!(&ids(&by_status)[39..], [5, 9]);
    assert_eq!(ids(&by_status)[..3], [1, 2, 3], "then by number");

    // A KPI's change is the task's last change, and leaves the task's version alone.
    let before = app.json("/api/v1/tasks/1", 200).await;
    let kpi = before["kpis"][0].clone();
    let edit = json!({"name": kpi["name"], "target": 70, "unit": "%", "version": kpi["version"]});
    let (s, body) = app.call(Method::PUT, &format!("/api/v1/kpis/{}", kpi["id"]), Some(&t), Some(edit)).await;
    assert_eq!(s, 200, "{body}");
    let after = app.json("/api/v1/tasks/1", 200).await;
    assert_eq!(after["version"], before["version"], "an open edit of the task is not made stale");
    assert!(after["updated_at"].as_str() > before["updated_at"].as_str(), "{after}");
    let by_change = app.json("/api/v1/tasks?sort=updated&limit=3", 200).await;
    assert_eq!(ids(&by_change), [1, 9, 5], "the most recent change first");

    let (s, body) = app.call(Method::GET, "/api/v1/tasks?sort=newest", None, None).await;
    assert_eq!(s, 400);
    assert_eq!(body["error"]["field"], "sort", "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("정렬 기준"), "{body}");
}

async fn a_search_can_be_sorted_and_finds_the_same_tasks(b: Backend) {
    let app = TestApp::spawn(b).await;
    let ranked = app.json("/api/v1/tasks?q=%EA%B0%95%ED%99%94&limit=100", 200).await; // 강화
    let sorted = app.json("/api/v1/tasks?q=%EA%B0%95%ED%99%94&sort=title&limit=100", 200).await;
    assert_eq!(ranked["total"], sorted["total"]);
    let mut a = ids(&ranked);
    let mut b2 = ids(&sorted);
    assert!(a.len() > 2, "the word is in several tasks");
    let titles = field(&sorted, "title");
    let mut expected = titles.clone();
    expected.sort();
    assert_eq!(titles, expected);
    a.sort();
    b2.sort();
    assert_eq!(a, b2, "the same tasks, in another order");
    let paged = app.json("/api/v1/tasks?q=%EA%B0%95%ED%99%94&sort=title&limit=2&offset=1", 200).await;
    assert_eq!(ids(&paged), ids(&sorted)[1..3]);
}

async fn the_list_page_names_pair_lead_and_last_change_and_links_each_order(b: Backend) {
    let app = TestApp::spawn(b).await;
    let t = app.token_for("opc", vec![Grant::OpcAdmin]).await;
    let task = app.json("/api/v1/tasks/1", 200).await;
    let lead = app.agency_id("국토부").await;
    let edit = json!({"title": task["title"], "status": task["status"], "type": task["type"], "pair_id": task["pair_id"],
                      "lead_agency_id": lead, "version": task["version"]});
    let (s, body) = app.call(Method::PUT, "/api/v1/tasks/1", Some(&t), Some(edit)).await;
    assert_eq!(s, 200, "{body}");
    assert_eq!(app.json("/api/v1/tasks?limit=1", 200).await["items"][0]["lead_agency"]["short_name"], "국토부");

    let html = app.html("/tasks?agency=%ED%99%98%EA%B2%BD%EB%B6%80", 200).await; // 환경부
    assert!(html.contains("<span class=\"sr-only\">연번 1, </span>국토부↔환경부</a>"), "{html}");
    assert!(
        html.contains("<th scope=\"col\">주관기관</th>") && html.contains("<td data-label=\"주관기관\">국토부</td>")
    );
    assert!(html.contains("<td data-label=\"주관기관\">미입력</td>"), "a lead not yet chosen is 미입력");
    assert!(html.contains("최종 변경") && html.contains("<time datetime=\"20"), "{html}");
    assert!(
        html.contains(
            r#"<th scope="col" aria-sort="ascending"><a href="/tasks?agency=%ED%99%98%EA%B2%BD%EB%B6%80&#38;sort=seq""#
        ),
        "{html}"
    );
    assert!(html.contains(r#"href="/tasks?agency=%ED%99%98%EA%B2%BD%EB%B6%80&#38;sort=title""#), "the filter stays");

    let html = app.html("/tasks?sort=updated", 200).await;
    assert!(html.contains(r#"aria-sort="descending""#));
    assert!(html.contains(r#"<option value="updated" selected>최근 변경순</option>"#), "{html}");
    let first_row = &html[html.find("<tbody>").unwrap()..];
    assert!(
        first_row[..first_row.find("</tr>").unwrap()].contains(r#"href="/tasks/1""#),
        "the task just changed first"
    );

    let html = app.html("/tasks?sort=date", 400).await;
    assert!(html.contains("정렬 기준 &#39;date&#39;가 없습니다."), "{html}");
}

on_both_backends!(
    the_list_sorts_by_title_status_and_last_change,
    a_search_can_be_sorted_and_finds_the_same_tasks,
    the_list_page_names_pair_lead_and_last_change_and_links_each_order,
);
