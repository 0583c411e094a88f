//! The in-process backend: a map behind one mutex. Critical sections are a few hash
//! operations, far shorter than the Redis round trip this replaces.
use std::{
    collections::{HashMap, HashSet},
    sync::Mutex,
    time::{Duration, Instant},
};

use tokio::sync::broadcast;

use super::CacheError;

/// Room for bursts on a live channel; a reader further behind skips ahead.
const CHANNEL_CAPACITY: usize = 256;
/// Expired entries are swept after this many writes, so memory stays bounded.
const SWEEP_EVERY_WRITES: u64 = 4096;

pub struct MemoryCache {
    prefix: String,
    state: Mutex<State>,
    channels: Mutex<HashMap<String, broadcast::Sender<String>>>,
}

#[derive(Default)]
struct State {
    entries: HashMap<String, Entry>,
    writes: u64,
}

struct Entry {
    value: Value,
    expires_at: Option<Instant>,
}

enum Value {
    Text(String),
    Set(HashSet<String>),
}

impl Entry {
    fn is_live(&self, now: Instant) -> bool {
        self.expires_at.is_none_or(|at| at > now)
    }
}

impl State {
    /// The live entry at `key`, dropping it first if it has expired.
    fn live(&mut self, key: &str, now: Instant) -> Option<&mut Entry> {
        if self.entries.get(key).is_some_and(|e| !e.is_live(now)) {
            self.entries.remove(key);
        }
        self.entries.get_mut(key)
    }

    fn note_write(&mut self, now: Instant) {
        self.writes += 1;
        if self.writes.is_multiple_of(SWEEP_EVERY_WRITES) {
            self.entries.retain(|_, e| e.is_live(now));
        }
    }
}

impl MemoryCache {
    pub fn new(prefix: &str) -> Self {
        Self {
            prefix: prefix.to_owned(),
            state: Mutex::new(State::default()),
            channels: Mutex::new(HashMap::new()),
        }
    }

    fn key(&self, key: &str) -> String {
        format!("{}{key}", self.prefix)
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave a half-made entry (every write is a
        // single insert), so a poisoned lock is safe to keep using.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn incr_by(&self, key: &str, delta: i64) -> Result<i64, CacheError> {
        let key = self.key(key);
        let now = Instant::now();
        let mut state = self.state();
        let next = match state.live(&key, now) {
            None => delta,
            Some(Entry {
                value: Value::Text(text),
                ..
            }) => {
                let current: i64 = text
                    .parse()
                    .map_err(|_| CacheError::WrongType(key.clone()))?;
                current
                    .checked_add(delta)
                    .ok_or_else(|| CacheError::WrongType(key.clone()))?
            }
            Some(_) => return Err(CacheError::WrongType(key)),
        };
        match state.live(&key, now) {
            Some(entry) => entry.value = Value::Text(next.to_string()),
            None => {
                state.entries.insert(
                    key,
                    Entry {
                        value: Value::Text(next.to_string()),
                        expires_at: None,
                    },
                );
            }
        }
        state.note_write(now);
        Ok(next)
    }

    pub fn count_in_window(&self, key: &str, window: Duration) -> Result<i64, CacheError> {
        let next = self.incr_by(key, 1)?;
        if next == 1 {
            self.expire(key, window);
        }
        Ok(next)
    }

    pub fn add_to_set(&self, key: &str, member: &str) -> Result<bool, CacheError> {
        let key = self.key(key);
        let now = Instant::now();
        let mut state = self.state();
        let added = match state.live(&key, now) {
            Some(Entry {
                value: Value::Set(set),
                ..
            }) => set.insert(member.to_owned()),
            Some(_) => return Err(CacheError::WrongType(key)),
            None => {
                let set = HashSet::from([member.to_owned()]);
                state.entries.insert(
                    key,
                    Entry {
                        value: Value::Set(set),
                        expires_at: None,
                    },
                );
                true
            }
        };
        state.note_write(now);
        Ok(added)
    }

    pub fn set_len(&self, key: &str) -> Result<u64, CacheError> {
        let key = self.key(key);
        let mut state = self.state();
        match state.live(&key, Instant::now()) {
            None => Ok(0),
            Some(Entry {
                value: Value::Set(set),
                ..
            }) => Ok(set.len() as u64),
            Some(_) => Err(CacheError::WrongType(key)),
        }
    }

    pub fn get(&self, key: &str) -> Result<Option<String>, CacheError> {
        let key = self.key(key);
        let mut state = self.state();
        match state.live(&key, Instant::now()) {
            None => Ok(None),
            Some(Entry {
                value: Value::Text(text),
                ..
            }) => Ok(Some(text.clone())),
            Some(_) => Err(CacheError::WrongType(key)),
        }
    }

    pub fn set(&self, key: &str, value: &str, ttl: Option<Duration>) {
        let now = Instant::now();
        let mut state = self.state();
        state.entries.insert(
            self.key(key),
            Entry {
                value: Value::Text(value.to_owned()),
                expires_at: ttl.map(|t| now + t),
            },
        );
        state.note_write(now);
    }

    pub fn set_if_absent(&self, key: &str, value: &str, ttl: Duration) -> bool {
        let key = self.key(key);
        let now = Instant::now();
        let mut state = self.state();
        if state.live(&key, now).is_some() {
            return false;
        }
        state.entries.insert(
            key,
            Entry {
                value: Value::Text(value.to_owned()),
                expires_at: Some(now + ttl),
            },
        );
        state.note_write(now);
        true
    }

    pub fn expire(&self, key: &str, ttl: Duration) -> bool {
        let now = Instant::now();
        let mut state = self.state();
        match state.live(&self.key(key), now) {
            Some(entry) => {
                entry.expires_at = Some(now + ttl);
                true
            }
            None => false,
        }
    }

    pub fn delete(&self, key: &str) -> bool {
        let key = self.key(key);
        let mut state = self.state();
        let existed = state.live(&key, Instant::now()).is_some();
        state.entries.remove(&key);
        existed
    }

    pub fn delete_if_equals(&self, key: &str, expected: &str) -> bool {
        let key = self.key(key);
        let mut state = self.state();
        let matches = matches!(
            state.live(&key, Instant::now()),
            Some(Entry { value: Value::Text(text), .. }) if text == expected
        );
        if matches {
            state.entries.remove(&key);
        }
        matches
    }

    pub fn add_to_sets(
        &self,
        batches: &[super::SetAdd<'_>],
        marker: &str,
    ) -> Result<Vec<super::SetState>, CacheError> {
        let now = Instant::now();
        let mut state = self.state();
        let mut out = Vec::with_capacity(batches.len());
        for batch in batches {
            let key = self.key(batch.key);
            let set = match state.live(&key, now) {
                Some(Entry {
                    value: Value::Set(set),
                    ..
                }) => set,
                Some(_) => return Err(CacheError::WrongType(key)),
                None => {
                    let entry = state.entries.entry(key).or_insert(Entry {
                        value: Value::Set(HashSet::new()),
                        expires_at: None,
                    });
                    match &mut entry.value {
                        Value::Set(set) => set,
                        Value::Text(_) => unreachable!("just inserted a set"),
                    }
                }
            };
            set.extend(batch.members.iter().cloned());
            out.push(super::SetState {
                len: set.len() as u64,
                has_marker: set.contains(marker),
            });
        }
        state.note_write(now);
        Ok(out)
    }

    pub fn fill_set(&self, key: &str, members: &[String], ttl: Duration) -> Result<(), CacheError> {
        let batch = [super::SetAdd { key, members }];
        self.add_to_sets(&batch, "")?;
        self.expire(key, ttl);
        Ok(())
    }

    pub fn remove_from_set(&self, key: &str, member: &str) -> Result<bool, CacheError> {
        let key = self.key(key);
        let mut state = self.state();
        match state.live(&key, Instant::now()) {
            None => Ok(false),
            Some(Entry {
                value: Value::Set(set),
                ..
            }) => Ok(set.remove(member)),
            Some(_) => Err(CacheError::WrongType(key)),
        }
    }

    pub fn set_contains(&self, key: &str, candidates: &[String]) -> Result<Vec<bool>, CacheError> {
        let key = self.key(key);
        let mut state = self.state();
        match state.live(&key, Instant::now()) {
            None => Ok(vec![false; candidates.len()]),
            Some(Entry {
                value: Value::Set(set),
                ..
            }) => Ok(candidates.iter().map(|c| set.contains(c)).collect()),
            Some(_) => Err(CacheError::WrongType(key)),
        }
    }

    fn channels(&self) -> std::sync::MutexGuard<'_, HashMap<String, broadcast::Sender<String>>> {
        self.channels.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn publish(&self, channel: &str, message: &str) {
        let channel = self.key(channel);
        let mut channels = self.channels();
        if let Some(sender) = channels.get(&channel) {
            if sender.receiver_count() == 0 {
                channels.remove(&channel);
            } else {
                // An error only means every receiver left since the count was read.
                let _ = sender.send(message.to_owned());
            }
        }
    }

    pub fn subscribe(&self, channel: &str) -> broadcast::Receiver<String> {
        self.channels()
            .entry(self.key(channel))
            .or_insert_with(|| broadcast::channel(CHANNEL_CAPACITY).0)
            .subscribe()
    }
}
