//! Bottlenecks (애로사항), their mediation (이견 조정) and follow-up actions (후속조치), through
//! HTTP on both databases: who may do each step, what each page shows to whom, and that bad input
//! writes nothing.

use hanteam_domain::access::Grant;
use hanteam_domain::follow_up::{FollowUpInput, FollowUpSource};
use hanteam_domain::{AgencyId, BottleneckId, TaskId};
use reqwest::Method;
use serde_json::json;

use crate::common::{console, Backend, TestApp};

/// A follow-up on task `task` owned by `agency`, assigned as OPC would (through the use case the
/// council's decisions call inside their own transaction).
async fn assign(app: &TestApp, task: i64, agency: i64, title: &str, due: &str) -> i64 {
    let mut tx = app.db.begin().await.expect("begin");
    let input = FollowUpInput {
        title: Some(title.into()),
        owner_agency_id: Some(agency.to_string()),
        owner_user_id: None,
        due: Some(due.into()),
    };
    let source = FollowUpSource::Mediation(BottleneckId::new(1));
    let f = hanteam_app::follow_ups::create_in(&mut tx, &console(), TaskId::new(task), source, &input, "")
        .await
        .expect("follow-up");
    tx.commit().await.expect("commit");
    f.id
}

/// The titles of the signed-in person's notifications of `kind`, newest first.
async fn notifications_of_kind(who: &crate::common::Browser, kind: &str) -> Vec<String> {
    let (s, list) = who.send(Method::GET, "/api/v1/notifications?limit=500", None).await;
    assert_eq!(s, 200, "{list}");
    crate::common::notices_of_kind(&list, kind).into_iter().map(|(title, _)| title).collect()
}

async fn a_follow_up_stays_on_its_owners_home_page_until_their_agency_marks_it_done(b: Backend) {
    let app = TestApp::spawn(b).await;
    let env = app.agency_id("환경부").await;
    let pipc = app.agency_id("개보위").await;
    app.user("fu-kim", vec![Grant::AgencyOfficer { agency_id: AgencyId::new(env) }]).await;
    app.user("fu-lee", vec![Grant::AgencyOfficer { agency_id: AgencyId::new(pipc) }]).await;
    let first = assign(&app, 1, env, "용수 공급 협의 기간 단축 지침 마련", "2099-09-30").await;
    let second = assign(&app, 1, env, "협의 결과 공유", "2099-10-31").await;

    let kim = app.sign_in("fu-kim").await;
    let home = kim.client.get(kim.url("/")).send().await.unwrap().text().await.unwrap();
    assert!(home.contains("내 후속조치"), "{home}");
    assert!(home.contains("용수 공급 협의 기간 단축 지침 마련") && home.contains(&format!("/follow-ups/{first}/done")));
    let (s, mine) = kim.send(Method::GET, "/api/v1/follow-ups", None).await;
    assert_eq!((s, mine["total"].as_i64()), (200, Some(2)), "{mine}");

    // Someone of another agency neither sees nor marks it; the public is sent to sign in.
    let lee = app.sign_in("fu-lee").await;
    let lee_home = lee.client.get(lee.url("/")).send().await.unwrap().text().await.unwrap();
    assert!(!lee_home.contains("용수 공급 협의 기간 단축 지침 마련"));
    let (s, body) =
        lee.send(Method::POST, &format!("/api/v1/follow-ups/{first}/done"), Some(json!({"version": 1}))).await;
    assert_eq!(s, 404, "{body}");
    let (s, _) = app.call(Method::GET, &format!("/api/v1/follow-ups/{first}"), None, None).await;
    assert_eq!(s, 401);
    let public_home = app.html("/", 200).await;
    assert!(!public_home.contains("용수 공급 협의 기간 단축 지침 마련"));

    // A done date in the future is refused and nothing changes.
    let (s, body) = kim
        .send(
            Method::POST,
            &format!("/api/v1/follow-ups/{first}/done"),
            Some(json!({"done_on": "2999-01-01", "version": 1})),
        )
        .await;
    assert_eq!(s, 400, "{body}");
    assert_eq!(body["error"]["field"], "done_on");
    assert!(body["error"]["message"].as_str().unwrap().contains("오늘"), "{body}");
    let (_, f) = kim.send(Method::GET, &format!("/api/v1/follow-ups/{first}"), None).await;
    assert_eq!((f["version"].as_i64(), f["done_on"].is_null()), (Some(1), true), "{f}");

    // The form marks it done and sends the browser home, where it is no longer listed.
    let r = kim
        .post_form(&format!("/follow-ups/{first}/done"), &[("version", "1"), ("done_on", ""), ("note", "지침 시행")])
        .await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(r.headers()["location"], "/?saved=1");
    let home = kim.client.get(kim.url("/")).send().await.unwrap().text().await.unwrap();
    assert!(!home.contains("용수 공급 협의 기간 단축 지침 마련"), "done: off the list");
    assert!(home.contains("협의 결과 공유"));
    let (_, f) = kim.send(Method::GET, &format!("/api/v1/follow-ups/{first}"), None).await;
    assert_eq!((f["version"].as_i64(), f["done_note"].as_str()), (Some(2), Some("지침 시행")), "{f}");
    let (s, body) =
        kim.send(Method::POST, &format!("/api/v1/follow-ups/{first}/done"), Some(json!({"version": 2}))).await;
    assert_eq!(s, 400, "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("이미"), "{body}");

    // A stale version is 409 and writes nothing; the form shows the conflict again with 409.
    let (s, body) =
        kim.send(Method::POST, &format!("/api/v1/follow-ups/{second}/done"), Some(json!({"version": 7}))).await;
    assert_eq!(s, 409, "{body}");
    let r = kim.post_form(&format!("/follow-ups/{second}/done"), &[("version", "7")]).await;
    assert_eq!(r.status().as_u16(), 409);
    assert!(r.text().await.unwrap().contains("다른 사람이 먼저"));
    let (_, mine) = kim.send(Method::GET, "/api/v1/follow-ups", None).await;
    assert_eq!(mine["total"].as_i64(), Some(1), "{mine}");
    let log = app.db.list_audit(&hanteam_domain::AuditFilter { limit: 500, ..Default::default() }).await.unwrap();
    let done: Vec<_> = log.items.iter().filter(|r| r.entry.action == "follow_up.done").collect();
    assert_eq!(done.len(), 1, "one change, one audit entry");
}

async fn assigning_a_follow_up_checks_its_owner_and_is_opcs(b: Backend) {
    let app = TestApp::spawn(b).await;
    let env = app.agency_id("환경부").await;
    let officer = app.user("fu-officer", vec![Grant::AgencyOfficer { agency_id: AgencyId::new(env) }]).await;
    let other = app.user("fu-auditor", vec![Grant::Auditor]).await;
    let source = FollowUpSource::Mediation(BottleneckId::new(1));
    let input = |user: Option<i64>, agency: &str| FollowUpInput {
        title: Some("고시 개정".into()),
        owner_agency_id: Some(agency.into()),
        owner_user_id: user.map(|u| u.to_string()),
        due: Some("2099-01-31".into()),
    };
    let mut tx = app.db.begin().await.unwrap();
    let e = hanteam_app::follow_ups::create_in(
        &mut tx,
        &console(),
        TaskId::new(1),
        source,
        &input(Some(other.get()), &env.to_string()),
        "",
    )
    .await
    .unwrap_err();
    assert_eq!(e.field_errors()[0].field, "owner_user_id", "an auditor is not of the owner agency");
    let e = hanteam_app::follow_ups::create_in(&mut tx, &console(), TaskId::new(1), source, &input(None, "999999"), "")
        .await
        .unwrap_err();
    assert_eq!(e.field_errors()[0].field, "owner_agency_id");
    let f = hanteam_app::follow_ups::create_in(
        &mut tx,
        &console(),
        TaskId::new(1),
        source,
        &input(Some(officer.get()), &env.to_string()),
        "",
    )
    .await
    .unwrap();
    assert_eq!(f.owner_user_id, Some(officer.get()));
    drop(tx);
    let (_, mine) = app.sign_in("fu-officer").await.send(Method::GET, "/api/v1/follow-ups", None).await;
    assert_eq!(mine["total"], 0, "the transaction was not committed: nothing was written");
    // An officer cannot assign one.
    let grants = app.db.grants(officer).await.unwrap();
    let p = hanteam_domain::access::Principal::person(officer, grants, None);
    let by = hanteam_app::Caller::person(p, "fu-officer", hanteam_app::Credential::Console, None);
    let mut tx = app.db.begin().await.unwrap();
    let e =
        hanteam_app::follow_ups::create_in(&mut tx, &by, TaskId::new(1), source, &input(None, &env.to_string()), "")
            .await
            .unwrap_err();
    assert!(matches!(e, hanteam_app::UseCaseError::Forbidden(_)), "{e:?}");
}

/// The two agencies of task 1 (국토부, 환경부) and an officer of each, OPC, an evaluator assigned to
/// task 1, an officer of an agency outside it.
struct Cast {
    molit: i64,
    env: i64,
}

async fn cast(app: &TestApp) -> Cast {
    let molit = app.agency_id("국토부").await;
    let env = app.agency_id("환경부").await;
    let pipc = app.agency_id("개보위").await;
    app.user("b-molit", vec![Grant::AgencyOfficer { agency_id: AgencyId::new(molit) }]).await;
    app.user("b-env", vec![Grant::AgencyOfficer { agency_id: AgencyId::new(env) }]).await;
    app.user("b-pipc", vec![Grant::AgencyOfficer { agency_id: AgencyId::new(pipc) }]).await;
    app.user("b-opc", vec![Grant::OpcAdmin]).await;
    let evaluator = app.user("b-eval", vec![Grant::Evaluator]).await;
    app.assign(evaluator, 1).await;
    Cast { molit, env }
}

async fn a_bottleneck_goes_from_raised_through_mediation_to_agreed_actions_each_step_by_whom_it_belongs_to(b: Backend) {
    let app = TestApp::spawn(b).await;
    let c = cast(&app).await;
    let (molit, env, pipc, opc) = (
        app.sign_in("b-molit").await,
        app.sign_in("b-env").await,
        app.sign_in("b-pipc").await,
        app.sign_in("b-opc").await,
    );
    let eval = app.sign_in("b-eval").await;

    // Raising: bad input is refused in Korean and writes nothing; an outsider may not raise.
    let (s, e) = env
        .send(
            Method::POST,
            "/api/v1/tasks/1/bottlenecks",
            Some(json!({"category": "disagreement", "description": "", "agency_ids": [c.env]})),
        )
        .await;
    assert_eq!(s, 400, "{e}");
    assert_eq!(e["error"]["field"], "description");
    let (s, _) = pipc
        .send(
            Method::POST,
            "/api/v1/tasks/1/bottlenecks",
            Some(json!({"category": "budget", "description": "x", "agency_ids": [c.env]})),
        )
        .await;
    assert_eq!(s, 403);
    let (_, list) = opc.send(Method::GET, "/api/v1/bottlenecks", None).await;
    assert_eq!(list["total"], 0, "nothing was written");
    let body =
        json!({"category": "disagreement", "description": "용수 공급 방식에 이견", "agency_ids": [c.molit, c.env]});
    let (s, raised) = env.send(Method::POST, "/api/v1/tasks/1/bottlenecks", Some(body)).await;
    assert_eq!(s, 201, "{raised}");
    let id = raised["id"].as_i64().unwrap();
    let path = format!("/api/v1/bottlenecks/{id}");
    let (_, d) = opc.send(Method::GET, &path, None).await;
    assert_eq!(
        (d["status"].as_str(), d["raised_by_agency"]["short_name"].as_str()),
        (Some("raised"), Some("환경부")),
        "{d}"
    );
    assert_eq!(d["days_open"], 0);

    // Who sees it: the task's agencies and OPC; not an outsider, not an evaluator, not the public.
    for (who, status) in [(&molit, 200), (&pipc, 404), (&eval, 404)] {
        assert_eq!(who.send(Method::GET, &path, None).await.0, status);
    }
    assert_eq!(app.call(Method::GET, &path, None, None).await.0, 401);
    let public_task = app.html("/tasks/1", 200).await;
    assert!(
        public_task.contains("해소 중인 애로사항이 1건") && !public_task.contains("용수 공급 방식에 이견"),
        "a count at most"
    );
    let eval_task = eval.client.get(eval.url("/tasks/1")).send().await.unwrap().text().await.unwrap();
    assert!(!eval_task.contains("용수 공급 방식에 이견"));
    let (_, theirs) = pipc.send(Method::GET, "/api/v1/bottlenecks", None).await;
    assert_eq!(theirs["total"], 0, "an outsider's list holds none");
    for who in [&molit, &env] {
        let (_, theirs) = who.send(Method::GET, "/api/v1/bottlenecks", None).await;
        assert_eq!((theirs["total"].as_i64(), theirs["items"][0]["id"].as_i64()), (Some(1), Some(id)), "{theirs}");
    }

    // Positions: each agency writes its own, OPC none.
    let position = |agency: i64| format!("/api/v1/bottlenecks/{id}/positions/{agency}");
    let (s, e) = env.send(Method::PUT, &position(c.molit), Some(json!({"position": "대신 씀", "version": 1}))).await;
    assert_eq!(s, 403, "{e}");
    let (s, _) = opc.send(Method::PUT, &position(c.env), Some(json!({"position": "대신 씀", "version": 1}))).await;
    assert_eq!(s, 403);
    let (s, w) =
        env.send(Method::PUT, &position(c.env), Some(json!({"position": "수질 대책이 먼저", "version": 1}))).await;
    assert_eq!((s, w["version"].as_i64()), (200, Some(2)), "{w}");
    let (s, _) = env.send(Method::PUT, &position(c.env), Some(json!({"position": "늦은 수정", "version": 1}))).await;
    assert_eq!(s, 409, "a stale version");
    let (s, _) =
        molit.send(Method::PUT, &position(c.molit), Some(json!({"position": "공급 일정이 먼저", "version": 1}))).await;
    assert_eq!(s, 200);

    // Only OPC moves it; a move out of order is refused saying what can be done now.
    let (s, e) =
        opc.send(Method::POST, &format!("{path}/outcome"), Some(json!({"outcome": "agreed", "version": 1}))).await;
    assert_eq!(s, 400, "{e}");
    assert!(e["error"]["message"].as_str().unwrap().contains("지금 할 수 있는 일: 조정 시작, 조정 없이 해소"), "{e}");
    let (s, _) = env.send(Method::POST, &format!("{path}/mediation"), Some(json!({"version": 1}))).await;
    assert_eq!(s, 403);
    let (s, e) =
        opc.send(Method::POST, &format!("{path}/meetings"), Some(json!({"held_at": "2024-07-09T15:00"}))).await;
    assert_eq!(s, 400, "no meeting before mediation: {e}");
    let (s, w) = opc.send(Method::POST, &format!("{path}/mediation"), Some(json!({"version": 1}))).await;
    assert_eq!((s, w["version"].as_i64()), (200, Some(2)), "{w}");
    let (s, _) = opc.send(Method::POST, &format!("{path}/resolve"), Some(json!({"reason": "x", "version": 2}))).await;
    assert_eq!(s, 400, "no resolving without mediation once mediating");

    // A meeting: Korean time, attendees by agency, optionally a council meeting.
    let (s, e) = opc
        .send(
            Method::POST,
            &format!("{path}/meetings"),
            Some(json!({"held_at": "2024-07-09 15:00", "attendees": "없는부처 담당자"})),
        )
        .await;
    assert_eq!((s, e["error"]["field"].as_str()), (400, Some("attendees")), "{e}");
    let meeting = json!({"held_at": "2024-07-09 15:00", "venue": "정부서울청사", "attendees": "국토부 산업입지정책과장\n환경부 물관리정책과장", "council_meeting_id": 1});
    let (s, m) = opc.send(Method::POST, &format!("{path}/meetings"), Some(meeting)).await;
    assert_eq!(s, 201, "{m}");
    // The agencies involved are told of the meeting in their bell; an outsider is not.
    for (who, told) in [(&env, 1), (&molit, 1), (&pipc, 0)] {
        let titles = notifications_of_kind(who, "mediation_scheduled").await;
        assert_eq!(titles.len(), told, "{titles:?}");
        if let Some(t) = titles.first() {
            assert!(
                t.starts_with("[이견 조정 회의 일정] 과제 1 · ") && t.contains("2024. 7. 9. 15:00, 정부서울청사"),
                "{t}"
            );
        }
    }
    let (_, d) = env.send(Method::GET, &path, None).await;
    assert_eq!(d["meetings"][0]["held_at"], "2024-07-09T06:00:00Z");
    assert_eq!(d["meetings"][0]["attendees"][1]["agency"], "환경부");
    assert_eq!(d["meetings"][0]["council_meeting_id"], 1);

    // The outcome: agreed needs an action; an owner outside the task is refused; then resolved with
    // the actions as follow-ups of their owners.
    let (s, e) =
        opc.send(Method::POST, &format!("{path}/outcome"), Some(json!({"outcome": "agreed", "version": 2}))).await;
    assert_eq!((s, e["error"]["field"].as_str()), (400, Some("follow_ups")), "{e}");
    let pipc_id = app.agency_id("개보위").await;
    let outsider = json!({"outcome": "agreed", "version": 2, "follow_ups": [{"title": "x", "owner_agency_id": pipc_id, "due": "2099-01-01"}]});
    let (s, e) = opc.send(Method::POST, &format!("{path}/outcome"), Some(outsider)).await;
    assert_eq!((s, e["error"]["field"].as_str()), (400, Some("follow_ups[0].owner_agency_id")), "{e}");
    let outcome = json!({"outcome": "partly_agreed", "note": "공급 방식만 합의", "version": 2, "follow_ups": [
        {"title": "수질 보전 대책 마련", "owner_agency_id": c.env, "due": "2099-09-30"},
        {"title": "공급 일정 재수립", "owner_agency_id": c.molit, "due": "2099-10-31"}]});
    let (s, w) = opc.send(Method::POST, &format!("{path}/outcome"), Some(outcome.clone())).await;
    assert_eq!(s, 200, "{w}");
    let (s, _) = opc.send(Method::POST, &format!("{path}/outcome"), Some(outcome)).await;
    assert_eq!(s, 400, "recorded once");
    let (_, d) = env.send(Method::GET, &path, None).await;
    assert_eq!((d["status"].as_str(), d["outcome"].as_str()), (Some("resolved"), Some("partly_agreed")), "{d}");
    assert_eq!(d["follow_ups"].as_array().unwrap().len(), 2);
    let (s, _) = env.send(Method::PUT, &position(c.env), Some(json!({"position": "추가", "version": 2}))).await;
    assert_eq!(s, 400, "a closed bottleneck's positions stay as they were");
    // Each owner agency is told of its follow-up, once.
    assert_eq!(
        notifications_of_kind(&env, "follow_up_assigned").await,
        ["[후속조치 지정] 수질 보전 대책 마련 (기한 2099. 9. 30.)"]
    );
    assert_eq!(
        notifications_of_kind(&molit, "follow_up_assigned").await,
        ["[후속조치 지정] 공급 일정 재수립 (기한 2099. 10. 31.)"]
    );
    assert!(notifications_of_kind(&pipc, "follow_up_assigned").await.is_empty());
    let (_, mine) = env.send(Method::GET, "/api/v1/follow-ups", None).await;
    assert_eq!(mine["items"][0]["title"], "수질 보전 대책 마련", "{mine}");
    assert_eq!(mine["total"], 1, "only 환경부's");
    let home = env.client.get(env.url("/")).send().await.unwrap().text().await.unwrap();
    assert!(home.contains("수질 보전 대책 마련"));

    // Every step is in the audit log under its Korean name.
    let log = app.db.list_audit(&hanteam_domain::AuditFilter { limit: 500, ..Default::default() }).await.unwrap();
    for action in [
        "bottleneck.raise",
        "bottleneck.position",
        "bottleneck.mediate",
        "mediation_meeting.create",
        "bottleneck.outcome",
        "follow_up.create",
    ] {
        assert!(log.items.iter().any(|r| r.entry.action == action), "{action} is audited");
    }
}

async fn open_bottlenecks_show_with_their_age_on_the_task_agency_home_and_list_pages_and_a_resolved_one_leaves(
    b: Backend,
) {
    let app = TestApp::spawn(b).await;
    let c = cast(&app).await;
    let (env, opc) = (app.sign_in("b-env").await, app.sign_in("b-opc").await);
    let (s, raised) = env
        .send(
            Method::POST,
            "/api/v1/tasks/1/bottlenecks",
            Some(json!({"category": "law_regulation", "description": "환경영향평가 협의 기간", "agency_ids": [c.env]})),
        )
        .await;
    assert_eq!(s, 201);
    let id = raised["id"].as_i64().unwrap();
    let row = format!("/bottlenecks/{id}");
    let page = |who: &crate::common::Browser, path: &str| {
        let (client, url) = (who.client.clone(), who.url(path));
        async move { client.get(url).send().await.unwrap().text().await.unwrap() }
    };
    let home = page(&env, "/").await;
    assert!(home.contains(&row) && home.contains("0일째"), "home: {home}");
    let task = page(&env, "/tasks/1").await;
    assert!(task.contains(&row) && task.contains("애로사항 제기"));
    let agency = page(&env, &format!("/agencies/{}", c.env)).await;
    assert!(agency.contains(&row), "the agency page lists it");
    let agency_public = app.html(&format!("/agencies/{}", c.env), 200).await;
    assert!(!agency_public.contains(&row), "not to the public");
    let list = page(&opc, "/bottlenecks?status=open&agency=환경부").await;
    assert!(list.contains(&row) && list.contains("법령·규제"));
    let list = page(&opc, "/bottlenecks?status=resolved").await;
    assert!(!list.contains(&row));
    let r = opc.client.get(opc.url("/bottlenecks?status=weather")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 400);
    assert!(r.text().await.unwrap().contains("알 수 없는 애로사항 상태"));
    let (s, e) = opc.send(Method::GET, "/api/v1/bottlenecks?agency=없는부처", None).await;
    assert_eq!((s, e["error"]["field"].as_str()), (400, Some("agency")));

    // Resolved without mediation, through the page: a reason is required; then it leaves the open lists.
    let r = opc.post_form(&format!("/bottlenecks/{id}/resolve"), &[("version", "1"), ("reason", "")]).await;
    assert_eq!(r.status().as_u16(), 400);
    assert!(r.text().await.unwrap().contains("해소 사유"));
    let r = opc
        .post_form(&format!("/bottlenecks/{id}/resolve"), &[("version", "1"), ("reason", "고시 해석으로 정리")])
        .await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(r.headers()["location"], format!("/bottlenecks/{id}?saved=1"));
    let detail = page(&env, &row).await;
    assert!(detail.contains("고시 해석으로 정리") && detail.contains("해소"));
    let home = page(&env, "/").await;
    assert!(!home.contains(&row), "no longer open");
    let (_, list) = opc.send(Method::GET, "/api/v1/bottlenecks?status=open", None).await;
    assert_eq!(list["total"], 0);
    let (_, list) = opc.send(Method::GET, "/api/v1/bottlenecks?status=resolved", None).await;
    assert_eq!((list["total"].as_i64(), list["items"].as_array().map(Vec::len)), (Some(1), Some(1)), "{list}");
    let (_, past) = opc.send(Method::GET, "/api/v1/bottlenecks?status=resolved&offset=5", None).await;
    assert_eq!((past["total"].as_i64(), past["items"].as_array().map(Vec::len)), (Some(1), Some(0)), "{past}");
    assert!(!app.html("/tasks/1", 200).await.contains("해소 중인 애로사항"), "no open one left to count");
}

async fn the_bottleneck_forms_work_without_javascript_and_keep_what_was_typed(b: Backend) {
    let app = TestApp::spawn(b).await;
    let c = cast(&app).await;
    let (env, opc) = (app.sign_in("b-env").await, app.sign_in("b-opc").await);
    let form = env.client.get(env.url("/tasks/1/bottlenecks/new")).send().await.unwrap().text().await.unwrap();
    assert!(form.contains("관련 기관") && form.contains(r#"type="checkbox" name="agency_ids""#), "{form}");
    let molit = c.molit.to_string();
    let r = env
        .post_form(
            "/tasks/1/bottlenecks",
            &[("category", "disagreement"), ("description", "이견 내용"), ("agency_ids", &molit)],
        )
        .await;
    assert_eq!(r.status().as_u16(), 400);
    let html = r.text().await.unwrap();
    assert!(html.contains("둘 이상") && html.contains("이견 내용"), "the error and what was typed");
    let env_id = c.env.to_string();
    let r = env
        .post_form(
            "/tasks/1/bottlenecks",
            &[
                ("category", "disagreement"),
                ("description", "이견 내용"),
                ("agency_ids", &molit),
                ("agency_ids", &env_id),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let at = r.headers()["location"].to_str().unwrap().to_string();
    let id: i64 = at.trim_start_matches("/bottlenecks/").trim_end_matches("?saved=1").parse().unwrap();
    let r = env
        .post_form(&format!("/bottlenecks/{id}/positions/{}", c.env), &[("version", "1"), ("position", "환경부 입장")])
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let r = opc.post_form(&format!("/bottlenecks/{id}/mediation"), &[("version", "1")]).await;
    assert_eq!(r.status().as_u16(), 303);
    let r = opc
        .post_form(
            &format!("/bottlenecks/{id}/meetings"),
            &[("held_at", "2024-07-09T15:00"), ("venue", "세종청사"), ("attendees", ""), ("council_meeting_id", "")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let r = opc
        .post_form(
            &format!("/bottlenecks/{id}/outcome"),
            &[
                ("version", "2"),
                ("outcome", "agreed"),
                ("note", ""),
                ("follow_ups[0].title", "대책 마련"),
                ("follow_ups[0].owner_agency_id", ""),
                ("follow_ups[0].due", "2099-01-01"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 400);
    let html = r.text().await.unwrap();
    assert!(html.contains("담당 기관을 골라 주세요") && html.contains("대책 마련"), "{html}");
    let r = opc
        .post_form(
            &format!("/bottlenecks/{id}/outcome"),
            &[("version", "2"), ("outcome", "not_agreed"), ("note", "상위 보고: 국무회의 안건으로")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let detail = env.client.get(env.url(&format!("/bottlenecks/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(detail.contains("상위 보고") && detail.contains("세종청사") && detail.contains("환경부 입장"), "{detail}");
}

on_both_backends!(
    a_follow_up_stays_on_its_owners_home_page_until_their_agency_marks_it_done,
    assigning_a_follow_up_checks_its_owner_and_is_opcs,
    a_bottleneck_goes_from_raised_through_mediation_to_agreed_actions_each_step_by_whom_it_belongs_to,
    open_bottlenecks_show_with_their_age_on_the_task_agency_home_and_list_pages_and_a_resolved_one_leaves,
    the_bottleneck_forms_work_without_javascript_and_keep_what_was_typed,
);
