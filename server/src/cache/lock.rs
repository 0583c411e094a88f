//! A small distributed lock on top of `set_if_absent`: good for "only one instance refreshes
//! the WeChat token" and similar, where the TTL bounds the damage of a crashed holder.
//! Not a fencing lock: work under it must stay shorter than the TTL.
use std::time::{Duration, Instant};

use rand::RngCore;

use super::{Cache, CacheError};

pub struct Lock {
    cache: Cache,
    key: String,
    token: String,
}

impl Cache {
    /// Takes the lock if it is free; `None` when someone else holds it.
    pub async fn try_lock(&self, name: &str, ttl: Duration) -> Result<Option<Lock>, CacheError> {
        let key = format!("lock:{name}");
        let mut bytes = [0u8; 16];
        rand::rng().fill_bytes(&mut bytes);
        let token = hex::encode(bytes);
        if self.set_if_absent(&key, &token, ttl).await? {
            Ok(Some(Lock {
                cache: self.clone(),
                key,
                token,
            }))
        } else {
            Ok(None)
        }
    }

    /// Waits up to `wait` for the lock, polling with a growing pause.
    pub async fn lock(
        &self,
        name: &str,
        ttl: Duration,
        wait: Duration,
    ) -> Result<Option<Lock>, CacheError> {
        let deadline = Instant::now() + wait;
        let mut pause = Duration::from_millis(5);
        loop {
            if let Some(lock) = self.try_lock(name, ttl).await? {
                return Ok(Some(lock));
            }
            if Instant::now() + pause > deadline {
                return Ok(None);
            }
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(Duration::from_millis(200));
        }
    }
}

impl Lock {
    /// Releases the lock if this holder still owns it; false when its TTL had already passed
    /// (and someone else may hold it now).
    pub async fn release(self) -> Result<bool, CacheError> {
        self.cache.delete_if_equals(&self.key, &self.token).await
    }
}
