//! The server binary as the benches run it: started on a free port over a
//! data folder (and the bench's database), its address read from what it
//! prints, its peak memory read from /proc, stopped at the end.

use std::{
    io::{BufRead, BufReader},
    path::Path,
    process::{Child, Command, Stdio},
};

pub fn start(binary: &str, dir: &Path, database: &BenchDatabase) -> (Child, String) {
    let mut child = Command::new(binary)
        .args(database.args())
        .args(["serve", "--addr", "127.0.0.1:0", "--data-dir"])
        .arg(dir)
        .env("RUST_LOG", "error")
        .stdout(Stdio::piped())
        .spawn()
        .expect("server starts");
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let address = loop {
        let mut line = String::new();
        if stdout.read_line(&mut line).unwrap_or(0) == 0 {
            stop(&mut child);
            panic!("server exited early");
        }
        if let Some(address) = line.trim().strip_prefix("Care Home Feedback is running at ") {
            break address.to_owned();
        }
    };
    (child, address)
}

pub fn stop(child: &mut Child) {
    let _ = child.kill();
    let _ = child.wait();
}

/// The process's peak resident memory (VmHWM), as /proc prints it.
pub fn peak_memory(child: &Child) -> String {
    let status = std::fs::read_to_string(format!("/proc/{}/status", child.id())).unwrap_or_default();
    status.lines().find(|l| l.starts_with("VmHWM:")).unwrap_or("VmHWM: unknown").trim_start_matches("VmHWM:").trim().to_owned()
}

/// Where a bench keeps its data: SQLite in the data folder (the default) or,
/// with `CHF_BENCH_DATABASE=postgres`, a PostgreSQL database of its own on
/// 127.0.0.1:5432 (`CHF_BENCH_POSTGRES_URL`), dropped when the bench ends.
pub struct BenchDatabase {
    postgres: Option<(String, String)>,
}

impl BenchDatabase {
    pub async fn create() -> Self {
        if std::env::var("CHF_BENCH_DATABASE").as_deref() != Ok("postgres") {
            return Self { postgres: None };
        }
        let server = std::env::var("CHF_BENCH_POSTGRES_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".to_owned());
        let name = format!("chf_bench_{}", std::process::id());
        let mut admin = <sqlx::PgConnection as sqlx::Connection>::connect(&format!("{server}/postgres")).await.expect("PostgreSQL answers");
        // One statement each: two in one string run as one transaction, which DROP DATABASE refuses.
        sqlx::raw_sql(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .execute(&mut admin)
            .await
            .expect("an old bench database dropped");
        sqlx::raw_sql(&format!("CREATE DATABASE {name}")).execute(&mut admin).await.expect("a bench database");
        Self { postgres: Some((format!("{server}/postgres"), format!("{server}/{name}"))) }
    }

    /// The server's flags that name this database; none for the default.
    pub fn args(&self) -> Vec<String> {
        match &self.postgres {
            Some((_, url)) => vec!["--database-url".to_owned(), url.clone()],
            None => Vec::new(),
        }
    }

    #[allow(dead_code, reason = "each bench compiles this module; only the triage bench moves data into the database")]
    pub fn url(&self) -> Option<&str> {
        self.postgres.as_ref().map(|(_, url)| url.as_str())
    }

    pub fn label(&self) -> &'static str {
        if self.postgres.is_some() {
            "PostgreSQL 127.0.0.1:5432"
        } else {
            "SQLite (WAL, synchronous=FULL)"
        }
    }

    pub async fn drop_now(self) {
        let Some((admin, url)) = self.postgres else { return };
        let name = url.rsplit('/').next().unwrap_or_default().to_owned();
        if let Ok(mut admin) = <sqlx::PgConnection as sqlx::Connection>::connect(&admin).await {
            let _ = sqlx::raw_sql(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut admin).await;
        }
    }
}
