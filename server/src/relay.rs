//! Several servers on one PostgreSQL database hear each other's news through
//! LISTEN/NOTIFY: a new observation (so an inbox open on any server shows
//! it) and a newly published form version (so every server takes it). On
//! SQLite there is one server, so the news stays in its own process.
//!
//! Every server, the sender included, hears a notification through its
//! listener, so news takes one path whichever server it started on. A
//! listener that loses its connection reconnects, then catches up: open
//! inboxes fetch everything, and the published versions are read again.

use std::{future::Future, time::Duration};

use sqlx::postgres::{PgListener, PgPool, PgPoolOptions};
use tokio::sync::mpsc;
use uuid::Uuid;

use crate::{settings::Settings, store::OpenError};

/// New observations, by id, separated by spaces.
const ARRIVED: &str = "chf_arrived";
/// Ids told in one notification at most: 37 bytes each stays well inside
/// PostgreSQL's 8,000-byte payload.
const IDS_PER_NOTIFICATION: usize = 200;
/// Form versions published, as `form-id version` (for the log; every
/// listener reads all stored versions again).
const PUBLISHED: &str = "chf_published";

/// Where this server tells its news: nowhere beyond itself on SQLite, the
/// database's notification channels on PostgreSQL.
#[derive(Clone, Default)]
pub struct Relay(Option<Shared>);

#[derive(Clone)]
struct Shared {
    pool: PgPool,
    /// To the task that tells arrivals (see [`tell_arrivals`]).
    arrived: mpsc::UnboundedSender<Uuid>,
}

/// What hears the other servers' news; [`Listener::listen`] runs it.
pub struct Listener(Option<(PgListener, PgPool)>);

/// Connects to the database's channels when the database is PostgreSQL.
/// The listener is listening when this returns, so nothing sent after the
/// server has started is missed.
pub async fn open(settings: &Settings) -> Result<(Relay, Listener), OpenError> {
    let url = settings.database_url();
    if !matches!(url.scheme(), "postgres" | "postgresql") {
        return Ok((Relay(None), Listener(None)));
    }
    // One connection listens, one sends; a third spares a send waiting on a reconnect.
    let pool = PgPoolOptions::new()
        .max_connections(3)
        .acquire_timeout(Duration::from_secs(5))
        .connect(url.expose())
        .await
        .map_err(OpenError::Connect)?;
    let listener = listening(&pool).await.map_err(OpenError::Connect)?;
    let (arrived, waiting) = mpsc::unbounded_channel();
    tokio::spawn(tell_arrivals(pool.clone(), waiting));
    Ok((Relay(Some(Shared { pool: pool.clone(), arrived })), Listener(Some((listener, pool)))))
}

/// Tells new observations in as few notifications as keep up: whatever
/// arrived while the last one was being sent goes in the next. Each
/// notification is a commit that takes its turn at the database's one
/// notification queue, so one per observation would hold intake back.
async fn tell_arrivals(pool: PgPool, mut waiting: mpsc::UnboundedReceiver<Uuid>) {
    let mut ids = Vec::with_capacity(IDS_PER_NOTIFICATION);
    while waiting.recv_many(&mut ids, IDS_PER_NOTIFICATION).await > 0 {
        let payload = ids.drain(..).map(|id| id.to_string()).collect::<Vec<_>>().join(" ");
        notify(&pool, ARRIVED, &payload).await;
    }
}

/// A new connection listening on every channel.
async fn listening(pool: &PgPool) -> Result<PgListener, sqlx::Error> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen_all([ARRIVED, PUBLISHED]).await?;
    Ok(listener)
}

impl Relay {
    /// Whether news goes through the database rather than staying in process.
    pub fn is_shared(&self) -> bool {
        self.0.is_some()
    }

    /// Tells every server (this one included) of new observations, soon:
    /// the phone's reply need not wait for inboxes to hear.
    pub fn tell_arrived(&self, ids: &[Uuid]) {
        let Some(shared) = &self.0 else { return };
        for id in ids {
            // Cannot fail while this sender lives: the task ends only when every sender is gone.
            let _ = shared.arrived.send(*id);
        }
    }

    /// Tells every server that a form version was published.
    pub async fn tell_published(&self, form_id: &str, version: u32) {
        let Some(shared) = &self.0 else { return };
        notify(&shared.pool, PUBLISHED, &format!("{form_id} {version}")).await;
    }
}

async fn notify(pool: &PgPool, channel: &str, payload: &str) {
    // The observation is stored whether or not this works; an inbox that
    // misses the news shows it at its next fetch.
    if let Err(err) = sqlx::query("SELECT pg_notify($1, $2)").bind(channel).bind(payload).execute(pool).await {
        tracing::warn!(channel, error = %err, "cannot tell the other servers");
    }
}

/// What a server does with what it hears (wired in `crate::startup`): the
/// relay only carries the news, so it depends on none of its hearers.
pub trait News: Send + Sync + 'static {
    /// An observation was stored (the nil id: "fetch everything").
    fn arrived(&self, id: Uuid);
    /// A form version was published (or may have been, after a gap).
    fn published(&self) -> impl Future<Output = ()> + Send;
}

impl Listener {
    /// Passes each notification on until the server stops: observations to
    /// this server's open inboxes, published versions to its form engine.
    pub async fn listen(self, news: impl News) {
        let Some((mut listener, pool)) = self.0 else { return };
        loop {
            match listener.try_recv().await {
                Ok(Some(notification)) => match notification.channel() {
                    ARRIVED => {
                        for word in notification.payload().split_whitespace() {
                            match word.parse() {
                                Ok(id) => news.arrived(id),
                                Err(_) => tracing::warn!(payload = word, "an arrival that is not an id"),
                            }
                        }
                    }
                    _ => {
                        tracing::info!(version = notification.payload(), "a form version was published on another server");
                        news.published().await;
                    }
                },
                // The connection was lost and is back: whatever was sent
                // meanwhile is caught up on.
                Ok(None) => {
                    tracing::warn!("lost the database's notifications for a moment; catching up");
                    catch_up(&news).await;
                }
                // Lost, and perhaps still held (sqlx keeps a connection that
                // failed in some ways): a new one, once one can be had.
                Err(err) => {
                    tracing::warn!(error = %err, "cannot hear the database's notifications; trying again every second");
                    listener = loop {
                        tokio::time::sleep(Duration::from_secs(1)).await;
                        if let Ok(listener) = listening(&pool).await {
                            break listener;
                        }
                    };
                    tracing::info!("hearing the database's notifications again");
                    catch_up(&news).await;
                }
            }
        }
    }
}

/// After a gap: open inboxes fetch everything, and the published versions are read again.
async fn catch_up(news: &impl News) {
    news.arrived(Uuid::nil());
    news.published().await;
}
