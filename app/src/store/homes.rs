//! All homes at a glance: each service's recent figures, kept up to date from
//! the observations.

use chrono::{DateTime, Utc};

use crate::domain::register::{Service, ServiceKind};

use super::StoreError;

/// The figures behind `/triage/homes`.
#[async_trait::async_trait]
pub trait HomesStore: Send + Sync + 'static {
    /// Works out again the figures of the services an observation or a step
    /// changed since they were last worked out, or of every service; returns
    /// how many it worked out.
    async fn refresh_home_figures(&self, windows: &FigureWindows, every_service: bool) -> Result<u64, StoreError>;

    /// One page of services with their figures, filtered and sorted.
    async fn homes(&self, query: &HomesQuery) -> Result<HomesPage, StoreError>;
}

/// The windows figures are counted over, ending at `now`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FigureWindows {
    pub now: DateTime<Utc>,
    /// The start of "the last 90 days".
    pub window_start: DateTime<Utc>,
    /// The start of the 90 days before that, for the trend.
    pub before_start: DateTime<Utc>,
    /// The start of the pattern rule's window.
    pub pattern_start: DateTime<Utc>,
}

impl FigureWindows {
    /// How far back the homes view looks.
    pub const WINDOW_DAYS: i64 = 90;

    pub fn ending(now: DateTime<Utc>, pattern_start: DateTime<Utc>) -> Self {
        let window_start = now - chrono::Duration::days(Self::WINDOW_DAYS);
        Self { now, window_start, before_start: window_start - chrono::Duration::days(Self::WINDOW_DAYS), pattern_start }
    }
}

/// Which services, in which order, which page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HomesQuery {
    pub kind: Option<ServiceKind>,
    /// Towns starting with this, ignoring case.
    pub town: Option<String>,
    /// Only services the pattern rule flags.
    pub flagged_only: bool,
    pub sort: HomesSort,
    /// Amber and red in the pattern window that flag a service.
    pub pattern_threshold: u32,
    pub page: u32,
    pub per_page: u32,
}

/// The orders the homes view offers; each has the direction that answers its question.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum HomesSort {
    /// Flagged first, then most red, most amber, most open items.
    #[default]
    Risk,
    Name,
    Town,
    /// Most red first.
    Red,
    /// Most open items first.
    Open,
    /// Longest since anyone reported on it first: where nobody is looking.
    LastObserved,
    /// Most risen concerns against the 90 days before first.
    Trend,
}

impl HomesSort {
    pub const ALL: [Self; 7] = [Self::Risk, Self::Name, Self::Town, Self::Red, Self::Open, Self::LastObserved, Self::Trend];

    pub fn code(self) -> &'static str {
        match self {
            Self::Risk => "risk",
            Self::Name => "name",
            Self::Town => "town",
            Self::Red => "red",
            Self::Open => "open",
            Self::LastObserved => "last",
            Self::Trend => "trend",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|sort| sort.code() == code)
    }
}

/// One service and its figures (zero where nothing was observed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HomeRow {
    pub service: Service,
    pub red: u32,
    pub amber: u32,
    pub green: u32,
    /// Amber and red in the 90 days before the window.
    pub concerns_before: u32,
    /// Amber and red in the pattern window.
    pub pattern: u32,
    pub open_items: u32,
    pub last_observed_at: Option<DateTime<Utc>>,
    /// The worst rating of each charted area in the window, in `CHARTED_AREAS`
    /// order: 1 good, 2 some concerns, 3 serious concerns.
    pub worst: [Option<u8>; 4],
}

impl HomeRow {
    /// Amber and red in the window.
    pub fn concerns(&self) -> u32 {
        self.red + self.amber
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HomesPage {
    pub rows: Vec<HomeRow>,
    /// How many services match the filters.
    pub total: u64,
}
