//! The queue behind both group-commit writers (check-ins and claims): requests queue jobs;
//! `writers` tasks share the receiving end, each taking whatever is queued (up to
//! `max_batch`) and handing it to `flush` as one batch. While one task waits for its commit,
//! the next gathers the following batch.
//!
//! No timer: a batch is whatever arrived while the previous one was being written, so an idle
//! server writes a lone request at once and a busy one hundreds per commit.
use std::{future::Future, sync::Arc};

use tokio::sync::{Mutex, mpsc};

/// Starts the writer tasks and returns the sending end of their queue. `observe` is told
/// each batch's size and how many jobs were left waiting (for the metrics).
pub fn spawn<J, F, Fut>(
    writers: usize,
    max_batch: usize,
    observe: fn(usize, usize),
    flush: F,
) -> mpsc::Sender<J>
where
    J: Send + 'static,
    F: Fn(Vec<J>) -> Fut + Clone + Send + 'static,
    Fut: Future<Output = ()> + Send,
{
    // Room for a burst; beyond it requests wait to enqueue, which is the back-pressure.
    let (tx, rx) = mpsc::channel::<J>(max_batch.max(1) * 8);
    let rx = Arc::new(Mutex::new(rx));
    for _ in 0..writers.max(1) {
        let (rx, flush) = (rx.clone(), flush.clone());
        tokio::spawn(async move {
            loop {
                let mut jobs = Vec::new();
                {
                    let mut rx = rx.lock().await;
                    match rx.recv().await {
                        Some(job) => jobs.push(job),
                        None => return,
                    }
                    while jobs.len() < max_batch {
                        match rx.try_recv() {
                            Ok(job) => jobs.push(job),
                            Err(_) => break,
                        }
                    }
                    observe(jobs.len(), rx.len());
                }
                flush(jobs).await;
            }
        });
    }
    tx
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    static BATCHES: AtomicUsize = AtomicUsize::new(0);

    #[tokio::test]
    async fn jobs_queued_while_a_batch_is_written_go_together_and_none_is_lost() {
        let (done_tx, mut done_rx) = mpsc::unbounded_channel::<Vec<u32>>();
        let tx = spawn(
            1,
            64,
            |_, _| {},
            move |jobs: Vec<u32>| {
                let done = done_tx.clone();
                async move {
                    BATCHES.fetch_add(1, Ordering::SeqCst);
                    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                    done.send(jobs).ok();
                }
            },
        );
        for n in 0..100 {
            tx.send(n).await.expect("queued");
        }
        let mut seen = Vec::new();
        while seen.len() < 100 {
            seen.extend(done_rx.recv().await.expect("a batch"));
        }
        assert_eq!(
            seen,
            (0..100).collect::<Vec<_>>(),
            "every job once, in order"
        );
        assert!(
            BATCHES.load(Ordering::SeqCst) < 10,
            "batched, not one by one"
        );
    }
}
