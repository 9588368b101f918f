//! Alerts: when a red observation arrives (every risk-of-harm report is red),
//! an email goes to the unit's duty address(es), and a post to a chat
//! channel's webhook if one is set, so nobody has to be watching the inbox
//! out of hours. The alert is queued in the database with the
//! observation (see `NewSubmission::alerts`), so it survives a restart; the
//! sender here takes due alerts every few seconds, retries failures with a
//! growing delay, and writes each delivery or failure to the observation's
//! audit trail. A message carries the home's name, the severity, why, and a
//! link: never the visitor's words or anyone's details.

use std::time::Duration;

use app::domain::triage::{ResponseTargets, Status};
use chrono::{NaiveTime, Utc};
use lettre::{
    message::{header::ContentType, Mailbox},
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
};

use crate::store::{AlertChannel, DueAlert, InboxFilter, InboxItem, SharedStore, StoreError, StoredSubmission};

/// How often the sender looks for due alerts: well inside the minute an alert may take.
const POLL: Duration = Duration::from_secs(2);
/// Alerts taken at once.
const BATCH: u32 = 20;
/// How long a taken alert is held: longer than any send may take.
const HOLD: Duration = Duration::from_secs(120);
/// The longest wait between two attempts.
const LONGEST_RETRY: Duration = Duration::from_secs(30 * 60);
/// How long one email may take before it counts as failed.
const SEND_TIMEOUT: Duration = Duration::from_secs(30);
/// The wait after a digest that could not be sent.
const DIGEST_RETRY: Duration = Duration::from_secs(5 * 60);
/// Observations a digest lists by name; it counts them all.
const DIGEST_LISTS: u32 = 50;
/// How long a webhook may take to answer before the post counts as failed.
const WEBHOOK_TIMEOUT: Duration = Duration::from_secs(10);

/// Why the alert settings cannot be used. Each stops the start.
#[derive(Debug, thiserror::Error)]
pub enum AlertSettingsError {
    #[error("--alert-email-to needs --smtp-url: the mail server to send through")]
    NoSmtp,
    #[error("--smtp-url is not a mail server address such as smtp://relay.example.org:25 ({0})")]
    SmtpUrl(String),
    #[error("\"{0}\" is not an email address (--alert-email-to, --alert-email-from)")]
    Address(String),
    #[error("--alert-webhook-url must be an http:// or https:// address")]
    WebhookUrl,
    #[error("--digest-at needs --alert-email-to: the digest is an email")]
    DigestWithoutEmail,
}

/// Where alerts go, as configured; none configured, none are queued.
#[derive(Clone)]
pub struct Alerting {
    email: Option<EmailAlerts>,
    webhook: Option<Webhook>,
    /// The server's address as staff reach it, for the link in a message.
    public_url: String,
    /// The wait before the first retry; it doubles with each failure.
    first_retry: Duration,
    /// When the daily digest goes, in UTC, if it does.
    digest_at: Option<NaiveTime>,
    /// What counts as overdue in the digest.
    targets: ResponseTargets,
}

#[derive(Clone)]
struct EmailAlerts {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    to: Vec<Mailbox>,
}

#[derive(Clone)]
struct Webhook {
    client: reqwest::Client,
    url: String,
}

impl Alerting {
    /// Alerts off: nothing is queued or sent.
    pub fn off() -> Self {
        Self {
            email: None,
            webhook: None,
            public_url: String::new(),
            first_retry: Duration::from_secs(30),
            digest_at: None,
            targets: ResponseTargets::STANDARD,
        }
    }

    /// From the settings (see `Settings`): alerts by email when there are duty
    /// addresses, by webhook when there is a webhook address.
    pub fn new(settings: &crate::settings::Settings) -> Result<Self, AlertSettingsError> {
        let email = email_alerts(&settings.alert_email_to, settings.smtp_url.as_deref(), &settings.alert_email_from)?;
        let webhook = settings.alert_webhook_url.as_deref().map(webhook).transpose()?;
        if settings.digest_at.is_some() && email.is_none() {
            return Err(AlertSettingsError::DigestWithoutEmail);
        }
        Ok(Self {
            email,
            webhook,
            public_url: settings.public_url.trim_end_matches('/').to_owned(),
            first_retry: Duration::from_secs(settings.alert_retry_secs.into()),
            digest_at: settings.digest_at.map(|at| at.0),
            targets: ResponseTargets { red_working_days: settings.red_target_days, amber_working_days: settings.amber_target_days },
        })
    }

    /// The channels an observation that needs an alert is queued for.
    pub fn channels(&self) -> Vec<AlertChannel> {
        let email = self.email.as_ref().map(|_| AlertChannel::Email);
        let webhook = self.webhook.as_ref().map(|_| AlertChannel::Webhook);
        email.into_iter().chain(webhook).collect()
    }

    /// Sends due alerts until the process ends.
    pub async fn run(self, store: SharedStore) {
        if self.channels().is_empty() {
            return;
        }
        let mut digest_failed_at: Option<std::time::Instant> = None;
        loop {
            if let Err(err) = self.send_due(&store).await {
                tracing::error!(error = %err, "alerts could not be read; trying again");
            }
            if digest_failed_at.is_none_or(|at| at.elapsed() >= DIGEST_RETRY) {
                match self.send_digest_if_due(&store).await {
                    Ok(_) => digest_failed_at = None,
                    Err(reason) => {
                        tracing::warn!(%reason, "the daily digest was not sent; trying again in 5 minutes");
                        digest_failed_at = Some(std::time::Instant::now());
                    }
                }
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Takes the alerts due now and settles each: delivered, or due again later.
    pub async fn send_due(&self, store: &SharedStore) -> Result<usize, StoreError> {
        let now = Utc::now();
        let due = store.take_due_alerts(now, now + HOLD, BATCH).await?;
        for alert in &due {
            let outcome = match store.submission(alert.submission_id).await? {
                Some(submission) => self.send(store, alert, &submission).await,
                None => Err("the observation is missing".to_owned()),
            };
            let at = Utc::now();
            match outcome {
                Ok(detail) => {
                    tracing::info!(observation = %alert.submission_id, channel = alert.channel.code(), "alert delivered");
                    store.alert_delivered(alert, at, &detail).await?;
                }
                Err(reason) => {
                    let wait = self.retry_after(alert.attempts);
                    tracing::warn!(observation = %alert.submission_id, channel = alert.channel.code(), %reason, "alert not delivered");
                    let detail = format!("{reason}. Trying again in {}.", in_words(wait));
                    store.alert_failed(alert, at, at + wait, &detail).await?;
                }
            }
        }
        Ok(due.len())
    }

    /// The wait after the `attempts`-th failure: the first retry, doubled each time, at most half an hour.
    fn retry_after(&self, attempts: u32) -> chrono::Duration {
        let wait = self.first_retry.saturating_mul(2u32.saturating_pow(attempts.min(16))).min(LONGEST_RETRY);
        chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::minutes(30))
    }

    /// One alert by its channel; what the trail says of a delivery, or why it failed.
    async fn send(&self, store: &SharedStore, alert: &DueAlert, submission: &StoredSubmission) -> Result<String, String> {
        let home = match store.service(&submission.service).await {
            Ok(Some(service)) => service.name_and_town(),
            _ => format!("CQC location {}", submission.service.as_str()),
        };
        match alert.channel {
            AlertChannel::Email => {
                let email = self.email.as_ref().ok_or("Email alerts are no longer configured")?;
                let (subject, text) = self.message(submission, &home);
                self.mail(email, subject, text).await?;
                Ok(format!("Emailed to {}", email.to.iter().map(|to| to.email.to_string()).collect::<Vec<_>>().join(", ")))
            }
            AlertChannel::Webhook => {
                let webhook = self.webhook.as_ref().ok_or("Webhook alerts are no longer configured")?;
                let text = format!("{}. Open it in Care Home Feedback: {}", self.headline(submission, &home), self.link(submission));
                let answer = webhook.client.post(&webhook.url).json(&serde_json::json!({ "text": text })).send().await.map_err(|err| {
                    if err.is_timeout() {
                        format!("The webhook did not answer within {} seconds", WEBHOOK_TIMEOUT.as_secs())
                    } else {
                        "The webhook could not be reached".to_owned()
                    }
                })?;
                match answer.status() {
                    status if status.is_success() => Ok("Posted to the webhook".to_owned()),
                    status => Err(format!("The webhook answered {}", status.as_u16())),
                }
            }
        }
    }

    /// "RED observation: Rose House, Puddlecombe (Immediate risk of harm)": from the form's flags, never free text.
    fn headline(&self, submission: &StoredSubmission, home: &str) -> String {
        let receipt = &submission.receipt;
        format!("{} observation: {home} ({})", receipt.severity.code().to_uppercase(), receipt.severity_reason)
    }

    fn link(&self, submission: &StoredSubmission) -> String {
        format!("{}/triage/observations/{}", self.public_url, submission.receipt.id)
    }

    /// The email's subject and text: the home, the severity and why (from
    /// the form's flags, never free text), when it arrived, and the link.
    fn message(&self, submission: &StoredSubmission, home: &str) -> (String, String) {
        let receipt = &submission.receipt;
        let text = format!(
            "A {} observation about {home} arrived at {} (UTC).\n\nWhy it is {}: {}\n\nOpen it in Care Home Feedback (log in first):\n{}\n\n\
             This message holds no answers or personal details; they are in the app.\n",
            receipt.severity.code().to_uppercase(),
            receipt.received_at.format("%H:%M on %-d %B %Y"),
            receipt.severity.code(),
            receipt.severity_reason,
            self.link(submission),
        );
        (format!("{} observation: {home}", receipt.severity.code().to_uppercase()), text)
    }
}

impl Alerting {
    /// Sends today's digest if its time has come and no sender has sent it;
    /// whether it sent one.
    pub async fn send_digest_if_due(&self, store: &SharedStore) -> Result<bool, String> {
        let (Some(at), Some(email)) = (self.digest_at, self.email.as_ref()) else { return Ok(false) };
        let now = Utc::now();
        let today = now.date_naive();
        if now.time() < at {
            return Ok(false);
        }
        let unread = |err: StoreError| format!("The observations could not be read: {err}");
        if !store.take_digest(today, now).await.map_err(unread)? {
            return Ok(false);
        }
        let sent = match self.digest(store, now).await.map_err(unread) {
            Ok(message) => self.mail(email, message.0, message.1).await,
            Err(reason) => Err(reason),
        };
        match sent {
            Ok(()) => {
                tracing::info!(day = %today, "daily digest sent");
                Ok(true)
            }
            Err(reason) => {
                store.give_back_digest(today).await.map_err(unread)?;
                Err(reason)
            }
        }
    }

    /// The digest's subject and text: the new observations not yet assigned,
    /// most urgent first, those overdue marked, and the open total. Homes and
    /// severities only, never free text.
    async fn digest(&self, store: &SharedStore, now: chrono::DateTime<Utc>) -> Result<(String, String), StoreError> {
        let new = store.inbox(&InboxFilter { statuses: vec![Status::New], ..InboxFilter::default() }, 1, DIGEST_LISTS).await?;
        let open = store.inbox(&InboxFilter::default(), 1, 1).await?.total;
        let overdue = |item: &InboxItem| self.targets.is_overdue(item.severity, item.status, item.received_at, now);
        let overdue_listed = new.items.iter().filter(|item| overdue(item)).count();
        let mut text = format!(
            "Care Home Feedback, {}\n\nNew, not yet assigned: {}\nOverdue among those listed: {overdue_listed}\nOpen in all: {open}\n",
            now.format("%A %-d %B %Y"),
            new.total,
        );
        if !new.items.is_empty() {
            text.push_str("\nNew observations, most urgent first:\n");
        }
        for item in &new.items {
            text.push_str(&format!(
                "- {} {}, received {}{}\n  {}/triage/observations/{}\n",
                item.severity.code().to_uppercase(),
                item.service_name,
                item.received_at.format("%H:%M on %-d %B"),
                if overdue(item) { " (overdue)" } else { "" },
                self.public_url,
                item.id,
            ));
        }
        if new.total > u64::from(DIGEST_LISTS) {
            text.push_str(&format!("\nThe inbox has the rest: {}/triage\n", self.public_url));
        }
        text.push_str("\nThis message holds no answers or personal details; they are in the app.\n");
        let subject = format!("Daily digest: {} new, {overdue_listed} overdue", new.total);
        Ok((subject, text))
    }

    async fn mail(&self, email: &EmailAlerts, subject: String, text: String) -> Result<(), String> {
        let mut builder = Message::builder().from(email.from.clone()).subject(subject).header(ContentType::TEXT_PLAIN);
        for to in &email.to {
            builder = builder.to(to.clone());
        }
        let message = builder.body(text).map_err(|err| format!("The message could not be made: {err}"))?;
        email.transport.send(message).await.map(|_| ()).map_err(|err| format!("The mail server did not take it: {err}"))
    }
}

/// "30 seconds", "4 minutes".
fn in_words(wait: chrono::Duration) -> String {
    match wait.num_seconds() {
        s if s < 120 => format!("{s} seconds"),
        s => format!("{} minutes", s / 60),
    }
}

/// Email alerts, when there are duty addresses: `smtp_url` as lettre reads it
/// (`smtp://host:port`, `smtps://…`, `?tls=required` for STARTTLS).
fn email_alerts(to: &[String], smtp_url: Option<&str>, from: &str) -> Result<Option<EmailAlerts>, AlertSettingsError> {
    let to: Vec<&String> = to.iter().filter(|text| !text.trim().is_empty()).collect();
    if to.is_empty() {
        return Ok(None);
    }
    let url = smtp_url.ok_or(AlertSettingsError::NoSmtp)?;
    let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
        .map_err(|err| AlertSettingsError::SmtpUrl(err.to_string()))?
        .timeout(Some(SEND_TIMEOUT))
        .build();
    let mailbox = |text: &str| text.trim().parse::<Mailbox>().map_err(|_| AlertSettingsError::Address(text.trim().to_owned()));
    let to = to.into_iter().map(|text| mailbox(text)).collect::<Result<_, _>>()?;
    Ok(Some(EmailAlerts { transport, from: mailbox(from)?, to }))
}

fn webhook(url: &str) -> Result<Webhook, AlertSettingsError> {
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        return Err(AlertSettingsError::WebhookUrl);
    }
    let client = reqwest::Client::builder().timeout(WEBHOOK_TIMEOUT).build().map_err(|_| AlertSettingsError::WebhookUrl)?;
    Ok(Webhook { client, url: url.to_owned() })
}
