//! The cache: counters, sets, short-lived values, locks and live-update channels.
//!
//! One interface, two backends with the same behaviour (proven by the same tests in
//! `tests/api/cache.rs`): Redis for production, where several server instances share it, and
//! an in-process map for the embedded mode. Nothing here is the source of truth: every value
//! can be rebuilt from the database, so callers treat `CacheError::Unavailable` as "degrade",
//! never as "lose data".
mod lock;
mod memory;
mod redis_backend;

use std::{sync::Arc, time::Duration};

pub use lock::Lock;
use memory::MemoryCache;
use redis_backend::RedisCache;
use tokio::sync::broadcast;

#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    #[error("the cache is unavailable: {0}")]
    Unavailable(String),
    #[error("the value at `{0}` is not of the kind this operation needs")]
    WrongType(String),
}

#[derive(Clone)]
pub struct Cache {
    backend: Backend,
}

#[derive(Clone)]
enum Backend {
    Memory(Arc<MemoryCache>),
    Redis(Arc<RedisCache>),
}

impl Cache {
    pub fn in_process(key_prefix: &str) -> Self {
        Self {
            backend: Backend::Memory(Arc::new(MemoryCache::new(key_prefix))),
        }
    }

    /// Connects lazily: a Redis that is down at start-up does not stop the server; each call
    /// fails fast with `Unavailable` until Redis is back.
    pub fn redis(url: &str, key_prefix: &str, timeout: Duration) -> Result<Self, CacheError> {
        Ok(Self {
            backend: Backend::Redis(Arc::new(RedisCache::new(url, key_prefix, timeout)?)),
        })
    }

    pub fn kind(&self) -> &'static str {
        match &self.backend {
            Backend::Memory(_) => "in-process",
            Backend::Redis(_) => "redis",
        }
    }

    pub async fn ping(&self) -> Result<(), CacheError> {
        match &self.backend {
            Backend::Memory(_) => Ok(()),
            Backend::Redis(r) => r.ping().await,
        }
    }

    /// Adds `delta` and returns the new value; a missing key counts from 0.
    pub async fn incr_by(&self, key: &str, delta: i64) -> Result<i64, CacheError> {
        match &self.backend {
            Backend::Memory(m) => m.incr_by(key, delta),
            Backend::Redis(r) => r.incr_by(key, delta).await,
        }
    }

    /// Counts one more event in a fixed window that starts with the first count, and returns
    /// the count including this one. Atomic: parallel callers each see a distinct number,
    /// so a limit checked on the returned value cannot be raced past.
    pub async fn count_in_window(&self, key: &str, window: Duration) -> Result<i64, CacheError> {
        match &self.backend {
            Backend::Memory(m) => m.count_in_window(key, window),
            Backend::Redis(r) => r.count_in_window(key, window).await,
        }
    }

    /// Adds `member` to the set at `key`; true when it was not there before.
    pub async fn add_to_set(&self, key: &str, member: &str) -> Result<bool, CacheError> {
        match &self.backend {
            Backend::Memory(m) => m.add_to_set(key, member),
            Backend::Redis(r) => r.add_to_set(key, member).await,
        }
    }

    pub async fn set_len(&self, key: &str) -> Result<u64, CacheError> {
        match &self.backend {
            Backend::Memory(m) => m.set_len(key),
            Backend::Redis(r) => r.set_len(key).await,
        }
    }

    pub async fn get(&self, key: &str) -> Result<Option<String>, CacheError> {
        match &self.backend {
            Backend::Memory(m) => m.get(key),
            Backend::Redis(r) => r.get(key).await,
        }
    }

    /// Stores a value; `ttl: None` keeps it until deleted.
    pub async fn set(
        &self,
        key: &str,
        value: &str,
        ttl: Option<Duration>,
    ) -> Result<(), CacheError> {
        match &self.backend {
            Backend::Memory(m) => {
                m.set(key, value, ttl);
                Ok(())
            }
            Backend::Redis(r) => r.set(key, value, ttl).await,
        }
    }

    /// Stores the value only if the key is absent; true when this call stored it.
    pub async fn set_if_absent(
        &self,
        key: &str,
        value: &str,
        ttl: Duration,
    ) -> Result<bool, CacheError> {
        match &self.backend {
            Backend::Memory(m) => Ok(m.set_if_absent(key, value, ttl)),
            Backend::Redis(r) => r.set_if_absent(key, value, ttl).await,
        }
    }

    pub async fn expire(&self, key: &str, ttl: Duration) -> Result<bool, CacheError> {
        match &self.backend {
            Backend::Memory(m) => Ok(m.expire(key, ttl)),
            Backend::Redis(r) => r.expire(key, ttl).await,
        }
    }

    pub async fn delete(&self, key: &str) -> Result<bool, CacheError> {
        match &self.backend {
            Backend::Memory(m) => Ok(m.delete(key)),
            Backend::Redis(r) => r.delete(key).await,
        }
    }

    /// Deletes the key only while it still holds `expected` (lock release, token CAS).
    pub async fn delete_if_equals(&self, key: &str, expected: &str) -> Result<bool, CacheError> {
        match &self.backend {
            Backend::Memory(m) => Ok(m.delete_if_equals(key, expected)),
            Backend::Redis(r) => r.delete_if_equals(key, expected).await,
        }
    }

    /// Adds members to several sets in one round trip and reports, per set, its size and
    /// whether it holds `marker` (callers put a marker in a set they filled completely, so a
    /// set that vanished — restart, eviction — and came back partial is recognised).
    pub async fn add_to_sets(
        &self,
        batches: &[SetAdd<'_>],
        marker: &str,
    ) -> Result<Vec<SetState>, CacheError> {
        match &self.backend {
            Backend::Memory(m) => m.add_to_sets(batches, marker),
            Backend::Redis(r) => r.add_to_sets(batches, marker).await,
        }
    }

    /// Adds members (callers include their marker) and sets the set's time to live.
    pub async fn fill_set(
        &self,
        key: &str,
        members: &[String],
        ttl: Duration,
    ) -> Result<(), CacheError> {
        match &self.backend {
            Backend::Memory(m) => m.fill_set(key, members, ttl),
            Backend::Redis(r) => r.fill_set(key, members, ttl).await,
        }
    }

    pub async fn remove_from_set(&self, key: &str, member: &str) -> Result<bool, CacheError> {
        match &self.backend {
            Backend::Memory(m) => m.remove_from_set(key, member),
            Backend::Redis(r) => r.remove_from_set(key, member).await,
        }
    }

    /// For each candidate, whether the set holds it.
    pub async fn set_contains(
        &self,
        key: &str,
        candidates: &[String],
    ) -> Result<Vec<bool>, CacheError> {
        if candidates.is_empty() {
            return Ok(Vec::new());
        }
        match &self.backend {
            Backend::Memory(m) => m.set_contains(key, candidates),
            Backend::Redis(r) => r.set_contains(key, candidates).await,
        }
    }

    /// Publishes to every subscriber of `channel`, in this process or (Redis) any other.
    pub async fn publish(&self, channel: &str, message: &str) -> Result<(), CacheError> {
        match &self.backend {
            Backend::Memory(m) => {
                m.publish(channel, message);
                Ok(())
            }
            Backend::Redis(r) => r.publish(channel, message).await,
        }
    }

    pub async fn subscribe(&self, channel: &str) -> Result<Subscription, CacheError> {
        match &self.backend {
            Backend::Memory(m) => Ok(Subscription {
                inner: SubscriptionInner::Memory(m.subscribe(channel)),
            }),
            Backend::Redis(r) => Ok(Subscription {
                inner: SubscriptionInner::Redis(r.subscribe(channel).await?),
            }),
        }
    }
}

/// Members to add to one set.
pub struct SetAdd<'a> {
    pub key: &'a str,
    pub members: &'a [String],
}

/// A set after an addition: its size (marker included) and whether the marker is in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SetState {
    pub len: u64,
    pub has_marker: bool,
}

/// A live stream of messages on one channel. Slow readers of the in-process backend skip
/// what they missed rather than blocking publishers: live counters only need the latest.
pub struct Subscription {
    inner: SubscriptionInner,
}

enum SubscriptionInner {
    Memory(broadcast::Receiver<String>),
    Redis(redis_backend::MessageStream),
}

impl Subscription {
    /// The next message, or `None` once the channel is gone.
    pub async fn next(&mut self) -> Option<String> {
        match &mut self.inner {
            SubscriptionInner::Memory(rx) => loop {
                match rx.recv().await {
                    Ok(message) => return Some(message),
                    Err(broadcast::error::RecvError::Lagged(_)) => continue,
                    Err(broadcast::error::RecvError::Closed) => return None,
                }
            },
            SubscriptionInner::Redis(stream) => stream.next().await,
        }
    }
}
