//! Deliveries ready to start, one queue per target URL, and the attempts in flight per target:
//! a hung receiver fills only its own slots, never another receiver's.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::Arc;

/// Ready deliveries and attempt slots, per target URL.
#[derive(Debug)]
pub(super) struct Slots {
    /// Ready ids per target, in order.
    ready: BTreeMap<Arc<str>, VecDeque<u64>>,
    /// Attempts running per target.
    in_flight: HashMap<Arc<str>, usize>,
    /// Attempts allowed at once per target.
    max_in_flight: usize,
}

impl Slots {
    /// No ready delivery and no attempt running; `max_in_flight` attempts per target.
    pub(super) fn new(max_in_flight: usize) -> Self {
        Self {
            ready: BTreeMap::new(),
            in_flight: HashMap::new(),
            max_in_flight,
        }
    }

    /// Queues `id` behind the ready deliveries of `target`.
    pub(super) fn push(&mut self, target: &Arc<str>, id: u64) {
        self.ready
            .entry(Arc::clone(target))
            .or_default()
            .push_back(id);
    }

    /// Takes `id` out of `target`'s ready deliveries.
    pub(super) fn remove(&mut self, target: &str, id: u64) {
        if let Some(queue) = self.ready.get_mut(target) {
            queue.retain(|ready| *ready != id);
            if queue.is_empty() {
                self.ready.remove(target);
            }
        }
    }

    /// The oldest ready delivery among the targets with a free slot, now counted in flight to
    /// its target.
    pub(super) fn start_next(&mut self) -> Option<(u64, Arc<str>)> {
        let target = self
            .ready
            .iter()
            .filter(|(target, _)| self.running(target) < self.max_in_flight)
            .filter_map(|(target, queue)| queue.front().map(|id| (*id, target)))
            .min()
            .map(|(_, target)| Arc::clone(target))?;
        let queue = self.ready.get_mut(&target)?;
        let id = queue.pop_front()?;
        if queue.is_empty() {
            self.ready.remove(&target);
        }
        *self.in_flight.entry(Arc::clone(&target)).or_default() += 1;
        Some((id, target))
    }

    /// Frees the slot of an attempt to `target` that ended.
    pub(super) fn finished(&mut self, target: &str) {
        if let Some(running) = self.in_flight.get_mut(target) {
            *running -= 1;
            if *running == 0 {
                self.in_flight.remove(target);
            }
        }
    }

    fn running(&self, target: &str) -> usize {
        self.in_flight.get(target).copied().unwrap_or(0)
    }
}
