//! Versioned form definitions: the built-in ones are stored at start, admins
//! publish new versions, and every stored version is made known to the form
//! engine (`app::domain::forms::register`), so submissions are validated
//! against the exact version they were filled in on, however old.

use app::domain::{
    forms::{self, FormDefinition},
    FieldError,
};

use crate::{
    credentials::hash_secret,
    relay::Relay,
    store::{NewDefinition, Published, SharedStore, StoreError},
};

/// Why a definition was not published. Nothing was stored.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    /// 422: not a definition, or one with problems; every problem is listed.
    #[error("The definition has problems")]
    Invalid(Vec<FieldError>),
    /// 409: this version is already published with other content.
    #[error("Version {version} of {form_id} is already published with other content. Publish it as a new version.")]
    Taken { form_id: String, version: u32 },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What publishing did, and to which version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublishOutcome {
    pub form_id: String,
    pub version: u32,
    /// `false` when this exact version was already published.
    pub new: bool,
}

/// Stores the built-in definitions if they are not yet stored, then makes every
/// stored version known to the form engine. Runs at start.
pub async fn load(store: &SharedStore) -> Result<usize, StoreError> {
    for definition in forms::built_in() {
        match store.publish_definition(&new_definition(definition, None)).await? {
            Published::New | Published::AlreadyPublished => {}
            // A release changed a built-in version that was already in use: the
            // stored one is what submissions were made on, so it wins.
            Published::Taken => tracing::warn!(
                form = definition.id.as_str(),
                version = definition.version,
                "built-in definition differs from the stored one; keeping the stored one"
            ),
        }
    }
    refresh(store).await
}

/// Makes every stored version known to the form engine, including those
/// another server published since this one started; how many are stored.
pub async fn refresh(store: &SharedStore) -> Result<usize, StoreError> {
    let stored = store.published_definitions().await?;
    let count = stored.len();
    for published in stored {
        if forms::find(&published.form_id, published.version).is_some() {
            continue;
        }
        let definition: FormDefinition = serde_json::from_str(&published.json)
            .map_err(|err| StoreError::Corrupt(format!("{} v{}: {err}", published.form_id, published.version)))?;
        forms::register(definition);
    }
    Ok(count)
}

/// Checks a definition file and, if it is a new version with no problems,
/// stores it and makes it known at once, here and on every other server.
pub async fn publish(store: &SharedStore, relay: &Relay, file: &str, admin: i64) -> Result<PublishOutcome, PublishError> {
    let definition: FormDefinition = serde_json::from_str(file).map_err(|err| {
        PublishError::Invalid(vec![FieldError::new(
            "definition",
            format!("This is not a form definition: {err}. Check the file at that line and column."),
        )])
    })?;
    definition.check().map_err(PublishError::Invalid)?;
    let new = new_definition(&definition, Some(admin));
    let identical = forms::find(definition.id.as_str(), definition.version)
        .is_some_and(|known| new_definition(known, None).content_hash == new.content_hash);
    if !identical {
        if let Some(latest) = forms::latest(definition.id.as_str()).filter(|latest| latest.version >= definition.version) {
            let message = match latest.version == definition.version {
                true => return Err(PublishError::Taken { form_id: new.form_id, version: new.version }),
                false => format!(
                    "Version {} is older than the published version {}; number the new version {}",
                    definition.version,
                    latest.version,
                    latest.version + 1
                ),
            };
            return Err(PublishError::Invalid(vec![FieldError::new("version", message)]));
        }
    }
    match store.publish_definition(&new).await? {
        Published::New => {
            tracing::info!(form = new.form_id, version = new.version, admin, "form definition published");
            forms::register(definition);
            relay.tell_published(&new.form_id, new.version).await;
            Ok(PublishOutcome { form_id: new.form_id, version: new.version, new: true })
        }
        Published::AlreadyPublished => Ok(PublishOutcome { form_id: new.form_id, version: new.version, new: false }),
        Published::Taken => Err(PublishError::Taken { form_id: new.form_id, version: new.version }),
    }
}

/// The definition as stored: its canonical JSON (so spacing in the file does
/// not matter) and that JSON's hash.
fn new_definition(definition: &FormDefinition, published_by: Option<i64>) -> NewDefinition {
    let json = serde_json::to_string(definition).unwrap_or_default();
    NewDefinition {
        form_id: definition.id.as_str().to_owned(),
        version: definition.version,
        content_hash: hash_secret(&json),
        json,
        published_by,
    }
}
