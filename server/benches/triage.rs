//! The triage benchmark (not a test: it prints figures). Seeds N observations
//! (default 1,000,000) over 15,000 services (the demo register and generated
//! ones: England's care homes are about that many) into a fresh SQLite
//! database, starts the real server on it, logs in, and times the inbox and
//! the all-homes view over many requests: p50, p95 and the server's peak
//! memory (VmHWM).
//!
//! `cargo bench -p server --bench triage -- [observations] [requests]`

mod server_process;

use std::time::{Duration, Instant};

use app::domain::accounts::{Email, Role, StaffName};
use chrono::Utc;
use rand::{rngs::StdRng, Rng, SeedableRng};
use server::{credentials::hash_password, settings::Settings, store::NewUser};

const PASSWORD: &str = "bench password only";
const BATCH: usize = 10_000;
/// About as many care homes and home care services as England has.
const SERVICES: usize = 15_000;

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let observations: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(1_000_000);
    let requests: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(200);
    let dir = tempfile::tempdir().expect("temporary folder");
    // Made first, so a database that cannot be made stops the bench before the long seeding.
    let database = server_process::BenchDatabase::create().await;

    let store = server::store::open(&Settings::for_data_dir(dir.path())).await.expect("database");
    server::register::demo::load_if_empty(store.as_ref()).await.expect("demo register");
    let user = NewUser {
        email: Email::parse("bench@example.org").unwrap(),
        name: StaffName::parse("Bench Commissioner").unwrap(),
        role: Role::Commissioner,
        password_hash: hash_password(PASSWORD).unwrap(),
    };
    store.add_user(&user).await.expect("user");
    drop(store);

    let started = Instant::now();
    seed(&dir.path().join("chf.db"), observations).await;
    let seconds = started.elapsed().as_secs_f64();
    println!("== triage: {observations} observations seeded in {seconds:.1} s ({:.0} rows/s)", observations as f64 / seconds);
    let size = std::fs::metadata(dir.path().join("chf.db")).map(|m| m.len()).unwrap_or(0);
    println!("database file: {} MB", size / 1_000_000);

    // On PostgreSQL the seeded SQLite database is moved up as a unit would move
    // (`server migrate-data`), which times that too.
    if let Some(url) = database.url() {
        let started = Instant::now();
        let sqlite = format!("sqlite://{}", dir.path().join("chf.db").display());
        let copies = server::migrate_data::migrate(&sqlite, url).await.expect("migrate-data");
        assert!(copies.iter().all(|copy| copy.agrees()), "the copy agrees table by table");
        let rows: i64 = copies.iter().map(|copy| copy.target_rows).sum();
        println!(
            "moved to PostgreSQL with migrate-data: {rows} rows in {:.1} s, counts and content checked",
            started.elapsed().as_secs_f64()
        );
    }
    println!("serving from {}", database.label());
    let (mut child, address) = server_process::start(env!("CARGO_BIN_EXE_server"), dir.path(), &database);
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let login = client
        .post(format!("{address}/login"))
        .form(&[("email", "bench@example.org"), ("password", PASSWORD), ("next", "/triage")])
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 303, "login");
    let cookie = login.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned();

    // The first view after a start works out every service's figures (unless
    // the server's own start-up pass got there first): timed once, apart.
    let start = Instant::now();
    let first = client.get(format!("{address}/triage/homes")).header("cookie", &cookie).send().await.unwrap();
    assert_eq!(first.status(), 200, "homes");
    first.bytes().await.unwrap();
    println!(
        "first /triage/homes after start (figures of {SERVICES} services worked out): {:.0} ms",
        start.elapsed().as_secs_f64() * 1000.0
    );

    println!("{:<44} {:>9} {:>9} {:>9}", "page", "p50 ms", "p95 ms", "max ms");
    for path in [
        "/triage",
        "/triage?severity=red&status=new",
        "/triage?severity=amber&service=1-000000042&q=lounge",
        "/triage?page=400",
        "/triage?area=staffing",
        "/api/v1/triage/observations?severity=red",
        "/triage/homes",
        "/triage/homes?sort=trend",
        "/triage/homes?kind=nursing_home&town=North",
        "/triage/homes?sort=last&page=100",
        "/triage/homes?flagged=yes",
    ] {
        let mut times = Vec::with_capacity(requests);
        for round in 0..requests + 10 {
            let start = Instant::now();
            let response = client.get(format!("{address}{path}")).header("cookie", &cookie).send().await.unwrap();
            assert_eq!(response.status(), 200, "{path}");
            response.bytes().await.unwrap();
            // The first ten warm the caches and are not counted.
            if round >= 10 {
                times.push(start.elapsed());
            }
        }
        times.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        let at = |q: f64| ms(times[((times.len() as f64 * q).ceil() as usize).saturating_sub(1)]);
        println!("{path:<44} {:>9.1} {:>9.1} {:>9.1}", at(0.5), at(0.95), ms(*times.last().unwrap()));
    }
    println!("server peak memory (VmHWM): {} (target 150 MB)", server_process::peak_memory(&child));
    server_process::stop(&mut child);
    database.drop_now().await;
}

/// Writes observations straight into the database in large transactions: the
/// API would take hours for a million, and the bench is about reading.
async fn seed(path: &std::path::Path, count: usize) {
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display())).await.unwrap();
    sqlx::query("INSERT INTO organisations (name, access_code_hash) VALUES ('Bench Surgery', 'x')").execute(&pool).await.unwrap();
    let device = uuid::Uuid::new_v4().to_string();
    sqlx::query("INSERT INTO devices (id, organisation_id, token_hash, name, role) VALUES (?, 1, 'y', 'Bench', 'gp')")
        .bind(&device)
        .execute(&pool)
        .await
        .unwrap();
    seed_services(&pool).await;
    let mut rng = StdRng::seed_from_u64(7);
    let now = Utc::now();
    let words = ["lounge was cold", "call bells unanswered", "staff kind but rushed", "residents well dressed", "lunch was late"];
    let mut written = 0;
    while written < count {
        let mut tx = pool.begin().await.unwrap();
        for _ in 0..BATCH.min(count - written) {
            let roll: u32 = rng.random_range(0..100);
            let (severity, reason, rating) = match roll {
                0..10 => ("red", "Serious concerns: staffing", "serious_concerns"),
                10..40 => ("amber", "Some concerns: environment", "some_concerns"),
                _ => ("green", "No concerns raised", "good"),
            };
            let status = match rng.random_range(0..10) {
                0 => "new",
                1 => "triaged",
                2 => "action",
                _ => "closed",
            };
            let received = now - chrono::Duration::seconds(rng.random_range(0..3 * 365 * 86_400));
            let service = format!("1-{:09}", rng.random_range(1..=SERVICES));
            // About one red in twenty says someone is at immediate risk of harm.
            let risk_of_harm = severity == "red" && rng.random_range(0..20) == 0;
            let comment = words[rng.random_range(0..words.len())];
            let role = ["gp", "district_nurse", "paramedic"][rng.random_range(0..3)];
            let answers = serde_json::json!({
                "service": {"type": "service", "value": service},
                "role": {"type": "choice", "value": role},
                "organisation": {"type": "text", "value": "Bench Surgery"},
                "staffing": {"type": "rating", "value": {"value": rating, "comment": comment}},
                "environment": {"type": "rating", "value": {"value": "good", "comment": null}},
                "risk_of_harm": {"type": "yes_no", "value": risk_of_harm},
            });
            let id = uuid::Uuid::new_v4().to_string();
            sqlx::query(
                "INSERT INTO submissions (id, device_id, form_id, form_version, service_location_id, answers, content_hash, \
                 severity, severity_reason, submitted_at, received_at, status, acknowledged_at, risk_of_harm) \
                 VALUES (?, ?, 'professional-feedback', 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(&id)
            .bind(&device)
            .bind(&service)
            .bind(answers.to_string())
            .bind(&id)
            .bind(severity)
            .bind(reason)
            .bind(received.to_rfc3339())
            .bind(received.to_rfc3339())
            .bind(status)
            .bind((status != "new").then(|| received.to_rfc3339()))
            .bind(risk_of_harm)
            .execute(&mut *tx)
            .await
            .unwrap();
        }
        tx.commit().await.unwrap();
        written += BATCH.min(count - written);
    }
    // Statistics for the planner, as `PRAGMA optimize` keeps them on a live server.
    sqlx::query("ANALYZE").execute(&pool).await.unwrap();
    pool.close().await;
}

/// Services after the demo register's 109, up to [`SERVICES`], with invented
/// names in 300 invented towns and the three kinds in turn.
async fn seed_services(pool: &sqlx::SqlitePool) {
    let halves = ["North", "South", "East", "West", "Upper", "Lower", "Great", "Little", "Old", "New"];
    let roots =
        ["brook", "field", "ford", "ham", "ley", "mere", "stow", "thorpe", "wick", "worth", "bury", "combe", "dale", "holt", "marsh"];
    let kinds = ["residential_home", "nursing_home", "home_care"];
    let ratings = ["good", "requires_improvement", "outstanding", "inadequate"];
    let mut tx = pool.begin().await.unwrap();
    for n in 110..=SERVICES {
        let town = format!("{} {}{}", halves[n % halves.len()], ["Ash", "Oak", "Elm"][n / 7 % 3], roots[n / 11 % roots.len()]);
        sqlx::query("INSERT INTO services (location_id, name, kind, town, rating_overall, rated_on) VALUES (?, ?, ?, ?, ?, '2025-06-01')")
            .bind(format!("1-{n:09}"))
            .bind(format!("Bench Home {n}"))
            .bind(kinds[n % kinds.len()])
            .bind(town)
            .bind(ratings[n % ratings.len()])
            .execute(&mut *tx)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
}
