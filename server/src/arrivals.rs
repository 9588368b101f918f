//! New observations are announced as they are stored, so every open inbox
//! can show them without a reload. Only the id travels: whoever listens
//! fetches what it may show through the same checked routes as any other.
//! With several servers on one PostgreSQL database the announcement goes
//! through the database first (`crate::relay`), so every server's inboxes hear it.

use futures::{Stream, StreamExt};
use tokio::sync::broadcast;
use tokio_stream::wrappers::BroadcastStream;
use uuid::Uuid;

use crate::relay::Relay;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Announcement {
    Arrived(Uuid),
    /// The server is stopping: listeners end, so a graceful shutdown is not
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

    /// The ids announced from now on, until the server shuts down. A
    /// listener that fell behind hears the nil id once: "fetch everything".
    pub fn listen(&self) -> impl Stream<Item = Uuid> + Send + 'static {
        BroadcastStream::new(self.here.subscribe())
            .map(|received| received.unwrap_or(Announcement::Arrived(Uuid::nil())))
            .take_while(|announcement| std::future::ready(*announcement != Announcement::ShuttingDown))
            .map(|announcement| match announcement {
                Announcement::Arrived(id) => id,
                Announcement::ShuttingDown => Uuid::nil(),
            })
    }
}
