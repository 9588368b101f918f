//! New observations reach open inboxes as server-sent events: every open
//! `/triage/events` stream passes on what `crate::arrivals` announces.

use std::{convert::Infallible, time::Duration};

use axum::{
    extract::State,
    response::sse::{Event, KeepAlive, Sse},
};
use futures::{Stream, StreamExt};

use crate::{arrivals::Arrivals, http::staff::Staff};

/// `GET /triage/events`: one `observation` event per new observation.
pub async fn events(_staff: Staff, State(arrivals): State<Arrivals>) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let stream = arrivals.listen().map(|id| Ok(Event::default().event("observation").data(id.to_string())));
    Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(20)))
}
