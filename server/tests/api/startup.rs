use server::{
    settings::Settings,
    startup::{Application, StartError},
    store::OpenError,
};

use crate::helpers::{spawn_app, Backend, TestDatabase};

#[tokio::test]
async fn a_failed_migration_stops_the_start_with_a_clear_message() {
    let app = spawn_app().await;
    // Someone edited an applied migration: its checksum no longer matches.
    let edited = match app.database.backend() {
        Backend::Sqlite => "UPDATE _sqlx_migrations SET checksum = x'00'",
        Backend::Postgres => "UPDATE _sqlx_migrations SET checksum = '\\x00'::bytea",
    };
    app.sql(edited).await.unwrap();

    let mut settings = Settings::for_data_dir(app.data_dir.path());
    app.database.point(&mut settings);
    let err = Application::build(&settings).await.err().expect("the start is refused");
    assert!(matches!(err, StartError::Database(OpenError::Migrate(_))), "{err:?}");
    assert!(err.to_string().starts_with("database migration failed, so the server will not start"), "{err}");
}

#[tokio::test]
async fn an_unsupported_database_url_stops_the_start() {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = Settings::for_data_dir(dir.path());
    settings.database_url = Some("mysql://localhost/chf".parse().unwrap());
    let err = Application::build(&settings).await.err().expect("the start is refused");
    assert!(err.to_string().contains("\"mysql:\" are not supported"), "{err}");
}

#[tokio::test]
async fn a_port_in_use_stops_the_start() {
    let running = spawn_app().await;
    let dir = tempfile::tempdir().unwrap();
    let mut settings = Settings::for_data_dir(dir.path());
    settings.addr = running.address.trim_start_matches("http://").parse().unwrap();
    let err = Application::build(&settings).await.err().expect("the start is refused");
    assert!(err.to_string().starts_with("cannot listen on"), "{err}");
}

#[tokio::test]
async fn data_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let database = TestDatabase::create().await;
    let mut settings = Settings::for_data_dir(dir.path());
    database.point(&mut settings);
    let first = Application::build(&settings).await.unwrap();
    server::register::demo::load_if_empty(first.store().as_ref()).await.unwrap();
    drop(first);
    let second = Application::build(&settings).await.unwrap();
    assert_eq!(second.store().register_size().await.unwrap(), 109);
    assert_eq!(server::register::demo::load_if_empty(second.store().as_ref()).await.unwrap(), None);
}
