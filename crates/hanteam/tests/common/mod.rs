//! Starts the real server on a free port against its own fresh database, SQLite or PostgreSQL.
//!
//! PostgreSQL tests need `HANTEAM_TEST_PG_URL` (an admin URL of a throwaway cluster); `scripts/test.sh`
//! starts one and sets it. Each test gets a database of its own inside that cluster.

#![allow(dead_code)]

use std::sync::atomic::{AtomicUsize, Ordering};

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
    pub database_url: String,
    _shutdown: oneshot::Sender<()>,
    _dir: tempfile::TempDir,
}

/// A fresh, empty database of the backend and its URL.
pub async fn fresh_database(backend: Backend, dir: &tempfile::TempDir) -> String {
    match backend {
        Backend::Sqlite => format!("sqlite://{}", dir.path().join("hanteam.db").display()),
        Backend::Postgres => {
            let admin = std::env::var("HANTEAM_TEST_PG_URL").expect(
                "PostgreSQL tests need HANTEAM_TEST_PG_URL (an admin URL of a throwaway cluster): run scripts/test.sh",
            );
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

impl TestApp {
    /// The server as `hanteam serve` runs it: migrated, seeded on first start, listening on port 0.
    pub async fn spawn(backend: Backend) -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let database_url = fresh_database(backend, &dir).await;
        let db = Db::open(&database_url).await.expect("open database");
        db.seed_if_empty().await.expect("seed");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("local addr");
        let (tx, rx) = oneshot::channel::<()>();
        let state = AppState { db: db.clone() };
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
