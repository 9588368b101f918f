//! New observations reach open inboxes as server-sent events. Each accepted
//! submission is announced on a broadcast channel; every open
//! `/triage/events` stream passes it on. Only the id travels: the page
//! fetches what it may show through the same checked routes as any other.
//! With several servers on one PostgreSQL database the announcement goes
//! through the database first (`crate::relay`), so every server's inboxes hear it.

use std::{convert::Infallible, time::Duration};

use axum::{
    extract::State,
    response::sse::{Event, KeepAlive, Sse},
};
use futures::{Stream, StreamExt};
use tokio::sync::broadcast;
use tokio_stream::wrappers::BroadcastStream;
use uuid::Uuid;

use crate::{http::staff::Staff, relay::Relay};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Announcement {
    Arrived(Uuid),
    /// The server is stopping: streams end, so a graceful shutdown is not
    /// held open by inboxes that would otherwise stay connected for ever.
    ShuttingDown,
}

/// The channel new observations are announced on, and the relay that
/// carries them to the other servers when there are any.
#[derive(Clone)]
pub struct Arrivals {
    here: broadcast::Sender<Announcement>,
    relay: Relay,
}

impl Arrivals {
    pub fn new(relay: Relay) -> Self {
        // Announcements are tiny and read at once; a slow reader that falls
        // 256 behind just misses some, and its next fetch shows them anyway.
        Self { here: broadcast::channel(256).0, relay }
    }

    /// Announces new observations to every open inbox, on every server.
    pub fn announce(&self, ids: &[Uuid]) {
        match self.relay.is_shared() {
            // Comes back to this server through its listener, as to the others.
            true => self.relay.tell_arrived(ids),
            false => ids.iter().for_each(|id| self.announce_here(*id)),
        }
    }

    /// Announces to this server's open inboxes only (the nil id: "fetch everything").
    pub fn announce_here(&self, id: Uuid) {
        // No open inbox is not an error.
        let _ = self.here.send(Announcement::Arrived(id));
    }

    pub fn shut_down(&self) {
        let _ = self.here.send(Announcement::ShuttingDown);
    }
}

/// `GET /triage/events`: one `observation` event per new observation.
pub async fn events(_staff: Staff, State(arrivals): State<Arrivals>) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let stream = BroadcastStream::new(arrivals.here.subscribe())
        // A lagged reader gets one event, which makes it fetch everything.
        .map(|received| received.unwrap_or(Announcement::Arrived(Uuid::nil())))
        .take_while(|announcement| std::future::ready(*announcement != Announcement::ShuttingDown))
        .map(|announcement| {
            let id = match announcement {
                Announcement::Arrived(id) => id,
                Announcement::ShuttingDown => Uuid::nil(),
            };
            Ok(Event::default().event("observation").data(id.to_string()))
        });
    Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(20)))
}
