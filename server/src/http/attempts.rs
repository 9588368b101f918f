//! Guessing a secret is slow and bounded. Password checks run a few at a time
//! (argon2id takes 19 MiB each), and every attempt at a password or an access
//! code is first taken under limits kept in the database: per client and
//! account, per client, and per account from anywhere. The last is short, so
//! someone else's guesses slow an account's owner for a minute at most.

use std::{
    net::{IpAddr, Ipv6Addr, SocketAddr},
    sync::Arc,
    time::Duration,
};

use axum::{
    extract::{ConnectInfo, FromRequestParts},
    http::request::Parts,
};
use chrono::Utc;
use tokio::sync::{mpsc, oneshot};

use super::AppError;
use crate::{
    credentials::{stand_in_hash, verify_password_in},
    store::{Attempt, AttemptLimit, SharedStore},
};

const LONG_WINDOW: chrono::Duration = chrono::Duration::minutes(15);
/// Failed logins to one account from one client in [`LONG_WINDOW`].
const PER_CLIENT_AND_ACCOUNT: u32 = 5;
/// Failed logins from one client to any accounts in [`LONG_WINDOW`].
const PER_CLIENT: u32 = 20;
/// Failed logins to one account from anywhere in the account window.
const PER_ACCOUNT: u32 = 5;
/// Wrong access codes from one client in [`LONG_WINDOW`].
const CODES_PER_CLIENT: u32 = 10;
/// How long a login waits for a free password checker before it is told to retry.
const CHECKER_WAIT: Duration = Duration::from_secs(10);

/// The address a request came from; IPv6 clients by their /64, which one
/// household or phone usually holds whole.
#[derive(Clone, Copy, Debug)]
pub struct ClientAddress(pub IpAddr);

impl ClientAddress {
    fn key(self) -> String {
        match self.0 {
            IpAddr::V4(v4) => v4.to_string(),
            IpAddr::V6(v6) => {
                let mut segments = v6.segments();
                segments[4..].fill(0);
                format!("{}/64", Ipv6Addr::from(segments))
            }
        }
    }
}

/// Behind a load balancer every connection comes from it, so the client's
/// address is read from the header the balancer sets (`--client-address-header`):
/// the last address in it, the one our own balancer added, since a client
/// can put anything before it.
#[derive(Clone, Debug, Default)]
pub struct ClientAddressHeader(pub Option<String>);

impl ClientAddressHeader {
    fn address_in(&self, headers: &axum::http::HeaderMap) -> Option<IpAddr> {
        let name = self.0.as_deref()?;
        let values = headers.get_all(name).iter().filter_map(|value| value.to_str().ok()).collect::<Vec<_>>();
        values.last()?.rsplit(',').next()?.trim().parse().ok()
    }
}

impl<S> FromRequestParts<S> for ClientAddress
where
    ClientAddressHeader: axum::extract::FromRef<S>,
    S: Send + Sync,
{
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let header = <ClientAddressHeader as axum::extract::FromRef<S>>::from_ref(state);
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(addr)| addr.ip());
        let client = header.address_in(&parts.headers).or(peer);
        Ok(Self(client.unwrap_or(IpAddr::from([0, 0, 0, 0]))))
    }
}

/// Why a guess was not even checked.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    ThisAccountFromHere,
    AnyAccountFromHere,
    ThisAccountJustNow { wait_secs: u32 },
    CodesFromHere,
}

impl Refusal {
    pub fn message(&self) -> String {
        match self {
            Self::ThisAccountFromHere => {
                "Too many failed attempts to log in to this account from here. Wait 15 minutes, then try again.".to_owned()
            }
            Self::AnyAccountFromHere => "Too many failed attempts to log in from here. Wait 15 minutes, then try again.".to_owned(),
            Self::ThisAccountJustNow { wait_secs } => format!(
                "Too many failed attempts to log in to this account in the last {wait_secs} seconds. Wait {wait_secs} seconds, then try again."
            ),
            Self::CodesFromHere => "Too many wrong access codes from here. Wait 15 minutes, then try again.".to_owned(),
        }
    }
}

/// An attempt taken under the limits; forget it if the secret was right.
pub struct TakenAttempt {
    ids: Vec<i64>,
    clear_on_success: Vec<String>,
}

/// The login and enrolment guards, shared by all requests.
#[derive(Clone)]
pub struct Attempts {
    checkers: Checkers,
    account_window: chrono::Duration,
}

impl Attempts {
    pub fn new(account_window_secs: u32) -> Self {
        let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
        Self { checkers: Checkers::start(cores), account_window: chrono::Duration::seconds(account_window_secs.into()) }
    }

    /// Takes one login attempt for `email` from `client`, or says why not.
    pub async fn take_login(
        &self,
        store: &SharedStore,
        client: ClientAddress,
        email: &str,
    ) -> Result<Result<TakenAttempt, Refusal>, AppError> {
        let client = client.key();
        let pair = format!("login:{client}:{email}");
        let account = format!("login-account:{email}");
        let limits = [
            AttemptLimit { key: pair.clone(), max: PER_CLIENT_AND_ACCOUNT, window: LONG_WINDOW },
            AttemptLimit { key: format!("login-client:{client}"), max: PER_CLIENT, window: LONG_WINDOW },
            AttemptLimit { key: account.clone(), max: PER_ACCOUNT, window: self.account_window },
        ];
        let wait_secs = u32::try_from(self.account_window.num_seconds()).unwrap_or(u32::MAX);
        Ok(match store.take_attempt(&limits, Utc::now()).await? {
            Attempt::Taken(ids) => Ok(TakenAttempt { ids, clear_on_success: vec![pair, account] }),
            Attempt::Refused(0) => Err(Refusal::ThisAccountFromHere),
            Attempt::Refused(1) => Err(Refusal::AnyAccountFromHere),
            Attempt::Refused(_) => Err(Refusal::ThisAccountJustNow { wait_secs }),
        })
    }

    /// Takes one access-code attempt from `client`, or says why not.
    pub async fn take_code(&self, store: &SharedStore, client: ClientAddress) -> Result<Result<TakenAttempt, Refusal>, AppError> {
        let limits = [AttemptLimit { key: format!("code-client:{}", client.key()), max: CODES_PER_CLIENT, window: LONG_WINDOW }];
        Ok(match store.take_attempt(&limits, Utc::now()).await? {
            Attempt::Taken(ids) => Ok(TakenAttempt { ids, clear_on_success: Vec::new() }),
            Attempt::Refused(_) => Err(Refusal::CodesFromHere),
        })
    }

    /// The secret was right: the attempt and the earlier failures it clears no longer count.
    pub async fn succeeded(&self, store: &SharedStore, attempt: TakenAttempt) -> Result<(), AppError> {
        Ok(store.forget_attempts(&attempt.ids, &attempt.clear_on_success).await?)
    }

    /// Checks a password against its stored hash (or, for an unknown email,
    /// against a stand-in, taking as long). `None` when the checkers stayed
    /// busy for [`CHECKER_WAIT`].
    pub async fn check_password(&self, password: String, hash: Option<String>) -> Option<bool> {
        self.checkers.check(password, hash).await
    }
}

struct Check {
    password: String,
    hash: Option<String>,
    reply: oneshot::Sender<bool>,
}

/// One thread per core checks passwords, each in 19 MiB of its own that it
/// keeps: a flood of logins queues here, and memory stays at that whatever
/// the flood. The threads end when the last handle is dropped.
#[derive(Clone)]
struct Checkers(mpsc::Sender<Check>);

/// Checks waiting for a thread; beyond it, a login waits for room.
const QUEUED_CHECKS: usize = 64;

impl Checkers {
    fn start(threads: usize) -> Self {
        let (sender, receiver) = mpsc::channel::<Check>(QUEUED_CHECKS);
        let receiver = Arc::new(std::sync::Mutex::new(receiver));
        for index in 0..threads {
            let receiver = receiver.clone();
            let spawned = std::thread::Builder::new().name(format!("password-check-{index}")).spawn(move || {
                let mut memory = Vec::new();
                loop {
                    let next = receiver.lock().unwrap_or_else(std::sync::PoisonError::into_inner).blocking_recv();
                    let Some(check) = next else { break };
                    let matched = match &check.hash {
                        Some(hash) => verify_password_in(&check.password, hash, &mut memory),
                        None => {
                            let _ = verify_password_in(&check.password, stand_in_hash(), &mut memory);
                            false
                        }
                    };
                    let _ = check.reply.send(matched);
                }
            });
            if let Err(err) = spawned {
                tracing::error!(error = %err, "cannot start a password checker");
            }
        }
        Self(sender)
    }

    async fn check(&self, password: String, hash: Option<String>) -> Option<bool> {
        let (reply, answer) = oneshot::channel();
        tokio::time::timeout(CHECKER_WAIT, self.0.send(Check { password, hash, reply })).await.ok()?.ok()?;
        answer.await.ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_flood_of_password_checks_is_answered_rightly_by_the_few_checkers() {
        let hash = crate::credentials::hash_password("correct horse battery").unwrap();
        let attempts = Attempts::new(60);
        let checks = (0..24).map(|n| {
            let password = if n % 3 == 0 { "correct horse battery" } else { "wrong" };
            attempts.check_password(password.to_owned(), Some(hash.clone()))
        });
        let results = futures::future::join_all(checks).await;
        for (n, result) in results.iter().enumerate() {
            assert_eq!(*result, Some(n % 3 == 0), "check {n}");
        }
        assert_eq!(attempts.check_password("anything".into(), None).await, Some(false), "an unknown email never matches");
    }

    #[test]
    fn behind_a_balancer_the_last_forwarded_address_is_the_client() {
        let mut headers = axum::http::HeaderMap::new();
        headers.insert("x-forwarded-for", "203.0.113.9, 198.51.100.4".parse().unwrap());
        let trusted = ClientAddressHeader(Some("x-forwarded-for".to_owned()));
        assert_eq!(trusted.address_in(&headers), Some("198.51.100.4".parse().unwrap()), "what the client wrote first is ignored");
        assert_eq!(ClientAddressHeader(None).address_in(&headers), None, "not trusted unless configured");
        headers.insert("x-forwarded-for", "not an address".parse().unwrap());
        assert_eq!(trusted.address_in(&headers), None);
    }

    #[test]
    fn ipv6_clients_are_counted_by_their_64_bit_prefix() {
        let a = ClientAddress("2001:db8:1:2:aaaa::1".parse().unwrap());
        let b = ClientAddress("2001:db8:1:2:bbbb::2".parse().unwrap());
        assert_eq!(a.key(), b.key());
        assert_eq!(a.key(), "2001:db8:1:2::/64");
        assert_eq!(ClientAddress("192.0.2.7".parse().unwrap()).key(), "192.0.2.7");
    }
}
