//! Keeps the homes view's figures current. An observation or a step marks its
//! service stale and the view works those out again before it reads; this
//! works out every service again every hour, because "the last 90 days"
//! moves on even when nothing arrives.

use std::time::Duration;

use app::domain::triage::PatternRule;
use chrono::{DateTime, Utc};

use crate::store::{FigureWindows, SharedStore};

/// How often every service's figures are worked out again: a count at the
/// edge of a window is at most this late.
const EVERY: Duration = Duration::from_secs(3600);
/// After a failure (the database busy for long, say), sooner.
const AFTER_FAILURE: Duration = Duration::from_secs(60);

/// The windows for figures at `now` under the unit's pattern rule.
pub fn windows(rule: PatternRule, now: DateTime<Utc>) -> FigureWindows {
    FigureWindows::ending(now, rule.since(now))
}

/// Works out every service's figures now and then every hour, while the server runs.
pub async fn keep_figures_current(store: SharedStore, rule: PatternRule) {
    loop {
        let started = std::time::Instant::now();
        let wait = match store.refresh_home_figures(&windows(rule, Utc::now()), true).await {
            Ok(services) => {
                tracing::info!(services, ms = started.elapsed().as_millis() as u64, "homes' figures worked out");
                EVERY
            }
            Err(err) => {
                tracing::error!(error = %err, "homes' figures could not be worked out; trying again");
                AFTER_FAILURE
            }
        };
        tokio::time::sleep(wait).await;
    }
}
