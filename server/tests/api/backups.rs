//! Backups that are tested: one taken while observations keep arriving holds
//! every one acknowledged before it began, and restores into an empty data
//! folder (SQLite: `server backup`/`restore`; PostgreSQL: pg_dump/pg_restore,
//! as the README says). And moving up: `server migrate-data` copies a SQLite
//! database into PostgreSQL with every table's rows and content the same.

use std::{
    path::Path,
    process::{Command, Output},
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc, Mutex,
    },
    time::Duration,
};

use app::domain::accounts::Role;
use serde_json::{json, Value};
use server::store::{postgres::PostgresStore, sqlite::SqliteStore, Store, TriageStore};
use uuid::Uuid;

use crate::{
    forms::{own_form, submission_on},
    helpers::{feedback, other_server, spawn_app, spawn_app_with, Backend, TestApp, TestDatabase},
    triage::{serious_staffing, PASSWORD},
};

/// The `server` binary on a data folder (and a database URL, if given).
fn server(data_dir: &Path, database_url: Option<&str>) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_server"));
    command.arg("--data-dir").arg(data_dir).env("RUST_LOG", "warn");
    if let Some(url) = database_url {
        command.arg("--database-url").arg(url);
    }
    command
}

/// Runs a command on a thread of its own, so the server and the writers in
/// this test's runtime carry on meanwhile.
async fn run_beside(mut command: Command) -> Output {
    tokio::task::spawn_blocking(move || run(&mut command)).await.unwrap()
}

fn run(command: &mut Command) -> Output {
    let output = command.output().expect("the server binary runs");
    eprintln!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    output
}

/// Writers sending observations until told to stop; the ids the server
/// acknowledged, in the order it did.
struct Writers {
    acknowledged: Arc<Mutex<Vec<Uuid>>>,
    stop: Arc<AtomicBool>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Writers {
    fn start(app: &TestApp, token: &str, count: usize) -> Self {
        let (acknowledged, stop) = (Arc::new(Mutex::new(Vec::new())), Arc::new(AtomicBool::new(false)));
        let tasks = (0..count)
            .map(|_| {
                let (app, token) = (app.served_at(app.address.clone()), token.to_owned());
                let (acknowledged, stop) = (acknowledged.clone(), stop.clone());
                tokio::spawn(async move {
                    while !stop.load(Ordering::Relaxed) {
                        let body = feedback(&[]);
                        if app.submit(&token, &body).await.status() == 201 {
                            acknowledged.lock().unwrap().push(body["id"].as_str().unwrap().parse().unwrap());
                        }
                    }
                })
            })
            .collect();
        Self { acknowledged, stop, tasks }
    }

    fn so_far(&self) -> Vec<Uuid> {
        self.acknowledged.lock().unwrap().clone()
    }

    async fn stop(self) -> Vec<Uuid> {
        self.stop.store(true, Ordering::Relaxed);
        for task in self.tasks {
            task.await.unwrap();
        }
        let acknowledged = self.acknowledged.lock().unwrap().clone();
        acknowledged
    }
}

async fn wait_for(writers: &Writers, acknowledged: usize) {
    while writers.so_far().len() < acknowledged {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

async fn missing_from(store: &dyn Store, ids: &[Uuid]) -> Vec<Uuid> {
    let mut missing = Vec::new();
    for id in ids {
        if store.observation(*id).await.unwrap().is_none() {
            missing.push(*id);
        }
    }
    missing
}

#[tokio::test]
async fn a_backup_taken_while_observations_arrive_holds_every_one_acknowledged_before_it_began() {
    let app = spawn_app().await;
    let token = app.enrolled_device().await;
    let writers = Writers::start(&app, &token, 4);
    wait_for(&writers, 300).await;
    let before = writers.so_far();
    let backup_dir = tempfile::tempdir().unwrap();

    // The restored store, and what must outlive it (its folder or database).
    let (restored_store, _restored_place): (Box<dyn Store>, Box<dyn std::any::Any>) = match app.database.backend() {
        Backend::Sqlite => {
            let file = backup_dir.path().join("chf-backup.db");
            let mut backup = server(app.data_dir.path(), None);
            backup.arg("backup").arg(&file);
            let backed_up = run_beside(backup).await;
            assert!(backed_up.status.success());
            let during = writers.so_far().len() - before.len();
            assert!(during > 0, "observations kept arriving while the backup ran");
            assert!(String::from_utf8_lossy(&backed_up.stdout).contains("Backed up to"));

            let refused = run(server(app.data_dir.path(), None).arg("restore").arg(&file));
            assert!(!refused.status.success(), "a data folder with a database is never overwritten");
            assert!(String::from_utf8_lossy(&refused.stderr).contains("restore into an empty data folder"));

            let empty = tempfile::tempdir().unwrap();
            let restored = run(server(empty.path(), None).arg("restore").arg(&file));
            assert!(restored.status.success());
            eprintln!("{during} observations were acknowledged while the backup ran (SQLite)");
            let url = format!("sqlite://{}", empty.path().join("chf.db").display());
            let store = SqliteStore::open(&url).await.expect("the restored database opens");
            (Box::new(store), Box::new(empty))
        }
        Backend::Postgres => {
            let file = backup_dir.path().join("chf.dump");
            let url = app.database.url().unwrap();
            let mut dump = Command::new("pg_dump");
            dump.args(["--format=custom", "--file"]).arg(&file).arg(url);
            let dumped = run_beside(dump).await;
            assert!(dumped.status.success(), "pg_dump");
            let during = writers.so_far().len() - before.len();
            assert!(during > 0, "observations kept arriving while pg_dump ran");
            eprintln!("{during} observations were acknowledged while pg_dump ran");
            let empty = TestDatabase::create().await;
            let restored =
                run(Command::new("pg_restore").args(["--no-owner", "--exit-on-error", "--dbname", empty.url().unwrap()]).arg(&file));
            assert!(restored.status.success(), "pg_restore");
            let store = PostgresStore::open(empty.url().unwrap()).await.expect("the restored database opens");
            (Box::new(store), Box::new(empty))
        }
    };
    let all = writers.stop().await;
    assert!(all.len() > before.len(), "the server kept taking observations during and after the backup");
    assert_eq!(
        missing_from(restored_store.as_ref(), &before).await,
        Vec::<Uuid>::new(),
        "every observation acknowledged before the backup began"
    );
}

#[tokio::test]
async fn restore_refuses_what_is_not_a_backup_and_backup_refuses_to_overwrite() {
    let app = spawn_app().await;
    if app.database.backend() == Backend::Postgres {
        let said = run(server(app.data_dir.path(), app.database.url()).arg("backup").arg("/tmp/x"));
        assert!(!said.status.success());
        assert!(
            String::from_utf8_lossy(&said.stderr).contains("pg_dump --format=custom"),
            "PostgreSQL: the command says which tool to use"
        );
        return;
    }
    let folder = tempfile::tempdir().unwrap();
    let not_a_backup = folder.path().join("notes.txt");
    std::fs::write(&not_a_backup, "shopping list").unwrap();
    let empty = tempfile::tempdir().unwrap();
    let refused = run(server(empty.path(), None).arg("restore").arg(&not_a_backup));
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("is not a SQLite database"));
    assert!(!empty.path().join("chf.db").exists(), "nothing was put in place");

    let existing = folder.path().join("kept.db");
    std::fs::write(&existing, "an earlier backup").unwrap();
    let refused = run(server(app.data_dir.path(), None).arg("backup").arg(&existing));
    assert!(!refused.status.success());
    assert_eq!(std::fs::read_to_string(&existing).unwrap(), "an earlier backup");
}

/// Sends `count` observations through `/api/v1/sync`, 25 to a batch, four batches at a time.
async fn send_many(app: &TestApp, token: &str, count: usize) {
    let batches: Vec<Vec<Value>> = (0..count).map(|_| feedback(&[])).collect::<Vec<_>>().chunks(25).map(<[Value]>::to_vec).collect();
    for four in batches.chunks(4) {
        let bodies: Vec<Value> = four.iter().map(|items| json!({ "items": items })).collect();
        let sends = bodies.iter().map(|body| app.post_json("/api/v1/sync", body, Some(token)));
        for reply in futures::future::join_all(sends).await {
            assert_eq!(reply.status(), 200);
        }
    }
}

#[tokio::test]
async fn migrate_data_copies_the_demo_and_ten_thousand_observations_into_postgres_with_equal_content() {
    if crate::helpers::backend() != Backend::Postgres {
        eprintln!("skipped: migrate-data needs PostgreSQL (CHF_TEST_DATABASE=postgres)");
        return;
    }
    // The source: SQLite, with the demo, 10,000 observations, an audit trail,
    // a published form version, sessions and throttle counts.
    let source = spawn_app_with(|settings| {
        settings.database_url = Some(format!("sqlite://{}", settings.data_dir.join("chf.db").display()).parse().unwrap())
    })
    .await;
    let token = source.enrolled_device().await;
    server::demo::load_if_empty(source.store.as_ref()).await.unwrap().expect("the demo loads");
    send_many(&source, &token, 10_000).await;
    let jo = source.staff("jo@example.org", "Jo", Role::Commissioner).await;
    let ada = source.staff("ada@example.org", "Ada", Role::Admin).await;
    let (form_id, definition) = own_form(1);
    assert_eq!(source.publish(Some(&ada), &definition.to_string()).await.0, 201);
    assert_eq!(source.submit(&token, &submission_on(&form_id, 1, &[])).await.status(), 201);
    let red = source.observation_with(&token, &serious_staffing()).await;
    assert_eq!(source.post_login("jo@example.org", "a wrong guess").await.status(), 401);
    let source_url = format!("sqlite://{}", source.data_dir.path().join("chf.db").display());

    // As on a unit whose homes' figures are worked out: nothing queued for
    // them, though each observation's trigger queues its home when it arrives.
    let sqlite = sqlx::SqlitePool::connect(&source_url).await.unwrap();
    sqlx::query("DELETE FROM service_stats_stale").execute(&sqlite).await.unwrap();

    let target = TestDatabase::create().await;
    let mistyped = run(server(source.data_dir.path(), None).args([
        "migrate-data",
        "--from",
        "sqlite:///nowhere/chf.db",
        "--to",
        target.url().unwrap(),
    ]));
    assert!(!mistyped.status.success());
    assert!(String::from_utf8_lossy(&mistyped.stderr).contains("there is no SQLite database at /nowhere/chf.db"));
    let moved = run(server(source.data_dir.path(), None).args(["migrate-data", "--from", &source_url, "--to", target.url().unwrap()]));
    assert!(moved.status.success(), "migrate-data succeeds");
    let report = String::from_utf8_lossy(&moved.stdout);
    assert!(report.contains("every table has the same rows and content in both"), "{report}");
    assert!(!report.contains("DIFFERENT"), "{report}");

    let postgres = sqlx::PgPool::connect(target.url().unwrap()).await.unwrap();
    // Vacuumed, not only analysed: after a bulk load the visibility map is
    // empty, and the inbox's counts read every row instead of its indexes.
    let (pages, all_visible): (i32, i32) =
        sqlx::query_as("SELECT relpages, relallvisible FROM pg_class WHERE relname = 'submissions'").fetch_one(&postgres).await.unwrap();
    assert!(pages > 0 && all_visible == pages, "every page of the copy is marked all-visible ({all_visible} of {pages})");

    // Seen through the store, each backend's own code: the same observations.
    let moved_store = PostgresStore::open(target.url().unwrap()).await.unwrap();
    for table in
        ["submissions", "triage_events", "form_definitions", "sessions", "services", "attempts", "organisations", "service_stats_stale"]
    {
        let count = format!("SELECT COUNT(*) FROM {table}");
        let on_sqlite: i64 = sqlx::query_scalar(&count).fetch_one(&sqlite).await.unwrap();
        let on_postgres: i64 = sqlx::query_scalar(&count).fetch_one(&postgres).await.unwrap();
        assert_eq!(on_sqlite, on_postgres, "{table}");
        assert!(on_sqlite > 0 || table == "service_stats_stale", "{table} has rows to copy");
    }
    let submissions: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM submissions").fetch_one(&postgres).await.unwrap();
    assert_eq!(submissions, 10_000 + 36 + 2, "10,000 sent, the demo's 36, one on the new version, one red");
    let on_sqlite = source.store.observation(red).await.unwrap().unwrap();
    let on_postgres = moved_store.observation(red).await.unwrap().unwrap();
    assert_eq!(format!("{on_sqlite:?}"), format!("{on_postgres:?}"), "the same observation, audit trail included");

    // A server on the copy: the same session, device and password work, and
    // new rows take ids after the copied ones.
    let on_copy = other_server(&source, target.url().unwrap());
    assert_eq!(on_copy.app.get_as(Some(&jo.cookie), "/triage").await.status(), 200, "Jo's session came across");
    assert_eq!(on_copy.app.submit(&token, &feedback(&[])).await.status(), 201, "the phone's token came across");
    assert_eq!(on_copy.app.post_login("jo@example.org", PASSWORD).await.status(), 303);
    let added = run(server(source.data_dir.path(), target.url()).args(["org", "add", "Another Surgery"]));
    assert!(added.status.success(), "an organisation added after the copy takes the next id");
    let again = run(server(source.data_dir.path(), None).args(["migrate-data", "--from", &source_url, "--to", target.url().unwrap()]));
    assert!(!again.status.success(), "a target that is not empty is refused");
    assert!(String::from_utf8_lossy(&again.stderr).contains("not empty"));
}
