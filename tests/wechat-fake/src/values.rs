//! The value rules of template data, by key prefix (`wechat-api.md` §3.3), shared by subscribe
//! messages and official-account category templates. Lengths count characters, a CJK character
//! counting one; a control character (newline, tab…) anywhere makes a value invalid.
//!
//! Dates and times accept this documented set, WeChat's exact set being unverified:
//! a date is `YYYY年M月D日` or `YYYY-MM-DD`, a time of day `HH:mm` (24 h, two digits each),
//! a moment is a date, a date and a time joined by one space, or a time alone. A `time…` value is a
//! moment with a time of day; a `date…` value a moment with a date. Either may be a range
//! `A~B` (spaces around `~` allowed) whose ends both follow the key's rule, except that the end
//! of a date range may be a bare time when its start has one (`2025年7月5日 09:00~11:00`).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde_json::{Map, Value};

use crate::config::{FakeConfig, TemplateSpec};
use crate::plumbing::WxError;

/// Which API the data came with: the official account tolerates its retired `first`/`remark`
/// keys and `color`s, recording them as ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Channel {
    Subscribe,
    Official,
}

/// Data that passed the rules: the values by key, and what was accepted but ignored.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct CheckedData {
    pub(crate) values: BTreeMap<String, String>,
    pub(crate) ignored: Vec<String>,
}

const RETIRED_OA_KEYS: &[&str] = &["first", "remark"];

fn argument_invalid(detail: &str) -> WxError {
    WxError::with_message(47003, format!("argument invalid! {detail}"))
}

/// Checks `data` against the template: every key present and valid (in template order), then,
/// in strict mode, no key the template lacks.
pub(crate) fn check_data(
    config: &FakeConfig,
    template: &TemplateSpec,
    data: Option<&Map<String, Value>>,
    channel: Channel,
) -> Result<CheckedData, WxError> {
    let Some(data) = data.filter(|d| !d.is_empty()) else {
        return Err(argument_invalid("data is empty"));
    };
    let mut checked = CheckedData::default();
    for key in &template.keys {
        let item = data.get(key);
        let value = match item.and_then(|i| i.get("value")) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.as_str()),
            Some(_) => return Err(argument_invalid(&format!("data.{key}.value invalid"))),
        };
        let Some(value) = value.filter(|v| !v.trim().is_empty()) else {
            return Err(argument_invalid(&format!("data.{key}.value is empty")));
        };
        let enumeration = config.enum_values(&template.id, key);
        if !is_valid(key, value, enumeration) {
            return Err(argument_invalid(&format!("data.{key}.value invalid")));
        }
        if channel == Channel::Official && item.is_some_and(|i| i.get("color").is_some()) {
            checked.ignored.push(format!("data.{key}.color"));
        }
        checked.values.insert(key.clone(), value.to_owned());
    }
    for key in data.keys() {
        if template.keys.contains(key) {
            continue;
        }
        if channel == Channel::Official && RETIRED_OA_KEYS.contains(&key.as_str()) {
            checked.ignored.push(format!("data.{key}"));
        } else if config.strict_keys {
            return Err(argument_invalid(&format!(
                "data.{key} is not in the template"
            )));
        }
    }
    Ok(checked)
}

/// Whether `value` (non-empty) satisfies the rule of `key`'s prefix.
pub(crate) fn is_valid(key: &str, value: &str, enumeration: Option<&[String]>) -> bool {
    if value
        .chars()
        .any(|c| c.is_control() || c == '\u{2028}' || c == '\u{2029}')
    {
        return false;
    }
    let chars = value.chars().count();
    let prefix = key.trim_end_matches(|c: char| c.is_ascii_digit());
    match prefix {
        "thing" => chars <= 20,
        "number" => chars <= 32 && is_decimal(value),
        "letter" => chars <= 32 && value.chars().all(|c| c.is_ascii_alphabetic()),
        "symbol" => chars <= 5 && value.chars().all(is_symbol),
        "character_string" => {
            chars <= 32
                && value
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || (is_symbol(c) && !is_cjk(c)))
        }
        "time" => is_time_value(value),
        "date" => is_date_value(value),
        "amount" => is_amount(value),
        "phone_number" => {
            chars <= 17
                && value.chars().any(|c| c.is_ascii_digit())
                && value
                    .chars()
                    .all(|c| c.is_ascii_digit() || c.is_ascii_punctuation())
        }
        "car_number" => is_car_number(value),
        "name" => is_name(value),
        "phrase" => chars <= 5 && value.chars().all(is_han),
        "enum" | "const" => match enumeration {
            Some(values) => values.iter().any(|v| v == value),
            None => chars <= 20,
        },
        _ => true,
    }
}

/// Common punctuation and signs: neither a letter or digit of any script nor white space.
fn is_symbol(c: char) -> bool {
    !c.is_alphanumeric() && !c.is_whitespace() && !c.is_control()
}

/// CJK ideographs, kana, CJK punctuation and full-width forms.
fn is_cjk(c: char) -> bool {
    matches!(c, '\u{2E80}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{FE30}'..='\u{FE4F}'
        | '\u{FF00}'..='\u{FFEF}' | '\u{20000}'..='\u{3134F}')
}

/// Chinese characters proper, as `phrase` and car plates want them.
fn is_han(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{3134F}')
}

fn digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// `12`, `12.5`: digits with at most one decimal point between digits.
fn is_decimal(s: &str) -> bool {
    match s.split_once('.') {
        Some((whole, fraction)) => digits(whole) && digits(fraction),
        None => digits(s),
    }
}

/// An optional currency sign, digits with up to two decimals (at most 10 digits in all), an
/// optional trailing `元`: `¥12.50`, `12元`, `$3`.
fn is_amount(value: &str) -> bool {
    let unsigned = value
        .strip_prefix(['¥', '￥', '$', '€', '£'])
        .unwrap_or(value);
    let number = unsigned.strip_suffix('元').unwrap_or(unsigned);
    let digit_count = number.bytes().filter(u8::is_ascii_digit).count();
    let decimals_ok = number
        .split_once('.')
        .is_none_or(|(_, fraction)| fraction.len() <= 2);
    is_decimal(number) && decimals_ok && digit_count <= 10
}

/// Up to 8 characters: letters and digits, the first and last may be Chinese (`粤A8Z888挂`).
fn is_car_number(value: &str) -> bool {
    let chars: Vec<char> = value.chars().collect();
    if chars.is_empty() || chars.len() > 8 {
        return false;
    }
    let last = chars.len() - 1;
    chars
        .iter()
        .enumerate()
        .all(|(i, &c)| c.is_ascii_alphanumeric() || ((i == 0 || i == last) && is_han(c)))
}

/// Up to 10 characters when any is non-Latin (mixed text counts as Chinese), else up to 20
/// Latin letters, spaces and symbols; digits are never part of a name.
fn is_name(value: &str) -> bool {
    if value.chars().any(|c| c.is_ascii_digit()) {
        return false;
    }
    let limit = if value.is_ascii() { 20 } else { 10 };
    value.chars().count() <= limit
}

/// `YYYY年M月D日` (month and day of one or two digits) or `YYYY-MM-DD`, a real calendar day.
fn is_date(s: &str) -> bool {
    let parts = if let Some(rest) = s.strip_suffix('日') {
        let Some((year, rest)) = rest.split_once('年') else {
            return false;
        };
        let Some((month, day)) = rest.split_once('月') else {
            return false;
        };
        let short = |p: &str| (1..=2).contains(&p.len());
        if !short(month) || !short(day) {
            return false;
        }
        (year, month, day)
    } else {
        let mut fields = s.split('-');
        let (Some(year), Some(month), Some(day), None) =
            (fields.next(), fields.next(), fields.next(), fields.next())
        else {
            return false;
        };
        if month.len() != 2 || day.len() != 2 {
            return false;
        }
        (year, month, day)
    };
    let (year, month, day) = parts;
    if year.len() != 4 || !digits(year) || !digits(month) || !digits(day) {
        return false;
    }
    match (year.parse(), month.parse(), day.parse()) {
        (Ok(y), Ok(m), Ok(d)) => NaiveDate::from_ymd_opt(y, m, d).is_some(),
        _ => false,
    }
}

/// `HH:mm`, 24-hour, two digits each.
fn is_clock(s: &str) -> bool {
    let Some((hours, minutes)) = s.split_once(':') else {
        return false;
    };
    hours.len() == 2
        && minutes.len() == 2
        && digits(hours)
        && digits(minutes)
        && hours < "24"
        && minutes < "60"
}

#[derive(Debug, Clone, Copy)]
struct Moment {
    date: bool,
    time: bool,
}

fn moment(s: &str) -> Option<Moment> {
    if let Some((date, time)) = s.split_once(' ') {
        return (is_date(date) && is_clock(time)).then_some(Moment {
            date: true,
            time: true,
        });
    }
    if is_date(s) {
        Some(Moment {
            date: true,
            time: false,
        })
    } else if is_clock(s) {
        Some(Moment {
            date: false,
            time: true,
        })
    } else {
        None
    }
}

/// A single moment or a range `A~B`.
fn moments(value: &str) -> Option<(Moment, Option<Moment>)> {
    let mut ends = value.split('~');
    let (Some(start), end, None) = (ends.next(), ends.next(), ends.next()) else {
        return None;
    };
    let start = moment(start.trim_end_matches(' '))?;
    let end = match end {
        Some(end) => Some(moment(end.trim_start_matches(' '))?),
        None => None,
    };
    Some((start, end))
}

fn is_time_value(value: &str) -> bool {
    match moments(value) {
        Some((start, end)) => start.time && end.is_none_or(|e| e.time),
        None => false,
    }
}

fn is_date_value(value: &str) -> bool {
    match moments(value) {
        Some((start, end)) => start.date && end.is_none_or(|e| e.date || (e.time && start.time)),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(key: &str, value: &str) -> bool {
        is_valid(key, value, None)
    }

    #[test]
    fn thing_counts_characters_not_bytes() {
        assert!(ok("thing1", "七月活动预告"));
        assert!(ok("thing1", &"活".repeat(20)));
        assert!(!ok("thing1", &"活".repeat(21)));
        assert!(ok("thing1", "共4场，点击查看并报名"));
        assert!(!ok("thing1", "two\nlines"));
        assert!(!ok("thing1", "tab\there"));
    }

    #[test]
    fn numbers_letters_and_symbols() {
        assert!(ok("number2", "12") && ok("number2", "3.14"));
        assert!(!ok("number2", "1.2.3") && !ok("number2", "12a") && !ok("number2", ".5"));
        assert!(!ok("number2", &"1".repeat(33)));
        assert!(ok("letter3", "abcXYZ") && !ok("letter3", "abc1") && !ok("letter3", "中"));
        assert!(ok("symbol4", "+-*/") && ok("symbol4", "，。") && !ok("symbol4", "a"));
        assert!(!ok("symbol4", "!!!!!!"));
    }

    #[test]
    fn character_strings_refuse_cjk() {
        assert!(ok("character_string5", "A-2025-07_01#3"));
        assert!(!ok("character_string5", "A活动"));
        assert!(!ok("character_string5", "A，B"));
        assert!(!ok("character_string5", "a b"));
        assert!(!ok("character_string5", &"x".repeat(33)));
    }

    #[test]
    fn dates_and_times_follow_the_documented_set() {
        for good in [
            "2025年7月5日",
            "2025年07月05日",
            "2025-07-05",
            "2025年7月5日 09:00",
            "2025-07-05 09:00",
            "2025年7月5日~2025年7月26日",
            "2025-07-05 ~ 2025-07-26",
            "2025年7月5日 09:00~11:30",
        ] {
            assert!(ok("date2", good), "{good}");
        }
        for bad in [
            "09:00",
            "2025/07/05",
            "2025-7-5",
            "2025年2月30日",
            "July 5",
            "2025-07-05T09:00",
            "2025-07-05 9:00",
            "2025年7月5日~",
            "2025-07-05~11:00",
            "2025-07-05~2025-07-06~2025-07-07",
        ] {
            assert!(!ok("date2", bad), "{bad}");
        }
        for good in [
            "15:01",
            "2019年10月1日 15:01",
            "2025-07-05 09:00",
            "09:00~11:00",
            "2025-07-05 09:00~2025-07-05 11:00",
        ] {
            assert!(ok("time2", good), "{good}");
        }
        for bad in [
            "2025-07-05",
            "24:00",
            "9:00",
            "12:60",
            "2025-07-05 09:00~2025-07-06",
        ] {
            assert!(!ok("time2", bad), "{bad}");
        }
    }

    #[test]
    fn amounts_phones_plates_names_phrases() {
        for good in ["¥12.50", "12元", "$3", "￥1000000000", "9.9"] {
            assert!(ok("amount1", good), "{good}");
        }
        for bad in ["¥12.505", "¥", "12,50", "¥¥1", "¥12345678901", "一百元"] {
            assert!(!ok("amount1", bad), "{bad}");
        }
        assert!(ok("phone_number1", "+86-0755-12345678"));
        assert!(!ok("phone_number1", "+86-0755-123456789"));
        assert!(!ok("phone_number1", "call 110") && !ok("phone_number1", "---"));
        assert!(ok("car_number1", "粤A8Z888挂") && ok("car_number1", "AB1234"));
        assert!(!ok("car_number1", "粤A粤888") && !ok("car_number1", "粤A8Z8888挂"));
        assert!(ok("name1", "张三丰") && ok("name1", "Alexander Humboldt"));
        assert!(!ok("name1", "张三丰张三丰张三丰张三") && !ok("name1", "Agent 007"));
        assert!(!ok("name1", "张三 Alexander"));
        assert!(
            ok("phrase4", "报名中") && !ok("phrase4", "open") && !ok("phrase4", "报名中啊啊啊")
        );
        assert!(!ok("phrase4", "报名 中"));
    }

    #[test]
    fn enumerations_allow_only_their_values() {
        let values = vec!["报名中".to_owned(), "已满".to_owned()];
        assert!(is_valid("enum5", "已满", Some(&values)));
        assert!(!is_valid("enum5", "已结束", Some(&values)));
        assert!(is_valid("enum5", "已结束", None));
        assert!(!is_valid("const1", &"x".repeat(21), None));
    }

    fn data(value: Value) -> Map<String, Value> {
        value.as_object().expect("an object").clone()
    }

    fn errmsg(result: Result<CheckedData, WxError>) -> String {
        let error = result.expect_err("the data should be refused");
        assert_eq!(error.code, 47003);
        error.message
    }

    #[test]
    fn data_needs_every_key_and_in_strict_mode_no_other() {
        let config = FakeConfig::default();
        let template = TemplateSpec::one_time("T", &["thing1", "phrase2"]);
        let check = |d: Value, channel| check_data(&config, &template, Some(&data(d)), channel);

        let good = serde_json::json!({"thing1": {"value": "a"}, "phrase2": {"value": "报名中"}});
        let checked = check(good, Channel::Subscribe).expect("valid");
        assert_eq!(checked.values["phrase2"], "报名中");

        let missing = serde_json::json!({"thing1": {"value": "a"}});
        assert_eq!(
            errmsg(check(missing, Channel::Subscribe)),
            "argument invalid! data.phrase2.value is empty"
        );
        let blank = serde_json::json!({"thing1": {"value": " "}, "phrase2": {"value": "报名中"}});
        assert_eq!(
            errmsg(check(blank, Channel::Subscribe)),
            "argument invalid! data.thing1.value is empty"
        );
        let number = serde_json::json!({"thing1": {"value": 5}, "phrase2": {"value": "报名中"}});
        assert_eq!(
            errmsg(check(number, Channel::Subscribe)),
            "argument invalid! data.thing1.value invalid"
        );
        let extra = serde_json::json!({
            "thing1": {"value": "a"}, "phrase2": {"value": "报名中"}, "thing9": {"value": "b"},
        });
        assert!(errmsg(check(extra.clone(), Channel::Subscribe)).contains("data.thing9"));
        let lax = FakeConfig {
            strict_keys: false,
            ..FakeConfig::default()
        };
        assert!(check_data(&lax, &template, Some(&data(extra)), Channel::Subscribe).is_ok());
        assert_eq!(
            errmsg(check_data(&config, &template, None, Channel::Subscribe)),
            "argument invalid! data is empty"
        );
    }

    #[test]
    fn the_official_account_ignores_retired_fields() {
        let config = FakeConfig::default();
        let template = TemplateSpec::one_time("T", &["thing1"]);
        let body = data(serde_json::json!({
            "first": {"value": "hello"}, "thing1": {"value": "a", "color": "#173177"},
            "remark": {"value": "bye"},
        }));
        let checked =
            check_data(&config, &template, Some(&body), Channel::Official).expect("valid");
        assert_eq!(
            checked.ignored,
            vec!["data.thing1.color", "data.first", "data.remark"]
        );
        assert!(check_data(&config, &template, Some(&body), Channel::Subscribe).is_err());
    }
}
