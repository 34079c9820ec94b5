//! PostgreSQL over TLS: hanteam encrypts the connection and checks the server's certificate when the
//! URL asks for it (`sslmode=verify-full`), as a deployment with a remote database should.
//! The throwaway cluster of scripts/pg.sh serves TLS with a certificate of its own.

use hanteam_store::Db;

fn admin_url_and_ca() -> (String, String) {
    let cluster = crate::common::pg_cluster();
    (cluster.admin_url.clone(), cluster.ca_file.clone())
}

#[tokio::test]
async fn a_postgresql_connection_with_verify_full_is_encrypted() {
    let (url, ca) = admin_url_and_ca();
    let db = Db::connect(&format!("{url}?sslmode=verify-full&sslrootcert={ca}")).await.expect("TLS connection");
    let Db::Postgres(pool) = &db else { panic!("a postgres URL gives a PostgreSQL pool") };
    let encrypted: bool =
        sqlx::query_scalar("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").fetch_one(pool).await.unwrap();
    assert!(encrypted, "the session is encrypted");
    db.close().await;
}

#[tokio::test]
async fn a_server_whose_certificate_cannot_be_verified_is_refused() {
    let (url, _) = admin_url_and_ca();
    // The cluster's certificate is self-made: without it as the root, verification must fail.
    let refused = Db::connect(&format!("{url}?sslmode=verify-full")).await;
    assert!(refused.is_err(), "an unverifiable certificate must not be accepted");
}
