//! What stands between an anonymous caller and the expensive or guessable parts of signing
//! in: counters that are taken *before* a guess is evaluated (so parallel guesses cannot
//! slip past a limit), and a bound on how many password hashes run at once (each argon2
//! hash holds ~19 MiB, so memory stays bounded whatever arrives).
use std::{sync::Arc, time::Duration};

use super::AuthError;
use crate::{cache::Cache, config::AuthSettings};

pub struct SignInGuard {
    cache: Cache,
    hashers: Hashers,
    settings: AuthSettings,
}

type Job = Box<dyn FnOnce(&mut super::passwords::Verifier) + Send>;

/// A few threads that do nothing but check passwords. Not the shared blocking pool: the
/// allocator keeps a freed argon2 block in each thread's arena, so hashing on hundreds of
/// pool threads leaves hundreds of 19 MiB blocks resident. A fixed set of threads bounds
/// both the memory in use and the memory kept.
struct Hashers {
    jobs: std::sync::mpsc::SyncSender<Job>,
}

impl Hashers {
    fn start(threads: usize, queue: usize) -> Self {
        let (jobs, receiver) = std::sync::mpsc::sync_channel::<Job>(queue);
        let receiver = Arc::new(std::sync::Mutex::new(receiver));
        for index in 0..threads {
            let receiver = receiver.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("password-{index}"))
                .spawn(move || {
                    let mut verifier = super::passwords::Verifier::default();
                    loop {
                        let job = match receiver.lock() {
                            Ok(guard) => guard.recv(),
                            Err(_) => return,
                        };
                        match job {
                            Ok(job) => job(&mut verifier),
                            Err(_) => return,
                        }
                    }
                });
            if let Err(err) = spawned {
                tracing::error!(error = %err, "cannot start a password thread");
            }
        }
        Self { jobs }
    }
}

/// One attempt's place in the counters; give it back with `refund` when the attempt was
/// rightful, so a person who signs in often is never limited by their own successes.
#[must_use]
pub struct Counted {
    keys: Vec<String>,
}

impl SignInGuard {
    pub fn new(cache: Cache, settings: AuthSettings) -> Self {
        Self {
            cache,
            hashers: Hashers::start(settings.hash_concurrency, settings.hash_queue),
            settings,
        }
    }

    fn window(&self) -> Duration {
        Duration::from_secs(self.settings.invite_failure_window_secs)
    }

    /// Counts one attempt under each `(key, limit)` and refuses if any limit is passed. The
    /// count comes first, atomically, so the hundredth of a hundred parallel guesses sees
    /// 100. With the cache down it refuses (fails closed) rather than allow unlimited guessing.
    pub async fn count(&self, limits: &[(String, u32)]) -> Result<Counted, AuthError> {
        let mut counted = Counted { keys: Vec::new() };
        for (key, limit) in limits {
            let count = match self.cache.count_in_window(key, self.window()).await {
                Ok(count) => count,
                Err(e) => {
                    tracing::warn!(error = %e, "cache down: refusing guessable sign-in");
                    self.refund(counted).await;
                    return Err(AuthError::TemporarilyUnavailable);
                }
            };
            counted.keys.push(key.clone());
            if count > i64::from(*limit) {
                return Err(AuthError::TooManyAttempts(
                    self.window().as_secs().div_ceil(60),
                ));
            }
        }
        Ok(counted)
    }

    /// Gives the attempt back to every counter it was taken from.
    pub async fn refund(&self, counted: Counted) {
        for key in counted.keys {
            let _ = self.cache.incr_by(&key, -1).await;
        }
    }

    /// The limit per account (or WeChat identity) and per address from the settings.
    pub fn per_account(&self) -> u32 {
        self.settings.invite_max_failures
    }

    pub fn per_address(&self) -> u32 {
        self.settings.max_attempts_per_address
    }

    /// Checks a password on one of the password threads. When all are busy the attempt
    /// queues briefly; a full queue or a long wait answers 503 with `Retry-After`, and an
    /// attempt whose caller stopped waiting is skipped, not hashed.
    pub async fn verify_password(
        &self,
        candidate: String,
        stored: Option<String>,
    ) -> Result<bool, AuthError> {
        let wait = Duration::from_millis(self.settings.hash_wait_ms);
        let deadline = std::time::Instant::now() + wait;
        let (answer, answered) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move |verifier| {
            if std::time::Instant::now() < deadline {
                let _ = answer.send(verifier.verify(&candidate, stored.as_deref()));
            }
        });
        if self.hashers.jobs.try_send(job).is_err() {
            return Err(AuthError::Busy);
        }
        match tokio::time::timeout(wait, answered).await {
            Ok(Ok(matches)) => Ok(matches),
            _ => Err(AuthError::Busy),
        }
    }
}

impl SignInGuard {
    /// Phone and password → the active person they belong to (the API's password login and
    /// the console's share it). Counted per account *and* per address before the hash runs,
    /// so someone guessing elsewhere cannot lock the owner out; unknown phones are hashed too,
    /// so timing reveals nothing.
    pub async fn sign_in_with_password(
        &self,
        db: &sea_orm::DatabaseConnection,
        phone: &str,
        password: &str,
        address: &str,
    ) -> Result<crate::entities::person::Model, AuthError> {
        let phone = crate::domain::Phone::parse(phone).map_err(AuthError::InvalidInput)?;
        if password.is_empty() || password.len() > 256 {
            return Err(AuthError::BadCredentials);
        }
        let counted = self
            .count(&[
                (
                    format!("password:{}:{address}", phone.as_str()),
                    self.per_account(),
                ),
                (format!("signin-addr:{address}"), self.per_address()),
            ])
            .await?;
        let person = crate::people::find_by_phone(db, phone.as_str()).await?;
        let stored = person
            .as_ref()
            .and_then(|p| p.password_hash.as_deref())
            .map(str::to_owned);
        let ok = self.verify_password(password.to_owned(), stored).await?;
        match person {
            Some(p) if ok && p.active => {
                self.refund(counted).await;
                Ok(p)
            }
            _ => Err(AuthError::BadCredentials),
        }
    }
}

/// The network address an attempt came from: the TCP peer. Forwarded headers are not
/// trusted, since any client can write them.
pub fn address_of(req: &actix_web::HttpRequest) -> String {
    req.peer_addr()
        .map_or_else(|| "unknown".to_owned(), |peer| peer.ip().to_string())
}
