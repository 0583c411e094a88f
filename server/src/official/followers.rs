//! The account's followers, kept current from its signed pushes.
use anyhow::Context;
use chrono::{DateTime, FixedOffset, TimeZone};
use sea_orm::{ActiveModelTrait, DatabaseConnection, EntityTrait, IntoActiveModel, Set};
use secrecy::ExposeSecret;

use super::{Configured, OfficialAccount, OfficialError};
use crate::{clock, db::begin_write, entities::oa_follower, wechat::TOKEN_INVALID};

/// How far a push's timestamp may be from our clock: WeChat pushes at once and retries
/// within seconds, so anything older is a replay.
const FRESH_SECS: i64 = 300;
/// Pushes are a few hundred bytes; anything much larger is not from WeChat.
pub const MAX_PUSH_BYTES: usize = 8 * 1024;

/// The query string WeChat signs every push with.
#[derive(Debug, Clone, serde::Deserialize, utoipa::IntoParams)]
pub struct Signed {
    pub signature: String,
    pub timestamp: String,
    pub nonce: String,
    /// Only when WeChat checks the URL (接入验证): echoed back.
    pub echostr: Option<String>,
}

/// What a push says happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Push {
    Followed {
        oa_openid: String,
        at: i64,
    },
    Unfollowed {
        oa_openid: String,
        at: i64,
    },
    /// A message or another event: acknowledged, nothing to keep.
    Other,
}

/// WeChat checking the push URL: the signature must hold; the answer is `echostr`.
pub fn verify_url(account: &OfficialAccount, signed: &Signed) -> Result<String, OfficialError> {
    let configured = account.configured()?;
    check_signature(configured, signed, clock::now())?;
    signed
        .echostr
        .clone()
        .filter(|e| !e.is_empty() && e.len() <= 128)
        .ok_or_else(|| OfficialError::BadPush("echostr is missing".into()))
}

/// One signed push: a follow records the follower with their unionid, an unfollow stops
/// them being a target. Idempotent (WeChat repeats a push it got no answer to) and in order
/// (an older push never undoes a newer one).
pub async fn receive(
    db: &DatabaseConnection,
    account: &OfficialAccount,
    signed: &Signed,
    body: &[u8],
) -> Result<(), OfficialError> {
    let configured = account.configured()?;
    check_signature(configured, signed, clock::now())?;
    if body.len() > MAX_PUSH_BYTES {
        return Err(OfficialError::BadPush(format!(
            "a push is at most {MAX_PUSH_BYTES} bytes"
        )));
    }
    let xml = std::str::from_utf8(body)
        .map_err(|_| OfficialError::BadPush("the push is not UTF-8".into()))?;
    match parse(xml)? {
        Push::Followed { oa_openid, at } => {
            let user = ask_wechat(configured, &oa_openid).await?;
            store(db, &oa_openid, user.following, user.unionid, at).await?;
            tracing::info!(
                following = user.following,
                "official-account follower recorded"
            );
        }
        Push::Unfollowed { oa_openid, at } => {
            store(db, &oa_openid, false, None, at).await?;
            tracing::info!("official-account follower left");
        }
        Push::Other => {}
    }
    Ok(())
}

fn check_signature(
    configured: &Configured,
    signed: &Signed,
    now: DateTime<FixedOffset>,
) -> Result<(), OfficialError> {
    let expected = signature(
        configured.event_token.expose_secret(),
        &signed.timestamp,
        &signed.nonce,
    );
    if !same(
        expected.as_bytes(),
        signed.signature.to_ascii_lowercase().as_bytes(),
    ) {
        return Err(OfficialError::BadSignature);
    }
    let at: i64 = signed
        .timestamp
        .parse()
        .map_err(|_| OfficialError::BadPush("timestamp is not a number".into()))?;
    if (now.timestamp() - at).abs() > FRESH_SECS {
        return Err(OfficialError::Stale);
    }
    Ok(())
}

/// WeChat's push signature: SHA-1 of token, timestamp and nonce, sorted and joined.
pub fn signature(token: &str, timestamp: &str, nonce: &str) -> String {
    let mut parts = [token, timestamp, nonce];
    parts.sort_unstable();
    sha1_smol::Sha1::from(parts.concat()).digest().to_string()
}

/// Compares without stopping at the first difference, so timing says nothing of the token.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Reads a push. Its XML is flat and small: the few elements needed are taken by name; no
/// entity is expanded and no DTD is read, so a hostile body can do nothing but be refused.
pub fn parse(xml: &str) -> Result<Push, OfficialError> {
    // CDATA sections are how WeChat quotes text; any other `<!` (DOCTYPE, ENTITY) is not.
    if xml.replace("<![CDATA[", "").contains("<!") {
        return Err(OfficialError::BadPush(
            "declarations are not accepted".into(),
        ));
    }
    let field = |name: &str| element(xml, name);
    if field("MsgType").as_deref() != Some("event") {
        return Ok(Push::Other);
    }
    let oa_openid = field("FromUserName")
        .filter(|o| !o.is_empty() && o.len() <= 64)
        .ok_or_else(|| OfficialError::BadPush("FromUserName is missing".into()))?;
    let at = field("CreateTime")
        .and_then(|t| t.parse::<i64>().ok())
        .ok_or_else(|| OfficialError::BadPush("CreateTime is missing".into()))?;
    Ok(match field("Event").as_deref() {
        Some("subscribe") => Push::Followed { oa_openid, at },
        Some("unsubscribe") => Push::Unfollowed { oa_openid, at },
        _ => Push::Other,
    })
}

/// The text of the first `<name>…</name>`, CDATA unwrapped.
fn element(xml: &str, name: &str) -> Option<String> {
    let open = format!("<{name}>");
    let close = format!("</{name}>");
    let start = xml.find(&open)? + open.len();
    let end = start + xml[start..].find(&close)?;
    let inner = xml[start..end].trim();
    let text = inner
        .strip_prefix("<![CDATA[")
        .and_then(|s| s.strip_suffix("]]>"))
        .unwrap_or(inner);
    Some(text.to_owned())
}

/// `user/info` with the account's token.
async fn ask_wechat(
    configured: &Configured,
    oa_openid: &str,
) -> Result<crate::wechat::OaUser, OfficialError> {
    match with_token(configured, |token| async move {
        configured.wechat.user_info(&token, oa_openid).await
    })
    .await
    {
        Ok(user) => Ok(user),
        // Not an openid of this account: the push was not about one of its users.
        Err(Some(err)) if err.code() == Some(40003) => Err(OfficialError::BadPush(format!(
            "WeChat does not know this follower: {err}"
        ))),
        Err(Some(err)) => {
            tracing::warn!(error = %err, "user/info failed");
            Err(OfficialError::Upstream)
        }
        Err(None) => Err(OfficialError::Upstream),
    }
}

/// A call with the account's token; a token WeChat calls invalid is dropped and fetched
/// once more. `Err(None)`: no token could be had at all.
async fn with_token<T, F, Fut>(
    configured: &Configured,
    call: F,
) -> Result<T, Option<crate::wechat::WechatError>>
where
    F: Fn(String) -> Fut,
    Fut: std::future::Future<Output = Result<T, crate::wechat::WechatError>>,
{
    let mut retried = false;
    loop {
        let token = configured.tokens.current().await.map_err(|err| {
            tracing::warn!(error = %err, "cannot get the official account's access token");
            None
        })?;
        match call(token.clone()).await {
            Err(err) if !retried && err.code().is_some_and(|c| TOKEN_INVALID.contains(&c)) => {
                configured.tokens.invalidate(&token).await;
                retried = true;
            }
            other => return other.map_err(Some),
        }
    }
}

/// Keeps what the latest push says; an older push (WeChat retrying late) changes nothing.
async fn store(
    db: &DatabaseConnection,
    oa_openid: &str,
    following: bool,
    unionid: Option<String>,
    at: i64,
) -> Result<(), OfficialError> {
    let at = clock::shanghai()
        .timestamp_opt(at, 0)
        .single()
        .ok_or_else(|| OfficialError::BadPush("CreateTime is out of range".into()))?;
    let txn = begin_write(db)
        .await
        .context("cannot start a transaction")?;
    let known = oa_follower::Entity::find_by_id(oa_openid.to_owned())
        .one(&txn)
        .await
        .context("cannot read a follower")?;
    match known {
        Some(known) if known.changed_at > at => {}
        Some(known) => {
            let keep_unionid = known.unionid.clone();
            let mut active = known.into_active_model();
            active.following = Set(following);
            active.unionid = Set(unionid.or(keep_unionid));
            active.changed_at = Set(at);
            active
                .update(&txn)
                .await
                .context("cannot update a follower")?;
        }
        None => {
            oa_follower::ActiveModel {
                oa_openid: Set(oa_openid.to_owned()),
                unionid: Set(unionid),
                following: Set(following),
                changed_at: Set(at),
            }
            .insert(&txn)
            .await
            .context("cannot store a follower")?;
        }
    }
    txn.commit().await.context("cannot commit a follower")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_follow_push_names_the_follower_and_its_time() {
        let xml = "<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[oOA_1]]></FromUserName>\
                   <CreateTime>1700000000</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event></xml>";
        assert_eq!(
            parse(xml).ok(),
            Some(Push::Followed {
                oa_openid: "oOA_1".into(),
                at: 1_700_000_000
            })
        );
        let text = "<xml><MsgType><![CDATA[text]]></MsgType><Content>你好</Content></xml>";
        assert_eq!(parse(text).ok(), Some(Push::Other));
    }

    #[test]
    fn declarations_and_missing_fields_are_refused() {
        let entity = "<!DOCTYPE x [<!ENTITY a \"b\">]><xml><MsgType>event</MsgType></xml>";
        assert!(matches!(parse(entity), Err(OfficialError::BadPush(_))));
        let anonymous =
            "<xml><MsgType>event</MsgType><Event>subscribe</Event><CreateTime>1</CreateTime></xml>";
        assert!(matches!(parse(anonymous), Err(OfficialError::BadPush(_))));
    }

    #[test]
    fn the_signature_is_sha1_of_the_sorted_three_and_compared_whole() {
        let expected = sha1_smol::Sha1::from("1234561409304348token")
            .digest()
            .to_string();
        assert_eq!(signature("token", "1409304348", "123456"), expected);
        assert!(same(b"abc", b"abc"));
        assert!(!same(b"abc", b"abd"));
        assert!(!same(b"abc", b"ab"));
    }
}

/// What catching up with the account's follower list changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncReport {
    /// Followers WeChat listed.
    pub listed: usize,
    /// Of them, followers we did not know as following (asked of `user/info`).
    pub joined: usize,
    /// Followers we had that WeChat no longer lists.
    pub left: usize,
}

/// How many `user/info` calls run at once while catching up.
const SYNC_CONCURRENCY: usize = 8;

/// Catches up with the account's whole follower list (`user/get`, 10,000 a page): pushes
/// only tell of follows after the push URL was configured, and a push can be lost while the
/// server is down. A listed follower we do not know as following is asked of `user/info`
/// for their unionid; one we know that is no longer listed has left. Run by an operator
/// (`huodongri admin sync-followers`) when the account is first connected, and whenever
/// pushes may have been missed.
pub async fn sync_followers(
    db: &DatabaseConnection,
    account: &OfficialAccount,
) -> Result<SyncReport, OfficialError> {
    use futures_util::StreamExt;
    use sea_orm::{ColumnTrait, QueryFilter, sea_query::Expr};

    let configured = account.configured()?;
    let mut listed = std::collections::HashSet::new();
    let mut after: Option<String> = None;
    loop {
        let (page, next) = list_page(configured, after.as_deref()).await?;
        listed.extend(page);
        tracing::info!(
            listed = listed.len(),
            "official-account followers listed so far"
        );
        match next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    let known: std::collections::HashMap<String, oa_follower::Model> = oa_follower::Entity::find()
        .all(db)
        .await
        .context("cannot read followers")?
        .into_iter()
        .map(|f| (f.oa_openid.clone(), f))
        .collect();
    let now = clock::now().timestamp();
    let newcomers: Vec<&String> = listed
        .iter()
        .filter(|openid| {
            known
                .get(*openid)
                .is_none_or(|f| !f.following || f.unionid.is_none())
        })
        .collect();
    let asked: Vec<Result<(), OfficialError>> = futures_util::stream::iter(&newcomers)
        .map(|openid| async move {
            let user = ask_wechat(configured, openid).await?;
            store(db, openid, user.following, user.unionid, now).await
        })
        .buffer_unordered(SYNC_CONCURRENCY)
        .collect()
        .await;
    asked.into_iter().collect::<Result<Vec<()>, _>>()?;
    let gone: Vec<String> = known
        .values()
        .filter(|f| f.following && !listed.contains(&f.oa_openid))
        .map(|f| f.oa_openid.clone())
        .collect();
    for chunk in gone.chunks(500) {
        oa_follower::Entity::update_many()
            .col_expr(oa_follower::Column::Following, Expr::value(false))
            .col_expr(oa_follower::Column::ChangedAt, Expr::value(clock::now()))
            .filter(oa_follower::Column::OaOpenid.is_in(chunk.iter().cloned()))
            .exec(db)
            .await
            .context("cannot record followers who left")?;
    }
    Ok(SyncReport {
        listed: listed.len(),
        joined: newcomers.len(),
        left: gone.len(),
    })
}

/// One page of `user/get`.
async fn list_page(
    configured: &Configured,
    after: Option<&str>,
) -> Result<(Vec<String>, Option<String>), OfficialError> {
    with_token(configured, |token| async move {
        configured.wechat.follower_page(&token, after).await
    })
    .await
    .map_err(|err| {
        if let Some(err) = err {
            tracing::warn!(error = %err, "user/get failed");
        }
        OfficialError::Upstream
    })
}
