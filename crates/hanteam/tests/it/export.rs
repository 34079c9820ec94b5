//! The task list as a file (CSV and XLSX), through the API and the page routes, on SQLite and on
//! PostgreSQL: the file holds the filtered list as the list shows it (the same tasks in the same
//! order, for every reader), Excel can read it (a byte order mark; real numbers and dates in the
//! XLSX), a tricky title survives a CSV parser, and a bad filter is refused in Korean.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use hanteam_domain::access::Grant;
use reqwest::Method;
use serde_json::json;

use crate::common::{console, Backend, TestApp};

const HEADERS: [&str; 10] = [
    "번호",
    "과제명",
    "교류직위 쌍",
    "과제 유형",
    "현재 상태",
    "주관기관",
    "참여기관",
    "성과지표 수",
    "추진일정 수",
    "최종 수정일",
];

struct Download {
    status: u16,
    content_type: String,
    disposition: String,
    bytes: Vec<u8>,
}

async fn download(app: &TestApp, path: &str, token: Option<&str>) -> Download {
    let mut req = app.client.get(format!("{}{path}", app.base));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let r = req.send().await.expect("request");
    let header = |name: &str| r.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    let (content_type, disposition) = (header("content-type"), header("content-disposition"));
    let status = r.status().as_u16();
    let bytes = r.bytes().await.expect("body").to_vec();
    Download { status, content_type, disposition, bytes }
}

/// A CSV download's rows (the header row first), read by an independent CSV parser.
fn csv_rows(d: &Download) -> Vec<Vec<String>> {
    assert_eq!(d.status, 200, "{}", String::from_utf8_lossy(&d.bytes));
    assert_eq!(d.content_type, "text/csv; charset=utf-8");
    let body = d.bytes.strip_prefix(b"\xEF\xBB\xBF").expect("the CSV starts with the UTF-8 byte order mark");
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(body)
        .records()
        .map(|r| r.expect("an RFC 4180 record").iter().map(str::to_string).collect())
        .collect()
}

/// An XLSX download's only sheet, read back by calamine.
fn xlsx_sheet(d: &Download) -> calamine::Range<Data> {
    assert_eq!(d.status, 200, "{}", String::from_utf8_lossy(&d.bytes));
    assert_eq!(d.content_type, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(d.bytes.clone())).expect("the file opens as a workbook");
    assert_eq!(book.sheet_names(), vec!["협업과제 목록".to_string()]);
    book.worksheet_range("협업과제 목록").expect("the sheet")
}

fn number_of(cell: &Data) -> i64 {
    match cell {
        Data::Float(f) => *f as i64,
        Data::Int(i) => *i,
        other => panic!("{other:?} is not a number cell"),
    }
}

/// The task numbers of the list, read a page at a time as a client of the list would.
async fn list_seqs(app: &TestApp, query: &str, token: Option<&str>) -> Vec<i64> {
    let mut seqs = Vec::new();
    loop {
        let path = format!("/api/v1/tasks?{query}&limit=500&offset={}", seqs.len());
        let (s, page) = app.call(Method::GET, &path, token, None).await;
        assert_eq!(s, 200, "GET {path}: {page}");
        let items = page["items"].as_array().expect("items");
        seqs.extend(items.iter().map(|t| t["seq"].as_i64().expect("seq")));
        if items.is_empty() || seqs.len() as i64 >= page["total"].as_i64().expect("total") {
            return seqs;
        }
    }
}

fn csv_seqs(rows: &[Vec<String>]) -> Vec<i64> {
    rows[1..].iter().map(|r| r[0].parse().expect("번호 is a number")).collect()
}

fn xlsx_seqs(sheet: &calamine::Range<Data>) -> Vec<i64> {
    sheet.rows().skip(1).map(|r| number_of(&r[0])).collect()
}

async fn admin(app: &TestApp) -> String {
    app.token_for("opc", vec![Grant::OpcAdmin]).await
}

/// Registers a task (proposed, which only signed-in readers see) and, unless `status` is proposed,
/// moves it there along the lifecycle. Returns its id.
async fn add_task(app: &TestApp, token: &str, title: &str, status: &str) -> i64 {
    let (s, created) = app.call(Method::POST, "/api/v1/tasks", Some(token), Some(json!({"title": title}))).await;
    assert_eq!(s, 201, "{created}");
    let id = created["id"].as_i64().unwrap();
    app.bring_to(token, id, status).await;
    id
}

async fn seq_of(app: &TestApp, token: &str, id: i64) -> i64 {
    let (s, t) = app.call(Method::GET, &format!("/api/v1/tasks/{id}"), Some(token), None).await;
    assert_eq!(s, 200, "{t}");
    t["seq"].as_i64().unwrap()
}

/// Filters and orders of the list; the file follows each (and whatever the filter comes to hold).
const FILTERS: [&str; 10] = [
    "",
    "agency=환경부",
    "agency=과기부&type=unset",
    "status=confirmed&type=conflict_resolution",
    "q=지원",
    "q=%22국가산단%22",
    "status=completed",
    "sort=title",
    "agency=과기부&sort=updated",
    "q=지원&sort=title",
];

async fn the_file_holds_the_filtered_list_in_the_lists_order(b: Backend) {
    let app = TestApp::spawn(b).await;
    let pair7 = app.json("/api/v1/exchange-pairs", 200).await["items"][6]["id"].clone();
    let with_pair = format!("pair={pair7}");
    for query in FILTERS.iter().copied().chain([with_pair.as_str()]) {
        let list = list_seqs(&app, query, None).await;
        let csv = csv_rows(&download(&app, &format!("/api/v1/tasks/export.csv?{query}"), None).await);
        assert_eq!(csv[0], HEADERS, "{query}");
        assert_eq!(csv_seqs(&csv), list, "CSV of {query:?}");
        let sheet = xlsx_sheet(&download(&app, &format!("/api/v1/tasks/export.xlsx?{query}"), None).await);
        assert_eq!(xlsx_seqs(&sheet), list, "XLSX of {query:?}");
        // The page's buttons lead to the same file.
        let page = csv_rows(&download(&app, &format!("/tasks/export.csv?{query}"), None).await);
        assert_eq!(page, csv, "the page route's CSV of {query:?}");
    }
    // The list's page does not cut the file short.
    let csv = csv_rows(&download(&app, "/api/v1/tasks/export.csv?limit=5&offset=3", None).await);
    assert_eq!(csv.len(), 1 + 41, "limit and offset are not the file's");
}

async fn a_row_shows_the_pair_the_agencies_and_the_counts(b: Backend) {
    let app = TestApp::spawn(b).await;
    let token = admin(&app).await;
    // Task 1 gets a lead agency and a KPI, so that those columns have something to show.
    let (_, t) = app.call(Method::GET, "/api/v1/tasks/1", None, None).await;
    let molit = app.agency_id("국토부").await;
    let edit = json!({"title": t["title"], "description": t["description"], "pair_id": t["pair"]["id"],
        "type": t["type"], "source": t["source"], "status": t["status"], "lead_agency_id": molit,
        "version": t["version"]});
    let (s, saved) = app.call(Method::PUT, "/api/v1/tasks/1", Some(&token), Some(edit)).await;
    assert_eq!(s, 200, "{saved}");
    let (s, kpi) = app
        .call(Method::POST, "/api/v1/tasks/1/kpis", Some(&token), Some(json!({"name": "산단 조성률", "target": "100"})))
        .await;
    assert_eq!(s, 201, "{kpi}");

    let csv = csv_rows(&download(&app, "/api/v1/tasks/export.csv?agency=환경부", None).await);
    let first = &csv[1];
    assert_eq!(first[0], "1");
    assert_eq!(first[1], "세계 최대규모 용인 반도체 국가산단 신속조성");
    assert_eq!(first[2], "국토부↔환경부");
    assert_eq!(first[3], "구조적 갈등 해소·협력");
    assert_eq!(first[4], "확정");
    assert_eq!(first[5], "국토부");
    assert_eq!(first[6], "국토부, 환경부");
    let (_, t) = app.call(Method::GET, "/api/v1/tasks/1", None, None).await;
    let count = |k: &str| t[k].as_array().map_or(0, Vec::len).to_string();
    assert_eq!((first[7].clone(), first[8].clone()), (count("kpis"), count("milestones")));
    assert_eq!(count("kpis"), "3", "the release's two KPIs and the one added");
    let today = hanteam_domain::time::kst_date(chrono::Utc::now()).format("%Y-%m-%d").to_string();
    assert_eq!(first[9], today, "the task was changed today (Korean time)");
    // A task the release gives no type and no lead agency: as the list shows it.
    assert_eq!((csv[2][3].as_str(), csv[2][5].as_str()), ("미입력", "미입력"));

    let sheet = xlsx_sheet(&download(&app, "/api/v1/tasks/export.xlsx?agency=환경부", None).await);
    let head: Vec<String> = sheet.rows().next().unwrap().iter().map(|c| c.to_string()).collect();
    assert_eq!(head, HEADERS);
    let row = sheet.rows().nth(1).unwrap();
    assert!(matches!(row[0], Data::Float(_) | Data::Int(_)), "번호 is a number: {:?}", row[0]);
    assert_eq!(number_of(&row[0]), 1);
    assert_eq!(row[1], Data::String("세계 최대규모 용인 반도체 국가산단 신속조성".into()));
    assert_eq!(row[2], Data::String("국토부↔환경부".into()));
    assert_eq!(number_of(&row[7]), 3, "성과지표 수 is a number");
    let Data::DateTime(when) = &row[9] else { panic!("최종 수정일 is a date cell: {:?}", row[9]) };
    assert!(when.is_datetime());
    let (y, m, d, ..) = when.to_ymd_hms_milli();
    assert_eq!(format!("{y:04}-{m:02}-{d:02}"), today);
}

async fn each_reader_gets_the_tasks_their_list_shows_and_no_hidden_one(b: Backend) {
    let app = TestApp::spawn(b).await;
    let token = admin(&app).await;
    let proposed = add_task(&app, &token, "아직 공개되지 않은 제안 과제", "proposed").await;
    let archived = add_task(&app, &token, "보관될 과제", "confirmed").await;
    let (_, t) = app.call(Method::GET, &format!("/api/v1/tasks/{archived}"), Some(&token), None).await;
    let (s, body) = app
        .call(
            Method::POST,
            &format!("/api/v1/tasks/{archived}/archive"),
            Some(&token),
            Some(json!({"version": t["version"]})),
        )
        .await;
    assert_eq!(s, 200, "{body}");
    let proposed_seq = seq_of(&app, &token, proposed).await;

    // The public: published tasks only.
    let public = csv_seqs(&csv_rows(&download(&app, "/api/v1/tasks/export.csv", None).await));
    assert_eq!(public, (1..=41).collect::<Vec<_>>(), "neither the proposed nor the archived task");
    let public_page = csv_rows(&download(&app, "/tasks/export.csv", None).await);
    assert!(public_page.iter().all(|r| !r[1].contains("제안 과제") && !r[1].contains("보관될")));
    let sheet = xlsx_sheet(&download(&app, "/api/v1/tasks/export.xlsx?status=proposed", None).await);
    assert_eq!(sheet.rows().count(), 1, "the public's file of proposed tasks has only its header row");

    // OPC sees the proposed task, in the list and in the file; nobody sees the archived one.
    let opc = csv_seqs(&csv_rows(&download(&app, "/api/v1/tasks/export.csv", Some(&token)).await));
    assert_eq!(opc, list_seqs(&app, "", Some(&token)).await);
    assert!(opc.contains(&proposed_seq) && opc.len() == 42, "{opc:?}");

    // An evaluator sees the tasks assigned to it, and an agency officer what its list shows.
    let eval_token = app.token_for("eval", vec![Grant::Evaluator]).await;
    let (_, me) = app.call(Method::GET, "/api/v1/me", Some(&eval_token), None).await;
    app.assign(hanteam_domain::UserId::new(me["user_id"].as_i64().expect("user_id")), proposed).await;
    let env = hanteam_domain::AgencyId::new(app.agency_id("환경부").await);
    let officer = app.token_for("env", vec![Grant::AgencyOfficer { agency_id: env }]).await;
    for reader in [eval_token.as_str(), officer.as_str()] {
        for query in ["", "status=proposed", "q=과제"] {
            let file =
                csv_seqs(&csv_rows(&download(&app, &format!("/api/v1/tasks/export.csv?{query}"), Some(reader)).await));
            assert_eq!(file, list_seqs(&app, query, Some(reader)).await, "{query:?}");
        }
    }
}

async fn a_tricky_title_survives_a_csv_parser_and_a_formula_is_defused(b: Backend) {
    let app = TestApp::spawn(b).await;
    let token = admin(&app).await;
    let tricky = "쉼표, \"큰따옴표\"와 '작은따옴표'; 세미콜론 ↔ 기호";
    let formula = "=HYPERLINK(\"http://example.com\",\"클릭\")";
    let minus = "-1+2 계산";
    for title in [tricky, formula, minus] {
        add_task(&app, &token, title, "confirmed").await;
    }
    let d = download(&app, "/api/v1/tasks/export.csv?status=confirmed", None).await;
    assert!(d.bytes.starts_with(b"\xEF\xBB\xBF"), "UTF-8 byte order mark");
    let text = String::from_utf8(d.bytes.clone()).expect("UTF-8");
    assert!(text.contains("\r\n") && !text.replace("\r\n", "").contains('\n'), "CRLF line ends");
    let rows = csv_rows(&d);
    let titles: Vec<&str> = rows.iter().map(|r| r[1].as_str()).collect();
    assert!(rows.iter().all(|r| r.len() == HEADERS.len()), "every row has every column");
    assert!(titles.contains(&tricky), "{titles:?}");
    assert!(titles.contains(&format!("'{formula}").as_str()), "a formula gets an apostrophe: {titles:?}");
    assert!(titles.contains(&format!("'{minus}").as_str()), "{titles:?}");
    // In the workbook a text cell is text, never a formula: the title is kept as it was typed.
    let sheet = xlsx_sheet(&download(&app, "/api/v1/tasks/export.xlsx?status=confirmed", None).await);
    let cells: Vec<Data> = sheet.rows().map(|r| r[1].clone()).collect();
    assert!(cells.contains(&Data::String(formula.into())) && cells.contains(&Data::String(tricky.into())));
}

async fn the_file_is_named_in_korean_with_the_korean_day(b: Backend) {
    let app = TestApp::spawn(b).await;
    let today = hanteam_domain::time::kst_date(chrono::Utc::now()).format("%Y-%m-%d").to_string();
    for (path, ext) in [
        ("/api/v1/tasks/export.csv", "csv"),
        ("/api/v1/tasks/export.xlsx", "xlsx"),
        ("/tasks/export.csv?agency=환경부", "csv"),
        ("/tasks/export.xlsx", "xlsx"),
    ] {
        let d = download(&app, path, None).await;
        assert_eq!(d.status, 200, "{path}");
        let korean: String = format!("협업과제_목록_{today}.{ext}")
            .bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"-_.".contains(&b) {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect();
        assert_eq!(
            d.disposition,
            format!("attachment; filename=\"hanteam-tasks-{today}.{ext}\"; filename*=UTF-8''{korean}"),
            "{path}"
        );
    }
}

/// The CSV is text and goes compressed to a client that takes it; the XLSX is a zip archive already.
async fn the_csv_is_compressed_and_the_workbook_is_not(b: Backend) {
    let app = TestApp::spawn(b).await;
    for (path, encoding) in [("/api/v1/tasks/export.csv", Some("gzip")), ("/api/v1/tasks/export.xlsx", None)] {
        let r = app.client.get(format!("{}{path}", app.base)).header("accept-encoding", "gzip").send().await.unwrap();
        assert_eq!(r.status().as_u16(), 200);
        assert_eq!(r.headers().get("content-encoding").and_then(|v| v.to_str().ok()), encoding, "{path}");
    }
}

async fn a_bad_filter_is_refused_in_korean(b: Backend) {
    let app = TestApp::spawn(b).await;
    for (query, field) in
        [("status=done", "status"), ("type=merger", "type"), ("agency=없는기관", "agency"), ("pair=x", "pair")]
    {
        for ext in ["csv", "xlsx"] {
            let (s, body) = app.call(Method::GET, &format!("/api/v1/tasks/export.{ext}?{query}"), None, None).await;
            assert_eq!(s, 400, "{query}: {body}");
            assert_eq!(body["error"]["field"], field, "{body}");
            let message = body["error"]["message"].as_str().unwrap_or_default();
            assert!(message.chars().any(|c| ('가'..='힣').contains(&c)), "{message}");
        }
        let page = app.get(&format!("/tasks/export.csv?{query}")).await;
        assert_eq!(page.status().as_u16(), 400, "{query}");
        let ct = page.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
        assert!(ct.starts_with("text/html"), "a person gets an error page, not a file: {ct}");
    }
    let (s, body) = app.call(Method::GET, "/api/v1/tasks/export.csv?status=done&status=done", None, None).await;
    assert_eq!(s, 400, "{body}");
}

async fn the_task_list_page_offers_the_files_of_its_filters(b: Backend) {
    let app = TestApp::spawn(b).await;
    let html = app.html("/tasks?agency=환경부&limit=2&offset=2", 200).await;
    let agency = "agency=%ED%99%98%EA%B2%BD%EB%B6%80";
    assert!(html.contains(&format!("href=\"/tasks/export.csv?{agency}\"")), "{html}");
    assert!(html.contains(&format!("href=\"/tasks/export.xlsx?{agency}\"")));
    assert!(html.contains("CSV 내려받기") && html.contains("엑셀 내려받기"));
    // The link gives the whole filtered list, not the page shown.
    let rows = csv_rows(&download(&app, &format!("/tasks/export.csv?{agency}"), None).await);
    assert_eq!(rows.len(), 1 + 5);
    // No list, no buttons: a refused filter and an empty result.
    assert!(!app.html("/tasks?status=done", 400).await.contains("내려받기"));
    assert!(!app.html("/tasks?status=completed", 200).await.contains("내려받기"));
}

/// Past one read of the list ([`hanteam_app::export`] reads 5,000 at a time): 6,000 synthetic tasks.
async fn a_file_longer_than_one_read_is_whole_and_in_order(b: Backend) {
    let app = TestApp::spawn(b).await;
    let params = hanteam_app::synth::SynthParams { tasks: 6_000, agencies: 60, seed: 7, force: false };
    hanteam_app::synth::synth(&app.db, &console(), params, |_| {}).await.expect("synth");
    let token = admin(&app).await;
    for query in ["", "q=지원", "sort=title", "status=in_progress&sort=updated"] {
        let list = list_seqs(&app, query, Some(&token)).await;
        let file =
            csv_seqs(&csv_rows(&download(&app, &format!("/api/v1/tasks/export.csv?{query}"), Some(&token)).await));
        assert_eq!(file.len(), list.len(), "{query:?}");
        assert_eq!(file, list, "{query:?}");
        if query.is_empty() {
            assert!(file.len() > 6_000, "{}", file.len());
        }
    }
    let sheet = xlsx_sheet(&download(&app, "/api/v1/tasks/export.xlsx", Some(&token)).await);
    assert_eq!(sheet.rows().count(), 1 + 6_041);
    let milestones: i64 = sheet.rows().skip(1).map(|r| number_of(&r[8])).sum();
    assert!(milestones > 0, "synthetic tasks have milestones");
}

on_both_backends!(
    the_file_holds_the_filtered_list_in_the_lists_order,
    a_row_shows_the_pair_the_agencies_and_the_counts,
    each_reader_gets_the_tasks_their_list_shows_and_no_hidden_one,
    a_tricky_title_survives_a_csv_parser_and_a_formula_is_defused,
    the_file_is_named_in_korean_with_the_korean_day,
    a_bad_filter_is_refused_in_korean,
    the_csv_is_compressed_and_the_workbook_is_not,
    the_task_list_page_offers_the_files_of_its_filters,
    a_file_longer_than_one_read_is_whole_and_in_order,
);
