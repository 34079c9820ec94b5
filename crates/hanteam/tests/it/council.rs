//! The review council (협업과제점검협의회) through HTTP on both databases: OPC schedules, edits and
//! cancels meetings; the agenda is picked from the backlog; each decision moves its task in the same
//! transaction with the meeting in the task's history, or sends the item back to the backlog;
//! follow-ups reach their owners' work lists; a mediation on the agenda notifies its agencies; the
//! minutes page and the .ics event; and who may do what.

use hanteam_domain::access::Grant;
use hanteam_domain::AgencyId;
use reqwest::Method;
use serde_json::{json, Value};

use crate::common::{Backend, TestApp};

/// A new task of pair 7 with what tabling asks for, tabled.
async fn tabled_task(app: &TestApp, token: &str, title: &str) -> i64 {
    let (s, created) =
        app.call(Method::POST, "/api/v1/tasks", Some(token), Some(json!({"title": title, "pair_id": 7}))).await;
    assert_eq!(s, 201, "{created}");
    let id = created["id"].as_i64().unwrap();
    app.bring_to(token, id, "tabled").await;
    id
}

async fn schedule(app: &TestApp, token: &str, seq: i64, extra: Value) -> i64 {
    let mut body = json!({"seq": seq, "starts_at": "2099-07-09T15:00", "ends_at": "2099-07-09T17:00",
                          "place": "정부서울청사 별관, 회의실", "chair": "국무1차장"});
    if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
        b.extend(e.clone());
    }
    let (s, m) = app.call(Method::POST, "/api/v1/meetings", Some(token), Some(body)).await;
    assert_eq!(s, 201, "{m}");
    m["id"].as_i64().unwrap()
}

async fn backlog(app: &TestApp, token: &str) -> Value {
    let (s, b) = app.call(Method::GET, "/api/v1/agenda-backlog?limit=500", Some(token), None).await;
    assert_eq!(s, 200, "{b}");
    b
}

fn has_task(backlog: &Value, task: i64) -> bool {
    backlog["items"].as_array().unwrap().iter().any(|i| i["task"]["id"].as_i64() == Some(task))
}

/// How many changes (not sign-ins) the audit log holds.
async fn audit_count(app: &TestApp) -> usize {
    let log = app.db.list_audit(&hanteam_domain::AuditFilter { limit: 500, ..Default::default() }).await.unwrap();
    log.items.iter().filter(|r| !r.entry.action.starts_with("auth.")).count()
}

async fn opc_schedules_edits_and_cancels_a_meeting_and_bad_input_writes_nothing(b: Backend) {
    let app = TestApp::spawn(b).await;
    let opc = app.token_for("c-opc", vec![Grant::OpcAdmin]).await;
    let env = app.agency_id("환경부").await;
    let officer = app.token_for("c-officer", vec![Grant::AgencyOfficer { agency_id: AgencyId::new(env) }]).await;
    let id = schedule(&app, &opc, 3, json!({"attendee_agency_ids": [env, env.to_string()]})).await;
    let m = app.json(&format!("/api/v1/meetings/{id}"), 200).await;
    assert_eq!(
        (m["title"].as_str(), m["status"].as_str()),
        (Some("제3차 협업과제점검협의회"), Some("scheduled")),
        "{m}"
    );
    assert_eq!(m["held_at"], "2099-07-09T06:00:00Z", "Korean time, stored as UTC");

    // Bad input: Korean errors per field, and nothing written.
    let before = (audit_count(&app).await, app.json("/api/v1/meetings", 200).await["total"].clone());
    let bad = json!({"seq": "셋", "starts_at": "7월 9일", "attendee_agency_ids": ["환경부"]});
    let (s, e) = app.call(Method::POST, "/api/v1/meetings", Some(&opc), Some(bad)).await;
    assert_eq!(
        (s, e["error"]["code"].as_str(), e["error"]["field"].as_str()),
        (400, Some("invalid_parameter"), Some("seq")),
        "{e}"
    );
    assert!(e["error"]["message"].as_str().unwrap().contains("회의 차수"), "{e}");
    let (s, e) = app
        .call(
            Method::POST,
            "/api/v1/meetings",
            Some(&opc),
            Some(json!({"seq": 3, "starts_at": "2099-08-01T10:00", "place": "세종"})),
        )
        .await;
    assert_eq!((s, e["error"]["field"].as_str()), (400, Some("seq")), "the number is taken: {e}");
    let (s, e) = app
        .call(
            Method::POST,
            "/api/v1/meetings",
            Some(&opc),
            Some(json!({"seq": 4, "starts_at": "2099-08-01T10:00", "place": "세종", "attendee_agency_ids": [999999]})),
        )
        .await;
    assert_eq!((s, e["error"]["field"].as_str()), (400, Some("attendee_agency_ids")), "{e}");
    let (s, _) = app.call(Method::POST, "/api/v1/meetings", Some(&officer), Some(json!({"seq": 5}))).await;
    assert_eq!(s, 403, "only OPC runs the council");
    assert_eq!((audit_count(&app).await, app.json("/api/v1/meetings", 200).await["total"].clone()), before);

    // The form: errors summarised, nothing written; then scheduled.
    let browser = app.sign_in("c-opc").await;
    let form = browser.client.get(browser.url("/meetings/new")).send().await.unwrap().text().await.unwrap();
    assert!(form.contains("회의 일정 등록") && form.contains("name=\"attendee_agency_ids\""), "{form}");
    let r = browser.post_form("/meetings", &[("seq", ""), ("starts_at", "내일"), ("place", "세종")]).await;
    assert_eq!(r.status().as_u16(), 400);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("입력 오류") && html.contains("고칠 곳이 2군데") && html.contains("href=\"#f-starts-at\""),
        "{html}"
    );
    assert!(html.contains("value=\"세종\""), "what was typed stays");
    assert_eq!(audit_count(&app).await, before.0);
    let env_s = env.to_string();
    let r = browser
        .post_form(
            "/meetings",
            &[
                ("seq", "5"),
                ("starts_at", "2099-09-01T10:00"),
                ("place", "정부세종청사"),
                ("attendee_agency_ids", &env_s),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let location = r.headers()["location"].to_str().unwrap().to_string();
    assert!(location.starts_with("/meetings/") && location.ends_with("?saved=1"), "{location}");
    let page = browser.client.get(browser.url(&location)).send().await.unwrap().text().await.unwrap();
    assert!(
        page.contains("제5차 협업과제점검협의회") && page.contains("개최 예정") && page.contains("환경부"),
        "{page}"
    );

    // Upcoming on the home page, for the public too.
    let home = app.html("/", 200).await;
    assert!(home.contains("다가오는 협의회 회의") && home.contains("제3차 협업과제점검협의회"), "{home}");

    // Edit while scheduled; a stale version is 409.
    let put = json!({"seq": 3, "starts_at": "2099-07-10T14:00", "place": "정부서울청사", "chair": "국무1차장",
                     "attendee_agency_ids": [env], "version": 1});
    let (s, w) = app.call(Method::PUT, &format!("/api/v1/meetings/{id}"), Some(&opc), Some(put.clone())).await;
    assert_eq!((s, w["version"].as_i64()), (200, Some(2)), "{w}");
    let (s, _) = app.call(Method::PUT, &format!("/api/v1/meetings/{id}"), Some(&opc), Some(put)).await;
    assert_eq!(s, 409);

    // Cancel: a confirmation page asking why; no reason is 400; then cancelled, and no more edits.
    let confirm = browser.client.get(browser.url(&format!("/meetings/{id}/cancel"))).send().await.unwrap();
    assert_eq!(confirm.status().as_u16(), 200);
    assert!(confirm.text().await.unwrap().contains("취소 사유"));
    let r = browser.post_form(&format!("/meetings/{id}/cancel"), &[("reason", " "), ("version", "2")]).await;
    assert_eq!(r.status().as_u16(), 400);
    let r =
        browser.post_form(&format!("/meetings/{id}/cancel"), &[("reason", "의장 일정 변경"), ("version", "2")]).await;
    assert_eq!(r.status().as_u16(), 303);
    let m = app.json(&format!("/api/v1/meetings/{id}"), 200).await;
    assert_eq!((m["status"].as_str(), m["cancel_reason"].as_str()), (Some("cancelled"), Some("의장 일정 변경")), "{m}");
    let (s, e) = app
        .call(
            Method::POST,
            &format!("/api/v1/meetings/{id}/cancel"),
            Some(&opc),
            Some(json!({"reason": "x", "version": 3})),
        )
        .await;
    assert_eq!(s, 409, "{e}");
    assert!(!app.html("/", 200).await.contains("제3차 협업과제점검협의회"), "a cancelled meeting is not upcoming");
    let ics = app.get(&format!("/meetings/{id}.ics")).await.text().await.unwrap();
    assert!(ics.contains("\r\nSTATUS:CANCELLED\r\n"), "{ics}");
}

async fn a_tabled_task_is_confirmed_at_a_meeting_with_follow_ups_minutes_and_a_calendar_event(b: Backend) {
    let app = TestApp::spawn(b).await;
    let opc = app.token_for("c-opc", vec![Grant::OpcAdmin]).await;
    let env = app.agency_id("환경부").await;
    let kim = app.user("c-kim", vec![Grant::AgencyOfficer { agency_id: AgencyId::new(env) }]).await;
    let task = tabled_task(&app, &opc, "하천 점용허가 절차 통합").await;
    assert!(has_task(&backlog(&app, &opc).await, task), "a tabled task waits in the backlog");
    let meeting = schedule(&app, &opc, 2, json!({"attendee_agency_ids": [env]})).await;

    // Put on the agenda through the backlog page's button.
    let browser = app.sign_in("c-opc").await;
    let page = browser.client.get(browser.url(&format!("/meetings/{meeting}/agenda"))).send().await.unwrap();
    assert_eq!(page.status().as_u16(), 200);
    let page = page.text().await.unwrap();
    assert!(page.contains("하천 점용허가 절차 통합") && page.contains("안건으로 올리기"), "{page}");
    let task_s = task.to_string();
    let r = browser
        .post_form(&format!("/meetings/{meeting}/agenda"), &[("kind", "task_confirmation"), ("task_id", &task_s)])
        .await;
    assert_eq!(r.status().as_u16(), 303);
    assert!(!has_task(&backlog(&app, &opc).await, task), "on an agenda, it leaves the backlog");
    let (s, e) = app
        .call(
            Method::POST,
            &format!("/api/v1/meetings/{meeting}/agenda-items"),
            Some(&opc),
            Some(json!({"kind": "task_confirmation", "task_id": task})),
        )
        .await;
    assert_eq!(s, 409, "not twice: {e}");
    let (s, e) = app
        .call(
            Method::POST,
            &format!("/api/v1/meetings/{meeting}/agenda-items"),
            Some(&opc),
            Some(json!({"kind": "progress_review", "task_id": task})),
        )
        .await;
    assert_eq!(s, 409, "a tabled task is not reviewed for progress: {e}");
    let m = app.json(&format!("/api/v1/meetings/{meeting}"), 200).await;
    assert!(m["agenda"].as_array().unwrap().is_empty(), "a proposal's item is not shown to the public: {m}");
    let (_, m) = app.call(Method::GET, &format!("/api/v1/meetings/{meeting}"), Some(&opc), None).await;
    let item = m["agenda"][0]["id"].as_i64().unwrap();
    assert_eq!(m["agenda"][0]["kind"], "task_confirmation", "{m}");

    // Bad input writes nothing: an unknown decision, a follow-up without its owner.
    let before = audit_count(&app).await;
    let path = format!("/api/v1/agenda-items/{item}/decision");
    let (s, e) = app.call(Method::POST, &path, Some(&opc), Some(json!({"decision": "noted", "version": 1}))).await;
    assert_eq!((s, e["error"]["field"].as_str()), (400, Some("decision")), "{e}");
    assert!(e["error"]["message"].as_str().unwrap().contains("confirmed(확정)"), "{e}");
    let fu = json!({"decision": "confirmed", "version": 1, "follow_ups": [{"title": "공동 지침 마련", "due": "2099-12-31"}]});
    let (s, e) = app.call(Method::POST, &path, Some(&opc), Some(fu)).await;
    assert_eq!((s, e["error"]["field"].as_str()), (400, Some("follow_ups[0].owner_agency_id")), "{e}");
    assert_eq!(audit_count(&app).await, before);
    assert_eq!(app.call(Method::GET, &format!("/api/v1/tasks/{task}"), Some(&opc), None).await.1["status"], "tabled");

    // The decision form, then the confirmation through it with a follow-up for 환경부's officer.
    let form = browser.client.get(browser.url(&format!("/agenda-items/{item}/decision"))).send().await.unwrap();
    assert_eq!(form.status().as_u16(), 200);
    let form = form.text().await.unwrap();
    assert!(form.contains("안건 결정") && form.contains("follow_ups[0].owner_user_id"), "{form}");
    let kim = kim.get().to_string();
    let env_s = env.to_string();
    let r = browser
        .post_form(
            &format!("/agenda-items/{item}/decision"),
            &[
                ("decision", "confirmed"),
                ("reason", ""),
                ("version", "1"),
                ("follow_ups[0].title", "하천 점용 공동 지침 마련"),
                ("follow_ups[0].owner_agency_id", &env_s),
                ("follow_ups[0].owner_user_id", &kim),
                ("follow_ups[0].due", "2099-12-31"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303, "{}", r.text().await.unwrap_or_default());
    let t = app.call(Method::GET, &format!("/api/v1/tasks/{task}"), Some(&opc), None).await.1;
    assert_eq!(t["status"], "confirmed", "{t}");
    let history = app.json(&format!("/api/v1/tasks/{task}/history"), 200).await;
    let last = history.as_array().unwrap().last().unwrap().clone();
    assert_eq!((last["action"].as_str(), last["meeting_id"].as_i64()), (Some("confirm"), Some(meeting)), "{history}");
    assert_eq!(last["meeting_title"], "제2차 협업과제점검협의회");
    let m = app.json(&format!("/api/v1/meetings/{meeting}"), 200).await;
    assert_eq!((m["status"].as_str(), m["agenda"][0]["decision"].as_str()), (Some("held"), Some("confirmed")), "{m}");
    let (s, e) = app
        .call(Method::POST, &path, Some(&opc), Some(json!({"decision": "returned", "reason": "x", "version": 2})))
        .await;
    assert_eq!(s, 409, "decided once: {e}");
    let log = app.db.list_audit(&hanteam_domain::AuditFilter { limit: 500, ..Default::default() }).await.unwrap();
    for action in ["meeting.create", "agenda_item.create", "agenda_item.decide", "task.transition", "follow_up.create"]
    {
        assert!(log.items.iter().any(|r| r.entry.action == action), "{action} audited");
    }

    // The follow-up is on 김's work list until done.
    let kim_browser = app.sign_in("c-kim").await;
    let home = kim_browser.client.get(kim_browser.url("/")).send().await.unwrap().text().await.unwrap();
    assert!(home.contains("내 후속조치") && home.contains("하천 점용 공동 지침 마련"), "{home}");
    let (_, mine) = kim_browser.send(Method::GET, "/api/v1/follow-ups", None).await;
    assert_eq!(mine["items"][0]["source"], json!({"kind": "council", "id": item}), "{mine}");

    // The minutes, printable; the calendar event.
    let minutes = app.html(&format!("/meetings/{meeting}/minutes"), 200).await;
    assert!(
        minutes.contains("제2차 협업과제점검협의회 회의록") && minutes.contains("하천 점용허가 절차 통합"),
        "{minutes}"
    );
    assert!(
        minutes.contains("확정") && minutes.contains("환경부") && minutes.contains("hanteam-print-stamp"),
        "{minutes}"
    );
    let r = app.get(&format!("/meetings/{meeting}.ics")).await;
    assert_eq!(r.status().as_u16(), 200);
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/calendar"));
    let ics = r.text().await.unwrap();
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"), "{ics}");
    assert!(ics.contains(&format!("\r\nUID:meeting-{meeting}@hanteam\r\n")), "{ics}");
    assert!(ics.contains("\r\nDTSTART:20990709T060000Z\r\nDTEND:20990709T080000Z\r\n"), "{ics}");
    assert!(ics.contains("\r\nLOCATION:정부서울청사 별관\\, 회의실\r\n"), "escaped: {ics}");
    assert!(ics.ends_with("END:VEVENT\r\nEND:VCALENDAR\r\n") && !ics.replace("\r\n", "").contains('\n'), "{ics}");
    let again = app.get(&format!("/meetings/{meeting}.ics")).await.text().await.unwrap();
    assert!(again.contains(&format!("UID:meeting-{meeting}@hanteam")), "the UID stays");

    // The built-in 1st meeting reads as before.
    let first = app.json("/api/v1/meetings/1", 200).await;
    assert_eq!((first["task_count"].as_i64(), first["status"].as_str()), (Some(41), Some("held")), "{first}");
    assert!(app.html("/meetings/1/minutes", 200).await.contains("제1차 협업과제점검협의회 회의록"));
}

async fn a_return_moves_back_a_deferral_returns_to_the_backlog_and_one_of_two_decisions_wins(b: Backend) {
    let app = TestApp::spawn(b).await;
    let opc = app.token_for("c-opc", vec![Grant::OpcAdmin]).await;
    let returned = tabled_task(&app, &opc, "반려될 과제").await;
    let deferred = tabled_task(&app, &opc, "보류될 과제").await;
    let raced = tabled_task(&app, &opc, "동시에 결정될 과제").await;
    let meeting = schedule(&app, &opc, 6, json!({})).await;
    let mut items = Vec::new();
    for task in [returned, deferred, raced] {
        let (s, i) = app
            .call(
                Method::POST,
                &format!("/api/v1/meetings/{meeting}/agenda-items"),
                Some(&opc),
                Some(json!({"kind": "task_confirmation", "task_id": task})),
            )
            .await;
        assert_eq!(s, 201, "{i}");
        items.push(i["id"].as_i64().unwrap());
    }
    let decide = |item: i64, body: Value| {
        let app = &app;
        let opc = &opc;
        async move { app.call(Method::POST, &format!("/api/v1/agenda-items/{item}/decision"), Some(opc), Some(body)).await }
    };
    let (s, d) = decide(items[0], json!({"decision": "returned", "reason": "성과지표 보완 필요", "version": 1})).await;
    assert_eq!((s, d["task_status"].as_str()), (200, Some("proposed")), "{d}");
    let history = app.call(Method::GET, &format!("/api/v1/tasks/{returned}/history"), Some(&opc), None).await.1;
    let last = history.as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (last["action"].as_str(), last["reason"].as_str()),
        (Some("return"), Some("성과지표 보완 필요")),
        "{history}"
    );

    let (s, e) = decide(items[1], json!({"decision": "deferred", "version": 1})).await;
    assert_eq!((s, e["error"]["field"].as_str()), (400, Some("reason")), "a deferral says why: {e}");
    let (s, d) =
        decide(items[1], json!({"decision": "deferred", "reason": "관계 부처 협의 후 재상정", "version": 1})).await;
    assert_eq!((s, d["task_status"].as_str()), (200, Some("tabled")), "{d}");
    assert!(has_task(&backlog(&app, &opc).await, deferred), "deferred: back in the backlog");
    let next = schedule(&app, &opc, 7, json!({})).await;
    let (s, _) = app
        .call(
            Method::POST,
            &format!("/api/v1/meetings/{next}/agenda-items"),
            Some(&opc),
            Some(json!({"kind": "task_confirmation", "task_id": deferred})),
        )
        .await;
    assert_eq!(s, 201, "and on the next meeting's agenda");

    // Two decisions on the same item from the same version: one wins, the other writes nothing.
    let (a, b2) = tokio::join!(
        decide(items[2], json!({"decision": "confirmed", "version": 1})),
        decide(items[2], json!({"decision": "returned", "reason": "반려", "version": 1}))
    );
    let mut statuses = [a.0, b2.0];
    statuses.sort();
    assert_eq!(statuses, [200, 409], "{a:?} {b2:?}");
    let t = app.call(Method::GET, &format!("/api/v1/tasks/{raced}"), Some(&opc), None).await.1;
    let won = if a.0 == 200 { "confirmed" } else { "proposed" };
    assert_eq!(t["status"], won, "{t}");
    let history = app.call(Method::GET, &format!("/api/v1/tasks/{raced}/history"), Some(&opc), None).await.1;
    assert_eq!(history.as_array().unwrap().len(), 2, "table and one decision: {history}");
}

async fn a_mediation_on_the_agenda_tells_its_agencies_and_stays_inside(b: Backend) {
    let app = TestApp::spawn(b).await;
    let opc = app.token_for("c-opc", vec![Grant::OpcAdmin]).await;
    let env = app.agency_id("환경부").await;
    let officer = app.token_for("c-env", vec![Grant::AgencyOfficer { agency_id: AgencyId::new(env) }]).await;
    let body = json!({"category": "budget", "description": "용수 공급 예산 협의", "agency_ids": [env]});
    let (s, bn) = app.call(Method::POST, "/api/v1/tasks/1/bottlenecks", Some(&opc), Some(body)).await;
    assert_eq!(s, 201, "{bn}");
    let bottleneck = bn["id"].as_i64().unwrap();
    let meeting = schedule(&app, &opc, 8, json!({})).await;
    let add = json!({"kind": "mediation", "bottleneck_id": bottleneck});
    let path = format!("/api/v1/meetings/{meeting}/agenda-items");
    let (s, e) = app.call(Method::POST, &path, Some(&opc), Some(add.clone())).await;
    assert_eq!(s, 409, "not before mediation: {e}");
    let (s, _) = app
        .call(
            Method::POST,
            &format!("/api/v1/bottlenecks/{bottleneck}/mediation"),
            Some(&opc),
            Some(json!({"version": 1})),
        )
        .await;
    assert_eq!(s, 200);
    let waiting = backlog(&app, &opc).await;
    assert!(
        waiting["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["kind"] == "mediation" && i["bottleneck_id"] == bottleneck),
        "{waiting}"
    );
    let (s, _) = app.call(Method::GET, "/api/v1/agenda-backlog", Some(&officer), None).await;
    assert_eq!(s, 403, "the backlog is OPC's");
    let (s, e) = app.call(Method::POST, &path, Some(&officer), Some(add.clone())).await;
    assert_eq!(s, 403, "{e}");
    let (s, i) = app.call(Method::POST, &path, Some(&opc), Some(add)).await;
    assert_eq!(s, 201, "{i}");

    let (_, n) = app.call(Method::GET, "/api/v1/notifications", Some(&officer), None).await;
    assert_eq!(n["total"].as_i64(), Some(1), "{n}");
    assert_eq!(n["items"][0]["kind"], "mediation_scheduled");
    assert!(n["items"][0]["title"].as_str().unwrap().starts_with("[이견 조정 회의 일정] "), "{n}");
    assert_eq!(n["items"][0]["link"], format!("/meetings/{meeting}"));

    let public = app.json(&format!("/api/v1/meetings/{meeting}"), 200).await;
    assert!(public["agenda"].as_array().unwrap().is_empty(), "a mediation is not shown to the public: {public}");
    let (_, inside) = app.call(Method::GET, &format!("/api/v1/meetings/{meeting}"), Some(&opc), None).await;
    assert_eq!(inside["agenda"][0]["kind"], "mediation", "{inside}");
    // The involved agency's officer, told of the meeting, finds the item there too.
    let (_, theirs) = app.call(Method::GET, &format!("/api/v1/meetings/{meeting}"), Some(&officer), None).await;
    assert_eq!(theirs["agenda"][0]["kind"], "mediation", "{theirs}");
    let item = i["id"].as_i64().unwrap();
    let (s, d) = app
        .call(
            Method::POST,
            &format!("/api/v1/agenda-items/{item}/decision"),
            Some(&opc),
            Some(json!({"decision": "noted", "reason": "조정 경과 보고", "version": 1})),
        )
        .await;
    assert_eq!((s, d["task_status"].as_str()), (200, Some("confirmed")), "noted moves nothing: {d}");
}

crate::on_both_backends!(
    opc_schedules_edits_and_cancels_a_meeting_and_bad_input_writes_nothing,
    a_tabled_task_is_confirmed_at_a_meeting_with_follow_ups_minutes_and_a_calendar_event,
    a_return_moves_back_a_deferral_returns_to_the_backlog_and_one_of_two_decisions_wins,
    a_mediation_on_the_agenda_tells_its_agencies_and_stays_inside,
);
