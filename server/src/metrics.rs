//! Prometheus metrics at `/metrics` (the text exposition format of `prometheus-client`).
//!
//! Counted as things happen: request latency per route pattern, method and status; check-in
//! and claim outcomes by reason. Read at scrape time from the stores: the push outbox's depth
//! and its oldest waiting message's age, the database pool's connections in use and idle.
//! One set per process: instances behind a balancer are scraped one by one.
//!
//! Counted where they happen, too: the check-in writer's batch sizes and the queue left behind
//! each batch, and cache (Redis) errors by kind. Not measured: waits for a pool connection
//! (the pool does not report them).
use std::sync::{LazyLock, Mutex};

use anyhow::Context;
use prometheus_client::{
    encoding::{EncodeLabelSet, text::encode},
    metrics::{
        counter::Counter,
        family::Family,
        gauge::Gauge,
        histogram::{Histogram, exponential_buckets},
    },
    registry::Registry,
};
use sea_orm::{
    ColumnTrait, DatabaseBackend, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder,
};

use crate::{clock, domain::DeliveryStatus, entities::push_outbox};

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RouteLabels {
    pub method: String,
    /// The matched pattern (`/api/v1/plans/{id}`), never the raw path: ids would make a
    /// series per object.
    pub route: String,
    pub status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct OutcomeLabels {
    pub outcome: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct KindLabels {
    pub kind: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct PoolLabels {
    pub state: String,
}

type LatencyFamily = Family<RouteLabels, Histogram, fn() -> Histogram>;

pub struct Metrics {
    registry: Mutex<Registry>,
    requests: LatencyFamily,
    checkins: Family<OutcomeLabels, Counter>,
    claims: Family<OutcomeLabels, Counter>,
    outbox_depth: Gauge,
    outbox_oldest_age: Gauge,
    pool: Family<PoolLabels, Gauge>,
    writer_batch: Histogram,
    writer_queue: Gauge,
    claim_batch: Histogram,
    claim_queue: Gauge,
    cache_errors: Family<KindLabels, Counter>,
}

/// 0.25 ms to ~8 s in doublings: a check-in's p99 target (10 ms) and a slow export both
/// fall inside a bucket.
fn latency_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.000_25, 2.0, 16))
}

static METRICS: LazyLock<Metrics> = LazyLock::new(|| {
    let mut registry = Registry::default();
    let requests: LatencyFamily = Family::new_with_constructor(latency_histogram);
    let checkins = Family::<OutcomeLabels, Counter>::default();
    let claims = Family::<OutcomeLabels, Counter>::default();
    let outbox_depth = Gauge::default();
    let outbox_oldest_age = Gauge::default();
    let pool = Family::<PoolLabels, Gauge>::default();
    // 1 to 2048 rows in doublings (a batch is at most `checkin.max_batch`).
    let writer_batch = Histogram::new(exponential_buckets(1.0, 2.0, 12));
    let writer_queue = Gauge::default();
    let claim_batch = Histogram::new(exponential_buckets(1.0, 2.0, 12));
    let claim_queue = Gauge::default();
    let cache_errors = Family::<KindLabels, Counter>::default();
    registry.register(
        "checkin_writer_batch_rows",
        "Rows per group-committed check-in INSERT",
        writer_batch.clone(),
    );
    registry.register(
        "checkin_writer_queue_depth",
        "Check-ins left waiting when the writer took its last batch",
        writer_queue.clone(),
    );
    registry.register(
        "claim_writer_batch_claims",
        "Claims settled per group-committed claim transaction",
        claim_batch.clone(),
    );
    registry.register(
        "claim_writer_queue_depth",
        "Claims left waiting when the claim writer took its last batch",
        claim_queue.clone(),
    );
    registry.register(
        "cache_errors",
        "Cache (Redis) errors by kind (unavailable, wrong_type)",
        cache_errors.clone(),
    );
    registry.register(
        "http_request_duration_seconds",
        "Time to answer a request, by route pattern, method and status",
        requests.clone(),
    );
    registry.register(
        "checkin_outcomes",
        "Check-in answers by result (ok, already_checked_in, invalid_token, …)",
        checkins.clone(),
    );
    registry.register(
        "claim_outcomes",
        "Service-item claim answers by result (ok, full, already_claimed, …)",
        claims.clone(),
    );
    registry.register(
        "push_outbox_depth",
        "Messages waiting to be sent (pending or being sent)",
        outbox_depth.clone(),
    );
    registry.register(
        "push_outbox_oldest_age_seconds",
        "Age of the oldest message waiting to be sent; 0 when none waits",
        outbox_oldest_age.clone(),
    );
    registry.register(
        "db_pool_connections",
        "Database pool connections by state (in_use, idle)",
        pool.clone(),
    );
    Metrics {
        registry: Mutex::new(registry),
        requests,
        checkins,
        claims,
        outbox_depth,
        outbox_oldest_age,
        pool,
        writer_batch,
        writer_queue,
        claim_batch,
        claim_queue,
        cache_errors,
    }
});

/// The route pattern a resource serves (`/api/v1/plans/{id}`), kept as its app data so the
/// request's label costs nothing to find.
#[derive(Clone, Copy)]
pub struct RoutePattern(pub &'static str);

/// The route label of a routed request: the pattern its resource carries. The console's pages
/// share one label (their paths are not in the API's route table, and a label per raw path
/// would grow without bound).
pub fn route_label(request: &actix_web::HttpRequest) -> &'static str {
    match request.app_data::<RoutePattern>() {
        Some(pattern) => pattern.0,
        None if request.path().starts_with("/console") => "/console/*",
        None => "unmatched",
    }
}

/// One answered request.
pub fn observe_request(method: &str, route: &str, status: u16, seconds: f64) {
    METRICS
        .requests
        .get_or_create(&RouteLabels {
            method: method.to_owned(),
            route: route.to_owned(),
            status,
        })
        .observe(seconds);
}

/// One check-in answer (its API `result`).
pub fn count_checkin(outcome: &str) {
    METRICS
        .checkins
        .get_or_create(&OutcomeLabels {
            outcome: outcome.to_owned(),
        })
        .inc();
}

/// One claim answer (its API `result`).
pub fn count_claim(outcome: &str) {
    METRICS
        .claims
        .get_or_create(&OutcomeLabels {
            outcome: outcome.to_owned(),
        })
        .inc();
}

/// One group-committed batch of `rows` check-ins, with `waiting` left in the queue.
pub fn observe_writer_batch(rows: usize, waiting: usize) {
    METRICS.writer_batch.observe(rows as f64);
    METRICS
        .writer_queue
        .set(i64::try_from(waiting).unwrap_or(i64::MAX));
}

/// One group-committed batch of `claims`, with `waiting` left in the claim queue.
pub fn observe_claim_batch(claims: usize, waiting: usize) {
    METRICS.claim_batch.observe(claims as f64);
    METRICS
        .claim_queue
        .set(i64::try_from(waiting).unwrap_or(i64::MAX));
}

/// One cache error (`unavailable`, `wrong_type`).
pub fn count_cache_error(kind: &str) {
    METRICS
        .cache_errors
        .get_or_create(&KindLabels {
            kind: kind.to_owned(),
        })
        .inc();
}

/// Everything, in the text exposition format, with the store-read gauges read now.
pub async fn render(db: &DatabaseConnection) -> anyhow::Result<String> {
    let waiting = push_outbox::Entity::find().filter(
        push_outbox::Column::Status.is_in([DeliveryStatus::Pending, DeliveryStatus::Sending]),
    );
    let depth = waiting
        .clone()
        .count(db)
        .await
        .context("cannot count the outbox")?;
    let oldest = waiting
        .order_by_asc(push_outbox::Column::CreatedAt)
        .one(db)
        .await
        .context("cannot read the outbox's oldest message")?;
    METRICS
        .outbox_depth
        .set(i64::try_from(depth).unwrap_or(i64::MAX));
    METRICS.outbox_oldest_age.set(oldest.map_or(0, |row| {
        (clock::now() - row.created_at).num_seconds().max(0)
    }));
    let (size, idle) = match db.get_database_backend() {
        DatabaseBackend::Postgres => {
            let pool = db.get_postgres_connection_pool();
            (pool.size(), pool.num_idle())
        }
        _ => {
            let pool = db.get_sqlite_connection_pool();
            (pool.size(), pool.num_idle())
        }
    };
    let idle = i64::try_from(idle).unwrap_or(i64::MAX);
    METRICS
        .pool
        .get_or_create(&PoolLabels {
            state: "in_use".into(),
        })
        .set((i64::from(size) - idle).max(0));
    METRICS
        .pool
        .get_or_create(&PoolLabels {
            state: "idle".into(),
        })
        .set(idle);
    encode_all()
}

fn encode_all() -> anyhow::Result<String> {
    let mut text = String::new();
    let registry = METRICS
        .registry
        .lock()
        .map_err(|_| anyhow::anyhow!("the metrics registry lock is poisoned"))?;
    encode(&mut text, &registry).context("cannot encode the metrics")?;
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_appear_under_their_labels_and_latency_in_its_buckets() {
        count_cache_error("wrong_type");
        count_claim("full");
        observe_request("GET", "/api/v1/plans/{id}", 200, 0.003);
        observe_writer_batch(40, 7);
        observe_claim_batch(12, 3);
        let text = encode_all().expect("encoded");
        assert!(
            text.contains("cache_errors_total{kind=\"wrong_type\"}"),
            "{text}"
        );
        assert!(text.contains("claim_outcomes_total{outcome=\"full\"}"));
        assert!(text.contains("claim_writer_batch_claims_bucket{le=\"16.0\"}"));
        // 3 ms falls in the 4 ms bucket (0.25 ms doubled four times), not the 2 ms one.
        assert!(text.contains("http_request_duration_seconds_bucket{le=\"0.004\",method=\"GET\",route=\"/api/v1/plans/{id}\",status=\"200\"} 1"), "{text}");
        assert!(
            text.contains("# TYPE checkin_writer_queue_depth gauge")
                && text.contains("checkin_writer_batch_rows_bucket{le=\"64.0\"}"),
            "{text}"
        );
    }
}
