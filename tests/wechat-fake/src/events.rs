//! What WeChat pushes to an official account's server (消息推送, plaintext mode): an event as
//! XML, POSTed to the configured URL with `signature`, `timestamp` and `nonce` in the query,
//! where `signature` is the SHA-1 of the three strings token, timestamp and nonce, sorted and
//! joined. The tests deliver these to the server as WeChat would.
use rand::Rng;

/// What happened on the official account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OaEvent {
    Subscribe,
    Unsubscribe,
}

impl OaEvent {
    fn as_str(self) -> &'static str {
        match self {
            OaEvent::Subscribe => "subscribe",
            OaEvent::Unsubscribe => "unsubscribe",
        }
    }
}

/// One push, ready to send: `POST {url}?{query}` with `body` as `text/xml`.
#[derive(Debug, Clone)]
pub struct SignedPush {
    pub query: String,
    pub body: String,
}

/// WeChat's signature over the server's token and a push's timestamp and nonce.
pub fn signature(token: &str, timestamp: &str, nonce: &str) -> String {
    let mut parts = [token, timestamp, nonce];
    parts.sort_unstable();
    sha1_smol::Sha1::from(parts.concat()).digest().to_string()
}

/// The push WeChat sends when `oa_openid` (un)follows the account `account` (its original
/// id, `gh_…`) at `timestamp` (Unix seconds), signed with the server's `token`.
pub fn signed_event(
    token: &str,
    account: &str,
    oa_openid: &str,
    event: OaEvent,
    timestamp: i64,
) -> SignedPush {
    let timestamp = timestamp.to_string();
    let nonce = rand::rng()
        .random_range(100_000_000u64..10_000_000_000)
        .to_string();
    let body = format!(
        "<xml><ToUserName><![CDATA[{account}]]></ToUserName>\
         <FromUserName><![CDATA[{oa_openid}]]></FromUserName>\
         <CreateTime>{timestamp}</CreateTime>\
         <MsgType><![CDATA[event]]></MsgType>\
         <Event><![CDATA[{}]]></Event></xml>",
        event.as_str()
    );
    SignedPush {
        query: format!(
            "signature={}&timestamp={timestamp}&nonce={nonce}",
            signature(token, &timestamp, &nonce)
        ),
        body,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_sha1_of_the_sorted_three() {
        // In byte order: "123456" < "1409304348" < "token".
        let expected = sha1_smol::Sha1::from("1234561409304348token")
            .digest()
            .to_string();
        assert_eq!(signature("token", "1409304348", "123456"), expected);
        assert_eq!(signature("token", "1409304348", "123456").len(), 40);
    }

    #[test]
    fn an_event_names_who_and_what_and_carries_its_signature() {
        let push = signed_event(
            "t0ken",
            "gh_123",
            "oOA_1",
            OaEvent::Unsubscribe,
            1_700_000_000,
        );
        assert!(
            push.body
                .contains("<FromUserName><![CDATA[oOA_1]]></FromUserName>")
        );
        assert!(push.body.contains("<Event><![CDATA[unsubscribe]]></Event>"));
        let nonce = push.query.split("nonce=").nth(1).expect("a nonce");
        assert!(push.query.starts_with(&format!(
            "signature={}&timestamp=1700000000",
            signature("t0ken", "1700000000", nonce)
        )));
    }
}
