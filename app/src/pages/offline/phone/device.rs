//! What the phone keeps about itself: its enrolment, the sync log, what the
//! visitor gave before, and the register and forms the server last sent.
use super::{
    memory::{json, memory, FORMS, LOG, PROFILE, REGISTER, REMEMBERED},
    records::{Remembered, SyncLog, RECENT_SERVICES},
    writes::change,
};
use crate::domain::{
    forms::{FormDefinition, RawAnswers},
    register::Service,
    sync::DeviceProfile,
};

pub fn sync_log() -> SyncLog {
    memory(|m| m.log.clone())
}

pub fn save_sync_log(log: &SyncLog) -> Result<(), String> {
    change(|m, changes| {
        m.log = log.clone();
        changes.insert(LOG.to_owned(), json(log));
    });
    Ok(())
}

pub fn profile() -> Option<DeviceProfile> {
    memory(|m| m.profile.clone())
}

pub fn save_profile(profile: Option<&DeviceProfile>) -> Result<(), String> {
    change(|m, changes| {
        m.profile = profile.cloned();
        changes.insert(PROFILE.to_owned(), profile.and_then(json));
    });
    Ok(())
}

pub fn remembered() -> Remembered {
    memory(|m| m.remembered.clone())
}

/// Keeps what the visitor gave on a form just sent (only what it asked) for
/// the next one; a form that did not ask something leaves it as it was.
pub fn remember(answers: &RawAnswers) -> Result<(), String> {
    let one = |field: &str| answers.one(field).map(str::trim).filter(|value| !value.is_empty()).map(str::to_owned);
    change(|m, changes| {
        let before = &m.remembered;
        let mut recent_services = before.recent_services.clone();
        if let Some(service) = one("service") {
            recent_services.retain(|id| *id != service);
            recent_services.insert(0, service);
            recent_services.truncate(RECENT_SERVICES);
        }
        let remembered = Remembered {
            role: one("role").or_else(|| before.role.clone()),
            organisation: one("organisation").or_else(|| before.organisation.clone()),
            contact: one("contact_details").or_else(|| before.contact.clone()),
            email: one("contact_email").or_else(|| before.email.clone()),
            phone: one("contact_phone").or_else(|| before.phone.clone()),
            recent_services,
        };
        changes.insert(REMEMBERED.to_owned(), json(&remembered));
        m.remembered = remembered;
    });
    Ok(())
}

pub fn register() -> Vec<Service> {
    memory(|m| m.register.clone())
}

pub fn save_register(services: &[Service]) -> Result<(), String> {
    change(|m, changes| {
        m.register = services.to_vec();
        changes.insert(REGISTER.to_owned(), json(&services));
    });
    Ok(())
}

/// Form versions published after this release, as the server last sent them.
pub fn forms() -> Vec<FormDefinition> {
    memory(|m| m.forms.clone())
}

pub fn save_forms(definitions: &[FormDefinition]) -> Result<(), String> {
    change(|m, changes| {
        m.forms = definitions.to_vec();
        changes.insert(FORMS.to_owned(), json(&definitions));
    });
    Ok(())
}
