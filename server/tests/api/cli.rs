//! The `server` binary itself: serving, shutting down on SIGTERM, importing.

use std::{
    io::{BufRead, BufReader},
    process::{Command, Stdio},
    time::Duration,
};

use tempfile::TempDir;

use crate::helpers::TestDatabase;

const HEADER: &str = "location_id,name,kind,town,overall,safe,effective,caring,responsive,well_led,rated_on\n";

/// A data folder, and the test's own database when it runs on PostgreSQL.
struct Data {
    dir: TempDir,
    database: TestDatabase,
}

impl Data {
    fn new() -> Self {
        Self { dir: tempfile::tempdir().unwrap(), database: TestDatabase::create_blocking() }
    }

    /// The `server` command on this data folder and database.
    fn server(&self) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_server"));
        command.arg("--data-dir").arg(self.dir.path()).env("RUST_LOG", "warn");
        if let Some(url) = self.database.url() {
            command.arg("--database-url").arg(url);
        }
        command
    }
}

#[tokio::test]
async fn serve_prints_its_address_and_stops_cleanly_on_sigterm() {
    let data = Data::new();
    let mut child = data.server().args(["serve", "--demo", "--addr", "127.0.0.1:0"]).stdout(Stdio::piped()).spawn().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut lines = Vec::new();
    let address = loop {
        let mut line = String::new();
        assert!(stdout.read_line(&mut line).unwrap() > 0, "server exited early: {lines:?}");
        if let Some(address) = line.trim().strip_prefix("Care Home Feedback is running at ") {
            break address.to_owned();
        }
        lines.push(line);
    };
    assert!(lines.iter().any(|l| l.contains("Loaded the fictional demo register: 109 services")), "{lines:?}");
    assert!(
        lines.iter().any(|l| l.contains("Loaded 36 fictional demo observations. Log in at /login as commissioner@example.org")),
        "{lines:?}"
    );

    let body = reqwest::get(format!("{address}/healthz")).await.unwrap().text().await.unwrap();
    assert_eq!(body, "ok");

    let status = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(status.success());
    let exited = tokio::time::timeout(Duration::from_secs(10), tokio::task::spawn_blocking(move || child.wait()))
        .await
        .expect("the server stops within 10 s")
        .unwrap()
        .unwrap();
    assert!(exited.success(), "{exited:?}");
}

#[test]
fn register_import_reports_each_bad_row_and_imports_nothing() {
    let data = Data::new();
    let file = data.dir.path().join("register.csv");
    std::fs::write(
        &file,
        format!(
            "{HEADER}1-700,Good House,residential_home,Puddlecombe,,,,,,,\n\
             1-701,Bad House,hospital,Puddlecombe,,,,,,,\n\
             1-702,Undated House,nursing_home,Puddlecombe,good,,,,,,\n"
        ),
    )
    .unwrap();
    let output = data.server().args(["register", "import"]).arg(&file).output().unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("2 bad rows; nothing was imported"), "{stderr}");
    assert!(stderr.contains("line 3: kind: \"hospital\" is not one of"), "{stderr}");
    assert!(stderr.contains("line 4: rated_on: is required when there is a rating"), "{stderr}");

    // Nothing was imported: a good import afterwards adds every row.
    std::fs::write(&file, format!("{HEADER}1-700,Good House,residential_home,Puddlecombe,,,,,,,\n")).unwrap();
    let output = data.server().args(["register", "import"]).arg(&file).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(String::from_utf8_lossy(&output.stdout).contains("1 added, 0 updated, 0 unchanged"));
}

#[test]
fn register_import_of_the_same_file_again_changes_nothing() {
    let data = Data::new();
    let file = data.dir.path().join("register.csv");
    std::fs::write(
        &file,
        format!(
            "{HEADER}1-800,Lark House,residential_home,Puddlecombe,good,good,good,good,good,good,2025-01-02\n\
             1-801,Finch Care,home_care,Nettlebury,,,,,,,\n"
        ),
    )
    .unwrap();
    let import = || {
        let output = data.server().args(["register", "import"]).arg(&file).output().unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    assert!(import().contains("2 added, 0 updated, 0 unchanged"));
    assert!(import().contains("0 added, 0 updated, 2 unchanged"));
}

#[test]
fn a_missing_file_is_a_clear_error() {
    let data = Data::new();
    let output = data.server().args(["register", "import", "/no/such/file.csv"]).output().unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("cannot read /no/such/file.csv"));
}

#[test]
fn org_add_prints_an_access_code_once_and_refuses_a_duplicate_name() {
    let data = Data::new();
    let output = data.server().args(["org", "add", "Nettlebury Practice"]).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let code = stdout.trim().rsplit(' ').next().unwrap();
    assert_eq!(code.len(), 14, "{stdout}");
    assert_eq!(code.matches('-').count(), 2, "{stdout}");

    let again = data.server().args(["org", "add", "nettlebury practice"]).output().unwrap();
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
}

#[test]
fn device_revoke_names_a_device_that_does_not_exist() {
    let data = Data::new();
    let id = uuid::Uuid::new_v4().to_string();
    let output = data.server().args(["device", "revoke", &id]).output().unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains(&format!("there is no device {id}")));
}

#[tokio::test]
async fn org_rotate_code_replaces_the_code_and_disable_withdraws_it() {
    let data = Data::new();
    let code_in = |output: std::process::Output| -> String {
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        let stdout = String::from_utf8_lossy(&output.stdout).to_string();
        stdout.split_whitespace().find(|word| word.len() >= 14 && word.matches('-').count() == 2).unwrap().trim_end_matches('.').to_owned()
    };
    let old = code_in(data.server().args(["org", "add", "Nettlebury Practice"]).output().unwrap());
    let new = code_in(data.server().args(["org", "rotate-code", "Nettlebury Practice"]).output().unwrap());
    assert_ne!(old, new);
    let disabled = data.server().args(["org", "disable", "Nettlebury Practice"]).output().unwrap();
    assert!(disabled.status.success());
    assert!(String::from_utf8_lossy(&disabled.stdout).contains("no longer enrols devices"));
    let unknown = data.server().args(["org", "disable", "No Such Practice"]).output().unwrap();
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("there is no organisation called No Such Practice"));

    let mut settings = server::settings::Settings::for_data_dir(data.dir.path());
    data.database.point(&mut settings);
    let store = server::store::open(&settings).await.unwrap();
    for code in [old, new] {
        let hash = server::credentials::hash_secret(&server::credentials::normalise_access_code(&code));
        assert!(store.organisation_by_access_code(&hash).await.unwrap().is_none(), "{code} enrols no one");
    }
}

#[test]
fn a_provider_account_is_added_for_services_in_the_register_only() {
    let data = Data::new();
    assert!(data.server().args(["register", "demo"]).output().unwrap().status.success());
    let add = |extra: &[&str]| {
        let mut command = data.server();
        command.args(["user", "add", "--email", "manager@heron.example.org", "--name", "Heron Manager"]).args(extra);
        command.env("CHF_PASSWORD", "correct horse battery staple").output().unwrap()
    };
    let refused = add(&["--role", "provider"]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("a provider needs at least one --service"));
    let refused = add(&["--role", "provider", "--service", "1-000000003", "--service", "1-999999999"]);
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("--service 1-999999999: no service with this CQC location ID is in the register")
    );
    let refused = add(&["--role", "commissioner", "--service", "1-000000003"]);
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--service is for provider accounts only"));

    let added = add(&["--role", "provider", "--service", "1-000000003", "--service", "1-000000004"]);
    assert!(added.status.success(), "{}", String::from_utf8_lossy(&added.stderr));
    assert!(String::from_utf8_lossy(&added.stdout).contains("Added manager@heron.example.org (provider)"));
}
