//! The Redis backend: one Redis, or a Redis Cluster when `REDIS_URL` lists several nodes
//! (comma-separated). Every key and channel carries the configured prefix, so one Redis can
//! serve several deployments (and every test its own namespace). What must happen together
//! runs as one Lua script on keys that share a hash tag (`att:{42}:member` and
//! `att:{42}:guest` live in one slot), so it works the same on a cluster, where a MULTI across
//! nodes cannot.
use std::{pin::Pin, time::Duration};

use futures_util::{Stream, StreamExt, future::BoxFuture};
use redis::{
    Client, Cmd, Pipeline, RedisFuture, Script, Value,
    aio::{ConnectionLike, ConnectionManager, ConnectionManagerConfig},
    cluster::ClusterClient,
    cluster_async::ClusterConnection,
};
use tokio::sync::OnceCell;

use super::CacheError;

pub struct RedisCache {
    backend: Backend,
    /// Subscriptions: a plain connection to one node. A cluster forwards every PUBLISH to
    /// all its nodes, so any one of them hears every channel.
    pubsub: Client,
    prefix: String,
    timeout: Duration,
    delete_if_equals: Script,
    count_in_window: Script,
    add_to_sets: Script,
    fill_set: Script,
}

enum Backend {
    Single(ConnectionManager),
    /// Connected on first use (the constructor is not async), again after a failed attempt.
    Cluster(Box<Cluster>),
}

struct Cluster {
    client: ClusterClient,
    connection: OnceCell<ClusterConnection>,
}

/// One connection of either kind, for the `redis` crate's commands and scripts.
#[derive(Clone)]
enum Connection {
    Single(ConnectionManager),
    Cluster(ClusterConnection),
}

impl ConnectionLike for Connection {
    fn req_packed_command<'a>(&'a mut self, cmd: &'a Cmd) -> RedisFuture<'a, Value> {
        match self {
            Connection::Single(c) => c.req_packed_command(cmd),
            Connection::Cluster(c) => c.req_packed_command(cmd),
        }
    }

    fn req_packed_commands<'a>(
        &'a mut self,
        pipeline: &'a Pipeline,
        offset: usize,
        count: usize,
    ) -> RedisFuture<'a, Vec<Value>> {
        match self {
            Connection::Single(c) => c.req_packed_commands(pipeline, offset, count),
            Connection::Cluster(c) => c.req_packed_commands(pipeline, offset, count),
        }
    }

    fn get_db(&self) -> i64 {
        match self {
            Connection::Single(c) => c.get_db(),
            Connection::Cluster(c) => c.get_db(),
        }
    }
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

/// The part of a key Redis Cluster hashes: what is inside the first `{…}`, else the key.
fn hash_tag(key: &str) -> &str {
    if let Some(open) = key.find('{')
        && let Some(close) = key[open + 1..].find('}')
        && close > 0
    {
        return &key[open + 1..open + 1 + close];
    }
    key
}

/// Counts a hit and, on the first, starts the window's expiry (NX: the window stays fixed from
/// the first count instead of sliding with every attempt).
const COUNT_IN_WINDOW: &str = "local n = redis.call('INCR', KEYS[1]) \
     redis.call('PEXPIRE', KEYS[1], ARGV[1], 'NX') return n";

/// ARGV: the marker, then for each key its member count and members. Returns each set's
/// size and whether the marker is in it, right after the addition.
const ADD_TO_SETS: &str = "local out = {} local at = 2 \
     for _, key in ipairs(KEYS) do \
       local n = tonumber(ARGV[at]) at = at + 1 \
       local last = at + n - 1 \
       for first = at, last, 4000 do \
         redis.call('SADD', key, unpack(ARGV, first, math.min(first + 3999, last))) end \
       at = last + 1 \
       out[#out + 1] = redis.call('SCARD', key) \
       out[#out + 1] = redis.call('SISMEMBER', key, ARGV[1]) end \
     return out";

/// ARGV: the expiry in ms, then the members; all at once, so nobody sees half a set.
const FILL_SET: &str = "for first = 2, #ARGV, 4000 do \
       redis.call('SADD', KEYS[1], unpack(ARGV, first, math.min(first + 3999, #ARGV))) end \
     redis.call('PEXPIRE', KEYS[1], ARGV[1]) return 1";

impl RedisCache {
    /// `url` is one Redis, or the nodes of a Redis Cluster separated by commas (any of them
    /// is enough to find the rest; list several in case one is down).
    pub fn new(url: &str, prefix: &str, timeout: Duration) -> Result<Self, CacheError> {
        if prefix.contains(['{', '}']) {
            return Err(CacheError::Unavailable(
                "cache.key_prefix must not contain { or }: they choose a key's cluster slot".into(),
            ));
        }
        let invalid =
            |e: redis::RedisError| CacheError::Unavailable(format!("invalid Redis URL: {e}"));
        let nodes: Vec<&str> = url
            .split(',')
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .collect();
        let first = nodes
            .first()
            .ok_or_else(|| CacheError::Unavailable("REDIS_URL is empty".into()))?;
        let pubsub = Client::open(*first).map_err(invalid)?;
        let backend = if nodes.len() > 1 {
            let client = ClusterClient::builder(nodes.iter().copied())
                .connection_timeout(timeout)
                .response_timeout(timeout)
                .retries(1)
                .build()
                .map_err(invalid)?;
            Backend::Cluster(Box::new(Cluster {
                client,
                connection: OnceCell::new(),
            }))
        } else {
            // Fail fast while Redis is down (callers degrade) and reconnect in the background.
            let config = ConnectionManagerConfig::new()
                .set_connection_timeout(Some(timeout))
                .set_response_timeout(Some(timeout))
                .set_number_of_retries(1)
                .set_max_delay(Duration::from_secs(2));
            Backend::Single(ConnectionManager::new_lazy_with_config(
                pubsub.clone(),
                config,
            )?)
        };
        Ok(Self {
            backend,
            pubsub,
            prefix: prefix.to_owned(),
            timeout,
            delete_if_equals: Script::new(
                "if redis.call('GET', KEYS[1]) == ARGV[1] then \
                 return redis.call('DEL', KEYS[1]) else return 0 end",
            ),
            count_in_window: Script::new(COUNT_IN_WINDOW),
            add_to_sets: Script::new(ADD_TO_SETS),
            fill_set: Script::new(FILL_SET),
        })
    }

    pub fn is_cluster(&self) -> bool {
        matches!(self.backend, Backend::Cluster(_))
    }

    fn key(&self, key: &str) -> String {
        format!("{}{key}", self.prefix)
    }

    fn conn(&self) -> BoxFuture<'_, Result<Connection, CacheError>> {
        Box::pin(async move {
            match &self.backend {
                Backend::Single(manager) => Ok(Connection::Single(manager.clone())),
                Backend::Cluster(cluster) => {
                    let connect = cluster.connection.get_or_try_init(|| async {
                        tokio::time::timeout(self.timeout, cluster.client.get_async_connection())
                            .await
                            .map_err(|_| {
                                crate::metrics::count_cache_error("unavailable");
                                CacheError::Unavailable(
                                    "timed out connecting to the cluster".into(),
                                )
                            })?
                            .map_err(CacheError::from)
                    });
                    Ok(Connection::Cluster(connect.await?.clone()))
                }
            }
        })
    }

    pub async fn ping(&self) -> Result<(), CacheError> {
        let _: String = redis::cmd("PING")
            .query_async(&mut self.conn().await?)
            .await?;
        Ok(())
    }

    pub async fn incr_by(&self, key: &str, delta: i64) -> Result<i64, CacheError> {
        let key = self.key(key);
        redis::cmd("INCRBY")
            .arg(&key)
            .arg(delta)
            .query_async(&mut self.conn().await?)
            .await
            .map_err(|e| wrong_type_or_unavailable(e, key))
    }

    pub async fn count_in_window(&self, key: &str, window: Duration) -> Result<i64, CacheError> {
        let key = self.key(key);
        self.count_in_window
            .key(&key)
            .arg(millis(window))
            .invoke_async(&mut self.conn().await?)
            .await
            .map_err(|e| wrong_type_or_unavailable(e, key))
    }

    pub async fn add_to_set(&self, key: &str, member: &str) -> Result<bool, CacheError> {
        let key = self.key(key);
        let added: i64 = redis::cmd("SADD")
            .arg(&key)
            .arg(member)
            .query_async(&mut self.conn().await?)
            .await
            .map_err(|e| wrong_type_or_unavailable(e, key))?;
        Ok(added == 1)
    }

    pub async fn set_len(&self, key: &str) -> Result<u64, CacheError> {
        let key = self.key(key);
        redis::cmd("SCARD")
            .arg(&key)
            .query_async(&mut self.conn().await?)
            .await
            .map_err(|e| wrong_type_or_unavailable(e, key))
    }

    pub async fn get(&self, key: &str) -> Result<Option<String>, CacheError> {
        let key = self.key(key);
        redis::cmd("GET")
            .arg(&key)
            .query_async(&mut self.conn().await?)
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
        let _: () = cmd.query_async(&mut self.conn().await?).await?;
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
            .query_async(&mut self.conn().await?)
            .await?;
        Ok(stored.is_some())
    }

    pub async fn expire(&self, key: &str, ttl: Duration) -> Result<bool, CacheError> {
        let applied: i64 = redis::cmd("PEXPIRE")
            .arg(self.key(key))
            .arg(millis(ttl))
            .query_async(&mut self.conn().await?)
            .await?;
        Ok(applied == 1)
    }

    pub async fn delete(&self, key: &str) -> Result<bool, CacheError> {
        let removed: i64 = redis::cmd("DEL")
            .arg(self.key(key))
            .query_async(&mut self.conn().await?)
            .await?;
        Ok(removed == 1)
    }

    pub async fn delete_if_equals(&self, key: &str, expected: &str) -> Result<bool, CacheError> {
        let removed: i64 = self
            .delete_if_equals
            .key(self.key(key))
            .arg(expected)
            .invoke_async(&mut self.conn().await?)
            .await?;
        Ok(removed == 1)
    }

    pub async fn add_to_sets(
        &self,
        batches: &[super::SetAdd<'_>],
        marker: &str,
    ) -> Result<Vec<super::SetState>, CacheError> {
        // One script per group of keys that share a slot (on a single Redis, one for all):
        // each size read is the size right after that addition.
        let mut states = Vec::with_capacity(batches.len());
        let mut rest = batches;
        while let Some(first) = rest.first() {
            let together = if self.is_cluster() {
                rest.iter()
                    .take_while(|b| hash_tag(b.key) == hash_tag(first.key))
                    .count()
            } else {
                rest.len()
            };
            let (group, after) = rest.split_at(together);
            rest = after;
            let mut invocation = self.add_to_sets.prepare_invoke();
            invocation.arg(marker);
            for batch in group {
                invocation
                    .key(self.key(batch.key))
                    .arg(batch.members.len())
                    .arg(batch.members);
            }
            let replies: Vec<u64> = invocation
                .invoke_async(&mut self.conn().await?)
                .await
                .map_err(|e| wrong_type_or_unavailable(e, first.key.to_owned()))?;
            states.extend(replies.chunks_exact(2).map(|pair| super::SetState {
                len: pair[0],
                has_marker: pair[1] == 1,
            }));
        }
        Ok(states)
    }

    pub async fn fill_set(
        &self,
        key: &str,
        members: &[String],
        ttl: Duration,
    ) -> Result<(), CacheError> {
        let key = self.key(key);
        let _: i64 = self
            .fill_set
            .key(&key)
            .arg(millis(ttl))
            .arg(members)
            .invoke_async(&mut self.conn().await?)
            .await
            .map_err(|e| wrong_type_or_unavailable(e, key))?;
        Ok(())
    }

    pub async fn remove_from_set(&self, key: &str, member: &str) -> Result<bool, CacheError> {
        let key = self.key(key);
        let removed: i64 = redis::cmd("SREM")
            .arg(&key)
            .arg(member)
            .query_async(&mut self.conn().await?)
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
            .query_async(&mut self.conn().await?)
            .await
            .map_err(|e| wrong_type_or_unavailable(e, key))?;
        Ok(found.into_iter().map(|f| f == 1).collect())
    }

    pub async fn publish(&self, channel: &str, message: &str) -> Result<(), CacheError> {
        let _: i64 = redis::cmd("PUBLISH")
            .arg(self.key(channel))
            .arg(message)
            .query_async(&mut self.conn().await?)
            .await?;
        Ok(())
    }

    /// A dedicated connection per subscription: pub/sub connections cannot run commands.
    pub async fn subscribe(&self, channel: &str) -> Result<MessageStream, CacheError> {
        let connect = async {
            let mut pubsub = self.pubsub.get_async_pubsub().await?;
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
