//! The journey of a form on the phone: draft, outbox, receipt, and what the
//! unit later said about it.
use std::collections::BTreeMap;

use uuid::Uuid;

use super::{
    memory::{draft_key, json, memory, queued_key, receipt_key, NEWS},
    records::{LocalDraft, OutboxItem, Rejection, SentItem, DAY_MS},
    writes::change,
};
use crate::domain::{
    news::NewsPage,
    submission::{Receipt, SubmissionRequest},
    FieldError,
};

/// Receipts kept for the confirmation page and the start page's "Sent"
/// list, with what the unit did about each: a few months of visits.
const SENT_KEPT: usize = 100;

pub fn drafts() -> Vec<LocalDraft> {
    memory(|m| m.drafts.clone())
}

pub fn draft(id: Uuid) -> Option<LocalDraft> {
    memory(|m| m.drafts.iter().find(|draft| draft.id == id).cloned())
}

pub fn save_draft(draft: LocalDraft) -> Result<Vec<LocalDraft>, String> {
    Ok(change(|m, changes| {
        changes.insert(draft_key(draft.id), json(&draft));
        match m.drafts.iter_mut().find(|d| d.id == draft.id) {
            Some(existing) => *existing = draft,
            None => m.drafts.push(draft),
        }
        m.drafts.clone()
    }))
}

/// Changes a stored draft; `None` when it is gone (sent or deleted in another tab).
pub fn edit_draft(id: Uuid, now: f64, edit: impl FnOnce(&mut LocalDraft)) -> Result<Option<LocalDraft>, String> {
    Ok(change(|m, changes| {
        let draft = m.drafts.iter_mut().find(|d| d.id == id)?;
        edit(draft);
        draft.updated_at = now;
        changes.insert(draft_key(id), json(draft));
        Some(draft.clone())
    }))
}

pub fn delete_draft(id: Uuid) -> Result<Vec<LocalDraft>, String> {
    Ok(change(|m, changes| {
        m.drafts.retain(|d| d.id != id);
        changes.insert(draft_key(id), None);
        m.drafts.clone()
    }))
}

/// Deletes drafts unchanged for `days`; returns those left.
pub fn expire_drafts(now: f64, days: u32) -> Result<Vec<LocalDraft>, String> {
    let limit = f64::from(days) * DAY_MS;
    Ok(change(|m, changes| {
        for draft in m.drafts.iter().filter(|d| now - d.updated_at >= limit) {
            changes.insert(draft_key(draft.id), None);
        }
        m.drafts.retain(|d| now - d.updated_at < limit);
        m.drafts.clone()
    }))
}

pub fn outbox() -> Vec<OutboxItem> {
    memory(|m| m.outbox.clone())
}

/// Puts a finished form in the outbox and deletes its draft, in one
/// transaction: the form is in one place or the other, never in neither.
/// Await `saved` before saying it is saved.
pub fn queue(request: SubmissionRequest, now: f64) -> Result<(), String> {
    let id = request.id;
    change(|m, changes| {
        if !m.outbox.iter().any(|item| item.request.id == id) {
            let item = OutboxItem { request, queued_at: now, rejected: None };
            changes.insert(queued_key(id), json(&item));
            m.outbox.push(item);
        }
        m.drafts.retain(|d| d.id != id);
        changes.insert(draft_key(id), None);
    });
    Ok(())
}

/// Turns a form the server refused back into a draft, with the server's
/// problems on its pages, keeping its id (so the server still stores it
/// once); in one transaction, so it is never in neither place.
pub fn reopen_refused(id: Uuid, problems: BTreeMap<String, Vec<FieldError>>, now: f64) -> Result<Option<LocalDraft>, String> {
    Ok(change(|m, changes| {
        let position = m.outbox.iter().position(|item| item.request.id == id && item.rejected.is_some())?;
        let request = m.outbox.remove(position).request;
        let draft = LocalDraft {
            id,
            form_id: request.form_id,
            form_version: request.form_version,
            answers: request.answers,
            problems,
            timers: BTreeMap::new(),
            updated_at: now,
        };
        changes.insert(queued_key(id), None);
        changes.insert(draft_key(id), json(&draft));
        m.drafts.retain(|d| d.id != id);
        m.drafts.push(draft.clone());
        Some(draft)
    }))
}

pub fn remove_from_outbox(id: Uuid) -> Result<Vec<OutboxItem>, String> {
    Ok(change(|m, changes| {
        m.outbox.retain(|item| item.request.id != id);
        changes.insert(queued_key(id), None);
        m.outbox.clone()
    }))
}

/// Applies the server's confirmations and rejections to the outbox.
pub fn settle(confirmed: Vec<Receipt>, rejected: Vec<(Uuid, Rejection)>, now: f64) -> Result<(), String> {
    change(|m, changes| {
        for receipt in confirmed {
            let request = m.outbox.iter().find(|item| item.request.id == receipt.id).map(|item| item.request.clone());
            m.outbox.retain(|item| item.request.id != receipt.id);
            changes.insert(queued_key(receipt.id), None);
            if !m.sent.iter().any(|s| s.receipt.id == receipt.id) {
                let item = SentItem::new(receipt, request.as_ref(), now);
                changes.insert(receipt_key(item.receipt.id), json(&item));
                m.sent.insert(0, item);
            }
        }
        for old in m.sent.split_off(m.sent.len().min(SENT_KEPT)) {
            changes.insert(receipt_key(old.receipt.id), None);
        }
        for (id, rejection) in rejected {
            if let Some(item) = m.outbox.iter_mut().find(|item| item.request.id == id) {
                item.rejected = Some(rejection);
                changes.insert(queued_key(id), json(item));
            }
        }
    });
    Ok(())
}

pub fn sent() -> Vec<SentItem> {
    memory(|m| m.sent.clone())
}

impl SentItem {
    fn new(receipt: Receipt, request: Option<&SubmissionRequest>, now: f64) -> Self {
        let service = request.and_then(|r| r.answers.one("service")).unwrap_or_default().to_owned();
        Self {
            receipt,
            confirmed_at: now,
            service,
            form_id: request.map(|r| r.form_id.clone()).unwrap_or_default(),
            form_version: request.map_or(0, |r| r.form_version),
            state: None,
            shared: Vec::new(),
        }
    }
}

/// Where to ask for news from: the cursor of the last answer kept.
pub fn news_cursor() -> i64 {
    memory(|m| m.news_cursor)
}

/// Keeps what the server said about forms sent from here, and its cursor.
/// News of a form no longer kept (beyond the last receipts) is passed over.
pub fn apply_news(page: &NewsPage) -> Result<(), String> {
    change(|m, changes| {
        for news in &page.items {
            if let Some(item) = m.sent.iter_mut().find(|item| item.receipt.id == news.id) {
                item.state = Some(news.state);
                item.shared = news.shared.clone();
                changes.insert(receipt_key(item.receipt.id), json(item));
            }
        }
        m.news_cursor = m.news_cursor.max(page.cursor);
        changes.insert(NEWS.to_owned(), json(&m.news_cursor));
    });
    Ok(())
}
