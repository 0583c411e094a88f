//! A small organisation tree with people in every role, built straight into the test's
//! database, so authorisation tests read as "secretary of A tries B".
use huodongri::{
    auth::TokenIssuer,
    cli,
    domain::{MemberStatus, PersonName, Phone, Role},
    entities::role_grant,
    orgs,
    people::{self, PersonFields, Upserted},
    secrets::Secrets,
};
use sea_orm::{ActiveModelTrait, EntityTrait, Set};

use crate::TestApp;

#[derive(Debug, Clone)]
pub struct Someone {
    pub id: i64,
    pub phone: String,
    pub token: String,
}

pub struct World {
    pub city: i64,
    pub committee: i64,
    pub branch_a: i64,
    pub branch_b: i64,
    pub other_committee: i64,
    pub branch_c: i64,
    pub admin: Someone,
    pub secretary_a: Someone,
    pub reviewer: Someone,
    pub supervisor: Someone,
    pub member_a: Someone,
    pub member_b: Someone,
    pub member_c: Someone,
}

impl TestApp {
    pub fn token_issuer(&self) -> TokenIssuer {
        let secrets = Secrets::resolve(&self.settings).expect("the test's secrets");
        TokenIssuer::new(&secrets.jwt_secret, &self.settings.auth)
    }

    pub async fn add_person(&self, name: &str, phone: &str, org_id: i64) -> Someone {
        let fields = PersonFields {
            name: PersonName::parse(name).expect("valid name"),
            phone: Phone::parse(phone).expect("valid phone"),
            org_id,
            status: MemberStatus::Full,
            join_date: None,
            party_post: None,
            leader_level: None,
            deputy_level: None,
            work_unit: None,
            in_service_organ: false,
            exempt: false,
            exempt_reason: None,
        };
        let person = match people::upsert_by_phone(&self.db, &fields)
            .await
            .expect("person saved")
        {
            Upserted::Created(p) | Upserted::Unchanged(p) | Upserted::Updated(p) => p,
        };
        Someone {
            id: person.id,
            phone: person.phone,
            token: self.token_issuer().issue_access(person.id).expect("token"),
        }
    }

    pub async fn grant(&self, who: &Someone, role: Role, org_id: i64) {
        role_grant::ActiveModel {
            person_id: Set(who.id),
            role: Set(role),
            org_id: Set(org_id),
            granted_by: Set(None),
            created_at: Set(huodongri::clock::now()),
            ..Default::default()
        }
        .insert(&self.db)
        .await
        .expect("role granted");
    }

    async fn org(&self, code: &str, name: &str, kind: &str, parent: Option<&str>) -> i64 {
        cli::create_org(&self.db, code, name, kind, parent)
            .await
            .expect("org created")
    }

    /// City → committee → branches A, B; city → other committee → branch C.
    pub async fn world(&self) -> World {
        let city = self.org("TS", "测试市", "city", None).await;
        let committee = self.org("TS-C1", "第一党委", "committee", Some("TS")).await;
        let branch_a = self.org("TS-C1-A", "甲支部", "branch", Some("TS-C1")).await;
        let branch_b = self.org("TS-C1-B", "乙支部", "branch", Some("TS-C1")).await;
        let other_committee = self.org("TS-C2", "第二党委", "committee", Some("TS")).await;
        let branch_c = self.org("TS-C2-C", "丙支部", "branch", Some("TS-C2")).await;
        let admin = self.add_person("管理员", "13700000001", city).await;
        self.grant(&admin, Role::OrgAdmin, city).await;
        let secretary_a = self.add_person("甲书记", "13700000002", branch_a).await;
        self.grant(&secretary_a, Role::Secretary, branch_a).await;
        let reviewer = self.add_person("审核员", "13700000003", branch_a).await;
        self.grant(&reviewer, Role::Reviewer, committee).await;
        let supervisor = self.add_person("督查员", "13700000004", branch_c).await;
        self.grant(&supervisor, Role::Supervisor, city).await;
        let member_a = self.add_person("甲党员", "13700000005", branch_a).await;
        let member_b = self.add_person("乙党员", "13700000006", branch_b).await;
        let member_c = self.add_person("丙党员", "13700000007", branch_c).await;
        let _ = orgs::subtree_ids(&self.db, city)
            .await
            .expect("subtree readable");
        World {
            city,
            committee,
            branch_a,
            branch_b,
            other_committee,
            branch_c,
            admin,
            secretary_a,
            reviewer,
            supervisor,
            member_a,
            member_b,
            member_c,
        }
    }

    /// A member of the public known only by a WeChat openid (a visitor token).
    pub fn visitor(&self, openid: &str) -> Someone {
        Someone {
            id: 0,
            phone: String::new(),
            token: self
                .token_issuer()
                .issue_visitor(openid)
                .expect("a visitor token"),
        }
    }

    pub async fn get_as(&self, who: &Someone, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .bearer_auth(&who.token)
            .send()
            .await
            .expect("sent")
    }

    pub async fn post_as(
        &self,
        who: &Someone,
        path: &str,
        body: &serde_json::Value,
    ) -> reqwest::Response {
        self.json_as(reqwest::Method::POST, who, path, body).await
    }

    pub async fn put_as(
        &self,
        who: &Someone,
        path: &str,
        body: &serde_json::Value,
    ) -> reqwest::Response {
        self.json_as(reqwest::Method::PUT, who, path, body).await
    }

    pub async fn patch_as(
        &self,
        who: &Someone,
        path: &str,
        body: &serde_json::Value,
    ) -> reqwest::Response {
        self.json_as(reqwest::Method::PATCH, who, path, body).await
    }

    async fn json_as(
        &self,
        method: reqwest::Method,
        who: &Someone,
        path: &str,
        body: &serde_json::Value,
    ) -> reqwest::Response {
        self.client
            .request(method, self.url(path))
            .bearer_auth(&who.token)
            .json(body)
            .send()
            .await
            .expect("sent")
    }

    pub async fn upload_as(
        &self,
        who: &Someone,
        path: &str,
        content_type: &str,
        body: Vec<u8>,
    ) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .bearer_auth(&who.token)
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .expect("sent")
    }
}

/// `YYYY-MM` of the month `offset` months from today (Asia/Shanghai), so tests about
/// deadlines hold whenever they run.
pub fn month_from_now(offset: i32) -> String {
    use chrono::Datelike;
    let today = huodongri::clock::now()
        .with_timezone(&huodongri::clock::shanghai())
        .date_naive();
    let index = today.year() * 12 + today.month0() as i32 + offset;
    format!("{}-{:02}", index.div_euclid(12), index.rem_euclid(12) + 1)
}

impl TestApp {
    /// Makes sure the holiday calendar has `year` (a minimal arrangement when it has none).
    pub async fn ensure_calendar_year(&self, admin: &Someone, year: &str) {
        if self
            .get(&format!("/api/v1/calendar/{year}"))
            .await
            .status()
            .as_u16()
            == 404
        {
            let minimal = serde_json::json!({"holidays": [[format!("{year}-01-01"), "元旦"]], "workdays": []});
            let loaded = self
                .put_as(admin, &format!("/api/v1/calendar/{year}"), &minimal)
                .await;
            assert_eq!(loaded.status().as_u16(), 200);
        }
    }
}

/// The venue of the activities tests hold (GCJ-02).
pub const VENUE: (f64, f64) = (32.3942, 119.4129);

/// Plans through their review, as a branch and its committee would take them: the arrange
/// steps the check-in, push, scheduler and plan tests share.
impl TestApp {
    /// Drafts `body` (as the plan form sends it) for branch A; returns the plan's id.
    pub async fn draft_plan(&self, w: &World, body: &serde_json::Value) -> i64 {
        let month = body["month"].as_str().expect("a month");
        self.ensure_calendar_year(&w.admin, &month[..4]).await;
        let created = self
            .post_as(
                &w.secretary_a,
                &format!("/api/v1/orgs/{}/plans", w.branch_a),
                body,
            )
            .await;
        assert_eq!(created.status().as_u16(), 201, "the plan is drafted");
        created.json::<serde_json::Value>().await.expect("json")["id"]
            .as_i64()
            .expect("id")
    }

    /// Submits the plan and has the committee approve (file) it.
    pub async fn file_plan(&self, w: &World, id: i64) {
        for (who, step) in [(&w.secretary_a, "submit"), (&w.reviewer, "approve")] {
            let response = self
                .post_as(
                    who,
                    &format!("/api/v1/plans/{id}/{step}"),
                    &serde_json::json!({}),
                )
                .await;
            assert_eq!(response.status().as_u16(), 200, "{step}");
        }
    }

    /// The member logged in to the mini-program: their openid and the unionid `u-<openid>`
    /// recorded, as a login under an open platform does.
    pub async fn bind_wechat(&self, who: &Someone, openid: &str) {
        let person = huodongri::entities::person::Entity::find_by_id(who.id)
            .one(&self.db)
            .await
            .expect("read")
            .expect("exists");
        let mut active = sea_orm::IntoActiveModel::into_active_model(person);
        active.wechat_openid = Set(Some(openid.to_owned()));
        active.wechat_unionid = Set(Some(format!("u-{openid}")));
        active.update(&self.db).await.expect("bound");
        self.wechat.register_openid(openid);
    }

    /// The member bound as `openid` follows the official account, and WeChat's signed push
    /// tells the server; returns their openid under the account.
    pub async fn follow_official_account(&self, openid: &str) -> String {
        let oa_openid = format!("oOA-{openid}");
        self.wechat
            .follow_with_unionid(&oa_openid, &format!("u-{openid}"));
        let signed = wechat_fake::signed_event(
            crate::OA_EVENT_TOKEN,
            "gh_test",
            &oa_openid,
            wechat_fake::OaEvent::Subscribe,
            huodongri::clock::now().timestamp(),
        );
        let answer = self
            .client
            .post(format!(
                "{}?{}",
                self.url("/api/v1/wechat/official-account/events"),
                signed.query
            ))
            .body(signed.body)
            .send()
            .await
            .expect("push");
        assert_eq!(answer.status().as_u16(), 200, "the follow was taken");
        oa_openid
    }

    /// The plan's delivery report as `who` sees it, once nothing is queued or in flight.
    pub async fn settled_deliveries(&self, who: &Someone, plan_id: i64) -> serde_json::Value {
        for _ in 0..100 {
            let report: serde_json::Value = self
                .get_as(who, &format!("/api/v1/plans/{plan_id}/deliveries"))
                .await
                .json()
                .await
                .expect("json");
            let people = report["people"].as_array().expect("people");
            if !people.is_empty()
                && people
                    .iter()
                    .all(|r| r["status"] != "pending" && r["status"] != "sending")
            {
                return report;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("deliveries did not settle");
    }

    /// Publishes a filed plan's preview.
    pub async fn publish_plan(&self, w: &World, id: i64) {
        let response = self
            .post_as(
                &w.secretary_a,
                &format!("/api/v1/plans/{id}/publish"),
                &serde_json::json!({}),
            )
            .await;
        assert_eq!(response.status().as_u16(), 200, "publish");
    }

    /// A filed plan of branch A held today, check-in open all day (from yesterday noon to
    /// tomorrow noon), at `VENUE`.
    pub async fn open_activity(&self, w: &World) -> i64 {
        let today = huodongri::clock::now()
            .with_timezone(&huodongri::clock::shanghai())
            .date_naive();
        let body = serde_json::json!({"month": today.format("%Y-%m").to_string(), "theme": "扫码签到测试",
            "category": "党课", "date": today.to_string(), "date_reason": "测试：当日举办",
            "start_time": "00:00", "end_time": "23:59", "place": "党群服务中心", "organiser": "甲书记",
            "requirements": "", "latitude": VENUE.0, "longitude": VENUE.1,
            "checkin_opens_minutes_before": 720, "checkin_closes_minutes_after": 720});
        let id = self.draft_plan(w, &body).await;
        self.file_plan(w, id).await;
        id
    }
}
