//! Periodic checks over real HTTP on both databases: a report's lock, return and resubmission; who
//! may file what; attachments told by their content; what a closed cycle carries over; and that the
//! public sees only the lights.

use hanteam_domain::access::Grant;
use hanteam_domain::{AgencyId, PositionId};
use reqwest::Method;
use serde_json::{json, Value};

use crate::common::{Backend, TestApp};

struct Setup {
    opc: String,
    /// Officer of 환경부 (task 1's co-agency).
    env: String,
    env_id: i64,
    molit_id: i64,
    cycle: i64,
}

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
const EXE: &[u8] = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00This program cannot be run in DOS mode.";

async fn setup(app: &TestApp) -> Setup {
    let opc = app.token_for("opc", vec![Grant::OpcAdmin]).await;
    let env_id = app.agency_id("환경부").await;
    let molit_id = app.agency_id("국토부").await;
    let env = app.token_for("env-officer", vec![Grant::AgencyOfficer { agency_id: AgencyId::new(env_id) }]).await;
    let (s, body) = app
        .call(
            Method::POST,
            "/api/v1/check-cycles",
            Some(&opc),
            Some(json!({"name": "2024년 2분기", "period_start": "2024-04-01", "period_end": "2024-06-30", "due": "2024-07-05"})),
        )
        .await;
    assert_eq!(s, 201, "{body}");
    Setup { opc, env, env_id, molit_id, cycle: body["id"].as_i64().unwrap() }
}

/// Every row of a query, each column cast to text and joined with ':'.
async fn rows(db: &hanteam_store::Db, sql: &str) -> Vec<String> {
    match db {
        hanteam_store::Db::Sqlite(pool) => sqlx::query_scalar(sql).fetch_all(pool).await,
        hanteam_store::Db::Postgres(pool) => sqlx::query_scalar(sql).fetch_all(pool).await,
    }
    .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// The cycle counts kept as reports change are what counting the reports gives, and the cycle's
/// JSON reads them: `reports` and `submitted` in `expected`.
async fn counts_are_kept(app: &TestApp, s: &Setup, expected: (i64, i64)) {
    let kept = rows(
        &app.db,
        "SELECT CAST(cycle_id AS TEXT) || ':' || CAST(agency_id AS TEXT) || ':' || counted || ':' || CAST(n AS TEXT)
         FROM check_cycle_counts WHERE n <> 0 ORDER BY cycle_id, agency_id, counted",
    )
    .await;
    let counted = rows(
        &app.db,
        "SELECT CAST(cycle_id AS TEXT) || ':' || CAST(agency_id AS TEXT) || ':' || counted || ':' || CAST(n AS TEXT) FROM (
           SELECT cycle_id, agency_id, CASE status WHEN 'submitted' THEN 'submitted' ELSE 'open' END AS counted, COUNT(*) AS n FROM progress_reports
           GROUP BY cycle_id, agency_id, CASE status WHEN 'submitted' THEN 'submitted' ELSE 'open' END
           UNION ALL SELECT cycle_id, 0, CASE status WHEN 'submitted' THEN 'submitted' ELSE 'open' END, COUNT(*) FROM progress_reports GROUP BY cycle_id, CASE status WHEN 'submitted' THEN 'submitted' ELSE 'open' END
           UNION ALL SELECT cycle_id, 0, 'tasks', COUNT(DISTINCT task_id) FROM progress_reports GROUP BY cycle_id
         ) c ORDER BY cycle_id, agency_id, counted",
    )
    .await;
    assert_eq!(kept, counted);
    let (_, cycle) = app.call(Method::GET, &format!("/api/v1/check-cycles/{}", s.cycle), Some(&s.opc), None).await;
    assert_eq!(
        (cycle["reports"].as_i64(), cycle["submitted"].as_i64()),
        (Some(expected.0), Some(expected.1)),
        "{cycle}"
    );
    let tasks = kept.iter().find(|k| k.starts_with(&format!("{}:0:tasks:", s.cycle))).expect("tasks counted");
    assert_eq!(
        Some(tasks.rsplit(':').next().unwrap()),
        cycle["tasks"]["total"].as_i64().map(|n| n.to_string()).as_deref()
    );
}

fn report_path(cycle: i64, task: i64, agency: i64) -> String {
    format!("/api/v1/check-cycles/{cycle}/reports/{task}/{agency}")
}

async fn report(app: &TestApp, token: &str, path: &str) -> Value {
    let (s, body) = app.call(Method::GET, path, Some(token), None).await;
    assert_eq!(s, 200, "GET {path}: {body}");
    body
}

/// A full draft of task 1's report: its milestone not done with a reason, both KPIs.
pub(crate) fn draft(r: &Value, narrative: &str) -> Value {
    let milestones: Vec<Value> = r["milestones"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| json!({"milestone_id": m["milestone_id"], "done_on": null, "reason": "환경영향평가 협의 중"}))
        .collect();
    let kpis: Vec<Value> =
        r["kpis"].as_array().unwrap().iter().map(|k| json!({"kpi_id": k["kpi_id"], "actual": null})).collect();
    json!({
        "narrative": narrative,
        "citizen_change": "산단 조성 일정이 앞당겨짐",
        "bottlenecks": "용수 공급 협의 지연",
        "milestones": milestones,
        "kpis": kpis,
        "version": r["version"],
    })
}

async fn a_submitted_report_is_locked_until_opc_returns_it_and_then_is_resubmitted(b: Backend) {
    let app = TestApp::spawn(b).await;
    let s = setup(&app).await;
    let path = report_path(s.cycle, 1, s.env_id);
    let (_, cycle) = app.call(Method::GET, &format!("/api/v1/check-cycles/{}", s.cycle), Some(&s.opc), None).await;
    let all = cycle["reports"].as_i64().unwrap();
    counts_are_kept(&app, &s, (all, 0)).await;
    let r = report(&app, &s.env, &path).await;
    assert_eq!((r["status"].as_str(), r["may_file"].as_bool()), (Some("not_started"), Some(true)));
    assert_eq!(r["milestones"].as_array().unwrap().len(), 1, "task 1 has one milestone");

    // Submitting an empty report names what is missing.
    let (st, body) = app.call(Method::POST, &format!("{path}/submit"), Some(&s.env), Some(json!({"version": 1}))).await;
    assert_eq!(st, 400, "{body}");
    assert_eq!(body["error"]["field"], "narrative");

    let (st, saved) = app.call(Method::PUT, &path, Some(&s.env), Some(draft(&r, "산업단지계획 수립"))).await;
    assert_eq!(st, 200, "{saved}");
    let v = saved["version"].as_i64().unwrap();
    counts_are_kept(&app, &s, (all, 0)).await;
    let (st, body) = app.call(Method::POST, &format!("{path}/submit"), Some(&s.env), Some(json!({"version": v}))).await;
    assert_eq!(st, 200, "{body}");
    counts_are_kept(&app, &s, (all, 1)).await;
    let r = report(&app, &s.env, &path).await;
    assert_eq!((r["status"].as_str(), r["may_file"].as_bool()), (Some("submitted"), Some(false)));
    assert_eq!(r["milestones"][0]["reason"], "환경영향평가 협의 중");

    // Locked: another save is refused and changes nothing.
    let (st, body) = app.call(Method::PUT, &path, Some(&s.env), Some(draft(&r, "덮어쓰기"))).await;
    assert_eq!(st, 400, "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("잠겨 있어"), "{body}");
    assert_eq!(report(&app, &s.env, &path).await["narrative"], "산업단지계획 수립");

    // The officer cannot return its own report; OPC can, and must say why.
    let version = r["version"].clone();
    let (st, _) = app
        .call(Method::POST, &format!("{path}/return"), Some(&s.env), Some(json!({"comment": "x", "version": version})))
        .await;
    assert_eq!(st, 403);
    let (st, body) =
        app.call(Method::POST, &format!("{path}/return"), Some(&s.opc), Some(json!({"version": version}))).await;
    assert_eq!((st, body["error"]["field"].as_str()), (400, Some("comment")), "{body}");
    let (st, body) = app
        .call(
            Method::POST,
            &format!("{path}/return"),
            Some(&s.opc),
            Some(json!({"comment": "성과지표 실적을 채워 주세요", "version": version})),
        )
        .await;
    assert_eq!(st, 200, "{body}");
    counts_are_kept(&app, &s, (all, 0)).await;
    let r = report(&app, &s.env, &path).await;
    assert_eq!((r["status"].as_str(), r["may_file"].as_bool()), (Some("returned"), Some(true)));
    assert_eq!(r["return_comment"], "성과지표 실적을 채워 주세요");

    // Mended and resubmitted; a KPI value takes its unit as written, and a wrong unit is refused.
    let mut mended = draft(&r, "산업단지계획 수립, 승인 신청 준비");
    mended["kpis"][0]["actual"] = json!("30건");
    let (st, body) = app.call(Method::PUT, &path, Some(&s.env), Some(mended.clone())).await;
    assert_eq!(st, 400, "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("'%'"), "{body}");
    mended["kpis"][0]["actual"] = json!("30%");
    let (st, saved) = app.call(Method::PUT, &path, Some(&s.env), Some(mended)).await;
    assert_eq!(st, 200, "{saved}");
    let (st, body) = app
        .call(Method::POST, &format!("{path}/submit"), Some(&s.env), Some(json!({"version": saved["version"]})))
        .await;
    assert_eq!(st, 200, "{body}");
    let r = report(&app, &s.opc, &path).await;
    assert_eq!((r["status"].as_str(), r["kpis"][0]["actual"].as_f64()), (Some("submitted"), Some(30.0)));
    counts_are_kept(&app, &s, (all, 1)).await;

    let (_, log) = app
        .call(
            Method::GET,
            &format!("/api/v1/audit?record_type=progress_report&record_id={}", r["id"]),
            Some(&s.opc),
            None,
        )
        .await;
    let actions: Vec<&str> = log["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(
        actions,
        vec![
            "progress_report.submit",
            "progress_report.save",
            "progress_report.return",
            "progress_report.submit",
            "progress_report.save"
        ]
    );
    assert_eq!(app.db.verify_audit().await.unwrap().map(|_| ()), Ok(()));
}

async fn only_the_agencys_officers_and_the_pairs_exchangee_of_that_agency_file_its_report(b: Backend) {
    let app = TestApp::spawn(b).await;
    let s = setup(&app).await;
    let pair = &app.json("/api/v1/exchange-pairs", 200).await["items"][0];
    // Pair 1: 국토부 국토정책관 and 환경부 자연보전국장.
    let molit_position = pair["positions"][0]["id"].as_i64().unwrap();
    assert_eq!(pair["positions"][0]["agency"]["short_name"], "국토부");
    let exchangee =
        app.token_for("exchangee", vec![Grant::Exchangee { position_id: PositionId::new(molit_position) }]).await;
    let pipc = app.agency_id("개보위").await;
    let stranger = app.token_for("pipc-officer", vec![Grant::AgencyOfficer { agency_id: AgencyId::new(pipc) }]).await;
    let env_report = report_path(s.cycle, 1, s.env_id);
    let molit_report = report_path(s.cycle, 1, s.molit_id);
    let body = |n: &str| json!({"narrative": n, "version": 1});

    let (st, _) = app.call(Method::PUT, &molit_report, Some(&s.env), Some(body("남의 보고"))).await;
    assert_eq!(st, 403, "an officer of 환경부 does not file 국토부's report");
    let (st, _) = app.call(Method::PUT, &env_report, Some(&exchangee), Some(body("남의 보고"))).await;
    assert_eq!(st, 403, "the exchangee files for the agency of its position only");
    let (st, saved) = app.call(Method::PUT, &molit_report, Some(&exchangee), Some(body("국토부 실적"))).await;
    assert_eq!(st, 200, "{saved}");
    let (st, _) = app.call(Method::PUT, &env_report, Some(&s.opc), Some(body("대신 작성"))).await;
    assert_eq!(st, 403, "OPC reviews reports; it does not write them");
    let (st, _) = app.call(Method::PUT, &env_report, Some(&stranger), Some(body("x"))).await;
    assert_eq!(st, 403, "an agency outside the task");
    let (st, _) = app.call(Method::PUT, &env_report, None, Some(body("x"))).await;
    assert_eq!(st, 401);

    // A draft is its writers' and OPC's; the co-agency sees it once submitted.
    let (st, _) = app.call(Method::GET, &molit_report, Some(&s.env), None).await;
    assert_eq!(st, 404, "환경부 does not read 국토부's draft");
    assert_eq!(report(&app, &s.opc, &molit_report).await["narrative"], "국토부 실적");
    let (st, _) = app.call(Method::GET, &molit_report, None, None).await;
    assert_eq!(st, 401, "the public never reads a report");

    // Nothing a refused call tried was written.
    let r = report(&app, &s.opc, &env_report).await;
    assert_eq!((r["status"].as_str(), r["narrative"].is_null()), (Some("not_started"), true));
    let (st, body) = app.call(Method::POST, "/api/v1/check-cycles", Some(&s.env), Some(json!({"name": "x"}))).await;
    assert_eq!(st, 403, "only OPC opens a cycle: {body}");
    let (st, list) = app.call(Method::GET, "/api/v1/check-cycles", Some(&s.env), None).await;
    assert_eq!((st, list["total"].as_i64()), (200, Some(1)));
}

async fn an_attachment_is_told_by_its_content_and_downloads_safely(b: Backend) {
    let app = TestApp::spawn(b).await;
    let s = setup(&app).await;
    let path = report_path(s.cycle, 1, s.env_id);
    let upload = |name: &'static str, bytes: &'static [u8], token: Option<String>| {
        let url = format!("{}{path}/attachments", app.base);
        let client = app.client.clone();
        async move {
            let part = reqwest::multipart::Part::bytes(bytes).file_name(name).mime_str("application/pdf").unwrap();
            let mut req = client.post(url).multipart(reqwest::multipart::Form::new().part("file", part));
            if let Some(t) = token {
                req = req.bearer_auth(t);
            }
            let r = req.send().await.expect("upload");
            let status = r.status().as_u16();
            (status, r.json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    let (st, body) = upload("실적 보고서.pdf", PDF, Some(s.env.clone())).await;
    assert_eq!(st, 201, "{body}");
    let file = body["id"].as_i64().unwrap();
    let (st, body) = upload("실적 보고서.pdf", EXE, Some(s.env.clone())).await;
    assert_eq!(st, 400, "a program renamed .pdf: {body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("PDF 문서이(가) 아닙니다"), "{body}");
    let (st, body) = upload("setup.exe", EXE, Some(s.env.clone())).await;
    assert_eq!(st, 400, "{body}");
    let (st, _) = upload("남의.pdf", PDF, Some(s.opc.clone())).await;
    assert_eq!(st, 403, "OPC does not attach to an agency's report");
    let (st, _) = upload("x.pdf", PDF, None).await;
    assert_eq!(st, 401);

    let r = report(&app, &s.env, &path).await;
    let files = r["attachments"].as_array().unwrap();
    assert_eq!(files.len(), 1, "the refused files were not kept");
    assert_eq!((files[0]["kind"].as_str(), files[0]["size_bytes"].as_u64()), (Some("pdf"), Some(PDF.len() as u64)));

    let got =
        app.client.get(format!("{}{path}/attachments/{file}", app.base)).bearer_auth(&s.env).send().await.unwrap();
    assert_eq!(got.status().as_u16(), 200);
    let h = got.headers().clone();
    assert_eq!(h["content-type"], "application/pdf");
    assert_eq!(h["x-content-type-options"], "nosniff");
    let disposition = h["content-disposition"].to_str().unwrap();
    assert!(
        disposition.starts_with(&format!("attachment; filename=\"attachment-{file}.pdf\"; filename*=UTF-8''")),
        "{disposition}"
    );
    assert!(disposition.contains("%EC%8B%A4%EC%A0%81%20"), "the Korean name, encoded: {disposition}");
    assert_eq!(got.bytes().await.unwrap().as_ref(), PDF, "the bytes come back as stored");
    let anon = app.client.get(format!("{}{path}/attachments/{file}", app.base)).send().await.unwrap();
    assert_eq!(anon.status().as_u16(), 401);

    // Once submitted, the files are locked with the report.
    let mut body = draft(&r, "첨부와 함께 제출");
    body["version"] = r["version"].clone();
    let (_, saved) = app.call(Method::PUT, &path, Some(&s.env), Some(body)).await;
    let (st, _) = app
        .call(Method::POST, &format!("{path}/submit"), Some(&s.env), Some(json!({"version": saved["version"]})))
        .await;
    assert_eq!(st, 200);
    let (st, _) = upload("나중.pdf", PDF, Some(s.env.clone())).await;
    assert_eq!(st, 400, "a submitted report takes no more files");
    let (st, _) = app.call(Method::DELETE, &format!("{path}/attachments/{file}"), Some(&s.env), None).await;
    assert_eq!(st, 400, "nor loses one");
}

async fn closing_a_cycle_carries_what_was_not_filed_or_not_done_into_the_next(b: Backend) {
    let app = TestApp::spawn(b).await;
    let s = setup(&app).await;
    let env_report = report_path(s.cycle, 1, s.env_id);
    let r = report(&app, &s.env, &env_report).await;
    let (_, saved) = app.call(Method::PUT, &env_report, Some(&s.env), Some(draft(&r, "계획 수립 중"))).await;
    let (st, _) = app
        .call(Method::POST, &format!("{env_report}/submit"), Some(&s.env), Some(json!({"version": saved["version"]})))
        .await;
    assert_eq!(st, 200);

    // OPC rates task 1; the suggestion explains itself from the overdue milestone.
    let rating = format!("/api/v1/check-cycles/{}/ratings/1", s.cycle);
    let (st, body) = app
        .call(
            Method::PUT,
            &rating,
            Some(&s.opc),
            Some(json!({"rating": "at_risk", "reason": "승인 신청 지연", "version": null})),
        )
        .await;
    assert_eq!(st, 200, "{body}");
    let explanation = body["suggestion"]["explanation"].as_str().unwrap();
    assert!(explanation.starts_with("추진일정 1개 중 1개가 기한을"), "{explanation}");
    let (st, _) = app
        .call(Method::PUT, &rating, Some(&s.env), Some(json!({"rating": "on_track", "reason": "x", "version": null})))
        .await;
    assert_eq!(st, 403, "only OPC rates");

    let cycle = app.call(Method::GET, &format!("/api/v1/check-cycles/{}", s.cycle), Some(&s.opc), None).await.1;
    let (st, body) = app
        .call(
            Method::POST,
            &format!("/api/v1/check-cycles/{}/close", s.cycle),
            Some(&s.opc),
            Some(json!({"version": 99})),
        )
        .await;
    assert_eq!(st, 409, "{body}");
    let (st, body) = app
        .call(
            Method::POST,
            &format!("/api/v1/check-cycles/{}/close", s.cycle),
            Some(&s.opc),
            Some(json!({"version": cycle["version"]})),
        )
        .await;
    assert_eq!(st, 200, "{body}");
    let (st, body) = app.call(Method::PUT, &env_report, Some(&s.env), Some(draft(&r, "마감 후"))).await;
    assert_eq!(st, 400, "a closed cycle's reports do not change: {body}");

    let (st, next) = app
        .call(
            Method::POST,
            "/api/v1/check-cycles",
            Some(&s.opc),
            Some(json!({"name": "2024년 3분기", "period_start": "2024-07-01", "period_end": "2024-09-30", "due": "2024-10-07"})),
        )
        .await;
    assert_eq!(st, 201, "{next}");
    let next = next["id"].as_i64().unwrap();
    let carried = report(&app, &s.env, &report_path(next, 1, s.env_id)).await;
    assert_eq!(carried["milestones"][0]["carried_over"], true, "the milestone not done carries over: {carried}");
    assert_eq!(carried["carried_over"], json!(["milestone_not_done"]));
    let (_, c) = app.call(Method::GET, &format!("/api/v1/check-cycles/{next}?limit=1"), Some(&s.opc), None).await;
    let row = &c["tasks"]["items"][0];
    assert_eq!(row["task_id"], 1);
    let by_agency: Vec<(String, Value)> = row["reports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["agency"]["short_name"].as_str().unwrap().to_string(), r["carried_over"].clone()))
        .collect();
    assert!(by_agency.contains(&("국토부".into(), json!(["not_filed"]))), "국토부 filed nothing: {by_agency:?}");
    assert!(by_agency.contains(&("환경부".into(), json!(["milestone_not_done"]))), "{by_agency:?}");
    let (_, log) = app
        .call(Method::GET, &format!("/api/v1/audit?record_type=check_cycle&record_id={}", s.cycle), Some(&s.opc), None)
        .await;
    let closed: Value = serde_json::from_str(log["items"][0]["after"].as_str().unwrap()).unwrap();
    assert_eq!((closed["rated"].as_i64(), closed["unrated"].as_i64()), (Some(1), Some(40)));
    assert!(closed["carried_over"].as_i64().unwrap() > 40, "every unfiled report: {closed}");
}

async fn the_public_sees_each_tasks_light_and_reason_and_never_a_report(b: Backend) {
    let app = TestApp::spawn(b).await;
    let s = setup(&app).await;
    let env_report = report_path(s.cycle, 1, s.env_id);
    let r = report(&app, &s.env, &env_report).await;
    let (st, _) = app.call(Method::PUT, &env_report, Some(&s.env), Some(draft(&r, "비공개 초안 문구"))).await;
    assert_eq!(st, 200);
    assert!(app.json("/api/v1/tasks/1", 200).await["light"].is_null(), "no light before a cycle closes");
    let rating = format!("/api/v1/check-cycles/{}/ratings/1", s.cycle);
    let (st, _) = app
        .call(
            Method::PUT,
            &rating,
            Some(&s.opc),
            Some(json!({"rating": "at_risk", "reason": "산단계획 승인 신청 지연", "version": null})),
        )
        .await;
    assert_eq!(st, 200);
    let (st, _) = app
        .call(
            Method::PUT,
            &format!("/api/v1/check-cycles/{}/ratings/2", s.cycle),
            Some(&s.opc),
            Some(json!({"rating": "on_track", "reason": "계획대로 추진", "version": null})),
        )
        .await;
    assert_eq!(st, 200);
    assert!(app.json("/api/v1/tasks/1", 200).await["light"].is_null(), "an open cycle's rating is not yet the light");
    let cycle = app.call(Method::GET, &format!("/api/v1/check-cycles/{}", s.cycle), Some(&s.opc), None).await.1;
    let (st, _) = app
        .call(
            Method::POST,
            &format!("/api/v1/check-cycles/{}/close", s.cycle),
            Some(&s.opc),
            Some(json!({"version": cycle["version"]})),
        )
        .await;
    assert_eq!(st, 200);

    let task = app.json("/api/v1/tasks/1", 200).await;
    assert_eq!(task["light"]["rating"], "at_risk");
    assert_eq!(task["light"]["reason"], "산단계획 승인 신청 지연");
    assert_eq!(task["light"]["cycle_name"], "2024년 2분기");
    let list = app.json("/api/v1/tasks?limit=2", 200).await;
    assert_eq!(list["items"][1]["light"]["rating"], "on_track");
    let page = app.html("/tasks/1", 200).await;
    assert!(page.contains("주의") && page.contains("산단계획 승인 신청 지연"), "the task page shows the light");
    assert!(!page.contains("비공개 초안 문구"), "never a report's text");
    let home = app.html("/", 200).await;
    assert!(home.contains("2024년 2분기") && home.contains("hanteam-light-at_risk"), "the home page counts the lights");
    let tasks = app.html("/tasks", 200).await;
    assert!(tasks.contains("hanteam-light-on_track"), "the task list shows the lights");
    for path in [
        "/api/v1/check-cycles".to_string(),
        format!("/api/v1/check-cycles/{}", s.cycle),
        env_report.clone(),
        "/api/v1/overdue-reports".into(),
    ] {
        let (st, _) = app.call(Method::GET, &path, None, None).await;
        assert_eq!(st, 401, "GET {path} is not public");
    }
}

async fn overdue_reports_are_counted_per_agency_and_listed_on_its_page(b: Backend) {
    let app = TestApp::spawn(b).await;
    let s = setup(&app).await;
    let (st, overdue) = app.call(Method::GET, "/api/v1/overdue-reports", Some(&s.opc), None).await;
    assert_eq!(st, 200, "{overdue}");
    let env =
        overdue.as_array().unwrap().iter().find(|o| o["agency"]["short_name"] == "환경부").expect("환경부 is late");
    let before = env["count"].as_i64().unwrap();
    assert!(before >= 1);
    let path = report_path(s.cycle, 1, s.env_id);
    let r = report(&app, &s.env, &path).await;
    let (_, saved) = app.call(Method::PUT, &path, Some(&s.env), Some(draft(&r, "늦은 제출"))).await;
    app.call(Method::POST, &format!("{path}/submit"), Some(&s.env), Some(json!({"version": saved["version"]}))).await;
    let (_, overdue) = app.call(Method::GET, "/api/v1/overdue-reports", Some(&s.opc), None).await;
    let after = overdue
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["agency"]["short_name"] == "환경부")
        .map_or(0, |o| o["count"].as_i64().unwrap());
    assert_eq!(after, before - 1, "a submitted report is no longer overdue");
    let (st, _) = app.call(Method::GET, "/api/v1/overdue-reports", Some(&s.env), None).await;
    assert_eq!(st, 403, "the per-agency list is OPC's");
}

async fn a_task_confirmed_while_a_cycle_is_open_is_reported_on_in_it(b: Backend) {
    let app = TestApp::spawn(b).await;
    let s = setup(&app).await;
    let (st, created) = app
        .call(
            Method::POST,
            "/api/v1/tasks",
            Some(&s.opc),
            Some(json!({"title": "하천 점용허가 절차 통합", "pair_id": 7})),
        )
        .await;
    assert_eq!(st, 201, "{created}");
    let task = created["id"].as_i64().unwrap();
    app.json(&format!("/api/v1/tasks/{task}"), 404).await;
    let (_, cycle) = app.call(Method::GET, &format!("/api/v1/check-cycles/{}", s.cycle), Some(&s.opc), None).await;
    let before = (cycle["reports"].as_i64().unwrap(), cycle["tasks"]["total"].as_i64().unwrap());
    app.bring_to(&s.opc, task, "tabled").await;
    let (st, _) = app.call(Method::GET, &report_path(s.cycle, task, s.env_id), Some(&s.opc), None).await;
    assert_eq!(st, 404, "a tabled task is not checked");
    app.move_task(&s.opc, task, &["confirm"]).await;
    let (_, t) = app.call(Method::GET, &format!("/api/v1/tasks/{task}"), Some(&s.opc), None).await;
    let ids: Vec<i64> = t["agencies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["agency_id"].as_i64().or(a["id"].as_i64()).unwrap())
        .collect();
    assert!(!ids.is_empty(), "{t}");
    counts_are_kept(&app, &s, (before.0 + ids.len() as i64, 0)).await;
    let (_, cycle) = app.call(Method::GET, &format!("/api/v1/check-cycles/{}", s.cycle), Some(&s.opc), None).await;
    assert_eq!(cycle["tasks"]["total"].as_i64(), Some(before.1 + 1), "{cycle}");
    for agency in ids {
        let r = report(&app, &s.opc, &report_path(s.cycle, task, agency)).await;
        assert_eq!(r["status"], "not_started", "{r}");
    }
    // Put on hold and resumed, it keeps the reports it has.
    app.move_task(&s.opc, task, &["start"]).await;
    let (_, cycle) =
        app.call(Method::GET, &format!("/api/v1/check-cycles/{}?limit=500", s.cycle), Some(&s.opc), None).await;
    let rows = cycle["tasks"]["items"].as_array().unwrap();
    assert_eq!(rows.iter().filter(|r| r["task_id"] == task).count(), 1, "{cycle}");
    counts_are_kept(&app, &s, (cycle["reports"].as_i64().unwrap(), 0)).await;
}

on_both_backends!(
    a_submitted_report_is_locked_until_opc_returns_it_and_then_is_resubmitted,
    only_the_agencys_officers_and_the_pairs_exchangee_of_that_agency_file_its_report,
    an_attachment_is_told_by_its_content_and_downloads_safely,
    closing_a_cycle_carries_what_was_not_filed_or_not_done_into_the_next,
    the_public_sees_each_tasks_light_and_reason_and_never_a_report,
    overdue_reports_are_counted_per_agency_and_listed_on_its_page,
    a_task_confirmed_while_a_cycle_is_open_is_reported_on_in_it,
);
