//! What the app keeps on the phone: drafts, the outbox, recent receipts, the
//! device's profile, the register and published forms.
//!
//! Screens read a copy in memory, loaded once at start (`open`), so drawing
//! never waits. Every change updates that copy and is written at once to
//! IndexedDB (`disk`), sealed (`cipher`), one record per draft, outbox item
//! and receipt, in strict transactions; `saved` resolves when what was
//! changed so far is on disk, and "Saved" is said only after it. Writes run
//! one at a time in the order made, and changes made while one runs are
//! written together in the next. Two tabs change different records, so they
//! never overwrite each other's work; each tells the others (a
//! BroadcastChannel) to re-read. Phones that kept their forms in localStorage
//! (before this version) have them moved on first start.

mod device;
mod memory;
mod opening;
mod records;
mod submissions;
mod writes;

pub use device::{forms, profile, register, remember, remembered, save_forms, save_profile, save_register, save_sync_log, sync_log};
pub use opening::{begin_opening, open, reload, wipe, Opened};
pub use records::{LocalDraft, OutboxItem, Rejection, SentItem, SyncLog, DAY_MS};
pub use submissions::{
    apply_news, delete_draft, draft, drafts, edit_draft, expire_drafts, news_cursor, outbox, queue, remove_from_outbox, reopen_refused,
    save_draft, sent, settle,
};
pub use writes::{follow_other_tabs, on_written, saved};
