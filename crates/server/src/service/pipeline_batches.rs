//! The pipeline's write batches: what goes to the writer and when — events at once (with the
//! flight rows that changed with them), positions and flight rows every `flush_ms`, spread so
//! that no commit grows large enough to delay an event behind it.

use std::sync::atomic::Ordering;

use vigia_store::WriteBatch;

use super::{Pipeline, FLIGHT_ROWS_PER_FLUSH, FLIGHT_ROW_EVERY_S};
use crate::service::writer::WriterMessage;

impl Pipeline {
    /// Send the pending events at once, with the flight rows that changed with them, in a
    /// batch of their own: their durable commit does not wait behind a batch of positions.
    pub(super) fn send_events(&mut self) {
        // A worker's batch carries its offset: everything before it goes too.
        let positions = if self.bus.is_some() {
            std::mem::take(&mut self.batch.positions)
        } else {
            Vec::new()
        };
        let mut batch = WriteBatch {
            events: std::mem::take(&mut self.batch.events),
            flights: std::mem::take(&mut self.batch.flights),
            positions,
            offset: self.take_offset(),
        };
        let now = self.last_ts;
        for progress in self.flights.values_mut().filter(|p| p.urgent) {
            progress.urgent = false;
            progress.dirty = false;
            progress.last_written = now;
            batch.flights.push(progress.row.clone());
        }
        let metas = std::mem::take(&mut self.metas);
        self.metrics.writer_queue.fetch_add(1, Ordering::Relaxed);
        let _ = self.writes.send(WriterMessage::Batch { batch, metas });
    }

    /// Send what is pending to the writer (with every open flight when `all`).
    pub fn flush(&mut self, all: bool) {
        self.bus_end_stale();
        let now = self.last_ts;
        // Flights that start together would all be due together: a budget per flush spreads
        // their rewrites, so that no commit grows large enough to delay an event behind it.
        let mut budget = FLIGHT_ROWS_PER_FLUSH;
        for progress in self.flights.values_mut() {
            let due = progress.dirty && now - progress.last_written >= FLIGHT_ROW_EVERY_S;
            let take = progress.urgent || (all && progress.dirty) || (due && budget > 0);
            if take && !progress.urgent && !all {
                budget -= 1;
            }
            if take {
                progress.dirty = false;
                progress.urgent = false;
                progress.last_written = now;
                self.batch.flights.push(progress.row.clone());
            }
        }
        self.batch.offset = self.take_offset();
        if self.batch.is_empty() {
            return;
        }
        let batch = std::mem::take(&mut self.batch);
        let metas = std::mem::take(&mut self.metas);
        self.metrics.writer_queue.fetch_add(1, Ordering::Relaxed);
        let _ = self.writes.send(WriterMessage::Batch { batch, metas });
    }
}
