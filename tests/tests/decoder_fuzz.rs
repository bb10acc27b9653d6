//! Arbitrary bytes as response bodies, under every documented status and some undocumented ones,
//! through every operation of the clients generated from the two excerpt fixtures: each call ends in a value or a typed error,
//! never a panic and never a hang.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use sdk_tests::{Reply, TestServer};

type Call = Box<dyn Fn() -> Pin<Box<dyn Future<Output = Result<(), u16>> + Send>> + Send + Sync>;

/// A small deterministic generator (xorshift), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const SEEDS: &[&str] = &[
    r#"{"data":[{"fid":"a","name":"n","project":"p","created_at":"t","created_by":"u","instance_type":"i","status":"STATUS_NEW"}],"next_cursor":null}"#,
    r#"{"success":true,"error":"invalid_id","msg":"m","detail":"d"}"#,
    r#"{"instances":{"a":"STATUS_RUNNING"},"detail":[{"loc":["q",1],"msg":"m","type":"t"}]}"#,
    r#"{"fid":"a","name":"n","status":"X","end_time":null,"instances":[{"instance_fid":"i","events":[{"price_cents":1,"start_time":"s","end_time":null}]}]}"#,
    "<html><body>Bad gateway</body></html>",
    "",
    "null",
    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
];

fn body(rng: &mut Rng) -> Vec<u8> {
    let seed = SEEDS[rng.below(SEEDS.len())].as_bytes().to_vec();
    match rng.below(4) {
        // As is.
        0 => seed,
        // Truncated.
        1 => seed[..rng.below(seed.len() + 1)].to_vec(),
        // Some bytes flipped.
        2 => {
            let mut b = seed;
            for _ in 0..1 + rng.below(4) {
                if !b.is_empty() {
                    let i = rng.below(b.len());
                    b[i] = rng.next() as u8;
                }
            }
            b
        }
        // Pure noise.
        _ => (0..rng.below(64)).map(|_| rng.next() as u8).collect(),
    }
}

const STATUSES: &[u16] = &[
    200, 201, 204, 400, 401, 403, 404, 409, 418, 422, 429, 483, 500, 501,
];

fn calls(vast: fixture_excerpt_vast::Client, mithril: fixture_excerpt_mithril::Client) -> Vec<(&'static str, Call)> {
    fn call<T, E: std::fmt::Debug>(r: Result<T, fixture_excerpt_vast::Error<E>>) -> Result<(), u16> {
        r.map(drop)
            .map_err(|e| e.status().map(|s| s.as_u16()).unwrap_or(0))
    }
    let v1 = vast.clone();
    let v2 = vast.clone();
    let v3 = vast;
    let m1 = mithril.clone();
    let m2 = mithril.clone();
    let m3 = mithril.clone();
    let m4 = mithril.clone();
    let m5 = mithril;
    vec![
        (
            "vast manage_instance",
            Box::new(move || {
                let c = v1.clone();
                Box::pin(async move { call(c.manage_instance(1, Default::default()).await) })
            }),
        ),
        (
            "vast recycle_instance",
            Box::new(move || {
                let c = v2.clone();
                Box::pin(async move { call(c.recycle_instance(1).await) })
            }),
        ),
        (
            "vast execute",
            Box::new(move || {
                let c = v3.clone();
                Box::pin(async move {
                    call(
                        c.execute(
                            1,
                            fixture_excerpt_vast::types::ExecuteRequest {
                                command: "ls".into(),
                            },
                        )
                        .await,
                    )
                })
            }),
        ),
        (
            "mithril get_instances",
            Box::new(move || {
                let c = m1.clone();
                Box::pin(async move { call(c.get_instances("p").await) })
            }),
        ),
        (
            "mithril put_instance_status",
            Box::new(move || {
                let c = m2.clone();
                let body = fixture_excerpt_mithril::types::PatchInstanceStatusRequest {
                    instances: vec!["a".into()],
                    status: fixture_excerpt_mithril::types::TargetInstanceStatus::Paused,
                };
                Box::pin(async move { call(c.put_instance_status(body).await) })
            }),
        ),
        (
            "mithril get_instance_status",
            Box::new(move || {
                let c = m3.clone();
                Box::pin(async move { call(c.get_instance_status("i").await) })
            }),
        ),
        (
            "mithril get_instance_status_history",
            Box::new(move || {
                let c = m4.clone();
                Box::pin(async move { call(c.get_instance_status_history("p").await) })
            }),
        ),
        (
            "mithril get_instance_pricing_history",
            Box::new(move || {
                let c = m5.clone();
                Box::pin(async move { call(c.get_instance_pricing_history("p").await) })
            }),
        ),
    ]
}

#[tokio::test]
async fn every_decoder_survives_arbitrary_bodies() {
    let state = Arc::new(AtomicU64::new(0x9E37_79B9_7F4A_7C15));
    let s = state.clone();
    let server = TestServer::start(move |_| {
        let mut rng = Rng(s.fetch_add(0x2545_F491_4F6C_DD1D, Ordering::Relaxed) | 1);
        let status = STATUSES[rng.below(STATUSES.len())];
        Reply::status(status).body(if status == 204 {
            Vec::new()
        } else {
            body(&mut rng)
        })
    })
    .await;
    let no_retry = sdkgen_runtime::RetryPolicy::disabled();
    let vast = fixture_excerpt_vast::Client::builder()
        .api_key("k")
        .base_url(server.url())
        .retry(no_retry.clone())
        .build()
        .unwrap();
    let mithril = fixture_excerpt_mithril::Client::builder()
        .api_key("k")
        .base_url(server.url())
        .retry(no_retry)
        .build()
        .unwrap();
    let mut outcomes = 0;
    for (name, call) in calls(vast, mithril) {
        for _ in 0..150 {
            // A panic inside would fail the test; a hang would hit the timeout.
            let r = tokio::time::timeout(std::time::Duration::from_secs(5), call()).await;
            assert!(r.is_ok(), "{name} hung");
            outcomes += 1;
        }
    }
    assert_eq!(outcomes, 8 * 150);
    assert_eq!(server.hits(), 8 * 150);
}
