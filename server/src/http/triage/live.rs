//! New observations reach open inboxes as server-sent events. Each accepted
//! submission is announced on a broadcast channel; every open
//! `/triage/events` stream passes it on. Only the id travels: the page
//! fetches what it may show through the same checked routes as any other.

use std::{convert::Infallible, time::Duration};

use axum::{
    extract::State,
    response::sse::{Event, KeepAlive, Sse},
};
use futures::{Stream, StreamExt};
use tokio::sync::broadcast;
use tokio_stream::wrappers::BroadcastStream;
use uuid::Uuid;

use crate::http::staff::Staff;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Announcement {
    Arrived(Uuid),
    /// The server is stopping: streams end, so a graceful shutdown is not
    /// held open by inboxes that would otherwise stay connected for ever.
    ShuttingDown,
}

/// The channel new observations are announced on.
#[derive(Clone)]
pub struct Arrivals(broadcast::Sender<Announcement>);

impl Default for Arrivals {
    fn default() -> Self {
        // Announcements are tiny and read at once; a slow reader that falls
        // 256 behind just misses some, and its next fetch shows them anyway.
        Self(broadcast::channel(256).0)
    }
}

impl Arrivals {
    pub fn announce(&self, id: Uuid) {
        // No open inbox is not an error.
        let _ = self.0.send(Announcement::Arrived(id));
    }

    pub fn shut_down(&self) {
        let _ = self.0.send(Announcement::ShuttingDown);
    }
}

/// `GET /triage/events`: one `observation` event per new observation.
pub async fn events(_staff: Staff, State(arrivals): State<Arrivals>) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let stream = BroadcastStream::new(arrivals.0.subscribe())
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
