//! Builds the application (database, router, listener) and runs it until a
//! shutdown signal. Tests call the same code with port 0.

use std::{future::Future, net::SocketAddr};

use leptos::config::LeptosOptions;
use tokio::net::TcpListener;

use crate::{
    alerts::Alerting,
    arrivals::Arrivals,
    connections,
    http::{self, AppState},
    settings::Settings,
    store::{self, OpenError, SharedStore},
};

/// Why the server could not start. Each stops the start with this message.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Database(#[from] OpenError),
    #[error("cannot load the form definitions: {0}")]
    Definitions(#[source] store::StoreError),
    #[error(transparent)]
    Alerts(#[from] crate::alerts::AlertSettingsError),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
}

pub struct Application {
    tcp: TcpListener,
    header_timeout: std::time::Duration,
    address: SocketAddr,
    router: axum::Router,
    store: SharedStore,
    arrivals: Arrivals,
    listener: crate::relay::Listener,
    alerting: Alerting,
    pattern_rule: app::domain::triage::PatternRule,
}

impl Application {
    /// Opens the database (applying migrations) and binds the listener.
    pub async fn build(settings: &Settings) -> Result<Self, StartError> {
        let store = store::open(settings).await?;
        // Listening first, so a version another server publishes while this one reads is not missed.
        let (relay, listener) = crate::relay::open(settings).await?;
        crate::definitions::load(&store).await.map_err(StartError::Definitions)?;
        let arrivals = Arrivals::new(relay.clone());
        let site_files = http::SiteFiles::beside_binary();
        // Every page, Leptos's and the unit's, names the stylesheet as this build did.
        let _ = app::STYLESHEET_HREF.set(site_files.stylesheet_href());
        let alerting = Alerting::new(settings)?;
        let pattern_rule =
            app::domain::triage::PatternRule { threshold: settings.pattern_threshold, window_days: settings.pattern_window_days };
        let state = AppState {
            leptos_options: leptos_options(settings, &site_files),
            store: store.clone(),
            secure_cookies: settings.secure_cookies,
            safeguarding_route: settings.safeguarding_route.clone(),
            draft_expiry_days: settings.draft_expiry_days,
            reply_window_days: settings.reply_window_days,
            service_worker: std::sync::Arc::new(http::ServiceWorker::for_site(&settings.site_root, &settings.release_label)),
            response_targets: app::domain::triage::ResponseTargets {
                red_working_days: settings.red_target_days,
                amber_working_days: settings.amber_target_days,
            },
            session_hours: settings.session_hours,
            pattern_rule,
            attempts: http::Attempts::new(settings.account_guess_window_secs),
            client_address_header: http::ClientAddressHeader(settings.client_address_header.clone()),
            max_body_bytes: settings.max_body_bytes,
            device_token_lifetime: http::DeviceTokenLifetime(chrono::Duration::days(settings.device_token_days.into())),
            arrivals: arrivals.clone(),
            relay,
            alert_channels: crate::intake::AlertChannels(alerting.channels()),
            lost_replies: http::LostReplies(std::sync::Arc::new(settings.test_lose_sync_replies.into())),
        };
        let body_timeout = std::time::Duration::from_secs(settings.body_timeout_secs.into());
        let router = http::router(state, body_timeout);
        let header_timeout = std::time::Duration::from_secs(settings.header_timeout_secs.into());
        let bind_error = |source| StartError::Bind { addr: settings.addr, source };
        let tcp = TcpListener::bind(settings.addr).await.map_err(bind_error)?;
        let address = tcp.local_addr().map_err(bind_error)?;
        Ok(Self { tcp, header_timeout, address, router, store, arrivals, listener, alerting, pattern_rule })
    }

    pub fn address(&self) -> SocketAddr {
        self.address
    }

    pub fn port(&self) -> u16 {
        self.address.port()
    }

    pub fn store(&self) -> &SharedStore {
        &self.store
    }

    /// Serves until SIGTERM or Ctrl-C, finishing requests already under way.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.run_until(shutdown_signal()).await
    }

    /// Serves until `signal` completes.
    pub async fn run_until(self, signal: impl Future<Output = ()> + Send + 'static) -> std::io::Result<()> {
        tracing::info!(address = %self.address, "listening");
        let arrivals = self.arrivals;
        // News from the other servers on the database, when there are any.
        let relayed = tokio::spawn(self.listener.listen(Hearers { arrivals: arrivals.clone(), store: self.store.clone() }));
        let signal = async move {
            signal.await;
            arrivals.shut_down();
        };
        // Alerts are sent while the server runs; one cut short is taken again after the hold.
        let sender = tokio::spawn(self.alerting.run(self.store.clone()));
        let figures = tokio::spawn(crate::homes::keep_figures_current(self.store.clone(), self.pattern_rule));
        let served = connections::serve(self.tcp, self.router, self.header_timeout, signal).await;
        sender.abort();
        figures.abort();
        relayed.abort();
        served?;
        tracing::info!("stopped");
        Ok(())
    }
}

/// Leptos's options, built from our settings rather than cargo-leptos's
/// environment, so the binary runs the same however it is started.
fn leptos_options(settings: &Settings, site_files: &http::SiteFiles) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("chf")
        .hash_files(site_files.hashed())
        .site_root(settings.site_root.display().to_string())
        .site_pkg_dir("pkg")
        .site_addr(settings.addr)
        .build()
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => tracing::info!("Ctrl-C received; shutting down"),
        () = terminate => tracing::info!("SIGTERM received; shutting down"),
    }
}

/// Who on this server hears the other servers' news: its open inboxes and its form engine.
struct Hearers {
    arrivals: Arrivals,
    store: SharedStore,
}

impl crate::relay::News for Hearers {
    fn arrived(&self, id: uuid::Uuid) {
        self.arrivals.announce_here(id);
    }

    async fn published(&self) {
        if let Err(err) = crate::definitions::refresh(&self.store).await {
            tracing::warn!(error = %err, "cannot read the published form versions");
        }
    }
}
