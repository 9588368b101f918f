//! The offline app's state in the page: signals mirroring what is stored on
//! the phone (`phone`), so every screen shows the current drafts, outbox and
//! sync status, including changes made in another tab.

use leptos::prelude::*;

use super::{
    clock,
    phone::{self, LocalDraft, OutboxItem, SentItem, SyncLog},
};
use crate::domain::{
    register::Service,
    sync::{DeviceProfile, DEFAULT_DRAFT_EXPIRY_DAYS},
};

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
    /// The server was asked about the enrolment (answered or not) since the app started.
    pub enrolment_asked: RwSignal<bool>,
    pub register: RwSignal<Vec<Service>>,
    /// A new version of the app is installed and will be used next time.
    pub update_ready: RwSignal<bool>,
    /// The last write to the phone's storage failed (storage full, say):
    /// shown until one succeeds.
    pub storage_error: RwSignal<Option<String>>,
    /// What opening the phone's storage found (unreadable, unavailable).
    pub storage_notice: RwSignal<Option<String>>,
    /// The browser will not promise to keep our storage, or it is nearly full.
    pub storage_risk: RwSignal<Option<String>>,
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
            enrolment_asked: RwSignal::new(false),
            register: RwSignal::new(Vec::new()),
            update_ready: RwSignal::new(false),
            storage_error: RwSignal::new(None),
            storage_notice: RwSignal::new(None),
            storage_risk: RwSignal::new(None),
            forms_changed: RwSignal::new(0),
        }
    }

    /// Shows what the phone's storage held when it opened, deleting expired drafts first.
    pub fn load(&self, opened: phone::Opened) {
        match opened {
            phone::Opened::Ready => {}
            phone::Opened::StartedClean(message) | phone::Opened::Unavailable(message) => self.storage_notice.set(Some(message)),
        }
        let profile = phone::profile();
        let days = profile.as_ref().map_or(DEFAULT_DRAFT_EXPIRY_DAYS, |p| p.draft_expiry_days);
        self.drafts.set(phone::expire_drafts(clock::now(), days).unwrap_or_default());
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

    /// Shows nothing kept: the phone was left, or its enrolment withdrawn.
    pub fn clear(&self) {
        self.drafts.set(Vec::new());
        self.outbox.set(Vec::new());
        self.sent.set(Vec::new());
        self.log.set(SyncLog::default());
        self.profile.set(None);
        self.register.set(Vec::new());
        self.storage_error.set(None);
    }

    pub fn expiry_days(&self) -> u32 {
        self.profile.with_untracked(|p| p.as_ref().map_or(DEFAULT_DRAFT_EXPIRY_DAYS, |p| p.draft_expiry_days))
    }

    /// Shows a storage failure. Writes report their own failures, later
    /// (`phone::on_written`); this shows those found at once.
    pub fn note<T>(&self, result: Result<T, String>) -> Option<T> {
        result.map_err(|err| self.storage_error.set(Some(err))).ok()
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
