use crate::helpers::{spawn_app, Backend};

#[tokio::test]
async fn healthz_says_the_process_is_up() {
    let app = spawn_app().await;
    let response = app.get("/healthz").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), "ok");
}

#[tokio::test]
async fn readyz_says_ready_when_the_database_answers() {
    let app = spawn_app().await;
    let response = app.get("/readyz").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), "ready");
}

#[tokio::test]
async fn the_database_file_is_created_in_wal_mode_on_first_start() {
    let app = spawn_app().await;
    let db = app.data_dir.path().join("chf.db");
    if app.database.backend() == Backend::Postgres {
        // SQLite only: a PostgreSQL app keeps no file (and no journal) of its own.
        app.get("/readyz").await;
        assert!(!db.exists(), "{db:?} was created beside PostgreSQL");
        return;
    }
    assert!(db.exists(), "{db:?} was created");
    app.get("/readyz").await;
    assert!(app.data_dir.path().join("chf.db-wal").exists(), "WAL journal in use");
}
