//! The Chinese a person reads for each error code: the console shows the same sentences as
//! the mini-program, read from the mini-program's own table (`miniprogram/utils/errors.js`)
//! when the server is built, so the two never drift apart.
use std::{collections::HashMap, sync::LazyLock};

const SOURCE: &str = include_str!("../../../miniprogram/utils/errors.js");

/// `  'area.reason': '中文',` and `  network: '中文',` lines of the `MESSAGES` table.
static MESSAGES: LazyLock<HashMap<&'static str, &'static str>> = LazyLock::new(|| {
    let table = SOURCE
        .split_once("const MESSAGES = {")
        .and_then(|(_, rest)| rest.split_once("\n}"))
        .map_or("", |(table, _)| table);
    table
        .lines()
        .filter_map(|line| {
            let (key, value) = line.trim().split_once(": '")?;
            let key = key.trim_matches('\'');
            let value = value.strip_suffix("',")?;
            Some((key, value))
        })
        .collect()
});

/// What to tell a person about `code`, in Chinese.
pub fn chinese(code: &str) -> &'static str {
    MESSAGES
        .get(code)
        .copied()
        .unwrap_or("操作没有完成，请稍后重试；如果一直这样，请联系管理员")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_the_server_answers_with_reads_in_chinese() {
        let codes: Vec<String> =
            serde_json::from_str(include_str!("../../../miniprogram/utils/error-codes.json"))
                .expect("the code list parses");
        let missing: Vec<&String> = codes
            .iter()
            .filter(|c| !MESSAGES.contains_key(c.as_str()))
            .collect();
        assert!(missing.is_empty(), "no Chinese for {missing:?}");
        assert_eq!(chinese("auth.forbidden"), "您没有权限进行此操作");
    }
}
