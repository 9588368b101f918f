//! The register of services: search by name or town. The first page a person
//! sees, so it is plain server-rendered HTML with no wasm: the search form
//! submits as a GET, and a small script (`public/register.js`) makes the
//! results follow the typing by fetching the same page for each search.

mod service_card;

pub use service_card::RatingTag;

use leptos::prelude::*;
use leptos_meta::{Script, Title};
use leptos_router::hooks::use_query_map;

use crate::domain::register::RegisterPage as RegisterResults;
use service_card::ServiceCard;

/// The most services one search shows; more than this and the person should type more.
pub const RESULTS_LIMIT: u32 = 50;

/// Searches the register by name or town.
#[server(endpoint = "v1/register/search")]
pub async fn search_register(#[server(default)] q: String) -> Result<RegisterResults, ServerFnError> {
    use crate::domain::register::RegisterQuery;
    use crate::store::SharedStore;

    let store = use_context::<SharedStore>().ok_or_else(|| ServerFnError::new("The register is not available."))?;
    store.search_register(&RegisterQuery::new(&q), RESULTS_LIMIT).await.map_err(|err| {
        leptos::logging::error!("register search failed: {err}");
        ServerFnError::new("The register could not be searched. Try again shortly.")
    })
}

/// The register page. The server searches once for the address's `q`; the
/// island below takes over from there.
#[component]
pub fn RegisterPage() -> impl IntoView {
    let query = use_query_map().read_untracked().get("q").unwrap_or_default();
    let first = Resource::new(move || query.clone(), search_register);
    view! {
        <Title text="Register of services"/>
        <Script src="/register.js" defer="defer"/>
        <h1>"Register of services"</h1>
        <p class="nhsuk-lede-text">"Care homes and home care providers, with their CQC ratings."</p>
        <Suspense fallback=|| view! { <p role="status">"Loading the register…"</p> }>
            {move || Suspend::new(async move {
                match first.await {
                    Ok(page) => view! { <RegisterSearch query=page.query.clone() page/> }.into_any(),
                    Err(_) => view! {
                        <p class="nhsuk-error-message" role="alert">
                            "The register could not be loaded. Try again shortly."
                        </p>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The search form and its results. `register.js` swaps `#register-results`
/// for the same element of `/?q=…` as the person types.
#[component]
fn RegisterSearch(query: String, page: RegisterResults) -> impl IntoView {
    view! {
        <form class="search" method="get" action="/" role="search">
            <label class="nhsuk-label" for="q">"Search by name or town"</label>
            <div class="search__row">
                <input class="nhsuk-input" id="q" name="q" type="text" enterkeyhint="search" autocomplete="off"
                    spellcheck="false" maxlength="100" value=query/>
                <button class="nhsuk-button" type="submit">"Search"</button>
            </div>
        </form>
        <p class="nhsuk-error-message" role="alert" id="register-failed" hidden>"The register could not be searched. Try again shortly."</p>
        <div id="register-results">
            <Results page/>
        </div>
    }
}

/// The count of matches and the list of services.
#[component]
fn Results(page: RegisterResults) -> impl IntoView {
    let shown = page.services.len();
    let query = &page.query;
    let summary = match (query.is_empty(), page.total_matching) {
        (true, total) => format!("{total} services in the register"),
        (false, 0) => format!("No services match “{query}”"),
        (false, 1) => format!("1 service matches “{query}”"),
        (false, total) => format!("{total} services match “{query}”"),
    };
    let more = (page.total_matching as usize > shown)
        .then(|| format!("Showing the first {shown}. Type more of the name or town to narrow the list."));
    view! {
        <p class="results-summary" role="status" aria-live="polite" data-testid="results-summary">
            {summary}
        </p>
        {more.map(|text| view! { <p class="nhsuk-hint">{text}</p> })}
        <ul class="service-list">
            {page.services.into_iter().map(|service| view! { <ServiceCard service/> }).collect_view()}
        </ul>
    }
}
