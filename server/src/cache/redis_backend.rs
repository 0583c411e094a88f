//! The Redis backend. Every key and channel carries the configured prefix, so one Redis can
//! serve several deployments (and every test its own namespace).
use std::{pin::Pin, time::Duration};

use futures_util::{Stream, StreamExt};
use redis::{
    Client, Script,
    aio::{ConnectionManager, ConnectionManagerConfig},
};

use super::CacheError;

pub struct RedisCache {
    client: Client,
    manager: ConnectionManager,
    prefix: String,
    timeout: Duration,
    delete_if_equals: Script,
}

impl From<redis::RedisError> for CacheError {
    fn from(err: redis::RedisError) -> Self {
        crate::metrics::count_cache_error("unavailable");
        CacheError::Unavailable(err.to_string())
    }
}

fn millis(d: Duration) -> u64 {
    // Redis rejects a zero expiry; the shortest meaningful one is 1 ms.
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX).max(1)
}

impl RedisCache {
    pub fn new(url: &str, prefix: &str, timeout: Duration) -> Result<Self, CacheError> {
        let client = Client::open(url)
            .map_err(|e| CacheError::Unavailable(format!("invalid Redis URL: {e}")))?;
        // Fail fast while Redis is down (callers degrade) and reconnect in the background.
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(timeout))
            .set_response_timeout(Some(timeout))
            .set_number_of_retries(1)
            .set_max_delay(Duration::from_secs(2));
        let manager = ConnectionManager::new_lazy_with_config(client.clone(), config)?;
        Ok(Self {
            client,
            manager,
            prefix: prefix.to_owned(),
            timeout,
            delete_if_equals: Script::new(
                "if redis.call('GET', KEYS[1]) == ARGV[1] then \
                 return redis.call('DEL', KEYS[1]) else return 0 end",
            ),
        })
    }

    fn key(&self, key: &str) -> String {
        format!("{}{key}", self.prefix)
    }

    fn conn(&self) -> ConnectionManager {
        self.manager.clone()
    }

    pub async fn ping(&self) -> Result<(), CacheError> {
        let _: String = redis::cmd("PING").query_async(&mut self.conn()).await?;
        Ok(())
    }

    pub async fn incr_by(&self, key: &str, delta: i64) -> Result<i64, CacheError> {
        let key = self.key(key);
        redis::cmd("INCRBY")
            .arg(&key)
            .arg(delta)
            .query_async(&mut self.conn())
            .await
            .map_err(|e| wrong_type_or_unavailable(e, key))
    }

    pub async fn count_in_window(&self, key: &str, window: Duration) -> Result<i64, CacheError> {
        let key = self.key(key);
        // One transaction: the counter never exists without its expiry, and NX keeps the
        // window fixed from the first count instead of sliding with every attempt.
        let mut pipe = redis::pipe();
        pipe.atomic()
            .cmd("INCR")
            .arg(&key)
            .cmd("PEXPIRE")
            .arg(&key)
            .arg(millis(window))
            .arg("NX")
            .ignore();
        let (count,): (i64,) = pipe
            .query_async(&mut self.conn())
            .await
            .map_err(|e| wrong_type_or_unavailable(e, key))?;
        Ok(count)
    }

    pub async fn add_to_set(&self, key: &str, member: &str) -> Result<bool, CacheError> {
        let key = self.key(key);
        let added: i64 = redis::cmd("SADD")
            .arg(&key)
            .arg(member)
            .query_async(&mut self.conn())
            .await
            .map_err(|e| wrong_type_or_unavailable(e, key))?;
        Ok(added == 1)
    }

    pub async fn set_len(&self, key: &str) -> Result<u64, CacheError> {
        let key = self.key(key);
        redis::cmd("SCARD")
            .arg(&key)
            .query_async(&mut self.conn())
            .await
            .map_err(|e| wrong_type_or_unavailable(e, key))
    }

    pub async fn get(&self, key: &str) -> Result<Option<String>, CacheError> {
        let key = self.key(key);
        redis::cmd("GET")
            .arg(&key)
            .query_async(&mut self.conn())
            .await
            .map_err(|e| wrong_type_or_unavailable(e, key))
    }

    pub async fn set(
        &self,
        key: &str,
        value: &str,
        ttl: Option<Duration>,
    ) -> Result<(), CacheError> {
        let mut cmd = redis::cmd("SET");
        cmd.arg(self.key(key)).arg(value);
        if let Some(ttl) = ttl {
            cmd.arg("PX").arg(millis(ttl));
        }
        let _: () = cmd.query_async(&mut self.conn()).await?;
        Ok(())
    }

    pub async fn set_if_absent(
        &self,
        key: &str,
        value: &str,
        ttl: Duration,
    ) -> Result<bool, CacheError> {
        let stored: Option<String> = redis::cmd("SET")
            .arg(self.key(key))
            .arg(value)
            .arg("NX")
            .arg("PX")
            .arg(millis(ttl))
            .query_async(&mut self.conn())
            .await?;
        Ok(stored.is_some())
    }

    pub async fn expire(&self, key: &str, ttl: Duration) -> Result<bool, CacheError> {
        let applied: i64 = redis::cmd("PEXPIRE")
            .arg(self.key(key))
            .arg(millis(ttl))
            .query_async(&mut self.conn())
            .await?;
        Ok(applied == 1)
    }

    pub async fn delete(&self, key: &str) -> Result<bool, CacheError> {
        let removed: i64 = redis::cmd("DEL")
            .arg(self.key(key))
            .query_async(&mut self.conn())
            .await?;
        Ok(removed == 1)
    }

    pub async fn delete_if_equals(&self, key: &str, expected: &str) -> Result<bool, CacheError> {
        let removed: i64 = self
            .delete_if_equals
            .key(self.key(key))
            .arg(expected)
            .invoke_async(&mut self.conn())
            .await?;
        Ok(removed == 1)
    }

    pub async fn add_to_sets(
        &self,
        batches: &[super::SetAdd<'_>],
        marker: &str,
    ) -> Result<Vec<super::SetState>, CacheError> {
        // One MULTI per call: the size read is the size right after this addition.
        let mut pipe = redis::pipe();
        pipe.atomic();
        for batch in batches {
            let key = self.key(batch.key);
            if !batch.members.is_empty() {
                pipe.cmd("SADD").arg(&key).arg(batch.members).ignore();
            }
            pipe.cmd("SCARD").arg(&key);
            pipe.cmd("SISMEMBER").arg(&key).arg(marker);
        }
        let replies: Vec<(u64, bool)> = pipe
            .query_async::<Vec<u64>>(&mut self.conn())
            .await
            .map_err(|e| {
                wrong_type_or_unavailable(
                    e,
                    batches
                        .first()
                        .map(|b| b.key.to_owned())
                        .unwrap_or_default(),
                )
            })?
            .chunks_exact(2)
            .map(|pair| (pair[0], pair[1] == 1))
            .collect();
        Ok(replies
            .into_iter()
            .map(|(len, has_marker)| super::SetState { len, has_marker })
            .collect())
    }

    pub async fn fill_set(
        &self,
        key: &str,
        members: &[String],
        ttl: Duration,
    ) -> Result<(), CacheError> {
        let key = self.key(key);
        let mut pipe = redis::pipe();
        pipe.atomic();
        // Large sets go in slices so no single command carries an unbounded argument list.
        for slice in members.chunks(1000) {
            pipe.cmd("SADD").arg(&key).arg(slice).ignore();
        }
        pipe.cmd("PEXPIRE").arg(&key).arg(millis(ttl)).ignore();
        let _: () = pipe
            .query_async(&mut self.conn())
            .await
            .map_err(|e| wrong_type_or_unavailable(e, key))?;
        Ok(())
    }

    pub async fn remove_from_set(&self, key: &str, member: &str) -> Result<bool, CacheError> {
        let key = self.key(key);
        let removed: i64 = redis::cmd("SREM")
            .arg(&key)
            .arg(member)
            .query_async(&mut self.conn())
            .await
            .map_err(|e| wrong_type_or_unavailable(e, key))?;
        Ok(removed == 1)
    }

    pub async fn set_contains(
        &self,
        key: &str,
        candidates: &[String],
    ) -> Result<Vec<bool>, CacheError> {
        let key = self.key(key);
        let found: Vec<i64> = redis::cmd("SMISMEMBER")
            .arg(&key)
            .arg(candidates)
            .query_async(&mut self.conn())
            .await
            .map_err(|e| wrong_type_or_unavailable(e, key))?;
        Ok(found.into_iter().map(|f| f == 1).collect())
    }

    pub async fn publish(&self, channel: &str, message: &str) -> Result<(), CacheError> {
        let _: i64 = redis::cmd("PUBLISH")
            .arg(self.key(channel))
            .arg(message)
            .query_async(&mut self.conn())
            .await?;
        Ok(())
    }

    /// A dedicated connection per subscription: pub/sub connections cannot run commands.
    pub async fn subscribe(&self, channel: &str) -> Result<MessageStream, CacheError> {
        let connect = async {
            let mut pubsub = self.client.get_async_pubsub().await?;
            pubsub.subscribe(self.key(channel)).await?;
            Ok::<_, redis::RedisError>(pubsub)
        };
        let pubsub = tokio::time::timeout(self.timeout, connect)
            .await
            .map_err(|_| {
                crate::metrics::count_cache_error("unavailable");
                CacheError::Unavailable("timed out subscribing".into())
            })??;
        Ok(MessageStream(Box::pin(pubsub.into_on_message())))
    }
}

fn wrong_type_or_unavailable(err: redis::RedisError, key: String) -> CacheError {
    if err.code() == Some("WRONGTYPE")
        || matches!(err.kind(), redis::ErrorKind::UnexpectedReturnType)
    {
        crate::metrics::count_cache_error("wrong_type");
        CacheError::WrongType(key)
    } else {
        crate::metrics::count_cache_error("unavailable");
        CacheError::Unavailable(err.to_string())
    }
}

pub struct MessageStream(Pin<Box<dyn Stream<Item = redis::Msg> + Send>>);

impl MessageStream {
    pub async fn next(&mut self) -> Option<String> {
        loop {
            let message = self.0.next().await?;
            // Our publishers only send UTF-8; anything else on the channel is not ours.
            if let Ok(text) = message.get_payload::<String>() {
                return Some(text);
            }
        }
    }
}
