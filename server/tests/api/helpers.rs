//! `spawn_app()` starts the real application on a free port with a fresh
//! database; `TestApp` has one method per request the tests make.

use app::domain::register::RegisterPage;
use server::{register::demo, settings::Settings, startup::Application, store::SharedStore};
use tempfile::TempDir;
use tokio::sync::oneshot;

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub store: SharedStore,
    pub data_dir: TempDir,
    _stop: oneshot::Sender<()>,
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
    let settings = Settings::for_data_dir(data_dir.path());
    let app = Application::build(&settings).await.expect("the app starts");
    let address = format!("http://{}", app.address());
    let store = app.store().clone();
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(app.run_until(async {
        let _ = stopped.await;
    }));
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("http client");
    TestApp { address, client, store, data_dir, _stop: stop }
}

impl TestApp {
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.address))
            .send()
            .await
            .expect("request is sent")
    }

    pub async fn get_html(&self, path: &str) -> String {
        let response = self.get(path).await;
        assert_eq!(response.status(), 200, "GET {path}");
        response.text().await.expect("body")
    }

    /// Calls the register search server function as the hydrated page does.
    pub async fn search_register(&self, q: &str) -> reqwest::Response {
        self.client
            .post(format!("{}/api/v1/register/search", self.address))
            .form(&[("q", q)])
            .send()
            .await
            .expect("request is sent")
    }

    pub async fn search_register_ok(&self, q: &str) -> RegisterPage {
        let response = self.search_register(q).await;
        assert_eq!(response.status(), 200, "search {q:?}");
        response.json().await.expect("a register page")
    }
}
