//! The browser console as a browser meets it: signing in by password (and being refused),
//! by a QR code confirmed on a phone, pages limited to the person's subtree, every form
//! refused without its CSRF token, the review queue, a roster upload's report, attendance
//! with its ledger, the live board's stream, and signing out. The journeys in a real
//! Chromium are in tests/console/.
use std::collections::HashMap;

use api_tests::{Someone, TestApp, error_code, month_from_now, on_both_stores};
use huodongri::{auth::passwords, domain::Password, entities::person};
use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, Set};
use serde_json::{Value, json};

const PASSWORD: &str = "Console pass 7";

async fn give_password(app: &TestApp, who: &Someone) {
    let found = person::Entity::find_by_id(who.id)
        .one(&app.db)
        .await
        .expect("read")
        .expect("exists");
    let mut active = found.into_active_model();
    let password = Password::parse(PASSWORD).expect("a valid password");
    active.password_hash = Set(Some(passwords::hash(&password).expect("hashed")));
    active.update(&app.db).await.expect("saved");
}

fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A browser: keeps the cookies the console sets and sends them back.
struct Browser<'a> {
    app: &'a TestApp,
    cookies: HashMap<String, String>,
}

struct Page {
    status: u16,
    location: String,
    set_cookies: Vec<String>,
    body: String,
}

impl Page {
    /// The `value` of the first hidden `csrf` field.
    fn csrf(&self) -> String {
        let at = self
            .body
            .find("name=\"csrf\" value=\"")
            .expect("the page has a form token");
        let rest = &self.body[at + 19..];
        rest[..rest.find('"').expect("closed")].to_owned()
    }
}

impl<'a> Browser<'a> {
    fn new(app: &'a TestApp) -> Self {
        Self {
            app,
            cookies: HashMap::new(),
        }
    }

    async fn read(&mut self, response: reqwest::Response) -> Page {
        let status = response.status().as_u16();
        let location = response
            .headers()
            .get("location")
            .map(|v| v.to_str().expect("ascii").to_owned())
            .unwrap_or_default();
        let set_cookies: Vec<String> = response
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().expect("ascii").to_owned())
            .collect();
        for cookie in &set_cookies {
            let pair = cookie.split(';').next().expect("a pair");
            let (name, value) = pair.split_once('=').expect("name=value");
            if value.is_empty() || cookie.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
        Page {
            status,
            location,
            set_cookies,
            body: response.text().await.expect("a body"),
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn get(&mut self, path: &str) -> Page {
        let response = self
            .app
            .client
            .get(self.app.url(path))
            .header("cookie", self.cookie_header())
            .send()
            .await
            .expect("sent");
        self.read(response).await
    }

    async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let body = fields
            .iter()
            .map(|(k, v)| format!("{k}={}", encode(v)))
            .collect::<Vec<_>>()
            .join("&");
        let response = self
            .app
            .client
            .post(self.app.url(path))
            .header("cookie", self.cookie_header())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .expect("sent");
        self.read(response).await
    }

    async fn post_multipart(
        &mut self,
        path: &str,
        csrf: &str,
        filename: &str,
        file: &[u8],
    ) -> Page {
        let mut body = Vec::new();
        body.extend_from_slice(
            format!("--XyZ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n")
                .as_bytes(),
        );
        body.extend_from_slice(
            format!("--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\nContent-Type: application/vnd.ms-excel\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(file);
        body.extend_from_slice(b"\r\n--XyZ--\r\n");
        let response = self
            .app
            .client
            .post(self.app.url(path))
            .header("cookie", self.cookie_header())
            .header("content-type", "multipart/form-data; boundary=XyZ")
            .body(body)
            .send()
            .await
            .expect("sent");
        self.read(response).await
    }

    /// Signs in by password; the page after it.
    async fn sign_in(&mut self, who: &Someone) -> Page {
        let form = self.get("/console/login").await;
        let csrf = form.csrf();
        let done = self
            .post(
                "/console/login",
                &[
                    ("phone", &who.phone),
                    ("password", PASSWORD),
                    ("csrf", &csrf),
                    ("next", "/console/"),
                ],
            )
            .await;
        assert_eq!(
            (done.status, done.location.as_str()),
            (303, "/console/"),
            "{}",
            done.body
        );
        self.get("/console/").await
    }
}

on_both_stores! {
    async fn staff_sign_in_by_password_see_only_their_subtree_and_sign_out(app) {
        let w = app.world().await;
        give_password(&app, &w.secretary_a).await;
        let mut browser = Browser::new(&app);

        let signed_out = browser.get("/console/orgs/1").await;
        assert_eq!(signed_out.status, 303);
        assert_eq!(signed_out.location, "/console/login?next=/console/orgs/1");

        let form = browser.get("/console/login").await;
        assert_eq!(form.status, 200);
        assert!(form.body.contains("手机号和密码登录") && form.body.contains("id=\"qr-code\""));
        let token_cookie = form.set_cookies.iter().find(|c| c.starts_with("hdr_console_sign_in=")).expect("a form token cookie");
        assert!(token_cookie.contains("HttpOnly") && token_cookie.contains("SameSite=Strict"));
        assert!(!token_cookie.contains("Secure"), "plain HTTP on loopback");

        let wrong = browser
            .post("/console/login", &[("phone", &w.secretary_a.phone), ("password", "Wrong pass 77"), ("csrf", &form.csrf())])
            .await;
        assert_eq!(wrong.status, 401);
        assert!(wrong.body.contains("账号或密码不正确"), "the Chinese of auth.bad_credentials");
        assert!(!browser.cookies.contains_key("hdr_console"), "no session");
        let forged = browser
            .post("/console/login", &[("phone", &w.secretary_a.phone), ("password", PASSWORD), ("csrf", "forged")])
            .await;
        assert_eq!(forged.status, 403);
        assert!(forged.body.contains("页面已过期"));

        let home = browser.sign_in(&w.secretary_a).await;
        assert_eq!(home.status, 200);
        assert!(home.body.contains(&format!("href=\"/console/orgs/{}\">甲支部", w.branch_a)), "{}", home.body);
        let session = browser.cookies.get("hdr_console").expect("a session cookie").clone();
        assert!(session.len() >= 40);

        let mine = browser.get(&format!("/console/orgs/{}/people", w.branch_a)).await;
        assert_eq!(mine.status, 200);
        assert!(mine.body.contains("甲党员") && mine.body.contains("13700000005"), "a secretary sees the phones they manage");
        let above = browser.get(&format!("/console/orgs/{}", w.city)).await;
        assert_eq!(above.status, 403);
        assert!(above.body.contains("无权访问"));
        let beside = browser.get(&format!("/console/orgs/{}/audit", w.branch_c)).await;
        assert_eq!(beside.status, 403);
        let unknown = browser.get("/console/orgs/999999").await;
        assert_eq!(unknown.status, 404);
        assert!(unknown.body.contains("没有找到"));

        let no_token = browser.post("/console/logout", &[]).await;
        assert_eq!(no_token.status, 403, "a form without its token does nothing");
        assert!(browser.get("/console/").await.status == 200, "still signed in");
        let csrf = browser.get("/console/").await.csrf();
        let out = browser.post("/console/logout", &[("csrf", &csrf)]).await;
        assert_eq!((out.status, out.location.as_str()), (303, "/console/login"));
        browser.cookies.insert("hdr_console".into(), session);
        let after = browser.get("/console/").await;
        assert_eq!(after.status, 303, "the old cookie no longer opens anything");
    }

    async fn a_phone_confirms_a_qr_code_and_only_the_browser_that_showed_it_is_signed_in(app) {
        let w = app.world().await;
        let mut browser = Browser::new(&app);
        let form = browser.get("/console/login").await;
        let needle = "id=\"qr-code\">";
        let at = form.body.find(needle).expect("a code is shown") + needle.len();
        let code = form.body[at..at + 8].to_owned();
        assert!(form.body.contains("data:image/svg+xml;base64,"), "and its QR image");

        let waiting = browser.get(&format!("/console/login/qr/{code}")).await;
        assert_eq!(waiting.body, r#"{"state":"waiting"}"#);

        let confirm = format!("/api/v1/console-sign-ins/{code}/confirm");
        assert_eq!(error_code(app.post_as(&w.member_a, &confirm, &json!({})).await).await, "auth.forbidden", "members have no console");
        assert_eq!(error_code(app.post_as(&w.secretary_a, "/api/v1/console-sign-ins/ABCDEFGH/confirm", &json!({})).await).await, "console.sign_in_not_found");
        assert_eq!(error_code(app.post_as(&w.secretary_a, "/api/v1/console-sign-ins/not-a-code/confirm", &json!({})).await).await, "console.sign_in_not_found");
        assert_eq!(app.post_as(&w.secretary_a, &confirm, &json!({})).await.status().as_u16(), 204);
        assert_eq!(error_code(app.post_as(&w.reviewer, &confirm, &json!({})).await).await, "console.sign_in_used", "the first confirmation wins");

        let mut onlooker = Browser::new(&app);
        let stolen = onlooker.get(&format!("/console/login/qr/{code}")).await;
        assert_eq!(stolen.body, r#"{"state":"expired"}"#, "the code alone signs nobody in");
        assert!(!onlooker.cookies.contains_key("hdr_console"));

        let done = browser.get(&format!("/console/login/qr/{code}")).await;
        assert_eq!(done.body, r#"{"state":"done"}"#);
        let home = browser.get("/console/").await;
        assert_eq!(home.status, 200);
        assert!(home.body.contains("甲书记"), "signed in as the person who confirmed");
        let again = browser.get(&format!("/console/login/qr/{code}")).await;
        assert_eq!(again.body, r#"{"state":"expired"}"#, "a code signs in once");

        // A phone trying codes at random is stopped after ten a minute.
        let mut answers = Vec::new();
        for n in 0..12 {
            let response = app.post_as(&w.supervisor, &format!("/api/v1/console-sign-ins/ABCDEF{}{}/confirm", 2 + n / 8, 2 + n % 8), &json!({})).await;
            answers.push(error_code(response).await);
        }
        assert_eq!(answers.iter().filter(|c| *c == "console.sign_in_not_found").count(), 10, "{answers:?}");
        assert_eq!(answers.last().map(String::as_str), Some("console.too_many_requests"));
    }

    async fn a_reviewer_approves_and_returns_plans_from_the_queue(app) {
        let w = app.world().await;
        give_password(&app, &w.reviewer).await;
        let mut ids = Vec::new();
        // A branch has one plan a month: two months, two plans.
        for (offset, theme) in [(2, "学习党章"), (3, "重温入党誓词")] {
            let month = month_from_now(offset);
            app.ensure_calendar_year(&w.admin, &month[..4]).await;
            let body = json!({"month": month, "theme": theme, "category": "党课", "start_time": "09:00", "end_time": "11:00",
                "place": "社区党群服务中心", "organiser": "甲书记", "requirements": "带笔记本"});
            let created = app.post_as(&w.secretary_a, &format!("/api/v1/orgs/{}/plans", w.branch_a), &body).await;
            assert_eq!(created.status().as_u16(), 201);
            let id = created.json::<Value>().await.expect("json")["id"].as_i64().expect("id");
            let submitted = app.post_as(&w.secretary_a, &format!("/api/v1/plans/{id}/submit"), &json!({})).await;
            assert_eq!(submitted.status().as_u16(), 200);
            ids.push(id);
        }
        let mut browser = Browser::new(&app);
        browser.sign_in(&w.reviewer).await;
        let queue_path = format!("/console/orgs/{}/reviews", w.committee);
        let queue = browser.get(&queue_path).await;
        assert_eq!(queue.status, 200);
        for id in &ids {
            assert!(queue.body.contains(&format!("data-plan-id=\"{id}\"")), "plan {id} waits");
        }
        assert!(queue.body.contains("学习党章") && queue.body.contains("甲支部"));
        let csrf = queue.csrf();

        let unsigned = browser.post(&format!("/console/plans/{}/approve", ids[0]), &[("org", &w.committee.to_string())]).await;
        assert_eq!(unsigned.status, 403);
        let approved = browser.post(&format!("/console/plans/{}/approve", ids[0]), &[("csrf", &csrf), ("org", &w.committee.to_string())]).await;
        assert_eq!((approved.status, approved.location.clone()), (303, format!("{queue_path}?done=approved")));
        let plan: Value = app.get_as(&w.secretary_a, &format!("/api/v1/plans/{}", ids[0])).await.json().await.expect("json");
        assert_eq!(plan["status"], "filed");

        // The approval is in the audit log, found by its action and by today's date.
        let today = huodongri::clock::today().to_string();
        let audit = browser.get(&format!("/console/orgs/{}/audit?action=plan.&from={today}&to={today}", w.committee)).await;
        assert_eq!(audit.status, 200, "{}", audit.body);
        assert!(audit.body.contains("plan.approve"), "{}", audit.body);
        let none = browser.get(&format!("/console/orgs/{}/audit?action=calendar.&from=&to=", w.committee)).await;
        assert!(none.body.contains("没有操作记录"), "empty dates are no filter, another area finds nothing");
        let api: Value = app.get_as(&w.reviewer, &format!("/api/v1/orgs/{}/audit?action=plan.approve", w.committee)).await.json().await.expect("json");
        assert!(api["items"].as_array().expect("items").iter().all(|e| e["action"] == "plan.approve") && api["total"].as_u64() >= Some(1));
        for bad in ["action=DROP%20TABLE", "from=2026-13-01", "from=2026-12-02&to=2026-12-01"] {
            let refused = app.get_as(&w.reviewer, &format!("/api/v1/orgs/{}/audit?{bad}", w.committee)).await;
            assert_eq!(refused.status().as_u16(), 400, "{bad}");
        }

        let no_comment = browser.post(&format!("/console/plans/{}/return", ids[1]), &[("csrf", &csrf), ("org", &w.committee.to_string()), ("comment", "")]).await;
        assert_eq!(no_comment.status, 400);
        assert!(no_comment.body.contains("plan.invalid_input"));
        let returned = browser.post(&format!("/console/plans/{}/return", ids[1]), &[("csrf", &csrf), ("org", &w.committee.to_string()), ("comment", "请补充活动地点的具体门牌号")]).await;
        assert_eq!(returned.status, 303);
        let plan: Value = app.get_as(&w.secretary_a, &format!("/api/v1/plans/{}", ids[1])).await.json().await.expect("json");
        assert_eq!(plan["status"], "returned");
        assert_eq!(plan["review_comment"], "请补充活动地点的具体门牌号");
        let after = browser.get(&format!("{queue_path}?done=returned")).await;
        assert!(after.body.contains("没有待审核的预告") && after.body.contains("已退回支部修改"));

        // The secretary of another branch's committee cannot act on these plans.
        let other = app.add_person("丙书记", "13700000099", w.branch_c).await;
        app.grant(&other, huodongri::domain::Role::Secretary, w.branch_c).await;
        give_password(&app, &other).await;
        let mut stranger = Browser::new(&app);
        stranger.sign_in(&other).await;
        let csrf = stranger.get("/console/").await.csrf();
        let refused = stranger.post(&format!("/console/plans/{}/approve", ids[1]), &[("csrf", &csrf), ("org", &w.branch_c.to_string())]).await;
        assert_eq!(refused.status, 403);
    }

    async fn a_roster_upload_reports_each_bad_row_and_imports_nothing(app) {
        let w = app.world().await;
        give_password(&app, &w.secretary_a).await;
        let mut browser = Browser::new(&app);
        browser.sign_in(&w.secretary_a).await;
        let path = format!("/console/orgs/{}/roster", w.branch_a);
        let form = browser.get(&path).await;
        assert!(form.body.contains("id=\"roster-form\""));
        let csrf = form.csrf();
        let header = "姓名,手机号,党员状态,支部编码\n";
        let bad = format!("{header}王明,13800001001,正式党员,TS-C1-A\n李华,138000,正式党员,TS-C1-A\n");
        let report = browser.post_multipart(&path, &csrf, "名册.csv", bad.as_bytes()).await;
        assert_eq!(report.status, 422, "{}", report.body);
        assert!(report.body.contains("id=\"roster-report\"") && report.body.contains("class=\"row-error\""));
        assert!(report.body.contains("第3行"), "the bad row is named by its line in the file: {}", report.body);
        assert!(report.body.contains("名册共2行，其中1行无误"), "the fine rows are counted");
        let people = browser.get(&format!("/console/orgs/{}/people?q=王明", w.branch_a)).await;
        assert!(people.body.contains("没有找到人员"), "nothing half-imported");

        let good = format!("{header}王明,13800001001,正式党员,TS-C1-A\n");
        let done = browser.post_multipart(&path, &csrf, "名册.csv", good.as_bytes()).await;
        assert_eq!(done.status, 200, "{}", done.body);
        assert!(done.body.contains("新增1人"));
        let forged = browser.post_multipart(&path, "forged", "名册.csv", good.as_bytes()).await;
        assert_eq!(forged.status, 403);
        let export = browser.get(&format!("/console/orgs/{}/roster.xlsx", w.branch_a)).await;
        assert_eq!(export.status, 200);
    }

    async fn attendance_flags_low_participation_the_ledger_downloads_and_the_board_streams(app) {
        let w = app.world().await;
        give_password(&app, &w.reviewer).await;
        app.open_activity(&w).await;
        let mut browser = Browser::new(&app);
        let home = browser.sign_in(&w.reviewer).await;
        assert!(home.body.contains("第一党委"));
        let month = huodongri::clock::today().format("%Y-%m").to_string();
        let page = browser.get(&format!("/console/orgs/{}/attendance?month={month}", w.committee)).await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("扫码签到测试") && page.body.contains("class=\"below\"") && page.body.contains("不足80%"), "nobody has checked in yet");
        assert!(page.body.contains("<svg class=\"chart\""));
        let bad_month = browser.get(&format!("/console/orgs/{}/attendance?month=2026-13", w.committee)).await;
        assert_eq!(bad_month.status, 400);

        let ledger = app.client.get(app.url(&format!("/console/orgs/{}/ledger.xlsx?month={month}", w.committee)))
            .header("cookie", browser.cookie_header()).send().await.expect("sent");
        assert_eq!(ledger.status().as_u16(), 200);
        let bytes = ledger.bytes().await.expect("bytes");
        assert!(bytes.starts_with(b"PK"), "an XLSX workbook");

        let overview = browser.get(&format!("/console/orgs/{}", w.committee)).await;
        assert_eq!(overview.status, 200);
        assert!(overview.body.contains("次活动已开展") && overview.body.contains("<svg class=\"chart\""));

        let live = browser.get(&format!("/console/orgs/{}/live", w.committee)).await;
        assert_eq!(live.status, 200);
        assert!(live.body.contains("id=\"board-total\"") && live.body.contains(&format!("data-org-id=\"{}\"", w.branch_a)));
        let mut events = app.client.get(app.url(&format!("/console/orgs/{}/live/events", w.committee)))
            .header("cookie", browser.cookie_header()).send().await.expect("sent");
        assert_eq!(events.headers()["content-type"], "text/event-stream");
        let first = events.chunk().await.expect("a chunk").expect("an event");
        let text = String::from_utf8_lossy(&first);
        assert!(text.starts_with("data: ") && text.contains("\"total\""), "{text}");
    }

    async fn pages_carry_a_strict_policy_and_the_static_files_are_built_in(app) {
        let login = app.get("/console/login").await;
        let csp = login.headers()["content-security-policy"].to_str().expect("ascii").to_owned();
        assert!(csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline"));
        for file in ["console.css", "sign-in.js", "live.js"] {
            assert_eq!(app.get(&format!("/console/static/{file}")).await.status().as_u16(), 200, "{file}");
        }
        assert_eq!(app.get("/console/static/../Cargo.toml").await.status().as_u16(), 404);
        assert_eq!(app.get("/console").await.status().as_u16(), 303);
        let sneaky = app.get("/console/login?next=https://evil.example/").await;
        let body = sneaky.text().await.expect("text");
        assert!(body.contains("name=\"next\" value=\"/console/\""), "a sign-in never sends anyone off-site");
    }

    async fn oversight_pages_show_previews_tasks_and_the_assessment_within_reach(app) {
        let w = app.world().await;
        give_password(&app, &w.reviewer).await;
        give_password(&app, &w.secretary_a).await;
        let mut reviewer = Browser::new(&app);
        reviewer.sign_in(&w.reviewer).await;
        let month = month_from_now(-1);
        let previews = reviewer.get(&format!("/console/orgs/{}/previews?month={month}", w.committee)).await;
        assert_eq!(previews.status, 200, "{}", previews.body);
        assert!(previews.body.contains("甲支部") && previews.body.contains("乙支部"));
        assert!(previews.body.contains("未报2个"), "last month nobody published: {}", previews.body);
        let bad = reviewer.get(&format!("/console/orgs/{}/previews?month=2026-1", w.committee)).await;
        assert_eq!(bad.status, 400);

        let tasks = reviewer.get(&format!("/console/orgs/{}/rectifications?overdue=true", w.committee)).await;
        assert_eq!(tasks.status, 200);
        assert!(tasks.body.contains("没有整改任务"));

        let year = huodongri::clock::today().format("%Y").to_string();
        let assessment = reviewer.get(&format!("/console/orgs/{}/assessment?year={year}", w.committee)).await;
        assert_eq!(assessment.status, 200, "{}", assessment.body);
        assert!(assessment.body.contains("年度基层党建工作考核"));
        let future = reviewer.get(&format!("/console/orgs/{}/assessment?year=2999", w.committee)).await;
        assert_eq!(future.status, 400);

        let matters = reviewer.get(&format!("/console/orgs/{}/matters?kind=question&overdue=true", w.committee)).await;
        assert_eq!(matters.status, 200, "{}", matters.body);
        assert!(matters.body.contains("没有需要办理的事项"));
        assert_eq!(reviewer.get(&format!("/console/orgs/{}/matters?kind=petition", w.committee)).await.status, 400);
        let commitments = reviewer.get(&format!("/console/orgs/{}/commitments", w.committee)).await;
        assert_eq!(commitments.status, 200, "{}", commitments.body);
        assert!(commitments.body.contains("尚未作出承诺") && commitments.body.contains("甲党员"), "nobody has committed yet");
        assert!(commitments.body.contains("<svg class=\"chart\""));
        assert_eq!(reviewer.get(&format!("/console/orgs/{}/commitments?year=1999", w.committee)).await.status, 400);
        let duties = reviewer.get(&format!("/console/orgs/{}/duties?behind_only=true", w.committee)).await;
        assert_eq!(duties.status, 200, "{}", duties.body);
        assert!(duties.body.contains("领导干部履职") && duties.body.contains("id=\"duties-xlsx\""));
        let mut secretary = Browser::new(&app);
        secretary.sign_in(&w.secretary_a).await;
        for page in ["previews", "rectifications", "assessment", "duties", "commitments", "matters"] {
            let above = secretary.get(&format!("/console/orgs/{}/{page}", w.city)).await;
            assert_eq!(above.status, 403, "{page}");
            assert!(above.body.contains("无权访问"));
        }
    }

    async fn the_committee_revokes_an_exemption_with_a_reason_and_a_secretary_cannot(app) {
        let w = app.world().await;
        give_password(&app, &w.reviewer).await;
        give_password(&app, &w.secretary_a).await;
        let today = huodongri::clock::today().to_string();
        let made = app.post_as(&w.reviewer, &format!("/api/v1/people/{}/exemptions", w.member_a.id),
            &json!({"reason": "长期病休", "valid_from": today})).await;
        assert_eq!(made.status().as_u16(), 200, "{}", made.text().await.unwrap_or_default());
        let id = app.get_as(&w.reviewer, &format!("/api/v1/orgs/{}/exemptions", w.committee)).await.json::<Value>().await.expect("json")[0]["id"].as_i64().expect("id");

        let mut secretary = Browser::new(&app);
        secretary.sign_in(&w.secretary_a).await;
        let seen = secretary.get(&format!("/console/orgs/{}/exemptions", w.branch_a)).await;
        assert_eq!(seen.status, 200);
        assert!(seen.body.contains("甲党员") && seen.body.contains("长期病休"));
        let csrf = seen.csrf();
        let refused = secretary.post(&format!("/console/exemptions/{id}/revoke"), &[("csrf", &csrf), ("org", &w.branch_a.to_string()), ("reason", "已康复")]).await;
        assert_eq!(refused.status, 403, "the committee decides, not the branch");

        let mut reviewer = Browser::new(&app);
        reviewer.sign_in(&w.reviewer).await;
        let page = reviewer.get(&format!("/console/orgs/{}/exemptions", w.committee)).await;
        let csrf = page.csrf();
        let no_reason = reviewer.post(&format!("/console/exemptions/{id}/revoke"), &[("csrf", &csrf), ("org", &w.committee.to_string()), ("reason", "")]).await;
        assert_eq!(no_reason.status, 400);
        let forged = reviewer.post(&format!("/console/exemptions/{id}/revoke"), &[("csrf", "x"), ("org", &w.committee.to_string()), ("reason", "已康复")]).await;
        assert_eq!(forged.status, 403);
        let done = reviewer.post(&format!("/console/exemptions/{id}/revoke"), &[("csrf", &csrf), ("org", &w.committee.to_string()), ("reason", "已康复，恢复参加组织生活")]).await;
        assert_eq!((done.status, done.location.clone()), (303, format!("/console/orgs/{}/exemptions?revoked=true", w.committee)));
        let after = reviewer.get(&done.location).await;
        assert!(after.body.contains("已康复，恢复参加组织生活") && after.body.contains("已撤销"));
        let audit = reviewer.get(&format!("/console/orgs/{}/audit?action=exemption.", w.committee)).await;
        assert!(audit.body.contains("exemption.revoke"), "audited: {}", audit.body);
    }
}

fn day(offset: i64) -> String {
    (huodongri::clock::today() + chrono::Duration::days(offset)).to_string()
}

fn at(offset: chrono::Duration) -> String {
    (huodongri::clock::now() + offset)
        .with_timezone(&huodongri::clock::shanghai())
        .to_rfc3339()
}

on_both_stores! {
    async fn inspectors_browse_rounds_with_their_draw_findings_and_every_published_version(app) {
        let w = app.world().await;
        give_password(&app, &w.supervisor).await;
        give_password(&app, &w.secretary_a).await;
        let round: Value = app.post_as(&w.supervisor, &format!("/api/v1/orgs/{}/inspection-rounds", w.city), &json!({
            "title": "第四季度不定期抽查", "mode": "unannounced", "method": "records_review",
            "planned_on": day(0), "draw_from_org_id": w.city, "draw_size": 2})).await.json().await.expect("json");
        let id = round["id"].as_i64().expect("id");
        let seed = round["draw_seed"].as_str().expect("seed").to_owned();
        let target = round["targets"][0]["org_id"].as_i64().expect("a target");
        let finding = app.post_as(&w.supervisor, &format!("/api/v1/inspection-rounds/{id}/findings"), &json!({
            "org_id": target, "kind": "problem", "text": "三会一课记录缺少照片",
            "rectification": {"requirement": "补齐照片", "deadline": day(10)}})).await;
        assert_eq!(finding.status().as_u16(), 201);
        let published = app.post_as(&w.supervisor, &format!("/api/v1/inspection-rounds/{id}/publications"), &json!({
            "publish_on": day(1), "summary": "全市督查通报（第一期）", "results": [{"org_id": target, "verdict": "poor", "comment": "记录不全"}]})).await;
        assert_eq!(published.status().as_u16(), 201);

        let mut inspector = Browser::new(&app);
        inspector.sign_in(&w.supervisor).await;
        let list = inspector.get(&format!("/console/orgs/{}/inspections", w.city)).await;
        assert_eq!(list.status, 200, "{}", list.body);
        assert!(list.body.contains(&format!("href=\"/console/inspection-rounds/{id}\">第四季度不定期抽查")) && list.body.contains("不定期抽查") && list.body.contains("1条"));
        let page = inspector.get(&format!("/console/inspection-rounds/{id}")).await;
        assert_eq!(page.status, 200, "{}", page.body);
        assert!(page.body.contains(&format!("<code id=\"draw-seed\">{seed}</code>")), "the seed anyone can redo the draw from");
        assert!(page.body.contains("三会一课记录缺少照片") && page.body.contains("已下达整改"));
        assert!(page.body.contains("第1版") && page.body.contains("全市督查通报（第一期）") && page.body.contains("class=\"below\""), "a 差 is highlighted");
        assert_eq!(inspector.get("/console/inspection-rounds/999999").await.status, 404);

        let mut secretary = Browser::new(&app);
        secretary.sign_in(&w.secretary_a).await;
        let refused = secretary.get(&format!("/console/orgs/{}/inspections", w.branch_a)).await;
        assert_eq!(refused.status, 403, "inspections are the offices' own");
        assert_eq!(secretary.get(&format!("/console/inspection-rounds/{id}")).await.status, 404, "not even that it exists");
    }

    async fn community_admins_see_claims_and_the_waitlist_in_order_and_everyone_s_year_of_service(app) {
        let w = app.world().await;
        let community = huodongri::cli::create_org(&app.db, "TS-SQ", "文昌社区", "community", Some("TS")).await.expect("community");
        let admin = app.add_person("社区主任", "13700000051", community).await;
        app.grant(&admin, huodongri::domain::Role::CommunityAdmin, community).await;
        give_password(&app, &admin).await;
        give_password(&app, &w.member_a).await;
        give_password(&app, &w.reviewer).await;
        let created = app.post_as(&admin, &format!("/api/v1/communities/{community}/service-items"), &json!({
            "kind": "item", "title": "陪伴空巢老人", "description": "陪老人聊天", "capacity": 1,
            "starts_at": at(chrono::Duration::days(2)), "ends_at": at(chrono::Duration::days(2) + chrono::Duration::hours(2)),
            "place": "社区活动室", "skills": "", "signup_opens_at": at(-chrono::Duration::hours(1)), "signup_closes_at": at(chrono::Duration::days(1))})).await;
        assert_eq!(created.status().as_u16(), 201);
        let item = created.json::<Value>().await.expect("json")["id"].as_i64().expect("id");
        for who in [&w.member_a, &w.member_b, &w.member_c] {
            // Members claim in the community they report to (报到), once its admin accepts them.
            let report: Value = app.post_as(who, &format!("/api/v1/communities/{community}/reports"), &json!({})).await.json().await.expect("json");
            let decided = app.post_as(&admin, &format!("/api/v1/community-reports/{}/decision", report["id"]), &json!({"accept": true})).await;
            assert_eq!(decided.status().as_u16(), 200);
            let claimed: Value = app.post_as(who, &format!("/api/v1/service-items/{item}/claims"), &json!({})).await.json().await.expect("json");
            assert!(claimed["result"] == "ok" || claimed["result"] == "full", "{claimed}");
        }

        let mut runner = Browser::new(&app);
        runner.sign_in(&admin).await;
        let items = runner.get(&format!("/console/orgs/{community}/service-items")).await;
        assert_eq!(items.status, 200, "{}", items.body);
        assert!(items.body.contains("陪伴空巢老人") && items.body.contains("1/1") && items.body.contains("2人"), "one place taken, two waiting: {}", items.body);
        assert!(items.body.contains(">服务项目</a>"), "a community has the tab");
        assert!(items.body.contains("名额认领情况") && items.body.contains("<svg class=\"chart\""), "the places taken, drawn");
        assert_eq!(runner.get(&format!("/console/orgs/{community}/service-items?kind=party")).await.status, 400);
        assert_eq!(runner.get(&format!("/console/orgs/{}/service-items", w.committee)).await.status, 404, "a committee is not a community");
        let page = runner.get(&format!("/console/service-items/{item}")).await;
        assert_eq!(page.status, 200, "{}", page.body);
        let first = page.body.find("甲党员").expect("the first claim holds the place");
        let second = page.body.find("乙党员").expect("waiting");
        let third = page.body.find("丙党员").expect("waiting");
        assert!(first < second && second < third, "the waitlist in the order people came");
        assert!(page.body.contains("候补名单（2人"));

        let mut member = Browser::new(&app);
        member.sign_in(&w.member_a).await;
        assert_eq!(member.get(&format!("/console/service-items/{item}")).await.status, 403, "a member does not read others' claims");

        let mut reviewer = Browser::new(&app);
        reviewer.sign_in(&w.reviewer).await;
        let year = huodongri::clock::today().format("%Y").to_string();
        let minimums = reviewer.get(&format!("/console/orgs/{}/service?year={year}", w.committee)).await;
        assert_eq!(minimums.status, 200, "{}", minimums.body);
        assert!(minimums.body.contains("甲党员") && minimums.body.contains("未达标") && minimums.body.contains("<svg class=\"chart\""));
        let behind = reviewer.get(&format!("/console/orgs/{}/service?year={year}&behind=true", w.committee)).await;
        assert_eq!(behind.status, 200);
        assert!(!behind.body.contains(">已达标<"), "only those behind");
        assert_eq!(reviewer.get(&format!("/console/orgs/{}/service?year=1999", w.committee)).await.status, 400);
        let file = app.client.get(app.url(&format!("/console/orgs/{}/service.xlsx?year={year}", w.committee)))
            .header("cookie", reviewer.cookie_header()).send().await.expect("sent");
        assert_eq!(file.status().as_u16(), 200);
        assert!(file.bytes().await.expect("bytes").starts_with(b"PK"));
        assert_eq!(reviewer.get(&format!("/console/orgs/{}/service", w.city)).await.status, 403);
    }
}

on_both_stores! {
    async fn a_secretary_edits_a_member_issues_an_invite_and_the_committee_registers_an_exemption(app) {
        let w = app.world().await;
        give_password(&app, &w.secretary_a).await;
        give_password(&app, &w.reviewer).await;
        let newcomer = app.add_person("新党员", "13700000077", w.branch_a).await;
        let mut secretary = Browser::new(&app);
        secretary.sign_in(&w.secretary_a).await;
        let people = secretary.get(&format!("/console/orgs/{}/people", w.branch_a)).await;
        assert!(people.body.contains(&format!("href=\"/console/people/{}\">新党员", newcomer.id)));
        let page = secretary.get(&format!("/console/people/{}", newcomer.id)).await;
        assert_eq!(page.status, 200, "{}", page.body);
        assert!(page.body.contains("id=\"person-form\"") && page.body.contains("value=\"13700000077\""));
        let csrf = page.csrf();
        let path = format!("/console/people/{}", newcomer.id);
        let fields = |phone: &'static str| vec![("name", "新党员"), ("phone", phone), ("status", "probationary"), ("join_date", "2026-07-01"),
            ("party_post", ""), ("leader_level", ""), ("deputy_level", ""), ("work_unit", "市财政局"), ("in_service_organ", "true")];
        let mut bad = fields("12345");
        bad.push(("csrf", &csrf));
        assert_eq!(secretary.post(&path, &bad).await.status, 400, "a phone that is not one");
        let unsigned = secretary.post(&path, &fields("13700000078")).await;
        assert_eq!(unsigned.status, 403, "no token, no change");
        let mut good = fields("13700000078");
        good.push(("csrf", &csrf));
        let saved = secretary.post(&path, &good).await;
        assert_eq!((saved.status, saved.location.clone()), (303, format!("{path}?done=saved")));
        let person: Value = app.get_as(&w.secretary_a, &format!("/api/v1/people/{}", newcomer.id)).await.json().await.expect("json");
        assert_eq!((person["phone"].as_str(), person["status"].as_str(), person["work_unit"].as_str(), person["in_service_organ"].as_bool()),
            (Some("13700000078"), Some("probationary"), Some("市财政局"), Some(true)));

        let invited = secretary.post(&format!("/console/people/{}/invite", newcomer.id), &[("csrf", &csrf)]).await;
        assert_eq!(invited.status, 200, "{}", invited.body);
        assert!(invited.body.contains("id=\"invite-code\"") && invited.body.contains("data:image/svg+xml;base64,"), "the code, shown once");
        let elsewhere = app.add_person("丙党员二", "13700000079", w.branch_c).await;
        assert_eq!(secretary.get(&format!("/console/people/{}", elsewhere.id)).await.status, 403, "another committee's member");
        assert_eq!(secretary.post(&format!("/console/people/{}/invite", elsewhere.id), &[("csrf", &csrf)]).await.status, 403);

        // The committee reads the branch (phones masked, no edit form) and registers the exemption; the branch cannot.
        let refused = secretary.post(&format!("/console/people/{}/exemptions", newcomer.id), &[("csrf", &csrf), ("reason", "长期病休"), ("valid_from", &huodongri::clock::today().to_string())]).await;
        assert_eq!(refused.status, 403, "the committee decides, not the branch");
        let mut reviewer = Browser::new(&app);
        reviewer.sign_in(&w.reviewer).await;
        let seen = reviewer.get(&format!("/console/people/{}", newcomer.id)).await;
        assert_eq!(seen.status, 200);
        assert!(!seen.body.contains("id=\"person-form\"") && seen.body.contains("137****0078"), "{}", seen.body);
        let csrf = seen.csrf();
        let no_reason = reviewer.post(&format!("/console/people/{}/exemptions", newcomer.id), &[("csrf", &csrf), ("reason", ""), ("valid_from", "2026-12-01")]).await;
        assert_eq!(no_reason.status, 400);
        let bad_date = reviewer.post(&format!("/console/people/{}/exemptions", newcomer.id), &[("csrf", &csrf), ("reason", "长期病休"), ("valid_from", "2026-13-01")]).await;
        assert_eq!(bad_date.status, 400);
        let done = reviewer.post(&format!("/console/people/{}/exemptions", newcomer.id), &[("csrf", &csrf), ("reason", "长期病休"), ("valid_from", &huodongri::clock::today().to_string()), ("valid_until", "")]).await;
        assert_eq!((done.status, done.location.clone()), (303, format!("/console/people/{}?done=exempted", newcomer.id)));
        let list = reviewer.get(&format!("/console/orgs/{}/exemptions", w.committee)).await;
        assert!(list.body.contains("新党员") && list.body.contains("长期病休"));
    }

    async fn the_calendar_shows_the_year_under_the_organisation_s_policy_which_only_the_department_changes(app) {
        let w = app.world().await;
        give_password(&app, &w.admin).await;
        give_password(&app, &w.secretary_a).await;
        let year = huodongri::clock::today().format("%Y").to_string();
        app.ensure_calendar_year(&w.admin, &year).await;
        let mut secretary = Browser::new(&app);
        secretary.sign_in(&w.secretary_a).await;
        let page = secretary.get(&format!("/console/orgs/{}/calendar?year={year}", w.branch_a)).await;
        assert_eq!(page.status, 200, "{}", page.body);
        assert!(page.body.contains("遇休息日顺延") && page.body.contains(&format!("{year}-12")) && !page.body.contains("id=\"policy-form\""));
        let csrf = page.csrf();
        assert_eq!(secretary.post(&format!("/console/orgs/{}/calendar", w.branch_a), &[("csrf", &csrf), ("activity_day_policy", "statutory_only")]).await.status, 403);
        assert_eq!(secretary.get(&format!("/console/orgs/{}/calendar?year=1800", w.branch_a)).await.status, 400);

        let mut admin = Browser::new(&app);
        admin.sign_in(&w.admin).await;
        let page = admin.get(&format!("/console/orgs/{}/calendar", w.branch_a)).await;
        assert!(page.body.contains("id=\"policy-form\""));
        let csrf = page.csrf();
        assert_eq!(admin.post(&format!("/console/orgs/{}/calendar", w.branch_a), &[("csrf", &csrf), ("activity_day_policy", "whenever")]).await.status, 400);
        let saved = admin.post(&format!("/console/orgs/{}/calendar", w.branch_a), &[("csrf", &csrf), ("activity_day_policy", "statutory_only")]).await;
        assert_eq!(saved.status, 303);
        let after = admin.get(&saved.location).await;
        assert!(after.body.contains("<strong>仅法定节假日顺延</strong>") && after.body.contains("已保存"));
        let audit = admin.get(&format!("/console/orgs/{}/audit", w.city)).await;
        assert!(audit.body.contains("org.settings"), "the change is audited: {}", audit.body);
    }
}

/// On the production stores the live counters are in Redis, so a board served by one instance
/// counts the check-ins every other instance takes (the embedded cache is one process's own).
#[tokio::test]
async fn the_live_board_on_one_instance_counts_check_ins_made_through_another() {
    let Some(app) = api_tests::spawn_app(api_tests::Stores::Production).await else {
        return;
    };
    let w = app.world().await;
    give_password(&app, &w.reviewer).await;
    let plan = app.open_activity(&w).await;
    let (code, token) = crate::checkin::venue(&app, &w.secretary_a, plan).await;
    let mut browser = Browser::new(&app);
    browser.sign_in(&w.reviewer).await;
    let mut events = app
        .client
        .get(app.url(&format!("/console/orgs/{}/live/events", w.committee)))
        .header("cookie", browser.cookie_header())
        .send()
        .await
        .expect("sent");
    let present = |chunk: &[u8]| -> Option<u64> {
        let text = String::from_utf8_lossy(chunk);
        let json: Value = serde_json::from_str(text.strip_prefix("data: ")?.trim()).ok()?;
        json["total"]["present"].as_u64()
    };
    let first = events.chunk().await.expect("a chunk").expect("an event");
    assert_eq!(present(&first), Some(0));

    let other = app.another_instance().await;
    let scanned = app
        .client
        .post(format!("{other}/api/v1/checkins"))
        .bearer_auth(&w.member_a.token)
        .json(&json!({"activity_code": code, "token": token, "nonce": uuid::Uuid::new_v4().simple().to_string()}))
        .send()
        .await
        .expect("sent");
    assert_eq!(scanned.status().as_u16(), 200);
    let started = std::time::Instant::now();
    loop {
        let chunk = tokio::time::timeout(std::time::Duration::from_secs(5), events.chunk())
            .await
            .expect("an update within 5 s")
            .expect("a chunk")
            .expect("an event");
        if present(&chunk) == Some(1) {
            break;
        }
    }
    // The board pushes every second; allow the first tick's own time on a loaded machine.
    assert!(
        started.elapsed() < std::time::Duration::from_millis(2500),
        "{:?}",
        started.elapsed()
    );
}

/// Idle timeout and lifetime, shortened by configuration so the test waits seconds, not
/// half an hour: each page slides the idle timeout, the lifetime never moves.
async fn sessions_end_when_idle_and_at_their_lifetime(stores: api_tests::Stores) {
    let wechat = wechat_fake::spawn().await;
    let Some(mut settings) = api_tests::test_settings(stores, &wechat) else {
        return;
    };
    settings.auth.console_idle_secs = 3;
    settings.auth.console_lifetime_secs = 7;
    let app = api_tests::spawn_with(stores, settings, wechat).await;
    let w = app.world().await;
    give_password(&app, &w.secretary_a).await;
    let pause = |ms| tokio::time::sleep(std::time::Duration::from_millis(ms));
    let page = format!("/console/orgs/{}/people", w.branch_a);

    let mut busy = Browser::new(&app);
    busy.sign_in(&w.secretary_a).await;
    for _ in 0..3 {
        pause(2000).await;
        assert_eq!(
            busy.get(&page).await.status,
            200,
            "a page within the idle timeout keeps the session"
        );
    }
    pause(1500).await;
    let ended = busy.get(&page).await;
    assert_eq!(
        (ended.status, ended.location.as_str()),
        (303, format!("/console/login?next={page}").as_str()),
        "7 s after signing in, however busy"
    );

    let mut idle = Browser::new(&app);
    idle.sign_in(&w.secretary_a).await;
    pause(3500).await;
    assert_eq!(idle.get(&page).await.status, 303, "3 s without a page");
}

#[tokio::test]
async fn console_sessions_end_when_idle_and_at_their_lifetime_embedded() {
    sessions_end_when_idle_and_at_their_lifetime(api_tests::Stores::Embedded).await;
}

#[tokio::test]
async fn console_sessions_end_when_idle_and_at_their_lifetime_production() {
    sessions_end_when_idle_and_at_their_lifetime(api_tests::Stores::Production).await;
}
