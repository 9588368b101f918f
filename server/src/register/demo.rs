//! The demo register: 83 care homes and 26 home care providers, as on the Isle
//! of Wight, with plainly fictional names in invented towns. It is generated,
//! not stored, so it is the same on every machine.

use app::domain::register::{CqcLocationId, CqcRating, CqcRatings, Service, ServiceKind, ServiceName, Town};
use chrono::NaiveDate;

use crate::store::{Store, StoreError};

pub const CARE_HOMES: usize = 83;
pub const HOME_CARE_PROVIDERS: usize = 26;

const TOWNS: [&str; 8] =
    ["Puddlecombe", "Nettlebury", "Marigold Bay", "Little Wickham", "Thistledown", "Gullhaven", "Brambleford", "Saltmarsh Quay"];

const HOME_WORDS: [&str; 21] = [
    "Primrose",
    "Bluebell",
    "Heron",
    "Kestrel",
    "Willow",
    "Foxglove",
    "Juniper",
    "Lavender",
    "Meadowsweet",
    "Oakapple",
    "Pebble",
    "Quillfeather",
    "Rosehip",
    "Samphire",
    "Teasel",
    "Umberleaf",
    "Vetch",
    "Wrenfield",
    "Yarrow",
    "Clover",
    "Harebell",
];

const HOME_PLACES: [&str; 4] = ["House", "Lodge", "Court", "Manor"];

const CARE_WORDS: [&str; 13] = [
    "Kindly",
    "Steady",
    "Homeward",
    "Brightday",
    "Good Neighbour",
    "Tidewater",
    "Lanternlight",
    "Willing Hands",
    "Sunrise",
    "Hearthside",
    "Gentle Tide",
    "Open Door",
    "Harbourlight",
];

/// Loads the demo register when the register is empty; returns how many were loaded.
pub async fn load_if_empty(store: &dyn Store) -> Result<Option<u32>, StoreError> {
    if store.register_size().await? > 0 {
        return Ok(None);
    }
    let services = services();
    store.upsert_services(&services).await?;
    tracing::info!(services = services.len(), "loaded the demo register");
    Ok(Some(u32::try_from(services.len()).unwrap_or(u32::MAX)))
}

/// The demo services, in location-ID order.
pub fn services() -> Vec<Service> {
    (0..CARE_HOMES + HOME_CARE_PROVIDERS).map(service).collect()
}

fn service(index: usize) -> Service {
    let (name, kind) = if index < CARE_HOMES {
        let name = format!("{} {}", HOME_WORDS[index % HOME_WORDS.len()], HOME_PLACES[index / HOME_WORDS.len()]);
        let kind = if index.is_multiple_of(3) { ServiceKind::NursingHome } else { ServiceKind::ResidentialHome };
        (name, kind)
    } else {
        let n = index - CARE_HOMES;
        let suffix = if n < CARE_WORDS.len() { "Home Care" } else { "Care at Home" };
        (format!("{} {suffix}", CARE_WORDS[n % CARE_WORDS.len()]), ServiceKind::HomeCare)
    };
    Service {
        location_id: parsed(CqcLocationId::parse(&format!("1-{:09}", index + 1))),
        name: parsed(ServiceName::parse(&name)),
        kind,
        town: parsed(Town::parse(TOWNS[(index * 5 + index / 8) % TOWNS.len()])),
        ratings: ratings(index),
    }
}

/// A spread like the real one: mostly Good, some Requires improvement, a few of
/// each extreme, and one in twelve not yet rated.
fn ratings(index: usize) -> CqcRatings {
    if index % 12 == 11 {
        return CqcRatings::default();
    }
    let pick = |salt: usize| match (index * 7 + salt * 13 + index / 5) % 20 {
        0 => CqcRating::Outstanding,
        1..=13 => CqcRating::Good,
        14..=18 => CqcRating::RequiresImprovement,
        _ => CqcRating::Inadequate,
    };
    let days = i64::try_from(index * 37 % 1000).unwrap_or(0);
    CqcRatings {
        overall: Some(pick(0)),
        safe: Some(pick(1)),
        effective: Some(pick(2)),
        caring: Some(pick(3)),
        responsive: Some(pick(4)),
        well_led: Some(pick(5)),
        rated_on: NaiveDate::from_ymd_opt(2023, 1, 9).map(|start| start + chrono::Days::new(days.unsigned_abs())),
    }
}

/// The demo values are constants of this module; a parse failure is a bug here.
fn parsed<T>(result: Result<T, app::domain::FieldError>) -> T {
    result.unwrap_or_else(|err| panic!("demo register value is invalid: {err}"))
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn the_demo_register_matches_the_isle_of_wight_counts() {
        let services = services();
        let homes = services.iter().filter(|s| s.kind.is_care_home()).count();
        assert_eq!(homes, 83);
        assert_eq!(services.len() - homes, 26);
    }

    #[test]
    fn demo_names_and_ids_are_unique() {
        let services = services();
        let names: HashSet<_> = services.iter().map(|s| s.name.as_str()).collect();
        let ids: HashSet<_> = services.iter().map(|s| s.location_id.as_str()).collect();
        assert_eq!(names.len(), services.len());
        assert_eq!(ids.len(), services.len());
    }

    #[test]
    fn demo_ratings_are_dated_and_varied() {
        let services = services();
        assert!(services.iter().all(|s| s.ratings.clone().check_dated().is_ok()));
        for rating in CqcRating::ALL {
            assert!(services.iter().any(|s| s.ratings.overall == Some(rating)), "{rating:?}");
        }
        assert!(services.iter().any(|s| s.ratings.overall.is_none()));
    }
}
