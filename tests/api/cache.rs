//! The cache contract, run against both backends: the in-process map (embedded pair) and
//! Redis (production pair). Same tests, same expectations.
use std::time::Duration;

use api_tests::on_both_stores;

on_both_stores! {
    async fn counters_are_atomic_under_concurrent_increments(app) {
        let mut tasks = Vec::new();
        for _ in 0..50 {
            let cache = app.cache.clone();
            tasks.push(tokio::spawn(async move { cache.incr_by("count", 2).await }));
        }
        for task in tasks {
            task.await.expect("task ran").expect("incr works");
        }
        assert_eq!(app.cache.incr_by("count", 0).await.expect("read"), 100);
        assert_eq!(app.cache.incr_by("count", -1).await.expect("decrement"), 99);
        assert_eq!(app.cache.get("count").await.expect("get"), Some("99".to_owned()));
    }

    async fn adding_to_a_set_says_whether_the_member_was_new(app) {
        assert!(app.cache.add_to_set("present", "p1").await.expect("add"));
        assert!(!app.cache.add_to_set("present", "p1").await.expect("add again"));
        assert!(app.cache.add_to_set("present", "p2").await.expect("add other"));
        assert_eq!(app.cache.set_len("present").await.expect("len"), 2);
        assert_eq!(app.cache.set_len("absent").await.expect("len of nothing"), 0);
    }

    async fn concurrent_adds_of_one_member_report_new_exactly_once(app) {
        let mut tasks = Vec::new();
        for _ in 0..20 {
            let cache = app.cache.clone();
            tasks.push(tokio::spawn(async move { cache.add_to_set("once", "m").await }));
        }
        let mut new = 0;
        for task in tasks {
            if task.await.expect("task ran").expect("add works") {
                new += 1;
            }
        }
        assert_eq!(new, 1);
    }

    async fn values_expire_after_their_ttl(app) {
        app.cache.set("short", "v", Some(Duration::from_millis(150))).await.expect("set");
        app.cache.set("long", "w", None).await.expect("set");
        assert_eq!(app.cache.get("short").await.expect("get"), Some("v".to_owned()));
        tokio::time::sleep(Duration::from_millis(400)).await;
        assert_eq!(app.cache.get("short").await.expect("get"), None);
        assert_eq!(app.cache.get("long").await.expect("get"), Some("w".to_owned()));
        assert!(app.cache.delete("long").await.expect("delete"));
        assert!(!app.cache.delete("long").await.expect("delete again"));
    }

    async fn set_if_absent_stores_only_the_first_value_until_it_expires(app) {
        let ttl = Duration::from_millis(200);
        assert!(app.cache.set_if_absent("nx", "first", ttl).await.expect("first"));
        assert!(!app.cache.set_if_absent("nx", "second", ttl).await.expect("second"));
        assert_eq!(app.cache.get("nx").await.expect("get"), Some("first".to_owned()));
        tokio::time::sleep(Duration::from_millis(450)).await;
        assert!(app.cache.set_if_absent("nx", "third", ttl).await.expect("after expiry"));
    }

    async fn delete_if_equals_only_removes_the_expected_value(app) {
        app.cache.set("cas", "mine", None).await.expect("set");
        assert!(!app.cache.delete_if_equals("cas", "theirs").await.expect("cas miss"));
        assert!(app.cache.delete_if_equals("cas", "mine").await.expect("cas hit"));
        assert_eq!(app.cache.get("cas").await.expect("get"), None);
    }

    async fn a_lock_has_one_holder_at_a_time(app) {
        let ttl = Duration::from_secs(5);
        let held = app.cache.try_lock("token-refresh", ttl).await.expect("lock").expect("free");
        assert!(app.cache.try_lock("token-refresh", ttl).await.expect("lock").is_none());
        let waited = app
            .cache
            .lock("token-refresh", ttl, Duration::from_millis(100))
            .await
            .expect("lock");
        assert!(waited.is_none(), "the lock is still held");
        assert!(held.release().await.expect("release"));
        let again = app.cache.try_lock("token-refresh", ttl).await.expect("lock");
        assert!(again.is_some(), "free after release");
    }

    async fn an_expired_lock_cannot_be_released_by_its_old_holder(app) {
        let old = app
            .cache
            .try_lock("job", Duration::from_millis(100))
            .await
            .expect("lock")
            .expect("free");
        tokio::time::sleep(Duration::from_millis(300)).await;
        let new = app
            .cache
            .try_lock("job", Duration::from_secs(5))
            .await
            .expect("lock")
            .expect("free after the TTL");
        assert!(!old.release().await.expect("release"), "the old holder no longer owns it");
        assert!(app.cache.try_lock("job", Duration::from_secs(5)).await.expect("lock").is_none());
        assert!(new.release().await.expect("release"));
    }

    async fn published_messages_reach_every_subscriber(app) {
        let mut first = app.cache.subscribe("live:1").await.expect("subscribe");
        let mut second = app.cache.subscribe("live:1").await.expect("subscribe");
        let mut other = app.cache.subscribe("live:2").await.expect("subscribe");
        app.cache.publish("live:1", "present=3").await.expect("publish");
        let wait = Duration::from_secs(3);
        let got = tokio::time::timeout(wait, first.next()).await.expect("in time");
        assert_eq!(got.as_deref(), Some("present=3"));
        let got = tokio::time::timeout(wait, second.next()).await.expect("in time");
        assert_eq!(got.as_deref(), Some("present=3"));
        let nothing = tokio::time::timeout(Duration::from_millis(200), other.next()).await;
        assert!(nothing.is_err(), "another channel receives nothing");
    }

    async fn a_value_of_the_wrong_kind_is_reported_not_corrupted(app) {
        app.cache.add_to_set("kind", "m").await.expect("add");
        let err = app.cache.incr_by("kind", 1).await.expect_err("a set is not a counter");
        assert!(matches!(err, huodongri::cache::CacheError::WrongType(_)), "{err}");
        assert_eq!(app.cache.set_len("kind").await.expect("len"), 1);
    }
}

#[tokio::test]
async fn two_prefixes_on_one_redis_do_not_see_each_other() {
    let Ok(url) = std::env::var("TEST_REDIS_URL") else {
        assert_ne!(
            std::env::var("TEST_REQUIRE_STORES").as_deref(),
            Ok("1"),
            "TEST_REDIS_URL is required"
        );
        return;
    };
    let id = uuid::Uuid::new_v4();
    let timeout = Duration::from_millis(500);
    let a = huodongri::cache::Cache::redis(&url, &format!("a:{id}:"), timeout).expect("a");
    let b = huodongri::cache::Cache::redis(&url, &format!("b:{id}:"), timeout).expect("b");
    a.incr_by("n", 5).await.expect("incr a");
    assert_eq!(b.get("n").await.expect("get b"), None);
    assert_eq!(a.get("n").await.expect("get a"), Some("5".to_owned()));
}

#[tokio::test]
async fn an_unreachable_redis_fails_fast_instead_of_hanging() {
    // Port 1 on loopback refuses connections: Redis "down".
    let cache =
        huodongri::cache::Cache::redis("redis://127.0.0.1:1", "down:", Duration::from_millis(300))
            .expect("a lazy client builds without connecting");
    let started = std::time::Instant::now();
    let err = cache.incr_by("n", 1).await.expect_err("Redis is down");
    assert!(
        matches!(err, huodongri::cache::CacheError::Unavailable(_)),
        "{err}"
    );
    assert!(cache.ping().await.is_err());
    assert!(started.elapsed() < Duration::from_secs(10), "failed fast");
}
