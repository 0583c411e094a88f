//! The §3.3 value rules over HTTP, one template holding a key of every family.

use serde_json::{Map, Value, json};
use wechat_fake::{EnumValues, FakeConfig, TemplateSpec};

use crate::helpers::{Wx, assert_error, errcode, start_with};

const ALL: &str = "TPL_ALL_FAMILIES";

/// Every key with a valid value.
const VALID: &[(&str, &str)] = &[
    ("thing1", "七月活动预告 July!"),
    ("number2", "12.5"),
    ("letter3", "abcXYZ"),
    ("symbol4", "+-*/"),
    ("character_string5", "ACT-2025-07_01"),
    ("time6", "2025年7月5日 09:00"),
    ("date7", "2025-07-05~2025-07-26"),
    ("amount8", "¥12.50"),
    ("phone_number9", "+86-0755-12345678"),
    ("car_number10", "粤A8Z888挂"),
    ("name11", "张三"),
    ("phrase12", "报名中"),
    ("enum13", "已满"),
];

/// One broken value per case, each a rule of its family.
const INVALID: &[(&str, &str)] = &[
    ("thing1", "一二三四五六七八九十一二三四五六七八九十一"),
    ("thing1", "two\nlines"),
    ("number2", "12a"),
    ("number2", "123456789012345678901234567890123"),
    ("letter3", "abc1"),
    ("symbol4", "a"),
    ("symbol4", "!!!!!!"),
    ("character_string5", "ACT-活动"),
    ("character_string5", "ABCDEFGHIJKLMNOPQRSTUVWXYZ01234567"),
    ("time6", "9:00"),
    ("time6", "2025-07-05"),
    ("time6", "25:00"),
    ("date7", "2025/07/05"),
    ("date7", "2025年2月30日"),
    ("date7", "09:00"),
    ("amount8", "¥12.505"),
    ("amount8", "一百元"),
    ("phone_number9", "+86-0755-123456789"),
    ("phone_number9", "call me"),
    ("car_number10", "粤A8Z8888挂"),
    ("car_number10", "粤A粤888"),
    ("name11", "张三丰张三丰张三丰张三"),
    ("name11", "Agent 007"),
    ("phrase12", "open"),
    ("phrase12", "报名中报名中"),
    ("enum13", "已结束"),
    ("thing1", "tab\there"),
];

fn config() -> FakeConfig {
    let keys: Vec<&str> = VALID.iter().map(|(key, _)| *key).collect();
    FakeConfig {
        templates: vec![TemplateSpec::long_term(ALL, &keys)],
        enum_values: vec![EnumValues {
            template_id: ALL.to_owned(),
            key: "enum13".to_owned(),
            values: vec!["报名中".to_owned(), "已满".to_owned()],
        }],
        ..FakeConfig::default()
    }
}

fn body(overrides: &[(&str, Value)]) -> Value {
    let mut data: Map<String, Value> = VALID
        .iter()
        .map(|(key, value)| ((*key).to_owned(), json!({ "value": value })))
        .collect();
    for (key, item) in overrides {
        if item.is_null() {
            data.remove(*key);
        } else {
            data.insert((*key).to_owned(), item.clone());
        }
    }
    json!({ "touser": "o-alice", "template_id": ALL, "data": data })
}

async fn ready(config: FakeConfig) -> (Wx, String) {
    let wx = start_with(config).await;
    wx.fake.grant_long_term("o-alice", ALL);
    let token = wx.mini_token().await;
    (wx, token)
}

#[tokio::test]
async fn every_family_accepts_its_valid_value() {
    let (wx, token) = ready(config()).await;

    let sent = wx.send_subscribe(&token, &body(&[])).await;

    assert_eq!(errcode(&sent), 0, "{sent}");
    let delivered = wx.fake.delivered();
    assert_eq!(delivered[0].data["car_number10"], "粤A8Z888挂");
    assert_eq!(delivered[0].data.len(), VALID.len());
}

#[tokio::test]
async fn every_family_refuses_values_that_break_its_rule() {
    let (wx, token) = ready(config()).await;

    for (key, value) in INVALID {
        let sent = wx
            .send_subscribe(&token, &body(&[(key, json!({ "value": value }))]))
            .await;
        assert_eq!(errcode(&sent), 47003, "{key}={value:?}: {sent}");
        assert_error(
            &sent,
            47003,
            &format!("argument invalid! data.{key}.value invalid"),
        );
    }
    assert!(wx.fake.delivered().is_empty());
}

#[tokio::test]
async fn missing_or_empty_keys_are_empty() {
    let (wx, token) = ready(config()).await;

    for item in [
        Value::Null,
        json!({}),
        json!({ "value": "" }),
        json!({ "value": "   " }),
        json!("七月"),
    ] {
        let sent = wx
            .send_subscribe(&token, &body(&[("phrase12", item.clone())]))
            .await;
        assert_error(
            &sent,
            47003,
            "argument invalid! data.phrase12.value is empty",
        );
    }
    let no_data = json!({ "touser": "o-alice", "template_id": ALL });
    assert_error(
        &wx.send_subscribe(&token, &no_data).await,
        47003,
        "argument invalid! data is empty",
    );
    let numeric = body(&[("number2", json!({ "value": 12 }))]);
    assert_error(
        &wx.send_subscribe(&token, &numeric).await,
        47003,
        "argument invalid! data.number2.value invalid",
    );
}

#[tokio::test]
async fn extra_keys_are_refused_unless_strict_mode_is_off() {
    let (wx, token) = ready(config()).await;
    let extra = body(&[("thing99", json!({ "value": "surplus" }))]);

    assert_error(
        &wx.send_subscribe(&token, &extra).await,
        47003,
        "argument invalid! data.thing99",
    );

    let (lax, token) = ready(FakeConfig {
        strict_keys: false,
        ..config()
    })
    .await;
    let sent = lax.send_subscribe(&token, &extra).await;
    assert_eq!(errcode(&sent), 0, "{sent}");
    assert!(!lax.fake.delivered()[0].data.contains_key("thing99"));
}
