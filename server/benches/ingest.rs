//! The ingest benchmark (not a test: it prints figures).
//!
//! 1. Submissions per second through `POST /api/v1/sync` on the release
//!    server, with wrk (a compiled client, so the client is not the limit)
//!    at batch sizes 1 and 25 and 8 and 32 connections; p50 and p99 per
//!    request. Every reply comes after its commit is durable (WAL,
//!    synchronous=FULL).
//! 2. Raw SQLite inserts of the same rows, same schema and settings, in the
//!    same run, at 1, 25 and 500 rows per transaction: the ceiling to compare with.
//! 3. The server's peak memory after 1,000 concurrent failed logins.
//!
//! `cargo bench -p server --bench ingest -- [seconds per wrk run]`
//! `CHF_BENCH_SERVER=path/to/server` times another build (an earlier release,
//! say) through the same HTTP runs; its database is set up by its own CLI.

mod server_process;

use std::{process::Command, str::FromStr, time::Instant};

use server_process::{peak_memory, start, stop, BenchDatabase};

use app::domain::{device::OrganisationName, forms, submission::SubmissionRequest};
use server::{
    credentials::{hash_secret, normalise_access_code},
    settings::Settings,
};
use sqlx::{sqlite::SqliteConnectOptions, ConnectOptions, Connection};

const CODE: &str = "BNCH-BNCH-BNCH";

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let seconds: u32 = args.first().and_then(|a| a.parse().ok()).unwrap_or(10);
    let dir = tempfile::tempdir().expect("temporary folder");
    let binary = std::env::var("CHF_BENCH_SERVER").unwrap_or_else(|_| env!("CARGO_BIN_EXE_server").to_owned());
    let database = BenchDatabase::create().await;
    let code = prepare_with_cli(&binary, dir.path(), &database);
    let (mut server, address) = start(&binary, dir.path(), &database);
    let token = enrol(&address, &code).await;

    println!("== ingest through /api/v1/sync on {} ({binary}, wrk -t1, {seconds} s per run)", database.label());
    println!("{:>6} {:>6} {:>14} {:>10} {:>10} {:>8}", "batch", "conns", "submissions/s", "p50 ms", "p99 ms", "failed");
    let today = chrono::Utc::now().date_naive().to_string();
    let mut run = 0;
    for batch in [1, 25] {
        for connections in [8, 32] {
            run += 1;
            let figures = wrk(&address, &token, batch, connections, seconds, run, &today);
            println!(
                "{batch:>6} {connections:>6} {:>14.0} {:>10.1} {:>10.1} {:>8}",
                figures.requests as f64 * batch as f64 / figures.seconds,
                figures.p50_us as f64 / 1000.0,
                figures.p99_us as f64 / 1000.0,
                figures.failed
            );
        }
    }
    println!("server peak memory (VmHWM) after ingest: {}", peak_memory(&server));
    stop(&mut server);
    database.drop_now().await;
    if std::env::var("CHF_BENCH_DATABASE").as_deref() == Ok("postgres") {
        // The raw inserts and the login flood are SQLite's figures; run without it for them.
        return;
    }

    println!();
    println!("== raw SQLite inserts of the same rows (same schema and settings, one connection, no HTTP)");
    println!("{:>14} {:>10} {:>10}", "rows per tx", "rows", "rows/s");
    for (per_transaction, rows) in [(1, 2_000), (25, 25_000), (500, 100_000)] {
        let rate = raw_inserts(per_transaction, rows).await;
        println!("{per_transaction:>14} {rows:>10} {rate:>10.0}");
    }

    println!();
    failed_logins(&binary).await;
}

/// A fresh database with the demo register and an organisation whose code is [`CODE`].
async fn prepare(dir: &std::path::Path) {
    let store = server::store::open(&Settings::for_data_dir(dir)).await.expect("database");
    server::register::demo::load_if_empty(store.as_ref()).await.expect("demo register");
    let name = OrganisationName::parse("Bench Surgery").unwrap();
    store.add_organisation(&name, &hash_secret(&normalise_access_code(CODE))).await.expect("organisation");
}

/// The demo register and an organisation, through the server's own commands; its access code.
fn prepare_with_cli(binary: &str, dir: &std::path::Path, database: &BenchDatabase) -> String {
    let run = |args: &[&str]| {
        let output = Command::new(binary)
            .arg("--data-dir")
            .arg(dir)
            .args(database.args())
            .args(args)
            .env("RUST_LOG", "error")
            .output()
            .expect("server runs");
        assert!(output.status.success(), "{args:?}: {}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8_lossy(&output.stdout).trim().to_owned()
    };
    run(&["register", "demo"]);
    run(&["org", "add", "Bench Surgery"]).rsplit(' ').next().unwrap().to_owned()
}

async fn enrol(address: &str, code: &str) -> String {
    let body = serde_json::json!({ "name": "Bench", "role": "gp", "access_code": code });
    let response = reqwest::Client::new().post(format!("{address}/api/v1/devices")).json(&body).send().await.unwrap();
    assert_eq!(response.status(), 201, "enrol");
    response.json::<serde_json::Value>().await.unwrap()["token"].as_str().unwrap().to_owned()
}

struct WrkFigures {
    requests: u64,
    seconds: f64,
    p50_us: u64,
    p99_us: u64,
    failed: u64,
}

fn wrk(address: &str, token: &str, batch: usize, connections: u32, seconds: u32, run: u32, today: &str) -> WrkFigures {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/ingest/sync.lua");
    let output = Command::new("wrk")
        .args(["-t1", &format!("-c{connections}"), &format!("-d{seconds}s"), "--timeout", "30s", "-s", script])
        .arg(format!("{address}/api/v1/sync"))
        .args(["--", &batch.to_string(), token, &run.to_string(), today])
        .output()
        .expect("wrk runs (apt-get install wrk)");
    let text = String::from_utf8_lossy(&output.stdout);
    let value = |name: &str| -> f64 {
        text.lines()
            .find_map(|line| line.strip_prefix(name).map(|v| f64::from_str(v.trim()).unwrap_or(0.0)))
            .unwrap_or_else(|| panic!("wrk printed no {name}: {text}"))
    };
    WrkFigures {
        requests: value("REQUESTS ") as u64,
        seconds: value("SECONDS "),
        p50_us: value("LATENCY_P50_US ") as u64,
        p99_us: value("LATENCY_P99_US ") as u64,
        failed: value("FAILED_REQUESTS ") as u64,
    }
}

/// The same rows the server stores for wrk's items, inserted directly with
/// the server's statement, schema and connection settings.
async fn raw_inserts(per_transaction: usize, rows: usize) -> f64 {
    let dir = tempfile::tempdir().unwrap();
    prepare(dir.path()).await;
    let path = dir.path().join("chf.db");
    let mut connection = SqliteConnectOptions::from_str(&format!("sqlite://{}", path.display()))
        .unwrap()
        .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
        .synchronous(sqlx::sqlite::SqliteSynchronous::Full)
        .foreign_keys(true)
        .connect()
        .await
        .unwrap();
    let device = uuid::Uuid::new_v4().to_string();
    sqlx::query("INSERT INTO devices (id, organisation_id, token_hash, name, role) VALUES (?, 1, 'raw', 'Bench', 'gp')")
        .bind(&device)
        .execute(&mut connection)
        .await
        .unwrap();
    let form = forms::find("professional-feedback", 1).unwrap();
    let today = chrono::Utc::now().date_naive();
    let started = Instant::now();
    let mut written = 0;
    while written < rows {
        let mut tx = connection.begin().await.unwrap();
        for n in 0..per_transaction.min(rows - written) {
            let request = bench_request(written + n, today);
            let answers = form.validate(&request.answers, today).unwrap();
            let assessment = form.assess(&answers);
            sqlx::query(
                "INSERT INTO submissions (id, device_id, form_id, form_version, service_location_id, answers, content_hash, \
                 severity, severity_reason, submitted_at, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
            )
            .bind(request.id.to_string())
            .bind(&device)
            .bind("professional-feedback")
            .bind(1)
            .bind(format!("1-{:09}", (written + n) % 83 + 1))
            .bind(serde_json::to_string(&answers).unwrap())
            .bind(request.id.to_string())
            .bind(assessment.severity.code())
            .bind(&assessment.reason)
            .bind(request.submitted_at.to_rfc3339())
            .bind(chrono::Utc::now().to_rfc3339())
            .execute(&mut *tx)
            .await
            .unwrap();
        }
        tx.commit().await.unwrap();
        written += per_transaction.min(rows - written);
    }
    rows as f64 / started.elapsed().as_secs_f64()
}

/// The item wrk sends, as a request.
fn bench_request(n: usize, today: chrono::NaiveDate) -> SubmissionRequest {
    let answers = serde_json::json!({
        "service": format!("1-{:09}", n % 83 + 1), "visit_date": today.to_string(), "visit_time": "morning",
        "role": "gp", "organisation": "Bench Surgery", "appearance": "good", "environment": "some_concerns",
        "environment_comment": "The lounge was cold and the call bell rang for a long time", "interaction": "not_observed",
        "staffing": "good", "risk_of_harm": "no", "shared_with_staff": "yes", "shared_with_role": "Registered manager", "contact_ok": "no"
    });
    serde_json::from_value(serde_json::json!({
        "id": uuid::Uuid::new_v4(), "form_id": "professional-feedback", "form_version": 1,
        "submitted_at": format!("{today}T09:00:00Z"), "answers": answers
    }))
    .unwrap()
}

/// 1,000 failed logins at once, from 50 addresses (20 each, the most one
/// address may try in 15 minutes) to 1,000 accounts, so every one reaches
/// a password check: the server's peak memory shows the checks are bounded.
async fn failed_logins(binary: &str) {
    let dir = tempfile::tempdir().unwrap();
    let database = BenchDatabase::create().await;
    prepare_with_cli(binary, dir.path(), &database);
    let (mut server, address) = start(binary, dir.path(), &database);
    let clients: Vec<reqwest::Client> = (0..50)
        .map(|n| {
            reqwest::Client::builder()
                .local_address(std::net::IpAddr::from([127, 0, 1, n + 1]))
                .timeout(std::time::Duration::from_secs(120))
                .build()
                .unwrap()
        })
        .collect();
    let started = Instant::now();
    let attempts = (0..1000).map(|n| {
        let client = &clients[n % 50];
        let address = &address;
        async move {
            let email = format!("nobody{n}@example.org");
            let form = [("email", email.as_str()), ("password", "wrong password"), ("next", "/triage")];
            client.post(format!("{address}/login")).form(&form).send().await.map(|r| r.status().as_u16()).unwrap_or(0)
        }
    });
    let statuses = futures::future::join_all(attempts).await;
    let count = |code: u16| statuses.iter().filter(|s| **s == code).count();
    println!("== 1,000 concurrent failed logins (50 addresses, 1,000 accounts)");
    println!(
        "{} checked and refused (401), {} told to wait (503, checkers busy), {} paused (429), {} other, in {:.1} s",
        count(401),
        count(503),
        count(429),
        statuses.len() - count(401) - count(503) - count(429),
        started.elapsed().as_secs_f64()
    );
    println!("server peak memory (VmHWM): {} (target 150 MB)", peak_memory(&server));
    stop(&mut server);
}
