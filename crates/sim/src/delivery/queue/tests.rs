//! The queue's state machine step by step: lines per `scanRef`, retries, the in-flight cap,
//! eviction, the journal's filters, and holding.

use super::*;

const AUTO: WebhookEventType = WebhookEventType::IdentificationAutoFinished;
const MANUAL: WebhookEventType = WebhookEventType::IdentificationManualFinished;
const SECOND: Duration = Duration::from_secs(1);

fn queue(retries: usize, max_records: usize, max_in_flight: usize) -> Queue {
    Queue::new(Limits {
        retry_schedule: (1..=u32::try_from(retries).unwrap())
            .map(|n| n * SECOND)
            .collect(),
        max_records,
        max_in_flight,
        hold_new: false,
        first_delay: Duration::ZERO,
    })
}

fn new(scan_ref: &str, event: WebhookEventType) -> NewDelivery {
    NewDelivery {
        scan_ref: Arc::from(scan_ref),
        event,
        target: Arc::from("http://127.0.0.1:9/hook"),
        payload: Payload::Signed(Signed {
            body: Arc::from(format!("{{\"scanRef\":\"{scan_ref}\"}}")),
            signature: Arc::from("signature"),
        }),
        refusal: None,
        redelivery_of: None,
        duplicate: false,
    }
}

/// The queue's reads as the journal shows them.
trait Journal {
    fn journal(&self, scan_ref: Option<&str>, event: Option<&WebhookEventType>) -> Vec<Delivery>;
    fn finished_deliveries(
        &self,
        scan_ref: &str,
        event: &WebhookEventType,
        count: usize,
    ) -> Option<Vec<Delivery>>;
    fn journal_entry(&self, id: u64) -> Option<Delivery>;
}

impl Journal for Queue {
    fn journal(&self, scan_ref: Option<&str>, event: Option<&WebhookEventType>) -> Vec<Delivery> {
        Snapshot::all_into_deliveries(self.deliveries(scan_ref, event))
    }

    fn finished_deliveries(
        &self,
        scan_ref: &str,
        event: &WebhookEventType,
        count: usize,
    ) -> Option<Vec<Delivery>> {
        self.finished(scan_ref, event, count)
            .map(Snapshot::all_into_deliveries)
    }

    fn journal_entry(&self, id: u64) -> Option<Delivery> {
        self.delivery(id).map(Snapshot::into_delivery)
    }
}

fn answered(status: u16) -> Outcome {
    Outcome {
        answer: Ok(status),
        elapsed: Duration::from_millis(7),
        started_at_ms: 0,
    }
}

fn unanswered() -> Outcome {
    Outcome {
        answer: Err("connection failed".to_owned()),
        elapsed: Duration::from_millis(3),
        started_at_ms: 0,
    }
}

fn started(queue: &mut Queue, now: Instant) -> Vec<u64> {
    queue
        .start_ready(now)
        .into_iter()
        .map(|(start, change)| {
            assert_eq!(start.id, change.id);
            assert_eq!(change.stage, Stage::InFlight);
            start.id
        })
        .collect()
}

fn states(queue: &Queue) -> Vec<(u64, DeliveryState)> {
    queue
        .deliveries(None, None)
        .iter()
        .map(|delivery| (delivery.id, delivery.state))
        .collect()
}

#[test]
fn a_scan_refs_deliveries_go_one_at_a_time_in_order_beside_other_scan_refs() {
    let now = Instant::now();
    let mut queue = queue(0, 10, 10);
    let change = queue.enqueue(new("a", AUTO)).unwrap();
    assert_eq!(
        (change.id, change.stage, change.attempts),
        (1, Stage::Queued, 0)
    );
    assert_eq!(queue.enqueue(new("a", MANUAL)).unwrap().id, 2);
    assert_eq!(queue.enqueue(new("b", AUTO)).unwrap().id, 3);
    assert!(!queue.is_idle());
    assert_eq!(started(&mut queue, now), [1, 3]);
    assert_eq!(started(&mut queue, now), [] as [u64; 0], "2 waits for 1");
    let change = queue.finish(1, answered(204), now).unwrap();
    assert_eq!((change.stage, change.attempts), (Stage::Delivered, 1));
    assert_eq!(started(&mut queue, now), [2]);
    queue.finish(2, answered(200), now).unwrap();
    assert!(!queue.is_idle(), "3 is still in flight");
    queue.finish(3, answered(299), now).unwrap();
    assert!(queue.is_idle());
    assert_eq!(
        states(&queue),
        [
            (1, DeliveryState::Delivered),
            (2, DeliveryState::Delivered),
            (3, DeliveryState::Delivered)
        ]
    );
    let report = queue.report();
    assert_eq!((report.delivered, report.failed), (3, 0));
    assert!(report.unfinished.is_empty());
}

#[test]
fn failed_attempts_are_retried_on_the_schedule_then_fail() {
    let now = Instant::now();
    let mut queue = queue(2, 10, 10);
    queue.enqueue(new("a", AUTO)).unwrap();
    queue.enqueue(new("a", MANUAL)).unwrap();
    assert_eq!(started(&mut queue, now), [1]);
    let change = queue.finish(1, answered(500), now).unwrap();
    assert_eq!(change.stage, Stage::Scheduled(now + SECOND));
    assert_eq!(queue.next_timer(), Some(now + SECOND));
    assert_eq!(states(&queue)[0], (1, DeliveryState::Pending));
    assert_eq!(started(&mut queue, now + SECOND / 2), [] as [u64; 0]);
    assert_eq!(started(&mut queue, now + SECOND), [1], "due exactly then");
    assert_eq!(queue.next_timer(), None);
    let later = now + 3 * SECOND;
    let change = queue.finish(1, answered(300), later).unwrap();
    assert_eq!(change.stage, Stage::Scheduled(later + 2 * SECOND));
    assert_eq!(started(&mut queue, later + 2 * SECOND), [1]);
    let change = queue.finish(1, unanswered(), later).unwrap();
    assert_eq!((change.stage, change.attempts), (Stage::Failed, 3));
    assert_eq!(
        started(&mut queue, later),
        [2],
        "the next goes after a failure"
    );

    let failed = &queue.journal(None, Some(&AUTO))[0];
    assert_eq!(failed.state, DeliveryState::Failed);
    let attempts = failed.attempt_outcomes();
    assert_eq!(
        attempts,
        [
            (1, Some(500), None),
            (2, Some(300), None),
            (3, None, Some("connection failed"))
        ]
    );
    assert_eq!(failed.attempts[0].elapsed_ms, 7);
    assert_eq!(failed.attempts[2].elapsed_ms, 3);
    let report = queue.report();
    assert_eq!((report.delivered, report.failed), (0, 1));
    assert_eq!(report.unfinished.len(), 1);
    assert_eq!(report.unfinished[0].id, 2);
}

#[test]
fn statuses_just_outside_2xx_are_failures() {
    let now = Instant::now();
    for status in [199, 300] {
        let mut queue = queue(0, 10, 10);
        queue.enqueue(new("a", AUTO)).unwrap();
        started(&mut queue, now);
        assert_eq!(
            queue.finish(1, answered(status), now).unwrap().stage,
            Stage::Failed,
            "{status}"
        );
    }
}

#[test]
fn refused_targets_fail_at_once_without_an_attempt_slot() {
    let now = Instant::now();
    let mut queue = queue(3, 10, 10);
    let change = queue
        .enqueue(NewDelivery {
            refusal: Some("not sent".to_owned()),
            ..new("a", AUTO)
        })
        .unwrap();
    assert_eq!((change.stage, change.attempts), (Stage::Failed, 1));
    assert!(queue.is_idle());
    assert_eq!(started(&mut queue, now), [] as [u64; 0]);
    let failed = &queue.journal(None, None)[0];
    assert_eq!(failed.attempts[0].error.as_deref(), Some("not sent"));
    assert_eq!(failed.attempts[0].number, 1);
    assert_eq!(queue.report().failed, 1);
    queue.enqueue(new("a", MANUAL)).unwrap();
    assert_eq!(
        started(&mut queue, now),
        [2],
        "a refusal does not block the line"
    );
}

#[test]
fn attempts_in_flight_stay_within_the_limit() {
    let now = Instant::now();
    let mut queue = queue(1, 10, 2);
    for scan_ref in ["a", "b", "c"] {
        queue.enqueue(new(scan_ref, AUTO)).unwrap();
    }
    assert_eq!(started(&mut queue, now), [1, 2]);
    queue.finish(1, answered(500), now).unwrap();
    assert_eq!(started(&mut queue, now), [3], "a slot freed by a retry");
    assert_eq!(started(&mut queue, now + SECOND), [] as [u64; 0], "full");
    queue.finish(2, answered(200), now).unwrap();
    assert_eq!(started(&mut queue, now + SECOND), [1]);
}

#[test]
fn only_attempts_in_flight_can_finish() {
    let now = Instant::now();
    let mut queue = queue(0, 10, 10);
    queue.enqueue(new("a", AUTO)).unwrap();
    assert_eq!(queue.finish(1, answered(200), now), None, "queued");
    assert_eq!(queue.finish(9, answered(200), now), None, "unknown");
    started(&mut queue, now);
    queue.finish(1, answered(200), now).unwrap();
    assert_eq!(queue.finish(1, answered(200), now), None, "finished");
    assert_eq!(queue.report().delivered, 1);
}

#[test]
fn the_journal_forgets_the_oldest_finished_records_only() {
    let now = Instant::now();
    let mut queue = queue(0, 3, 10);
    queue.enqueue(new("a", AUTO)).unwrap();
    queue.enqueue(new("b", AUTO)).unwrap();
    queue.enqueue(new("b", MANUAL)).unwrap();
    assert_eq!(started(&mut queue, now), [1, 2]);
    queue.finish(2, answered(200), now).unwrap();
    queue.enqueue(new("c", AUTO)).unwrap();
    let ids =
        |queue: &Queue| -> Vec<u64> { queue.journal(None, None).iter().map(|d| d.id).collect() };
    assert_eq!(ids(&queue), [1, 3, 4], "2 was the only finished one");
    assert_eq!(
        queue
            .deliveries(Some("b"), None)
            .iter()
            .map(|d| d.id)
            .collect::<Vec<_>>(),
        [3],
        "b's other delivery is still found by scanRef"
    );
    assert_eq!(
        queue.enqueue(new("d", AUTO)),
        Err(JournalFull { unfinished: 3 }),
        "past the cap: new work is refused, nothing pending is dropped"
    );
    assert_eq!(ids(&queue), [1, 3, 4]);
    queue.finish(1, answered(200), now).unwrap();
    assert_eq!(queue.enqueue(new("e", AUTO)).unwrap().id, 5);
    assert_eq!(
        ids(&queue),
        [3, 4, 5],
        "room again as soon as a record finished"
    );
    assert!(queue.journal(Some("a"), None).is_empty());
    assert_eq!(queue.report().delivered, 2, "counts outlive records");
}

#[test]
fn a_full_journal_of_finished_records_forgets_only_the_oldest() {
    let now = Instant::now();
    let mut queue = queue(0, 3, 10);
    for scan_ref in ["a", "b", "c"] {
        queue.enqueue(new(scan_ref, AUTO)).unwrap();
    }
    for id in started(&mut queue, now) {
        queue.finish(id, answered(200), now).unwrap();
    }
    queue.enqueue(new("d", AUTO)).unwrap();
    let kept: Vec<u64> = queue.journal(None, None).iter().map(|d| d.id).collect();
    assert_eq!(kept, [2, 3, 4], "one forgotten to make room for one");
}

#[test]
fn a_cap_of_zero_keeps_the_newest_record() {
    let now = Instant::now();
    let mut queue = queue(0, 0, 10);
    queue.enqueue(new("a", AUTO)).unwrap();
    started(&mut queue, now);
    queue.finish(1, answered(200), now).unwrap();
    queue.enqueue(new("b", AUTO)).unwrap();
    let kept: Vec<u64> = queue.journal(None, None).iter().map(|d| d.id).collect();
    assert_eq!(kept, [2]);
}

#[test]
fn the_journal_filters_by_scan_ref_and_event_and_copies_what_was_sent() {
    let mut queue = queue(0, 10, 10);
    queue.enqueue(new("a", AUTO)).unwrap();
    queue.enqueue(new("b", AUTO)).unwrap();
    queue.enqueue(new("a", MANUAL)).unwrap();
    let ids = |scan_ref: Option<&str>, event: Option<&WebhookEventType>| -> Vec<u64> {
        queue
            .deliveries(scan_ref, event)
            .iter()
            .map(|d| d.id)
            .collect()
    };
    assert_eq!(ids(None, None), [1, 2, 3]);
    assert_eq!(ids(Some("a"), None), [1, 3]);
    assert_eq!(ids(None, Some(&AUTO)), [1, 2]);
    assert_eq!(ids(Some("a"), Some(&MANUAL)), [3]);
    assert_eq!(ids(Some("z"), None), [] as [u64; 0]);
    let delivery = &queue.journal(Some("b"), None)[0];
    assert_eq!(delivery.scan_ref, "b");
    assert_eq!(delivery.event, AUTO);
    assert_eq!(delivery.target, "http://127.0.0.1:9/hook");
    assert_eq!(&*delivery.body, r#"{"scanRef":"b"}"#);
    assert_eq!(delivery.signature, "signature");
    assert_eq!(delivery.state, DeliveryState::Pending);
}

#[test]
fn finished_counts_only_final_deliveries_of_the_event() {
    let now = Instant::now();
    let mut queue = queue(0, 10, 10);
    queue.enqueue(new("a", MANUAL)).unwrap();
    queue.enqueue(new("a", AUTO)).unwrap();
    queue.enqueue(new("a", MANUAL)).unwrap();
    assert_eq!(queue.finished_deliveries("a", &MANUAL, 0), Some(Vec::new()));
    assert_eq!(
        queue.finished_deliveries("a", &MANUAL, 1),
        None,
        "still pending"
    );
    started(&mut queue, now);
    queue.finish(1, answered(200), now).unwrap();
    let found = queue.finished_deliveries("a", &MANUAL, 1).unwrap();
    assert_eq!(found.iter().map(|d| d.id).collect::<Vec<_>>(), [1]);
    assert_eq!(queue.finished_deliveries("a", &MANUAL, 2), None);
    assert_eq!(queue.finished_deliveries("a", &AUTO, 1), None);
    started(&mut queue, now);
    queue.finish(2, answered(200), now).unwrap();
    started(&mut queue, now);
    queue.finish(3, answered(500), now).unwrap();
    let found = queue.finished_deliveries("a", &MANUAL, 2).unwrap();
    assert_eq!(found.iter().map(|d| d.id).collect::<Vec<_>>(), [1, 3]);
    assert_eq!(queue.finished_deliveries("b", &MANUAL, 1), None);
}

#[test]
fn held_deliveries_wait_with_their_line_until_released() {
    let now = Instant::now();
    let mut queue = queue(1, 10, 10);
    queue.enqueue(new("a", AUTO)).unwrap();
    queue.enqueue(new("a", MANUAL)).unwrap();
    queue.enqueue(new("b", AUTO)).unwrap();
    assert_eq!(queue.hold(1).unwrap().stage, Stage::Held);
    assert_eq!(queue.hold(1), None, "already held");
    assert_eq!(queue.hold(2).unwrap().stage, Stage::Held, "waiting in line");
    assert_eq!(started(&mut queue, now), [3]);
    assert_eq!(queue.hold(3), None, "in flight");
    assert_eq!(queue.release(3), None, "not held");
    assert_eq!(states(&queue)[0], (1, DeliveryState::Held));
    assert_eq!(queue.release(1).unwrap().stage, Stage::Queued);
    assert_eq!(started(&mut queue, now), [1]);
    queue.finish(1, answered(200), now).unwrap();
    assert_eq!(started(&mut queue, now), [] as [u64; 0], "2 is still held");
    assert!(!queue.is_idle());
    queue.release(2).unwrap();
    assert_eq!(started(&mut queue, now), [2]);
    queue.finish(3, answered(500), now).unwrap();
    assert_eq!(
        queue.hold(3).unwrap().stage,
        Stage::Held,
        "a scheduled retry"
    );
    assert_eq!(queue.next_timer(), None);
    assert_eq!(started(&mut queue, now + SECOND), [] as [u64; 0]);
    queue.release(3).unwrap();
    assert_eq!(started(&mut queue, now), [3], "released, it goes at once");
    assert_eq!(queue.hold(99), None);
    assert_eq!(queue.release(99), None);
}

#[test]
fn each_target_has_its_own_attempt_slots() {
    let now = Instant::now();
    let mut queue = queue(0, 10, 1);
    let to = |scan_ref: &str, target: &str| NewDelivery {
        target: Arc::from(target),
        ..new(scan_ref, AUTO)
    };
    queue.enqueue(to("a", "http://127.0.0.1:1/hung")).unwrap();
    queue.enqueue(to("b", "http://127.0.0.1:1/hung")).unwrap();
    queue
        .enqueue(to("c", "http://127.0.0.1:2/healthy"))
        .unwrap();
    queue
        .enqueue(to("d", "http://127.0.0.1:2/healthy"))
        .unwrap();
    assert_eq!(started(&mut queue, now), [1, 3], "one slot per target");
    queue.finish(3, answered(200), now).unwrap();
    assert_eq!(
        started(&mut queue, now),
        [4],
        "the healthy target goes on while the hung one is busy"
    );
    queue.finish(1, answered(200), now).unwrap();
    assert_eq!(started(&mut queue, now), [2]);
}

#[test]
fn with_holding_on_new_deliveries_wait_and_go_in_the_order_released() {
    let now = Instant::now();
    let mut queue = Queue::new(Limits {
        hold_new: true,
        ..queue(0, 10, 10).limits
    });
    assert_eq!(queue.enqueue(new("a", AUTO)).unwrap().stage, Stage::Held);
    assert_eq!(queue.enqueue(new("a", MANUAL)).unwrap().stage, Stage::Held);
    let refused = NewDelivery {
        refusal: Some("not loopback".to_owned()),
        ..new("b", AUTO)
    };
    assert_eq!(
        queue.enqueue(refused).unwrap().stage,
        Stage::Failed,
        "refusals fail at once"
    );
    assert_eq!(
        started(&mut queue, now),
        [] as [u64; 0],
        "nothing leaves unreleased"
    );
    queue.release(2).unwrap();
    assert_eq!(
        started(&mut queue, now),
        [2],
        "the review first, as released"
    );
    queue.release(1).unwrap();
    assert_eq!(
        started(&mut queue, now),
        [] as [u64; 0],
        "behind 2 in its line"
    );
    queue.finish(2, answered(200), now).unwrap();
    assert_eq!(started(&mut queue, now), [1]);
    let again = NewDelivery {
        redelivery_of: Some(2),
        ..new("a", MANUAL)
    };
    assert_eq!(
        queue.enqueue(again).unwrap().stage,
        Stage::Queued,
        "redeliveries are never held"
    );
}

#[test]
fn a_page_selects_by_state_and_after_and_stops_at_the_limit() {
    let now = Instant::now();
    let mut queue = queue(0, 10, 10);
    for scan_ref in ["a", "b", "c", "d"] {
        queue.enqueue(new(scan_ref, AUTO)).unwrap();
    }
    assert_eq!(started(&mut queue, now), [1, 2, 3, 4]);
    queue.finish(2, answered(200), now).unwrap();
    let ids = |query: JournalQuery<'_>| -> Vec<u64> {
        queue
            .page(&query)
            .iter()
            .map(|delivery| delivery.id)
            .collect()
    };
    let state = |state| JournalQuery {
        state: Some(state),
        ..JournalQuery::default()
    };
    assert_eq!(ids(state(DeliveryState::Delivered)), [2]);
    assert_eq!(ids(state(DeliveryState::Pending)), [1, 3, 4]);
    let after = |after, limit| JournalQuery {
        after: Some(after),
        limit,
        ..JournalQuery::default()
    };
    assert_eq!(ids(after(2, None)), [3, 4], "strictly after");
    assert_eq!(ids(after(0, Some(2))), [1, 2]);
    assert_eq!(ids(after(4, None)), [] as [u64; 0]);
    let of_a = JournalQuery {
        scan_ref: Some("a"),
        after: Some(1),
        ..JournalQuery::default()
    };
    assert_eq!(ids(of_a), [] as [u64; 0]);
}

#[test]
fn a_reset_forgets_everything_but_the_next_id() {
    let now = Instant::now();
    let mut queue = queue(0, 10, 10);
    queue.enqueue(new("a", AUTO)).unwrap();
    queue.enqueue(new("b", AUTO)).unwrap();
    assert_eq!(started(&mut queue, now), [1, 2]);
    queue.finish(1, answered(200), now).unwrap();
    queue.reset();
    assert!(queue.journal(None, None).is_empty());
    assert!(queue.is_idle());
    assert_eq!(queue.stage(1), None);
    assert_eq!(queue.report().delivered, 0);
    assert_eq!(
        queue.enqueue(new("a", AUTO)).unwrap().id,
        3,
        "ids keep increasing"
    );
    assert_eq!(queue.stage(3), Some(Stage::Queued));
}

#[test]
fn a_redelivery_copies_the_webhook_and_names_its_original() {
    let mut queue = queue(0, 10, 10);
    queue.enqueue(new("a", MANUAL)).unwrap();
    let copy = queue.redelivery(1).unwrap();
    assert_eq!(copy.redelivery_of, Some(1));
    assert_eq!(
        (
            &*copy.scan_ref,
            &copy.event,
            &*copy.target,
            copy.payload.signed(),
        ),
        (
            "a",
            &MANUAL,
            "http://127.0.0.1:9/hook",
            Signed {
                body: Arc::from("{\"scanRef\":\"a\"}"),
                signature: Arc::from("signature"),
            },
        )
    );
    assert!(copy.refusal.is_none() && !copy.duplicate);
    assert!(queue.redelivery(2).is_none());
}

#[test]
fn a_duplicate_is_taken_once_and_only_after_delivery() {
    let now = Instant::now();
    let mut queue = queue(0, 10, 10);
    let drawn = NewDelivery {
        duplicate: true,
        ..new("a", AUTO)
    };
    queue.enqueue(drawn).unwrap();
    queue.enqueue(new("b", AUTO)).unwrap();
    assert_eq!(started(&mut queue, now), [1, 2]);
    assert!(queue.take_duplicate(1).is_none(), "still in flight");
    queue.finish(1, answered(200), now).unwrap();
    queue.finish(2, answered(200), now).unwrap();
    assert!(queue.take_duplicate(2).is_none(), "not drawn");
    assert_eq!(queue.take_duplicate(1).unwrap().redelivery_of, Some(1));
    assert!(queue.take_duplicate(1).is_none(), "only once");
}

#[test]
fn the_report_names_the_attempts_in_flight() {
    let now = Instant::now();
    let mut queue = queue(0, 10, 10);
    queue.enqueue(new("a", AUTO)).unwrap();
    queue.enqueue(new("a", MANUAL)).unwrap();
    assert_eq!(started(&mut queue, now), [1]);
    let report = queue.report();
    assert_eq!(report.in_flight, [1]);
    let unfinished: Vec<u64> = report
        .unfinished
        .iter()
        .map(|delivery| delivery.id)
        .collect();
    assert_eq!(unfinished, [1, 2]);
}

#[test]
fn a_released_delivery_already_in_its_line_is_not_queued_twice() {
    let now = Instant::now();
    let mut queue = queue(0, 10, 10);
    queue.enqueue(new("a", AUTO)).unwrap();
    queue.enqueue(new("a", MANUAL)).unwrap();
    queue.hold(2).unwrap();
    queue.release(2).unwrap();
    assert_eq!(started(&mut queue, now), [1]);
    queue.finish(1, answered(200), now).unwrap();
    assert_eq!(started(&mut queue, now), [2]);
    queue.finish(2, answered(200), now).unwrap();
    assert_eq!(started(&mut queue, now), [] as [u64; 0]);
    assert!(queue.is_idle(), "2 left its line once");
}

#[test]
fn eviction_forgets_a_finished_record_and_keeps_the_unfinished_one_ahead_of_it() {
    let now = Instant::now();
    let mut queue = queue(0, 3, 10);
    // a#1 stays in flight; a#2 is refused, so finished at once; b#3 fills the journal.
    queue.enqueue(new("a", AUTO)).unwrap();
    assert_eq!(started(&mut queue, now), [1]);
    let refused = NewDelivery {
        refusal: Some("not loopback".to_owned()),
        ..new("a", MANUAL)
    };
    queue.enqueue(refused).unwrap();
    queue.enqueue(new("b", AUTO)).unwrap();
    // The next one forgets the oldest finished record: a#2, behind a#1 in a's list.
    queue.enqueue(new("c", AUTO)).unwrap();
    let ids = |scan_ref| {
        queue
            .deliveries(Some(scan_ref), None)
            .iter()
            .map(|delivery| delivery.id)
            .collect::<Vec<_>>()
    };
    assert_eq!(ids("a"), [1]);
    assert_eq!(ids("b"), [3]);
    assert_eq!(ids("c"), [4]);
    // Ids now have a gap: each is still found where it is, and the forgotten one nowhere.
    assert_eq!(queue.journal_entry(2), None);
    assert_eq!(
        queue.journal_entry(3).map(|delivery| delivery.scan_ref),
        Some("b".to_owned())
    );
    assert_eq!(queue.journal_entry(5), None);
}

#[test]
fn an_attempt_is_read_back_by_its_number() {
    let now = Instant::now();
    let mut queue = queue(1, 10, 10);
    queue.enqueue(new("a", AUTO)).unwrap();
    assert_eq!(started(&mut queue, now), [1]);
    queue.finish(1, unanswered(), now).unwrap();
    let later = now + SECOND;
    assert_eq!(started(&mut queue, later), [1]);
    queue.finish(1, answered(200), later).unwrap();
    let first = queue.attempt(1, 1).unwrap();
    assert_eq!(
        (first.number, first.status, first.error.as_deref()),
        (1, None, Some("connection failed"))
    );
    let second = queue.attempt(1, 2).unwrap();
    assert_eq!(
        (second.number, second.status, second.error),
        (2, Some(200), None)
    );
    assert_eq!(queue.attempt(1, 3), None);
    assert_eq!(queue.attempt(2, 1), None);
}
