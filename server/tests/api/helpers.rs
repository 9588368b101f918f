//! `spawn_app()` starts the real application on a free port with a fresh
//! database; `TestApp` has one method per request the tests make.

use app::domain::{device::OrganisationName, register::RegisterPage};
use serde_json::{json, Value};
use server::{
    credentials::{hash_secret, new_access_code, normalise_access_code},
    register::demo,
    settings::Settings,
    startup::Application,
    store::SharedStore,
};
use sqlx::Connection;
use std::sync::Arc;
use tempfile::TempDir;
use tokio::sync::oneshot;

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub store: SharedStore,
    pub data_dir: Arc<TempDir>,
    /// Where the app keeps its data; a PostgreSQL one is dropped with the
    /// last app on it.
    pub database: Arc<TestDatabase>,
    /// Stops the app when dropped; `None` for a server this test did not start.
    _stop: Option<oneshot::Sender<()>>,
}

/// The database the tests run on. `CHF_TEST_DATABASE=postgres` gives each
/// app a PostgreSQL database of its own; otherwise it has a SQLite file in
/// its data folder, as a default installation does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub fn backend() -> Backend {
    match std::env::var("CHF_TEST_DATABASE").as_deref() {
        Ok("postgres") => Backend::Postgres,
        Ok("sqlite") | Err(_) => Backend::Sqlite,
        Ok(other) => panic!("CHF_TEST_DATABASE={other}: use postgres or sqlite"),
    }
}

/// The PostgreSQL server's maintenance database, through which each test's
/// own database is created and dropped. `CHF_TEST_POSTGRES_URL` names
/// another server.
fn postgres_server() -> String {
    std::env::var("CHF_TEST_POSTGRES_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

/// One app's database. For PostgreSQL, `chf_test_<random hex>`, made for one
/// test and dropped (with any connection still open) when the test ends,
/// passed or failed; a restarted app keeps it.
pub struct TestDatabase {
    /// `None` for SQLite: the file is in the data folder, which goes with the test.
    postgres: Option<(String, String)>,
}

impl TestDatabase {
    pub async fn create() -> Self {
        if backend() == Backend::Sqlite {
            return Self { postgres: None };
        }
        let name = format!("chf_test_{}", uuid::Uuid::new_v4().simple());
        let server = postgres_server();
        let mut admin = sqlx::PgConnection::connect(&server).await.expect("the PostgreSQL server answers");
        sqlx::raw_sql(&format!("CREATE DATABASE {name}")).execute(&mut admin).await.expect("a test database is created");
        admin.close().await.ok();
        let (base, _) = server.rsplit_once('/').expect("a URL ending in a database name");
        Self { postgres: Some((name.clone(), format!("{base}/{name}"))) }
    }

    /// [`Self::create`] for a caller that cannot await (a plain `#[test]`).
    pub fn create_blocking() -> Self {
        std::thread::spawn(|| {
            tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime").block_on(Self::create())
        })
        .join()
        .expect("a test database")
    }

    /// The PostgreSQL database's URL; `None` for SQLite, the data folder's default.
    pub fn url(&self) -> Option<&str> {
        self.postgres.as_ref().map(|(_, url)| url.as_str())
    }

    /// Points `settings` at this database (a SQLite one is already the default).
    pub fn point(&self, settings: &mut Settings) {
        if let Some((_, url)) = &self.postgres {
            settings.database_url = Some(url.parse().expect("a database URL"));
        }
    }

    pub fn backend(&self) -> Backend {
        if self.postgres.is_some() {
            Backend::Postgres
        } else {
            Backend::Sqlite
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let Some((name, _)) = self.postgres.take() else { return };
        // Drop cannot await, and may run inside the test's runtime, so the
        // database is dropped from a thread with a runtime of its own.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
            runtime.block_on(async {
                let mut admin = sqlx::PgConnection::connect(&postgres_server()).await?;
                sqlx::raw_sql(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut admin).await?;
                admin.close().await
            })
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) {
            eprintln!("the test database could not be dropped: {dropped:?}");
        }
    }
}

pub async fn spawn_app() -> TestApp {
    let data_dir = tempfile::tempdir().expect("temporary folder");
    spawn_app_in(data_dir).await
}

/// An app whose register holds the 109 fictional demo services.
pub async fn spawn_app_with_demo_register() -> TestApp {
    let app = spawn_app().await;
    demo::load_if_empty(app.store.as_ref()).await.expect("demo register loads");
    app
}

pub async fn spawn_app_in(data_dir: TempDir) -> TestApp {
    spawn_app_with_settings(Arc::new(data_dir), Arc::new(TestDatabase::create().await), |_| {}).await
}

/// An app with some settings changed from the defaults.
pub async fn spawn_app_with(change: impl FnOnce(&mut Settings)) -> TestApp {
    let data_dir = tempfile::tempdir().expect("temporary folder");
    spawn_app_with_settings(Arc::new(data_dir), Arc::new(TestDatabase::create().await), change).await
}

async fn spawn_app_with_settings(data_dir: Arc<TempDir>, database: Arc<TestDatabase>, change: impl FnOnce(&mut Settings)) -> TestApp {
    let mut settings = Settings::for_data_dir(data_dir.path());
    database.point(&mut settings);
    change(&mut settings);
    let app = Application::build(&settings).await.expect("the app starts");
    let address = format!("http://{}", app.address());
    let store = app.store().clone();
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(app.run_until(async {
        let _ = stopped.await;
    }));
    TestApp { address, client: test_client(), store, data_dir, database, _stop: Some(stop) }
}

/// A client that shows redirects rather than following them.
fn test_client() -> reqwest::Client {
    // A request that never completes fails its test within a minute, rather
    // than holding the whole run until CI's time limit.
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(60))
        .build()
        .expect("http client")
}

impl TestApp {
    /// Stops the app and starts it again on the same data folder and
    /// database, with these settings changed.
    pub async fn restart(self, change: impl FnOnce(&mut Settings)) -> TestApp {
        let Self { data_dir, database, _stop, .. } = self;
        drop(_stop);
        spawn_app_with_settings(data_dir, database, change).await
    }

    /// The same database served by another server at `address`: the same
    /// requests, sent there instead.
    pub fn served_at(&self, address: String) -> TestApp {
        TestApp {
            address,
            client: test_client(),
            store: self.store.clone(),
            data_dir: self.data_dir.clone(),
            database: self.database.clone(),
            _stop: None,
        }
    }

    /// Runs SQL (one statement or several, no parameters) straight on the
    /// app's database, as someone with a database shell could; the rows it
    /// changed. The error is the database's own.
    pub async fn sql(&self, sql: &str) -> Result<u64, sqlx::Error> {
        match &self.database.postgres {
            Some((_, url)) => {
                let mut db = sqlx::PgConnection::connect(url).await?;
                Ok(sqlx::raw_sql(sql).execute(&mut db).await?.rows_affected())
            }
            None => {
                let mut db = sqlx::SqliteConnection::connect(&self.sqlite_url()).await?;
                Ok(sqlx::raw_sql(sql).execute(&mut db).await?.rows_affected())
            }
        }
    }

    /// The first column of the one row `sql` returns, read straight from the app's database.
    pub async fn sql_value<T>(&self, sql: &str) -> T
    where
        T: for<'r> sqlx::Decode<'r, sqlx::Postgres> + sqlx::Type<sqlx::Postgres>,
        T: for<'r> sqlx::Decode<'r, sqlx::Sqlite> + sqlx::Type<sqlx::Sqlite>,
        T: Send + Unpin,
    {
        match &self.database.postgres {
            Some((_, url)) => {
                let mut db = sqlx::PgConnection::connect(url).await.expect("the test database answers");
                sqlx::query_scalar(sql).fetch_one(&mut db).await.expect("one row")
            }
            None => {
                let mut db = sqlx::SqliteConnection::connect(&self.sqlite_url()).await.expect("the test database opens");
                sqlx::query_scalar(sql).fetch_one(&mut db).await.expect("one row")
            }
        }
    }

    fn sqlite_url(&self) -> String {
        format!("sqlite://{}", self.data_dir.path().join("chf.db").display())
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(format!("{}{path}", self.address)).send().await.expect("request is sent")
    }

    pub async fn get_html(&self, path: &str) -> String {
        let response = self.get(path).await;
        assert_eq!(response.status(), 200, "GET {path}");
        response.text().await.expect("body")
    }

    /// Calls the register search server function as the hydrated page does.
    pub async fn search_register(&self, q: &str) -> reqwest::Response {
        self.client.post(format!("{}/api/v1/register/search", self.address)).form(&[("q", q)]).send().await.expect("request is sent")
    }

    pub async fn search_register_ok(&self, q: &str) -> RegisterPage {
        let response = self.search_register(q).await;
        assert_eq!(response.status(), 200, "search {q:?}");
        response.json().await.expect("a register page")
    }
}

impl TestApp {
    /// Adds an organisation as `server org add` does and returns its access code.
    pub async fn add_organisation(&self, name: &str) -> String {
        let code = new_access_code();
        let name = OrganisationName::parse(name).unwrap();
        self.store.add_organisation(&name, &hash_secret(&normalise_access_code(&code))).await.unwrap();
        code
    }

    pub async fn post_json(&self, path: &str, body: &Value, token: Option<&str>) -> reqwest::Response {
        let mut request = self.client.post(format!("{}{path}", self.address)).json(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.expect("request is sent")
    }

    pub async fn enrol(&self, name: &str, role: &str, access_code: &str) -> reqwest::Response {
        let body = json!({ "name": name, "role": role, "access_code": access_code });
        self.post_json("/api/v1/devices", &body, None).await
    }

    /// A newly enrolled device's token, with the demo register loaded.
    pub async fn enrolled_device(&self) -> String {
        demo::load_if_empty(self.store.as_ref()).await.unwrap();
        let code = self.add_organisation(&format!("Surgery {}", uuid::Uuid::new_v4())).await;
        let response = self.enrol("Dr Test", "gp", &code).await;
        assert_eq!(response.status(), 201);
        let body: Value = response.json().await.unwrap();
        body["token"].as_str().unwrap().to_owned()
    }

    pub async fn submit(&self, token: &str, submission: &Value) -> reqwest::Response {
        self.post_json("/api/v1/submissions", submission, Some(token)).await
    }
}

/// A client whose requests come from another loopback address, as another
/// machine's would.
pub fn client_from(address: &str) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(address.parse::<std::net::IpAddr>().unwrap())
        .redirect(reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(60))
        .build()
        .unwrap()
}

/// Reads an open event stream until `heard_all` holds for what arrived; each
/// chunk must come within 5 s.
pub async fn read_events_until(events: &mut reqwest::Response, heard_all: impl Fn(&str) -> bool) -> String {
    let mut heard = String::new();
    while !heard_all(&heard) {
        let chunk = tokio::time::timeout(std::time::Duration::from_secs(5), events.chunk())
            .await
            .expect("an event within 5 s")
            .unwrap()
            .expect("the stream stays open");
        heard.push_str(&String::from_utf8_lossy(&chunk));
    }
    heard
}

/// A complete feedback form with no concerns, about the first demo service.
pub fn feedback(answers: &[(&str, Value)]) -> Value {
    let today = chrono::Utc::now().date_naive().to_string();
    let mut all = json!({
        "service": "1-000000001",
        "visit_date": today,
        "visit_time": "morning",
        "role": "gp",
        "organisation": "Puddlecombe Surgery",
        "appearance": "good",
        "environment": "good",
        "interaction": "not_observed",
        "staffing": "good",
        "risk_of_harm": "no",
        "shared_with_staff": "yes",
        "shared_with_role": "Registered manager",
        "contact_ok": "no"
    });
    for (field, value) in answers {
        all[*field] = value.clone();
    }
    json!({
        "id": uuid::Uuid::new_v4(),
        "form_id": "professional-feedback",
        "form_version": 1,
        "answers": all,
        "submitted_at": chrono::Utc::now().to_rfc3339()
    })
}

/// The `server` binary serving `database_url` from a process of its own, its
/// requests sent as `like`'s are; stopped when dropped.
pub struct OtherServer {
    child: std::process::Child,
    pub app: TestApp,
    /// Kept open: a closed pipe would fail the server's next line of output.
    _output: std::io::BufReader<std::process::ChildStdout>,
    _data_dir: TempDir,
}

impl Drop for OtherServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn other_server(like: &TestApp, database_url: &str) -> OtherServer {
    use std::io::BufRead;
    let data_dir = tempfile::tempdir().expect("temporary folder");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .args(["--database-url", database_url, "serve", "--addr", "127.0.0.1:0"])
        .arg("--data-dir")
        .arg(data_dir.path())
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("the server binary starts");
    let mut stdout = std::io::BufReader::new(child.stdout.take().expect("its output"));
    let address = loop {
        let mut line = String::new();
        assert!(stdout.read_line(&mut line).expect("its output") > 0, "the other server exited early");
        if let Some(address) = line.trim().strip_prefix("Care Home Feedback is running at ") {
            break address.to_owned();
        }
    };
    OtherServer { child, app: like.served_at(address), _output: stdout, _data_dir: data_dir }
}
