//! Starts the real server on a free port against its own fresh database, SQLite or PostgreSQL.
//!
//! PostgreSQL tests use the throwaway cluster named by `HANTEAM_TEST_PG_URL` (an admin URL;
//! `scripts/test.sh` starts one and sets it, with `HANTEAM_TEST_PG_CA`, its certificate). Without it,
//! the first PostgreSQL test starts a cluster of this run's own with `scripts/pg.sh`, stopped when the
//! run ends. Each test gets a database of its own inside the cluster.

use hanteam_domain::audit::AuditAction;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

use hanteam_app::Caller;
use hanteam_domain::access::Grant;
use hanteam_domain::UserId;
use hanteam_store::accounts::NewUser;
use hanteam_store::audit::{Actor, Change};
use hanteam_store::Db;
use hanteam_web::AppState;
use serde_json::Value;
use tokio::sync::oneshot;

#[derive(Debug, Clone, Copy)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub db: Db,
    /// For the command line against the same database.
    pub database_url: String,
    _shutdown: oneshot::Sender<()>,
    _dir: tempfile::TempDir,
}

/// A fresh, empty database of the backend and its URL.
pub async fn fresh_database(backend: Backend, dir: &tempfile::TempDir) -> String {
    match backend {
        Backend::Sqlite => format!("sqlite://{}", dir.path().join("hanteam.db").display()),
        Backend::Postgres => {
            let admin = pg_cluster().admin_url.clone();
            static NEXT: AtomicUsize = AtomicUsize::new(0);
            let name = format!(
                "hanteam_test_{}_{}_{}",
                std::process::id(),
                NEXT.fetch_add(1, Ordering::SeqCst),
                chrono::Utc::now().timestamp_micros()
            );
            let admin_db = Db::connect(&admin).await.expect("connect to the test cluster");
            if let Db::Postgres(pool) = &admin_db {
                sqlx::query(&format!("CREATE DATABASE {name}")).execute(pool).await.expect("create test database");
            }
            admin_db.close().await;
            let (base, _) = admin.rsplit_once('/').expect("admin URL ends with /database");
            format!("{base}/{name}")
        }
    }
}

/// The PostgreSQL cluster the tests use.
pub struct PgCluster {
    /// `postgres://postgres@127.0.0.1:PORT/postgres`
    pub admin_url: String,
    /// The certificate its TLS is served with.
    pub ca_file: String,
}

/// The cluster of `HANTEAM_TEST_PG_URL`, or one started for this run. When none can be had, the run
/// stops with one line saying how to get one (not a panic in every PostgreSQL test).
pub fn pg_cluster() -> &'static PgCluster {
    static CLUSTER: OnceLock<PgCluster> = OnceLock::new();
    CLUSTER.get_or_init(|| {
        if let Ok(admin_url) = std::env::var("HANTEAM_TEST_PG_URL") {
            let ca_file = std::env::var("HANTEAM_TEST_PG_CA").unwrap_or_default();
            return PgCluster { admin_url, ca_file };
        }
        match start_pg_cluster() {
            Ok(cluster) => cluster,
            Err(why) => {
                eprintln!(
                    "PostgreSQL 테스트를 할 수 없습니다 ({why}). scripts/test.sh 로 모든 테스트를 실행하거나, \
                     HANTEAM_TEST_PG_URL=postgres://… 로 쓸 PostgreSQL을 알려 주세요."
                );
                std::process::exit(2);
            }
        }
    })
}

fn start_pg_cluster() -> Result<PgCluster, String> {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scripts/pg.sh");
    // Under /tmp: the postgres system user must reach it, and socket paths must stay short.
    let dir = std::env::temp_dir().join(format!("hanteam-pg-test-{}", std::process::id()));
    let out = std::process::Command::new("bash")
        .arg(script)
        .arg("start")
        .arg(&dir)
        .args(["--stop-with", &std::process::id().to_string()])
        .output()
        .map_err(|e| format!("scripts/pg.sh를 실행할 수 없습니다: {e}"))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        return Err(err.lines().last().unwrap_or("scripts/pg.sh start failed").to_string());
    }
    let admin_url = String::from_utf8_lossy(&out.stdout).lines().last().unwrap_or_default().to_string();
    Ok(PgCluster { admin_url, ca_file: dir.join("ca.crt").display().to_string() })
}

impl TestApp {
    /// The server as `hanteam serve` runs it: migrated, seeded on first start, listening on port 0.
    pub async fn spawn(backend: Backend) -> TestApp {
        Self::spawn_with(backend, vec![]).await
    }

    /// The server behind a reverse proxy at 127.0.0.1 (whose X-Forwarded-For it trusts).
    pub async fn spawn_behind_proxy(backend: Backend) -> TestApp {
        Self::spawn_with(backend, vec!["127.0.0.1".parse().expect("ip")]).await
    }

    async fn spawn_with(backend: Backend, trusted_proxies: Vec<std::net::IpAddr>) -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let database_url = fresh_database(backend, &dir).await;
        let db = Db::open(&database_url).await.expect("open database");
        hanteam_app::registry::seed_if_empty(&db).await.expect("seed");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("local addr");
        let (tx, rx) = oneshot::channel::<()>();
        let mut state = AppState::new(db.clone());
        state.trusted_proxies = trusted_proxies;
        tokio::spawn(async move {
            hanteam_web::serve(listener, state, async {
                let _ = rx.await;
            })
            .await
            .expect("server runs");
        });
        TestApp {
            base: format!("http://{addr}"),
            client: reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client"),
            db,
            database_url,
            _shutdown: tx,
            _dir: dir,
        }
    }

    /// A second server on this one's database, as a second instance behind a load balancer.
    pub async fn spawn_sharing(&self) -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = Db::open(&self.database_url).await.expect("open database");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("local addr");
        let (tx, rx) = oneshot::channel::<()>();
        let state = AppState::new(db.clone());
        tokio::spawn(async move {
            hanteam_web::serve(listener, state, async {
                let _ = rx.await;
            })
            .await
            .expect("server runs");
        });
        TestApp {
            base: format!("http://{addr}"),
            client: reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client"),
            db,
            database_url: self.database_url.clone(),
            _shutdown: tx,
            _dir: dir,
        }
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(format!("{}{}", self.base, path)).send().await.expect("request")
    }

    /// GET, check the status, and parse the JSON body.
    pub async fn json(&self, path: &str, status: u16) -> Value {
        let r = self.get(path).await;
        let got = r.status().as_u16();
        let body = r.text().await.expect("body");
        assert_eq!(got, status, "GET {path}: {body}");
        serde_json::from_str(&body).unwrap_or_else(|e| panic!("GET {path}: not JSON ({e}): {body}"))
    }

    /// GET a page, check the status, and return its HTML.
    pub async fn html(&self, path: &str, status: u16) -> String {
        let r = self.get(path).await;
        let got = r.status().as_u16();
        let ct = r.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
        let body = r.text().await.expect("body");
        assert_eq!(got, status, "GET {path}: {body}");
        assert!(ct.starts_with("text/html"), "GET {path}: content-type {ct}");
        body
    }
}

/// A signed-in browser: a cookie store, its session, and the session's CSRF token.
pub struct Browser {
    pub client: reqwest::Client,
    pub base: String,
    pub csrf: String,
}

impl Browser {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Sends JSON (or nothing) with the session cookie and the CSRF header; returns status and body.
    pub async fn send(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let put = method == reqwest::Method::PUT;
        let mut req = self.client.request(method, self.url(path)).header("x-csrf-token", &self.csrf);
        if let Some(b) = body {
            req = req.json(&if put { whole_put(path, b) } else { b });
        }
        let r = req.send().await.expect("request");
        let status = r.status().as_u16();
        let text = r.text().await.expect("body");
        (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }

    /// Posts a form with the session's CSRF token added.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        all.push(("csrf_token", &self.csrf));
        self.client.post(self.url(path)).form(&all).send().await.expect("request")
    }
}

pub const TEST_PASSWORD: &str = "hanteam-test-2024!";

/// The operator at the console, for setting up what a test needs through the use cases.
pub fn console() -> Caller {
    Caller::console("test")
}

/// An account with these roles and `password`, written straight into the store (with its audit
/// entry), for tests that need a person with a known password.
pub async fn insert_user(db: &Db, login: &str, grants: Vec<Grant>, password: &str, must_change: bool) -> UserId {
    let user = NewUser {
        login: login.into(),
        display_name: format!("{login} 담당자"),
        password_hash: hanteam_app::secrets::hash_password(password).expect("hash"),
        must_change_password: must_change,
        is_private_expert: grants.contains(&Grant::Evaluator),
        email: None,
        grants,
    };
    let mut tx = db.begin().await.expect("begin");
    let id = tx.insert_user(&user).await.expect("insert user");
    tx.audit(&Actor::system(), Change::event(AuditAction::UserCreate, "user", Some(id.get()), None))
        .await
        .expect("audit");
    tx.commit().await.expect("commit");
    id
}

impl TestApp {
    /// Creates an account with these roles and the test password (no change required).
    pub async fn user(&self, login: &str, grants: Vec<Grant>) -> UserId {
        insert_user(&self.db, login, grants, TEST_PASSWORD, false).await
    }

    /// Assigns an evaluator to a task, as OPC would.
    pub async fn assign(&self, evaluator: UserId, task: i64) {
        hanteam_app::accounts::assign_evaluator(&self.db, &console(), evaluator, hanteam_domain::TaskId::new(task))
            .await
            .expect("assign evaluator");
    }

    /// A browser client with a cookie store, not signed in, holding the sign-in form's CSRF token.
    pub async fn anonymous_browser(&self) -> (reqwest::Client, String) {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        let page = client.get(format!("{}/sign-in", self.base)).send().await.expect("sign-in page");
        assert_eq!(page.status().as_u16(), 200, "GET /sign-in");
        let html = page.text().await.expect("html");
        (client, hidden_field(&html, "csrf_token").expect("the sign-in form carries a csrf_token"))
    }

    /// Signs in through the sign-in form, as a browser does.
    pub async fn sign_in(&self, login: &str) -> Browser {
        self.sign_in_with(login, TEST_PASSWORD).await
    }

    /// Signs in with this password (a demo account's, say).
    pub async fn sign_in_with(&self, login: &str, password: &str) -> Browser {
        let (client, token) = self.anonymous_browser().await;
        let r = client
            .post(format!("{}/sign-in", self.base))
            .form(&[("login", login), ("password", password), ("csrf_token", &token)])
            .send()
            .await
            .expect("sign in");
        assert_eq!(r.status().as_u16(), 303, "sign-in of {login}: {}", r.text().await.unwrap_or_default());
        let me: Value =
            client.get(format!("{}/api/v1/me", self.base)).send().await.expect("me").json().await.expect("json");
        let csrf = me["csrf_token"].as_str().expect("a session has a CSRF token").to_string();
        Browser { client, base: self.base.clone(), csrf }
    }

    /// A user with these roles and an API token carrying all of the user's rights.
    pub async fn token_for(&self, login: &str, grants: Vec<Grant>) -> String {
        let id = self.user(login, grants).await;
        let grants = self.db.grants(id).await.expect("grants");
        let p = hanteam_domain::access::Principal::person(id, grants, None);
        let secret = hanteam_app::secrets::random_secret();
        let mut tx = self.db.begin().await.expect("begin");
        let token = tx
            .insert_api_token(id, "test", &hanteam_app::secrets::secret_hash(&secret), &p.grantable_rights())
            .await
            .expect("token");
        tx.audit(&Actor::system(), Change::event(AuditAction::TokenCreate, "api_token", Some(token.get()), None))
            .await
            .expect("audit");
        tx.commit().await.expect("commit");
        secret
    }

    /// Sends a request with an API token (or none) and JSON (or nothing).
    pub async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (u16, Value) {
        let put = method == reqwest::Method::PUT;
        let mut req = self.client.request(method, format!("{}{}", self.base, path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&if put { whole_put(path, b) } else { b });
        }
        let r = req.send().await.expect("request");
        let status = r.status().as_u16();
        let text = r.text().await.expect("body");
        (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }

    /// Makes lifecycle moves on a task through the API (`POST …/transitions`), each from the
    /// task's version as read just before; `token` must be allowed to make them. The task's JSON
    /// after the last.
    pub async fn move_task(&self, token: &str, task: i64, actions: &[&str]) -> Value {
        for action in actions {
            let version = self.task_version(token, task).await;
            let body = serde_json::json!({"action": action, "reason": "테스트 사유", "version": version});
            let (s, moved) = self
                .call(reqwest::Method::POST, &format!("/api/v1/tasks/{task}/transitions"), Some(token), Some(body))
                .await;
            assert_eq!(s, 200, "{action}: {moved}");
        }
        self.call(reqwest::Method::GET, &format!("/api/v1/tasks/{task}"), Some(token), None).await.1
    }

    /// Gives a new task what tabling asks for (a KPI with a target and a due date, a dated
    /// milestone) and moves it along the lifecycle to `status` (proposed: no move).
    pub async fn bring_to(&self, token: &str, task: i64, status: &str) -> Value {
        let path: &[&str] = match status {
            "proposed" => &[],
            "tabled" => &["table"],
            "confirmed" => &["table", "confirm"],
            "in_progress" => &["table", "confirm", "start"],
            "on_hold" => &["table", "confirm", "start", "hold"],
            "completed" => &["table", "confirm", "start", "complete"],
            "dropped" => &["table", "confirm", "drop"],
            other => panic!("no such status: {other}"),
        };
        if !path.is_empty() {
            let kpi = serde_json::json!({"name": "처리 기간", "target": "30", "unit": "일", "due": "2026-12-31"});
            let (s, k) =
                self.call(reqwest::Method::POST, &format!("/api/v1/tasks/{task}/kpis"), Some(token), Some(kpi)).await;
            assert_eq!(s, 201, "{k}");
            let ms = serde_json::json!({"title": "공동 지침 마련", "due": "2026-06-30"});
            let (s, m) = self
                .call(reqwest::Method::POST, &format!("/api/v1/tasks/{task}/milestones"), Some(token), Some(ms))
                .await;
            assert_eq!(s, 201, "{m}");
        }
        self.move_task(token, task, path).await
    }

    async fn task_version(&self, token: &str, task: i64) -> i64 {
        let (_, t) = self.call(reqwest::Method::GET, &format!("/api/v1/tasks/{task}"), Some(token), None).await;
        t["version"].as_i64().unwrap_or_else(|| panic!("task {task}: {t}"))
    }

    /// The id of an agency by short name.
    pub async fn agency_id(&self, short_name: &str) -> i64 {
        self.json(&format!("/api/v1/agencies/{short_name}"), 200).await["id"].as_i64().expect("agency id")
    }
}

/// The value of `<input … name="NAME" … value="…">` in a page.
pub fn hidden_field(html: &str, name: &str) -> Option<String> {
    let at = html.find(&format!("name=\"{name}\""))?;
    let tag_start = html[..at].rfind('<')?;
    let tag_end = at + html[at..].find('>')?;
    let tag = &html[tag_start..tag_end];
    let v = tag.find("value=\"")? + 7;
    Some(tag[v..v + tag[v..].find('"')?].to_string())
}

/// Writes each test once and runs it on both backends: `sqlite::name` and `postgres::name`.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $( #[tokio::test] async fn $name() { super::$name($crate::common::Backend::Sqlite).await } )*
        }
        mod postgres {
            $( #[tokio::test] async fn $name() { super::$name($crate::common::Backend::Postgres).await } )*
        }
    };
}

/// `body` for a PUT to `path`, with every field the OpenAPI document lists for it and `body` leaves
/// out set to null. A PUT must name every field (a field left out is refused, not cleared); tests
/// about other things write `{"title": …, "version": …}` and mean the rest empty.
pub fn whole_put(path: &str, body: Value) -> Value {
    let doc = serde_json::to_value(hanteam_web::openapi_document()).expect("document");
    let template = doc["paths"]
        .as_object()
        .expect("paths")
        .iter()
        .find(|(t, item)| item.get("put").is_some() && same_route(t, path.split('?').next().unwrap_or(path)))
        .map(|(_, item)| item["put"].clone());
    let Some(op) = template else { return body };
    let reference = op["requestBody"]["content"]["application/json"]["schema"]["$ref"].as_str().unwrap_or("");
    let schema = &doc["components"]["schemas"][reference.rsplit('/').next().unwrap_or("")];
    let mut body = body;
    if let (Some(fields), Some(given)) = (schema["properties"].as_object(), body.as_object_mut()) {
        for name in fields.keys() {
            given.entry(name.clone()).or_insert(Value::Null);
        }
    }
    body
}

fn same_route(template: &str, path: &str) -> bool {
    let (t, p): (Vec<&str>, Vec<&str>) = (template.split('/').collect(), path.split('/').collect());
    t.len() == p.len() && t.iter().zip(&p).all(|(t, p)| t.starts_with('{') || t == p)
}

/// The (title, link) of the notifications of `kind` in a `/api/v1/notifications` answer, in its order.
pub fn notices_of_kind(list: &Value, kind: &str) -> Vec<(String, String)> {
    list["items"]
        .as_array()
        .unwrap_or_else(|| panic!("a page of notifications: {list}"))
        .iter()
        .filter(|n| n["kind"] == kind)
        .map(|n| {
            (n["title"].as_str().unwrap_or_default().to_string(), n["link"].as_str().unwrap_or_default().to_string())
        })
        .collect()
}
