use crate::helpers::spawn_app;

fn header<'a>(response: &'a reqwest::Response, name: &str) -> &'a str {
    response.headers().get(name).unwrap_or_else(|| panic!("{name} header is set")).to_str().unwrap()
}

#[tokio::test]
async fn pages_carry_a_nonce_csp_that_matches_their_scripts() {
    let app = spawn_app().await;
    let response = app.get("/").await;
    let csp = header(&response, "content-security-policy").to_owned();
    let nonce = csp.split("'nonce-").nth(1).and_then(|rest| rest.split('\'').next()).expect("a nonce in the policy").to_owned();
    assert!(nonce.len() >= 16);
    assert!(csp.contains("'wasm-unsafe-eval'"));
    assert!(!csp.contains("unsafe-inline"));
    let html = response.text().await.unwrap();
    let scripts = html.matches("<script").count();
    assert!(scripts >= 1);
    assert_eq!(html.matches(&format!("nonce=\"{nonce}\"")).count(), scripts, "every script has the nonce");

    let again = app.get("/").await;
    assert_ne!(header(&again, "content-security-policy"), csp, "a fresh nonce per response");
}

/// The nonce in a page's policy, if the policy has one.
fn policy_nonce(csp: &str) -> Option<&str> {
    csp.split("'nonce-").nth(1).and_then(|rest| rest.split('\'').next())
}

/// Many pages rendered at once, as the browser tests do: every one carries its
/// own nonce policy, never the strict default (which would block hydration).
#[tokio::test]
async fn every_page_of_many_at_once_carries_its_nonce_policy() {
    let app = std::sync::Arc::new(spawn_app().await);
    let paths = ["/", "/?q=%3Cimg%20src%3Dx%20onerror%3D%22alert(1)%22%3E", "/app", "/?q=heron"];
    let sends = (0..200).map(|n| {
        let app = app.clone();
        let path = paths[n % paths.len()];
        tokio::spawn(async move {
            let response = app.get(path).await;
            let csp = header(&response, "content-security-policy").to_owned();
            let html = response.text().await.unwrap();
            (path, csp, html)
        })
    });
    for send in futures::future::join_all(sends).await {
        let (path, csp, html) = send.unwrap();
        let nonce = policy_nonce(&csp).unwrap_or_else(|| panic!("{path}: no nonce in {csp}"));
        assert_eq!(html.matches(&format!("nonce=\"{nonce}\"")).count(), html.matches("<script").count(), "{path}");
    }
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = spawn_app().await;
    for path in ["/", "/healthz", "/no-such-page"] {
        let response = app.get(path).await;
        assert_eq!(header(&response, "x-content-type-options"), "nosniff", "{path}");
        assert_eq!(header(&response, "x-frame-options"), "DENY", "{path}");
        assert_eq!(header(&response, "referrer-policy"), "no-referrer", "{path}");
        assert!(header(&response, "content-security-policy").contains("frame-ancestors 'none'"), "{path}");
    }
}

#[tokio::test]
async fn every_kind_of_page_says_what_the_service_is_in_a_meta_description() {
    let app = spawn_app().await;
    for path in ["/", "/app", "/feedback", "/login", "/no-such-page"] {
        let html = app.get(path).await.text().await.unwrap();
        assert!(html.contains(r#"<meta name="description" content="Care Home Feedback: "#), "{path}");
    }
}

#[tokio::test]
async fn an_unknown_page_is_a_404_with_a_way_back() {
    let app = spawn_app().await;
    let response = app.get("/no-such-page").await;
    assert_eq!(response.status(), 404);
    let html = response.text().await.unwrap();
    assert!(html.contains("Page not found"));
    assert!(html.contains("href=\"/\""));
}

#[tokio::test]
async fn responses_are_compressed_for_clients_that_accept_it() {
    let app = spawn_app().await;
    let response = app.client.get(format!("{}/", app.address)).header("accept-encoding", "br").send().await.unwrap();
    assert_eq!(header(&response, "content-encoding"), "br");
}

#[tokio::test]
async fn an_oversized_body_is_refused_with_413() {
    let app = spawn_app().await;
    let body = format!("q={}", "a".repeat(300 * 1024));
    let response = app
        .client
        .post(format!("{}/api/v1/register/search", app.address))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
}

/// Building an app works out the pages' routes, which once held back every
/// page's data process-wide; pages rendering meanwhile never finished.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_render_while_other_apps_start_in_the_same_process() {
    let app = spawn_app().await;
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let builder = {
        let stop = stop.clone();
        tokio::spawn(async move {
            while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                let dir = tempfile::tempdir().unwrap();
                let settings = server::settings::Settings::for_data_dir(dir.path());
                drop(server::startup::Application::build(&settings).await.unwrap());
            }
        })
    };
    let client = reqwest::Client::builder().timeout(std::time::Duration::from_secs(10)).build().unwrap();
    let mut unfinished = Vec::new();
    for n in 0..300 {
        if let Err(err) = client.get(format!("{}/", app.address)).send().await {
            unfinished.push(format!("request {n}: {err}"));
        }
    }
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    builder.await.unwrap();
    assert!(unfinished.is_empty(), "{unfinished:#?}");
}
