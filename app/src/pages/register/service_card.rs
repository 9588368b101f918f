//! One service in the register list: name, kind, town and CQC ratings.

use leptos::prelude::*;

use crate::domain::register::{CqcRating, Service};

#[component]
pub fn ServiceCard(service: Service) -> impl IntoView {
    let ratings = service.ratings.clone();
    let rated_on = ratings.rated_on.map(|date| format!("CQC rating published {}", date.format("%-d %B %Y")));
    view! {
        <li class="service-card">
            <h2 class="service-card__name">{service.name.as_str().to_owned()}</h2>
            <p class="service-card__meta">
                {service.kind.label()} " · " {service.town.as_str().to_owned()}
                " · CQC location " {service.location_id.as_str().to_owned()}
            </p>
            <p class="service-card__overall">
                "CQC overall: " <RatingTag rating=ratings.overall/>
            </p>
            {rated_on.map(|text| view! { <p class="nhsuk-hint">{text}</p> })}
            <details class="nhsuk-details">
                <summary class="nhsuk-details__summary">
                    <span class="nhsuk-details__summary-text">"Ratings for each key question"</span>
                </summary>
                <dl class="nhsuk-details__text ratings">
                    {ratings
                        .key_questions()
                        .into_iter()
                        .map(|(question, rating)| view! {
                            <div class="ratings__row">
                                <dt>{question}</dt>
                                <dd><RatingTag rating/></dd>
                            </div>
                        })
                        .collect_view()}
                </dl>
            </details>
        </li>
    }
}

/// A rating as a coloured tag; its words carry the meaning, the colour only helps.
#[component]
pub fn RatingTag(rating: Option<CqcRating>) -> impl IntoView {
    let (colour, label) = match rating {
        Some(CqcRating::Outstanding) => ("green", "Outstanding"),
        Some(CqcRating::Good) => ("blue", "Good"),
        Some(CqcRating::RequiresImprovement) => ("yellow", "Requires improvement"),
        Some(CqcRating::Inadequate) => ("red", "Inadequate"),
        None => ("grey", "Not yet rated"),
    };
    let class = format!("nhsuk-tag nhsuk-tag--{colour}");
    view! { <strong class=class>{label}</strong> }
}
