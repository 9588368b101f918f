//! The offline app's state in the page: signals mirroring what is stored on
//! the phone (`phone`), so every screen shows the current drafts, outbox and
//! sync status, including changes made in another tab.

use leptos::prelude::*;

use super::{
    clock,
    phone::{self, LocalDraft, OutboxItem, SentItem, SyncLog},
};
use crate::domain::{register::Service, sync::DeviceProfile};

/// Used until the server has said how long drafts are kept.
pub const DEFAULT_DRAFT_EXPIRY_DAYS: u32 = 14;

/// What the server last said about this phone's enrolment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Enrolment {
    /// Not asked yet, or no answer (offline): the stored profile stands.
    Unconfirmed,
    Confirmed,
    NotEnrolled,
    Revoked,
}

#[derive(Clone, Copy)]
pub struct OfflineState {
    pub drafts: RwSignal<Vec<LocalDraft>>,
    pub outbox: RwSignal<Vec<OutboxItem>>,
    pub sent: RwSignal<Vec<SentItem>>,
    pub log: RwSignal<SyncLog>,
    /// A sync request is under way in this tab.
    pub sending: RwSignal<bool>,
    /// When the next automatic attempt is due, after a failure.
    pub next_retry: RwSignal<Option<f64>>,
    pub profile: RwSignal<Option<DeviceProfile>>,
    pub enrolment: RwSignal<Enrolment>,
    pub register: RwSignal<Vec<Service>>,
    /// A new version of the app is installed and will be used next time.
    pub update_ready: RwSignal<bool>,
    /// A failure to save on the phone (storage full, say), shown to the person.
    pub storage_error: RwSignal<Option<String>>,
    /// Bumped when the server sent form versions, so the start page lists them.
    pub forms_changed: RwSignal<u32>,
}

impl OfflineState {
    pub fn new() -> Self {
        Self {
            drafts: RwSignal::new(Vec::new()),
            outbox: RwSignal::new(Vec::new()),
            sent: RwSignal::new(Vec::new()),
            log: RwSignal::new(SyncLog::default()),
            sending: RwSignal::new(false),
            next_retry: RwSignal::new(None),
            profile: RwSignal::new(None),
            enrolment: RwSignal::new(Enrolment::Unconfirmed),
            register: RwSignal::new(Vec::new()),
            update_ready: RwSignal::new(false),
            storage_error: RwSignal::new(None),
            forms_changed: RwSignal::new(0),
        }
    }

    /// Reads everything stored on the phone, deleting expired drafts first.
    pub fn load(&self) {
        let profile = phone::profile();
        let days = profile.as_ref().map_or(DEFAULT_DRAFT_EXPIRY_DAYS, |p| p.draft_expiry_days);
        match phone::expire_drafts(clock::now(), days) {
            Ok(drafts) => self.drafts.set(drafts),
            Err(err) => {
                self.drafts.set(phone::drafts());
                self.storage_error.set(Some(err));
            }
        }
        self.profile.set(profile);
        self.reload_queue();
        self.register.set(phone::register());
    }

    /// Re-reads the drafts and the queue (after another tab changed them).
    pub fn reload(&self) {
        self.drafts.set(phone::drafts());
        self.reload_queue();
    }

    pub fn reload_queue(&self) {
        self.outbox.set(phone::outbox());
        self.sent.set(phone::sent());
        self.log.set(phone::sync_log());
    }

    pub fn expiry_days(&self) -> u32 {
        self.profile.with_untracked(|p| p.as_ref().map_or(DEFAULT_DRAFT_EXPIRY_DAYS, |p| p.draft_expiry_days))
    }

    /// Shows a storage failure, or clears an earlier one.
    pub fn note<T>(&self, result: Result<T, String>) -> Option<T> {
        match result {
            Ok(value) => {
                self.storage_error.set(None);
                Some(value)
            }
            Err(err) => {
                self.storage_error.set(Some(err));
                None
            }
        }
    }

    /// Items still to send (not refused by the server).
    pub fn waiting(&self) -> usize {
        self.outbox.with(|items| items.iter().filter(|item| item.rejected.is_none()).count())
    }
}

impl Default for OfflineState {
    fn default() -> Self {
        Self::new()
    }
}
